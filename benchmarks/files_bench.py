#!/usr/bin/env python3
"""Folder throughput: files/s and MB/s for 1,000 mixed files with jobs 1 and 2; PDF pages/s.

    python3 benchmarks/files_bench.py [--files 1000] [--write benchmarks/FILES.md]

The folder is generated (synthetic data): notices as .txt, .csv, .xlsx, .docx,
.html, .pdf and .zip in roughly the mix a disclosure site holds. Machines with
2 shared cores are noisy: run twice and read the spread.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from piiscan.files import scan_results  # noqa: E402
from piiscan.scanner import Scanner  # noqa: E402


def _make_samples(out: Path, rows: int, seed: int) -> None:
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        mod.main(["--out", str(out), "--rows", str(rows), "--seed", str(seed)])


def build_folder(root: Path, n: int) -> None:
    """n files: copies of a few generated sample sets (distinct seeds), in sub-folders."""
    protos = []
    for seed in range(4):
        d = root.parent / f"proto{seed}"
        _make_samples(d, 20 + 10 * seed, seed)
        protos.extend(p for p in sorted(d.iterdir()) if p.suffix in (".txt", ".csv", ".xlsx", ".xls", ".docx", ".html", ".pdf", ".zip"))
    # Weighted mix: text/CSV dominate, PDFs are few (they dominate time).
    weights = {".txt": 5, ".csv": 5, ".xlsx": 3, ".xls": 1, ".docx": 2, ".html": 3, ".pdf": 1, ".zip": 1}
    pool = [p for p in protos for _ in range(weights[p.suffix])]
    for i in range(n):
        src = pool[i % len(pool)]
        dst = root / f"town{i % 20:02d}" / f"{i:04d}_{src.name}"
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)


def run(root: Path, jobs: int, scanner: Scanner) -> tuple[float, int, int, int]:
    t = time.perf_counter()
    results = list(scan_results([root], scanner, jobs=jobs))
    dt = time.perf_counter() - t
    return dt, len(results), sum(r.size for r in results), sum(len(r.findings) for r in results)


def pdf_pages(tmp: Path, scanner: Scanner) -> tuple[float, int]:
    d = tmp / "pdf"
    _make_samples(d, 400, 99)  # ~ a 14-page table PDF
    import pdfplumber

    with pdfplumber.open(d / "notice.pdf") as pdf:
        pages = len(pdf.pages)
    t = time.perf_counter()
    list(scan_results([d / "notice.pdf"], scanner))
    return time.perf_counter() - t, pages


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--write", default=None, help="write a markdown table to this file")
    args = ap.parse_args()
    scanner = Scanner()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = tmp / "corpus"
        build_folder(root, args.files)
        run(root / "town00", 1, scanner)  # warm imports
        rows = []
        ref = None
        for jobs in (1, 2):
            dt, n, size, found = run(root, jobs, scanner)
            ref = ref or found
            assert found == ref, "jobs changed the results"
            rows.append((jobs, n, size, found, dt))
        pdt, pages = pdf_pages(tmp, scanner)
    lines = [
        "# Folder scanning throughput",
        "",
        f"`python3 benchmarks/files_bench.py --files {args.files}` on {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} shared cores (noisy: expect ±15 %).",
        "Synthetic folder: .txt/.csv/.xlsx/.xls/.docx/.html/.pdf/.zip notices, weighted 5/5/3/1/2/3/1/1.",
        "",
        "| jobs | files | MB | findings | seconds | files/s | MB/s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for jobs, n, size, found, dt in rows:
        lines.append(f"| {jobs} | {n} | {size / 1e6:.1f} | {found} | {dt:.2f} | {n / dt:.0f} | {size / 1e6 / dt:.2f} |")
    lines += ["", f"PDF (pdfplumber, tables + page text): {pages} pages in {pdt:.2f} s = **{pages / pdt:.1f} pages/s** (one process).", ""]
    text = "\n".join(lines)
    print(text)
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
