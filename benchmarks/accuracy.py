"""Precision, recall and F1 of the whole scanner on the labelled corpus.

Exact-span matching: a finding counts as a true positive only when its type,
start and end equal a labelled span's. A finding with the right type but a
fragment of the span is both a false positive and a false negative.

    python benchmarks/accuracy.py                 # 300 documents, default seed
    python benchmarks/accuracy.py --docs 1000 --seed 7 --errors 20

Errors are printed masked (like every piiscan report) unless ``--raw``; the
corpus is synthetic, but the rule is kept everywhere.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from piiscan import Scanner, mask_value
from piiscan.finding import ENTITY_TYPES


def _sibling(name: str):
    # benchmarks/ is not a package: load corpus.py by path, so this works both
    # as a script and when imported from tests.
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


corpus = _sibling("corpus")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    per_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in ENTITY_TYPES})
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, type, value, context)
    chars: int = 0
    seconds: float = 0.0

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.per_type.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
        return total


def evaluate(docs, scanner: Scanner | None = None) -> Report:
    """Score ``scanner`` (default: all types, default threshold) on ``docs``."""
    scanner = scanner or Scanner()
    report = Report()
    for doc in docs:
        t0 = time.perf_counter()
        found = scanner.scan(doc.text)
        report.seconds += time.perf_counter() - t0
        report.chars += len(doc.text)
        gold = {(s.type, s.start, s.end) for s in doc.spans}
        got = {(f.type, f.start, f.end) for f in found}
        for etype, start, end in got & gold:
            report.per_type[etype].tp += 1
        for etype, start, end in got - gold:
            report.per_type[etype].fp += 1
            report.errors.append(("FP", etype, doc.text[start:end], doc.text[max(0, start - 12):end + 12]))
        for etype, start, end in gold - got:
            report.per_type[etype].fn += 1
            report.errors.append(("FN", etype, doc.text[start:end], doc.text[max(0, start - 12):end + 12]))
    return report


def format_report(report: Report) -> str:
    lines = [f"{'type':<16}{'gold':>6}{'found':>7}{'TP':>6}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}{'F1':>8}"]
    rows = list(report.per_type.items()) + [("overall", report.overall)]
    for etype, c in rows:
        lines.append(
            f"{etype:<16}{c.tp + c.fn:>6}{c.tp + c.fp:>7}{c.tp:>6}{c.fp:>5}{c.fn:>5}"
            f"{c.precision:>11.4f}{c.recall:>8.4f}{c.f1:>8.4f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20240919)
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses and false alarms")
    ap.add_argument("--raw", action="store_true", help="print error values unmasked")
    args = ap.parse_args(argv)
    docs = corpus.generate(args.docs, seed=args.seed)
    report = evaluate(docs)
    print(f"corpus: {args.docs} documents, seed {args.seed}, {report.chars:,} characters, "
          f"{sum(len(d.spans) for d in docs):,} labelled spans; scan time {report.seconds:.2f} s")
    print(format_report(report))
    for kind, etype, value, ctx in report.errors[: args.errors]:
        shown = value if args.raw else mask_value(etype, value)
        where = ctx if args.raw else ctx.replace(value, shown)
        print(f"{kind} {etype:<15} {shown}  …{where}…".replace("\n", " "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
