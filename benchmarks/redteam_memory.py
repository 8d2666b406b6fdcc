"""Peak memory of piiscan on hostile and huge inputs (issue #15 §2): scan and redact, --jobs 1 and 2.

Every input is generated (tests/redteam_inputs.py, plus a big dense CSV and a
big text); each command runs in a fresh process and the peak resident set of
it and every process it waited for (workers, isolated readers) is read from
``getrusage(RUSAGE_CHILDREN)``, as ``/usr/bin/time -v`` reports it.

    python benchmarks/redteam_memory.py                 # hostile inputs + a 200 MB CSV and a 200 MB text
    python benchmarks/redteam_memory.py --big-mb 50     # smaller big files (minutes, not tens of minutes)
    python benchmarks/redteam_memory.py --json

The bound stated in the README is 1 GiB per run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import redteam_inputs as R  # noqa: E402
from piiscan import synth  # noqa: E402

BOUND = 1 << 30


def hostile(folder: Path) -> None:
    canary = folder.parent / "canary.txt"
    canary.write_text(f"联系电话 {R.PHONE}\n", encoding="utf-8")
    made = {"ratio.zip": R.ratio_bomb(64), "nested.zip": R.nested_bomb(), "count.zip": R.count_bomb(12_000),
            "lying.zip": R.lying_header(64 << 20), "overlap.zip": R.overlapping_bomb(2000, 8),
            "encrypted.zip": R.encrypted_zip(), "evil.zip": R.evil_names_zip(), "xxe.docx": R.xxe_docx(canary),
            "laughs.docx": R.laughs_docx(), "xxe.xlsx": R.xxe_xlsx(canary), "laughs.xlsx": R.laughs_xlsx(),
            "dense.xlsx": R.dense_xlsx(), "ole.xlsx": R.ole_encrypted_xlsx(), "enc.pdf": R.encrypted_pdf(),
            "truncated.pdf": R.truncated(R.pdf_bytes()), "truncated.docx": R.truncated(R.docx_bytes()),
            "deep.html": R.deep_html(100_000), "attribute.html": R.huge_attribute_html(200)}
    for name, data in made.items():
        (folder / name).write_bytes(data)


def big_csv(path: Path, mb: int) -> None:
    rng = random.Random(1)
    target = mb * 10**6
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("序号,户主姓名,身份证号码,联系电话,银行账号,补贴金额\r\n")
        i = 0
        while fh.tell() < target:
            i += 1
            fh.write(f"{i},{synth.person_name(rng)},{synth.resident_id_number(rng)},{synth.mobile_number(rng)},"
                     f"{synth.bank_account_number(rng)},{i % 5000}.00\r\n")


def big_text(path: Path, mb: int) -> None:
    rng = random.Random(2)
    filler = "本次公示的补贴资金已按规定程序审核，现予公示，公示期七天。" * 4
    target = mb * 10**6
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < target:
            fh.write(f"{filler}户主{synth.person_name(rng)}，联系电话{synth.mobile_number(rng)}。\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big-mb", type=int, default=200, help="size of the big CSV and text (0: skip them)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="piiscan-bench-") as tmp:
        tmp = Path(tmp)
        folder = tmp / "hostile"
        folder.mkdir()
        hostile(folder)
        runs = [("hostile inputs", "scan --jobs 1", ["scan", "--format", "jsonl", "--jobs", "1", str(folder)]),
                ("hostile inputs", "scan --jobs 2", ["scan", "--format", "jsonl", "--jobs", "2", str(folder)]),
                ("hostile inputs", "redact", ["redact", str(folder), "--out", str(tmp / "out1")])]
        if args.big_mb:
            big = tmp / "big"
            big.mkdir()
            big_csv(big / "big.csv", args.big_mb)
            big_text(big / "big.txt", args.big_mb)
            runs += [(f"{args.big_mb} MB CSV + {args.big_mb} MB text", "scan --jobs 2",
                      ["scan", "--format", "jsonl", "--jobs", "2", str(big)]),
                     (f"{args.big_mb} MB CSV", "redact", ["redact", str(big / "big.csv"), "--out", str(tmp / "o2")]),
                     (f"{args.big_mb} MB text", "redact", ["redact", str(big / "big.txt"), "--out", str(tmp / "o3")])]
        for what, how, cli in runs:
            t = time.monotonic()
            code, _out, err, rss = R.run_measured(cli, tmp, timeout=24 * 3600, keep_stdout=False)
            rows.append({"input": what, "command": how, "exit": code, "peak_rss_mib": round(rss / 2**20),
                         "seconds": round(time.monotonic() - t, 1), "under_bound": rss < BOUND})
            print(f"{what:32} {how:14} exit {code}  peak {rss / 2**20:7.0f} MiB  {rows[-1]['seconds']:8.1f} s",
                  file=sys.stderr)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    sys.exit(0 if all(r["under_bound"] for r in rows) else 1)


if __name__ == "__main__":
    main()
