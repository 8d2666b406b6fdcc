"""Names, addresses and number false positives on real, third-party-labelled Chinese text.

The data are train/dev splits of five public research datasets (news, Weibo,
résumés, real delivery addresses), kept beside the repository in
``../shared/realtext/`` and never committed (research licences; see that
folder's README). Nobody here wrote or labelled this text, so it measures
what the generated corpus of ``accuracy.py`` cannot.

    python benchmarks/realtext.py                  # every set, the learned stage as installed
    python benchmarks/realtext.py --ner off        # rules only
    python benchmarks/realtext.py --part held      # the 20 % held out from tuning (by a hash of the id)
    python benchmarks/realtext.py --errors 20      # print missed and spurious spans (for development only)
    python benchmarks/realtext.py --json out.json  # the figures, for benchmarks/README.md

How each set is scored (the folder's README gives the label mapping):

- ``PERSON_NAME``: gold names of 2–4 Han characters (CLUENER ``name``, Weibo
  ``PER.NAM``, MSRA ``PER``, Resume ``NAME``). Recall: gold names overlapped by
  a name finding. Precision: name findings overlapping any gold name span /
  all name findings.
- ``CN_ADDRESS`` in prose: gold location spans that reach below the county
  (contain 乡 镇 街道 村 社区 组 路 街 巷 号 小区 栋 单元 室 楼). Recall over those;
  precision: address findings overlapping any gold location span / all.
- ``CN_ADDRESS`` in delivery addresses: every line is one address; those with
  an element below the county (town … roomno) must be found, three ways: bare,
  after ``住址：``, and as a cell under a ``住址`` column. "Covered to the end":
  the findings cover the last below-county element's last character, so
  redaction leaves no building or room number visible.
- Number types (ID, mobile, landline, card, e-mail): none of the sets labels
  them, so every finding is counted as a false positive to read.

Errors print masked unless ``--raw``; never paste them into the repository.
"""
from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import regex

from piiscan import Scanner, mask_value
from piiscan.entities import registry as entity_registry

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "realtext"

NAME_LABELS = {"cluener_train": {"name"}, "weibo_train": {"PER.NAM"}, "msra_devsplit": {"PER"},
               "resume_train": {"NAME"}}
LOC_LABELS = {"cluener_train": {"address"}, "weibo_train": {"LOC.NAM", "GPE.NAM"}, "msra_devsplit": {"LOC"},
              "resume_train": {"LOC"}}
BELOW_COUNTY = regex.compile(r"乡|镇|街道|村|社区|组|路|街|巷|号|小区|栋|单元|室|楼")
HAN_NAME = regex.compile(r"\p{Han}{2,4}")
ADDRESS_ELEMENTS_BELOW_COUNTY = {"town", "community", "road", "subroad", "roadno", "subroadno", "poi", "subpoi",
                                 "houseno", "cellno", "floorno", "roomno"}
# Every registered type but names and addresses (identifiers, numbers, e-mail): none of the sets labels
# them, so each finding is counted as a false positive to read.
NUMBER_TYPES = tuple(s.name for s in entity_registry.specs()
                     if s.name not in ("PERSON_NAME", "CN_ADDRESS") and not s.report_only)


@dataclass
class Score:
    gold: int = 0
    found: int = 0  # gold spans overlapped by a finding
    findings: int = 0
    correct: int = 0  # findings overlapping a gold span
    misses: list = field(default_factory=list)
    spurious: list = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.findings if self.findings else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        for k in ("gold", "found", "findings", "correct"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def row(self) -> dict:
        return {"gold": self.gold, "findings": self.findings, "precision": round(self.precision, 3),
                "recall": round(self.recall, 3), "f1": round(self.f1, 3)}


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def load(path: Path, part: str) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if part != "all":
                held = int(hashlib.sha1(rec["id"].encode()).hexdigest(), 16) % 5 == 0
                if held != (part == "held"):
                    continue
            out.append(rec)
    return out


def make_scanner(ner: str) -> Scanner:
    if ner == "auto":
        return Scanner()
    if "ner" not in inspect.signature(Scanner).parameters:
        if ner == "on":
            sys.exit("this piiscan has no learned stage (Scanner(ner=...)): use --ner auto or off")
        return Scanner()
    return Scanner(ner=(ner == "on"))


def score_ner_set(name: str, recs: list[dict], scanner: Scanner, sc_names: Score, sc_addr: Score,
                  numbers: Counter, number_examples: list) -> int:
    chars = 0
    for rec in recs:
        text = rec["text"]
        chars += len(text)
        found = scanner.scan(text)
        names = [(f.start, f.end) for f in found if f.type == "PERSON_NAME"]
        addrs = [(f.start, f.end) for f in found if f.type == "CN_ADDRESS"]
        for f in found:
            if f.type in NUMBER_TYPES:
                numbers[f.type] += 1
                number_examples.append((name, f.type, f.value))
        gold_names = [(s["start"], s["end"]) for s in rec["spans"] if s["label"] in NAME_LABELS[name]]
        scored_names = [g for g in gold_names if HAN_NAME.fullmatch(text[g[0]:g[1]])]
        sc_names.gold += len(scored_names)
        for g in scored_names:
            if any(overlaps(g, n) for n in names):
                sc_names.found += 1
            else:
                sc_names.misses.append((text, g))
        sc_names.findings += len(names)
        for n in names:
            if any(overlaps(n, g) for g in gold_names):
                sc_names.correct += 1
            else:
                sc_names.spurious.append((text, n))
        gold_locs = [(s["start"], s["end"]) for s in rec["spans"] if s["label"] in LOC_LABELS[name]]
        addr_gold = [g for g in gold_locs if BELOW_COUNTY.search(text[g[0]:g[1]])]
        sc_addr.gold += len(addr_gold)
        for g in addr_gold:
            if any(overlaps(g, a) for a in addrs):
                sc_addr.found += 1
            else:
                sc_addr.misses.append((text, g))
        sc_addr.findings += len(addrs)
        for a in addrs:
            if any(overlaps(a, g) for g in gold_locs):
                sc_addr.correct += 1
            else:
                sc_addr.spurious.append((text, a))
    return chars


@dataclass
class AddressScore(Score):
    to_end: int = 0
    covered_chars: int = 0
    below_chars: int = 0

    def row(self) -> dict:
        d = super().row()
        d.update({"covered_to_end": round(self.to_end / self.gold, 3) if self.gold else 1.0,
                  "below_county_chars_covered": round(self.covered_chars / self.below_chars, 3)
                  if self.below_chars else 1.0})
        return d


def score_addresses(recs: list[dict], scanner: Scanner, mode: str, numbers: Counter, number_examples: list) -> AddressScore:
    sc = AddressScore()
    prefix = "住址：" if mode == "label" else ""
    for rec in recs:
        text = rec["text"]
        below = [(s["start"], s["end"]) for s in rec["spans"] if s["label"] in ADDRESS_ELEMENTS_BELOW_COUNTY]
        scanned = prefix + text
        found = scanner.scan(scanned, label="住址" if mode == "column" else None)
        shift = len(prefix)
        addrs = [(f.start - shift, f.end - shift) for f in found if f.type == "CN_ADDRESS"]
        for f in found:
            if f.type in NUMBER_TYPES:
                numbers[f.type] += 1
                number_examples.append(("address_train", f.type, f.value))
        if not below:
            continue
        sc.gold += 1
        whole = (min(s for s, _ in below), max(e for _, e in below))
        hit = [a for a in addrs if overlaps(a, whole)]
        sc.findings += len(addrs)
        sc.correct += len(hit)
        covered = set()
        for a in hit:
            covered.update(range(max(a[0], 0), a[1]))
        chars = {i for s, e in below for i in range(s, e)}
        sc.below_chars += len(chars)
        sc.covered_chars += len(chars & covered)
        if hit:
            sc.found += 1
            last = max(e for _, e in below) - 1
            if last in covered:
                sc.to_end += 1
            else:
                sc.misses.append((text, whole, "short"))
        else:
            sc.misses.append((text, whole, "missed"))
    return sc


def show(label: str, items: list, raw: bool, limit: int) -> None:
    if not limit or not items:
        return
    print(f"\n{label} (first {min(limit, len(items))} of {len(items)}):")
    for text, span, *why in items[:limit]:
        piece = text[span[0]:span[1]]
        shown = piece if raw else mask_value("PERSON_NAME" if len(piece) <= 4 else "CN_ADDRESS", piece)
        ctx = text[max(0, span[0] - 12):span[1] + 12] if raw else ""
        print(f"  {shown!r} {' '.join(why)} {ctx!r}" if raw else f"  {shown!r} {' '.join(why)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("PIISCAN_REALTEXT", DEFAULT_DATA)))
    ap.add_argument("--ner", choices=["auto", "on", "off"], default="auto",
                    help="the learned name stage: as installed (auto), forced on, or off")
    ap.add_argument("--part", choices=["all", "tune", "held"], default="all",
                    help="all sentences, the 80 %% used for tuning, or the 20 %% held out (hash of the id)")
    ap.add_argument("--errors", type=int, default=0, help="print this many misses and spurious spans per score")
    ap.add_argument("--raw", action="store_true", help="print error spans unmasked (development only)")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    args = ap.parse_args(argv)

    if not (args.data / "README.md").is_file():
        print(f"skipped: no real-text data at {args.data} (set --data or PIISCAN_REALTEXT); "
              "the folder is kept beside the repository, never in it")
        return 0
    scanner = make_scanner(args.ner)
    scanner.scan("预热：张三，住址北京市海淀区中关村大街1号")  # load what loads lazily before timing

    results: dict = {"part": args.part, "ner": args.ner, "names": {}, "prose_addresses": {}, "addresses": {}}
    numbers: Counter = Counter()
    number_examples: list = []
    pooled_names, pooled_addr = Score(), Score()
    prose_chars, prose_seconds = 0, 0.0
    print(f"real text from {args.data} (part: {args.part}, learned stage: {args.ner})\n")
    print("| set | sentences | names: gold | P | R | F1 | prose addresses: gold | P | R |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in NAME_LABELS:
        recs = load(args.data / f"{name}.jsonl", args.part)
        sn, sa = Score(), Score()
        t0 = time.perf_counter()
        prose_chars += score_ner_set(name, recs, scanner, sn, sa, numbers, number_examples)
        prose_seconds += time.perf_counter() - t0
        pooled_names.add(sn)
        pooled_addr.add(sa)
        pooled_names.misses += sn.misses
        pooled_names.spurious += sn.spurious
        pooled_addr.misses += sa.misses
        pooled_addr.spurious += sa.spurious
        results["names"][name] = sn.row()
        results["prose_addresses"][name] = sa.row()
        print(f"| {name} | {len(recs)} | {sn.gold} | {sn.precision:.3f} | {sn.recall:.3f} | {sn.f1:.3f} "
              f"| {sa.gold} | {sa.precision:.3f} | {sa.recall:.3f} |")
    results["names"]["pooled"] = pooled_names.row()
    results["prose_addresses"]["pooled"] = pooled_addr.row()
    print(f"| **pooled** | | {pooled_names.gold} | {pooled_names.precision:.3f} | {pooled_names.recall:.3f} "
          f"| {pooled_names.f1:.3f} | {pooled_addr.gold} | {pooled_addr.precision:.3f} | {pooled_addr.recall:.3f} |")
    results["prose_chars_per_second"] = round(prose_chars / prose_seconds) if prose_seconds else None
    print(f"\nprose scanned at {results['prose_chars_per_second']:,} chars/s ({prose_chars:,} chars)")

    recs = load(args.data / "address_train.jsonl", args.part)
    print("\n| delivery addresses | with a below-county element | recall | covered to the end | below-county chars covered |")
    print("|---|---:|---:|---:|---:|")
    for mode in ("bare", "label", "column"):
        sc = score_addresses(recs, scanner, mode, numbers, number_examples)
        results["addresses"][mode] = sc.row()
        r = sc.row()
        print(f"| {mode} | {sc.gold} | {sc.recall:.3f} | {r['covered_to_end']:.3f} | {r['below_county_chars_covered']:.3f} |")
        show(f"addresses ({mode}) missed or cut short", sc.misses, args.raw, args.errors)

    results["number_false_positives"] = dict(numbers)
    print(f"\nnumber-type findings in real text (all false positives): {sum(numbers.values())} {dict(numbers)}")
    for where, typ, value in number_examples[: args.errors or 10]:
        print(f"  {where} {typ} {value if args.raw else mask_value(typ, value)}")
    show("names missed", pooled_names.misses, args.raw, args.errors)
    show("names spurious", pooled_names.spurious, args.raw, args.errors)
    show("prose addresses missed", pooled_addr.misses, args.raw, args.errors)
    show("prose addresses spurious", pooled_addr.spurious, args.raw, args.errors)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
