"""piiscan side by side with JioNLP, Presidio and the single-regex floor, in one process run.

    pip install -e ".[bench,dask]"
    python benchmarks/compare.py                 # ~5 MB speed text, 1 and 10 MB scaling
    python benchmarks/compare.py --big           # also the 100 MB point of the scaling curve

Every input is generated from fixed seeds (piiscan.synth values in Chinese
prose), so two runs see the same text. It reports:

1. Speed: MB/s (10^6 bytes of UTF-8 input) on free text cut into ~8,000-
   character documents, each tool given the same documents; and peak Python
   allocation while scanning (tracemalloc, separate run) plus the process RSS
   added by importing and setting the tool up (psutil).
2. Accuracy: precision/recall/F1 per type on a labelled corpus with exact
   spans (a finding counts only with the right type and the exact start and
   end). The corpus has the formats people write (spaced and full-width IDs,
   15-digit IDs, +86/0086 mobiles, 19-digit UnionPay cards, passbook
   accounts) and look-alikes that are not personal information (order
   numbers, amounts, IDs with a wrong check digit).
3. Scaling: time and peak RSS on 1, 10 (and with ``--big`` 100) MB files,
   each in a fresh subprocess: free text through ``piiscan.stream.scan_stream``
   and a dense CSV table through ``piiscan.stream.scan_csv_stream``, each next
   to the whole-file ``scan_file`` for comparison.

Peers, as a user would set them up:

* JioNLP: ``extract_id_card`` + ``extract_phone_number`` (detail=True), the
  phone type mapped to mobile/landline. It has no bank card or name extractor.
* Presidio: ``AnalyzerEngine`` with a no-download NLP engine (no spaCy model;
  no tokens, so no context enhancement) and a ``PatternRecognizer`` per
  Chinese type, with lookarounds instead of ``\\b`` (which fails next to Han
  characters) and check-digit / Luhn validation in ``validate_result``.
* Floor: piiscan's own combined regex, one ``finditer`` pass, no validation.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from throughput import (  # noqa: E402
    NUMBER_AND_EMAIL_TYPES, filler_text, floor_regex, generate, iter_text, machine_line, split_documents,
)

from piiscan import synth  # noqa: E402
from piiscan.scanner import Scanner  # noqa: E402
from piiscan.validators import bank_card, resident_id  # noqa: E402

ALL_TYPES = ["CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD", "EMAIL_ADDRESS", "CN_ADDRESS", "PERSON_NAME"]
Span = tuple[str, int, int]  # (type, start, end)


# --- the labelled corpus ---------------------------------------------------

_FW = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _id_variant(rng: random.Random) -> tuple[str, str]:
    v = synth.resident_id_number(rng)
    r = rng.random()
    if r < 0.6:
        return v, rng.choice(["身份证号：", "公民身份号码", "证件号码 ", ""])
    if r < 0.72:
        return f"{v[:6]} {v[6:14]} {v[14:]}", "身份证号 "
    if r < 0.84:
        return v.translate(_FW), "身份证号："
    return synth.legacy_id_number(rng), "身份证号码："


def _mobile_variant(rng: random.Random) -> tuple[str, str]:
    v = synth.mobile_number(rng)
    r = rng.random()
    if r < 0.7:
        return v, rng.choice(["手机：", "联系电话 ", "电话", "手机号码"])
    if r < 0.85:
        return f"{v[:3]} {v[3:7]} {v[7:]}", "手机 "
    return rng.choice(["+86 ", "+86-", "0086"]) + v, "联系电话："


def _card_variant(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.5:
        return synth.bank_card_number(rng), rng.choice(["银行卡号：", "惠农卡号 ", "开户账号"])
    if r < 0.7:
        return synth.bank_card_number(rng, length=16, prefix="621700"), "银行卡号："
    if r < 0.85:
        v = synth.bank_card_number(rng)
        return " ".join(v[i:i + 4] for i in range(0, len(v), 4)), "卡号 "
    return synth.bank_account_number(rng), "存折账号："


VARIANTS: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "CN_RESIDENT_ID": _id_variant,
    "CN_MOBILE": _mobile_variant,
    "CN_LANDLINE": lambda rng: (synth.landline_number(rng), rng.choice(["座机：", "办公电话 ", "联系电话"])),
    "BANK_CARD": _card_variant,
    "EMAIL_ADDRESS": lambda rng: (synth.email_address(rng), rng.choice(["邮箱：", "电子邮件 ", ""])),
    "CN_ADDRESS": lambda rng: (synth.address(rng), rng.choice(["住址：", "家庭住址", "现住"])),
    "PERSON_NAME": lambda rng: (synth.person_name(rng), rng.choice(["户主", "姓名：", "申请人"])),
}


def _negative(rng: random.Random) -> str:
    """Text that looks like personal information and is not."""
    kind = rng.randrange(5)
    if kind == 0:
        return "订单号：" + str(rng.randrange(10**17, 10**18))
    if kind == 1:
        return f"补贴金额{synth.mobile_number(rng)}.00元"
    if kind == 2:
        v = synth.resident_id_number(rng)
        wrong = "0123456789X".replace(v[-1], "")
        return "编号 " + v[:-1] + rng.choice(wrong)  # wrong check digit
    if kind == 3:
        return "快递单号 " + "".join(str(rng.randrange(10)) for _ in range(16))
    return f"时间戳{rng.randrange(1_600_000_000_000, 1_800_000_000_000)}"


@dataclass
class Corpus:
    docs: list[str] = field(default_factory=list)
    truth: list[set[Span]] = field(default_factory=list)


def labelled_corpus(n_docs: int = 300, seed: int = 7) -> Corpus:
    """Documents of prose with values placed at known spans, and decoys."""
    rng = random.Random(seed)
    filler = filler_text()
    corpus = Corpus()
    for _ in range(n_docs):
        parts: list[str] = []
        spans: set[Span] = set()
        pos = 0
        for _ in range(rng.randrange(3, 9)):
            a = rng.randrange(len(filler) - 200)
            # End the prose on a full stop or comma, as a sentence would.
            prose = filler[a:a + rng.randrange(10, 160)].replace("\n", "") + rng.choice(["。", "，", "；", "\n"])
            if rng.random() < 0.3:
                prose += _negative(rng) + "。"
            etype = rng.choice(ALL_TYPES)
            value, label = VARIANTS[etype](rng)
            start = pos + len(prose) + len(label)
            # A value ends where the sentence goes on; glued to following
            # digits it would be a different, longer number.
            after = rng.choice(["。", "，", "；", " ", "\n", "）"])
            parts += [prose, label, value, after]
            spans.add((etype, start, start + len(value)))
            pos = start + len(value) + len(after)
        parts.append("。")
        corpus.docs.append("".join(parts))
        corpus.truth.append(spans)
    return corpus


# --- the tools -------------------------------------------------------------

class Tool:
    name: str = ""
    types: frozenset[str] = frozenset()

    def find(self, text: str) -> list[Span]:
        raise NotImplementedError


class Piiscan(Tool):
    def __init__(self, types: list[str] | None = None, name: str = "piiscan") -> None:
        self.scanner = Scanner(types=types)
        self.name = name
        covered = {t for d in self.scanner._detectors for t in d.types}
        self.types = frozenset(covered & self.scanner.types)

    def find(self, text: str) -> list[Span]:
        return [(f.type, f.start, f.end) for f in self.scanner.scan(text)]


class Floor(Tool):
    """One pass of one regex for all number and e-mail shapes, nothing validated."""

    name = "floor (1 regex pass)"

    def __init__(self) -> None:
        self.regex = floor_regex()
        self.types = frozenset()  # no validation: accuracy is not meaningful

    def find(self, text: str) -> list[Span]:
        return [("?", m.start(), m.end()) for m in self.regex.finditer(text)]


class JioNLP(Tool):
    name = "JioNLP (ID+phone)"
    types = frozenset({"CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE"})

    def __init__(self) -> None:
        import jionlp

        self.jio = jionlp
        self.find("预热 110101199003071234 13800138000")  # its extractors compile lazily

    def find(self, text: str) -> list[Span]:
        out = [("CN_RESIDENT_ID", *d["offset"]) for d in self.jio.extract_id_card(text, detail=True)]
        for d in self.jio.extract_phone_number(text, detail=True):
            out.append(("CN_MOBILE" if d.get("type") == "cell_phone" else "CN_LANDLINE", *d["offset"]))
        return out


class Presidio(Tool):
    types = frozenset({"CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "BANK_CARD", "EMAIL_ADDRESS"})

    def __init__(self, tokens: bool = False) -> None:
        """``tokens``: tokenize with ``spacy.blank("zh")`` (no model download; one token per
        character), which turns on Presidio's context enhancement as a user with an NLP engine gets it."""
        self.name = "Presidio (patterns + spaCy blank zh)" if tokens else "Presidio (patterns, no NLP)"
        nlp = None
        if tokens:
            import spacy

            nlp = spacy.blank("zh")
        from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

        class NoNlp(NlpEngine):
            """No model to download: no tokens, no entities (so no context enhancement)."""

            def load(self) -> None:
                pass

            def is_loaded(self) -> bool:
                return True

            def process_text(self, text, language):
                if nlp is None:
                    return NlpArtifacts(entities=[], tokens=[], tokens_indices=[], lemmas=[], nlp_engine=self,
                                        language=language)
                doc = nlp(text)
                return NlpArtifacts(entities=[], tokens=doc, tokens_indices=[t.idx for t in doc],
                                    lemmas=[t.text for t in doc], nlp_engine=self, language=language)

            def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):
                for t in texts:
                    yield t, self.process_text(t, language)

            def is_stopword(self, word, language):
                return False

            def is_punct(self, word, language):
                return False

            def get_supported_entities(self):
                return []

            def get_supported_languages(self):
                return ["zh"]

        class ResidentId(PatternRecognizer):
            def validate_result(self, pattern_text):
                return resident_id.is_valid(pattern_text.replace(" ", ""))

        class Card(PatternRecognizer):
            def validate_result(self, pattern_text):
                return bank_card.is_valid(pattern_text.replace(" ", ""))

        # Digits must not touch other digits/letters; \b would fail next to Han characters.
        lb, la = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
        recognizers = [
            ResidentId(supported_entity="CN_RESIDENT_ID", supported_language="zh", patterns=[
                Pattern("id18", lb + r"\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]" + la, 0.5)],
                context=["身份证", "身份证号", "证件号码"]),
            PatternRecognizer(supported_entity="CN_MOBILE", supported_language="zh", patterns=[
                Pattern("mobile", lb + r"1[3-9]\d{9}" + la, 0.5)], context=["手机", "电话"]),
            PatternRecognizer(supported_entity="CN_LANDLINE", supported_language="zh", patterns=[
                Pattern("landline", lb + r"0\d{2,3}-\d{7,8}" + la, 0.5)], context=["座机", "电话"]),
            Card(supported_entity="BANK_CARD", supported_language="zh", patterns=[
                Pattern("card", lb + r"[3-6]\d{15,18}" + la, 0.5)], context=["银行卡", "卡号", "账号"]),
            PatternRecognizer(supported_entity="EMAIL_ADDRESS", supported_language="zh", patterns=[
                Pattern("email", r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", 0.5)]),
        ]
        registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["zh"])
        self.engine = AnalyzerEngine(registry=registry, nlp_engine=NoNlp(), supported_languages=["zh"])

    def find(self, text: str) -> list[Span]:
        return [(r.entity_type, r.start, r.end) for r in self.engine.analyze(text, language="zh")]


# --- measuring -------------------------------------------------------------

def rss() -> float:
    return _proc_status_mib("VmRSS")


def setup_tool(factory: Callable[[], Tool]) -> tuple[Tool | None, float, str]:
    gc.collect()
    before = rss()
    try:
        tool = factory()
    except ImportError as exc:
        return None, 0.0, f"not installed ({exc.name}); pip install -e '.[bench]'"
    gc.collect()
    return tool, rss() - before, ""


def speed(tool: Tool, docs: list[str], mb: float, repeat: int) -> tuple[float, int, float]:
    """(MB/s, findings, peak traced KiB while scanning one document) on the documents."""
    best = float("inf")
    n = 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = sum(len(tool.find(d)) for d in docs)
        best = min(best, time.perf_counter() - t)
    # Memory in a separate pass: tracemalloc slows allocation-heavy code.
    probe = docs[: max(1, len(docs) // 5)]
    tracemalloc.start()
    for d in probe:
        tool.find(d)
    peak = tracemalloc.get_traced_memory()[1] / 2**10
    tracemalloc.stop()
    return mb / best, n, peak


def accuracy(tool: Tool, corpus: Corpus) -> dict[str, tuple[int, int, int]]:
    """Per type: (true positives, false positives, false negatives), exact spans."""
    counts = {t: [0, 0, 0] for t in ALL_TYPES}
    for doc, truth in zip(corpus.docs, corpus.truth):
        got = {s for s in tool.find(doc) if s[0] in counts}
        for s in got:
            counts[s[0]][0 if s in truth else 1] += 1
        for s in truth - got:
            counts[s[0]][2] += 1
    return {t: tuple(c) for t, c in counts.items()}  # type: ignore[misc]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# --- scaling (subprocesses, so each peak RSS is its own) -----------------------

def write_text_file(path: Path, n_bytes: int, seed: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for piece in iter_text(n_bytes, seed):
            f.write(piece)


def write_csv_file(path: Path, n_bytes: int, seed: int) -> None:
    """A subsidy notice as one big CSV table (UTF-8), about ``n_bytes`` long."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["序号", "户主姓名", "身份证号码", "联系电话", "家庭住址", "开户银行", "银行账号", "补贴金额"])
        i = 0
        while f.tell() < n_bytes:
            for _ in range(1000):
                i += 1
                w.writerow([i, synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng),
                            synth.address(rng), "农商银行", synth.bank_card_number(rng), f"{rng.randrange(300, 9000)}.00"])


def scale_worker(path: str, mode: str, types: str) -> None:
    """Run in a child process: scan one file, print JSON with seconds, findings and peak RSS.

    ``stream``: ``scan_stream`` (text) or ``scan_csv_stream`` (CSV), the
    findings counted as they come; ``whole``: ``scan_file`` reading the file
    whole and returning the findings as a list.
    """
    from piiscan import files
    from piiscan.stream import scan_csv_stream, scan_stream

    scanner = Scanner(types=types.split(",") if types else None)
    scanner.scan("预热 13800138000")  # load context words etc. before timing
    files.STREAM_THRESHOLD = 1 << 62  # "whole": read whole whatever the size
    base = _proc_status_mib("VmRSS")
    t = time.perf_counter()
    if mode == "stream":
        stream = scan_csv_stream if path.endswith(".csv") else scan_stream
        n = sum(1 for _ in stream(path, scanner))
    else:
        n = len(files.scan_file(path, scanner))
    secs = time.perf_counter() - t
    peak = _proc_status_mib("VmHWM")
    print(json.dumps({"seconds": secs, "findings": n, "peak_rss_mib": peak, "base_rss_mib": base}))


def _proc_status_mib(field_name: str) -> float:
    """VmRSS / VmHWM of this process in MiB.

    Not ``getrusage().ru_maxrss``: on Linux a child inherits its parent's
    maximum there, so the child would report the parent's peak.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import psutil  # not Linux: current RSS is the best we have

    return psutil.Process().memory_info().rss / 2**20


def scaling(sizes: list[int], types: list[str] | None, whole_up_to: int, kind: str = "txt") -> list[dict]:
    rows = []
    write = write_csv_file if kind == "csv" else write_text_file
    with tempfile.TemporaryDirectory(prefix="piiscan-bench-") as tmp:
        for mb in sizes:
            path = Path(tmp) / f"{mb}mb.{kind}"
            write(path, mb * 10**6, seed=1000 + mb)
            modes = ["stream"] + (["whole"] if mb <= whole_up_to else [])
            for mode in modes:
                out = subprocess.run(
                    [sys.executable, __file__, "--scale-worker", str(path), mode, ",".join(types or [])],
                    capture_output=True, text=True, check=True,
                )
                r = json.loads(out.stdout.strip().splitlines()[-1])
                r.update(mb=path.stat().st_size / 1e6, mode=mode)
                rows.append(r)
                print(f"  {kind:3} {mode:6} {r['mb']:7.1f} MB  {r['seconds']:7.2f} s  {r['mb'] / r['seconds']:6.1f} MB/s  "
                      f"peak RSS {r['peak_rss_mib']:6.0f} MiB (after imports {r['base_rss_mib']:.0f})  "
                      f"{r['findings']} findings", flush=True)
            path.unlink()
    return rows


# --- main ------------------------------------------------------------------

def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for pkg in ("piiscan", "regex", "jionlp", "presidio-analyzer", "dask", "psutil"):
        try:
            out.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            out.append(f"{pkg} (not installed)")
    return ", ".join(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=5, help="size of the free text for speed, MB (default 5)")
    ap.add_argument("--docs", type=int, default=400, help="documents in the labelled corpus (default 400)")
    ap.add_argument("--repeat", type=int, default=2, help="speed runs per tool; the best is kept")
    ap.add_argument("--big", action="store_true", help="add the 100 MB point to the scaling curve")
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling curve")
    ap.add_argument("--scaling-types", default="",
                    help="comma-separated types for the scaling runs (default: all)")
    ap.add_argument("--scale-worker", nargs=3, metavar=("PATH", "MODE", "TYPES"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.scale_worker:
        scale_worker(*args.scale_worker)
        return

    print(f"# {datetime.date.today()}  {machine_line()}")
    print(f"# {versions()}")
    text = generate(int(args.mb * 1e6), seed=2024)
    docs = split_documents(text)
    mb = len(text.encode("utf-8")) / 1e6
    corpus = labelled_corpus(args.docs)
    n_truth = sum(len(t) for t in corpus.truth)
    print(f"# speed text: {mb:.1f} MB in {len(docs)} documents; labelled corpus: {len(corpus.docs)} documents, "
          f"{n_truth} values")

    factories: list[tuple[str, Callable[[], Tool]]] = [
        ("piiscan", lambda: Piiscan()),
        ("piiscan5", lambda: Piiscan(NUMBER_AND_EMAIL_TYPES, "piiscan (5 number/e-mail types)")),
        ("jionlp", JioNLP),
        ("presidio", Presidio),
        ("presidio+tok", lambda: Presidio(tokens=True)),
        ("floor", Floor),
    ]
    results = {}
    print("\n## Speed and memory (free text)\n")
    print(f"| tool | types | MB/s | findings | peak alloc per doc KiB | RSS added by setup MiB |")
    print("|---|---|---:|---:|---:|---:|")
    for key, factory in factories:
        tool, added, why = setup_tool(factory)
        if tool is None:
            print(f"| {key} | {why} | | | | |")
            continue
        rate, n, peak = speed(tool, docs, mb, args.repeat)
        results[key] = (tool, rate)
        print(f"| {tool.name} | {len(tool.types) or '-'} | {rate:.1f} | {n} | {peak:.0f} | {added:.0f} |", flush=True)

    if "piiscan" in results:
        rate = results["piiscan"][1]
        rate5 = results["piiscan5"][1]
        print()
        for key, label in (("presidio", "Presidio, no NLP"), ("presidio+tok", "Presidio + blank zh tokens"),
                           ("jionlp", "JioNLP"), ("floor", "floor")):
            if key in results:
                other = results[key][1]
                print(f"- piiscan all types / {label}: {rate / other:.2f}×; "
                      f"5 number/e-mail types / {label}: {rate5 / other:.2f}×")

    print("\n## Accuracy (labelled corpus, exact spans)\n")
    print("| tool | type | P | R | F1 | TP | FP | FN |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for key in ("piiscan", "jionlp", "presidio", "presidio+tok"):
        if key not in results:
            continue
        tool = results[key][0]
        for etype, (tp, fp, fn) in accuracy(tool, corpus).items():
            if etype not in tool.types:
                print(f"| {tool.name} | {etype} | not covered | | | | | {fn} |")
                continue
            p, r, f = prf(tp, fp, fn)
            print(f"| {tool.name} | {etype} | {p:.3f} | {r:.3f} | {f:.3f} | {tp} | {fp} | {fn} |")

    if not args.no_scaling:
        sizes = [1, 10] + ([100] if args.big else [])
        types = [t for t in args.scaling_types.split(",") if t] or None
        print(f"\n## Scaling (fresh process per run; types: {','.join(types) if types else 'all'})\n")
        for kind in ("txt", "csv"):
            rows = scaling(sizes, types, whole_up_to=max(sizes), kind=kind)
            stream = [r for r in rows if r["mode"] == "stream"]
            if len(stream) >= 2:
                a, b = stream[0], stream[-1]
                print(f"\n  {kind}: time ratio {b['seconds'] / a['seconds']:.1f}× for size ratio {b['mb'] / a['mb']:.1f}×; "
                      f"peak RSS {a['peak_rss_mib']:.0f} → {b['peak_rss_mib']:.0f} MiB\n")


if __name__ == "__main__":
    main()
