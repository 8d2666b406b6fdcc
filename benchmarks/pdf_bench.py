#!/usr/bin/env python3
"""PDF: pages per second per core for scan (and redact) of text PDFs with tables.

    python3 benchmarks/pdf_bench.py [--rows 1500] [--repeat 3] [--no-redact] [--baseline]

Documents are generated (synthetic values from ``piiscan.synth`` through
``scripts/make_samples.py``): the 11-column 农机购置补贴 list of the samples,
ruled, 1,500 rows — about 66 pages, like the list in issue 13 —

- ``cells``: one text run per cell (as office exports write a table);
- ``paragraphs``: every cell a reportlab Paragraph (more text objects a page,
  heavier for every parser), 20 rows a page as ``samples/notice.pdf``;
- ``libreoffice``: the list as LibreOffice Calc exports it, fitted to the page
  width (about 48 rows a page), when ``soffice`` is installed.

Figures are **CPU seconds of this process** (``time.process_time``), so
"pages/s per core"; on a shared machine wall time is not the cost of the work.
Also timed: pdfium alone (load the page and its text page: the floor of any
pdfium reader), and with ``--baseline`` what the pdfplumber reader paid
(characters, ``extract_text`` and ``find_tables`` per page).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from piiscan.files import FileResult, _default_scanner, _scan_items  # noqa: E402
from piiscan.readers import pdf as reader  # noqa: E402


def _samples_module():
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_lists(folder: Path, rows: int) -> dict[str, Path]:
    import random

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    m = _samples_module()
    rng = random.Random(2020)
    recs = m.records(rng, rows)
    who = m.contact(rng)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cells = folder / "list_cells.pdf"
    # 23 rows a page, as the 66-page list of issue 13 (1,500 rows).
    t = Table([m.HEADER] + [[str(v) for v in r] for r in m.rows_of(recs)], repeatRows=0, rowHeights=22.5)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                           ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    SimpleDocTemplate(str(cells), pagesize=landscape(A4), topMargin=10 * mm, bottomMargin=10 * mm).build([t])
    paragraphs = folder / "list_paragraphs.pdf"
    m.write_pdf(paragraphs, recs, who)
    docs = {"cells": cells, "paragraphs": paragraphs}
    lo = _libreoffice_list(folder, m, recs)
    if lo is not None:
        docs["libreoffice"] = lo
    return docs


def _libreoffice_list(folder: Path, m, recs) -> Path | None:
    """The list as LibreOffice Calc prints it (ruled cells, fitted to the page width), if soffice is installed."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if not soffice:
        return None
    import openpyxl
    from openpyxl.styles import Border, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([m.TITLE])
    ws.append(m.HEADER)
    for row in m.rows_of(recs):
        ws.append([str(v) for v in row])
    thin = Side(style="thin")
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, width in zip("ABCDEFGHIJK", (5, 9, 20, 34, 21, 14, 14, 10, 18, 9, 11)):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    src = folder / "list_libreoffice.xlsx"
    wb.save(src)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(src)],
                   check=True, capture_output=True, timeout=600)
    return folder / "list_libreoffice.pdf"


def pages_of(path: Path) -> int:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def pdfium_floor(path: Path) -> None:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        tp.close()
        page.close()
    doc.close()


def pdfplumber_baseline(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.chars
            page.find_tables()
            page.extract_text(x_tolerance=1.5)
            page.flush_cache()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-redact", action="store_true")
    ap.add_argument("--baseline", action="store_true", help="also time the pdfplumber reader's work (slow)")
    args = ap.parse_args(argv)

    scanner = _default_scanner()  # built once, as a scan of many files does
    from piiscan.redact import Redactor, redact_file

    redactor = Redactor(scanner=scanner)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docs = make_lists(folder, args.rows)
        print(f"# PDF ({platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})\n")
        print("| document | pages | rows/page | pdfium alone | read (pages → segments, tables) | scan (read + detect) |"
              + (" redact |" if not args.no_redact else "") + (" pdfplumber reader's work |" if args.baseline else ""))
        print("|---|---:|---:|---:|---:|---:|" + ("---:|" if not args.no_redact else "") + ("---:|" if args.baseline else ""))
        for name, path in docs.items():
            data = path.read_bytes()
            n = pages_of(path)
            r = FileResult(str(path))
            _scan_items(reader.read_bytes(data, path.name), scanner, r)  # warm up (fonts, CMaps)
            floor = best(lambda: pdfium_floor(path), args.repeat)
            read = best(lambda: list(reader.read_bytes(data, path.name)), args.repeat)

            def scan() -> None:
                res = FileResult(str(path))
                _scan_items(reader.read_bytes(data, path.name), scanner, res)

            total = best(scan, args.repeat)
            row = (f"| {name} | {n} | {args.rows / n:.0f} | {n / floor:.0f} pages/s | {n / read:.0f} pages/s | "
                   f"**{n / total:.0f} pages/s** ({total / n * 1000:.1f} ms/page, {len(r.findings)} findings) |")
            if not args.no_redact:
                out = folder / f"{name}.out.pdf"
                red = best(lambda: redact_file(path, out, redactor=redactor), 1)
                row += f" {n / red:.1f} pages/s |"
            if args.baseline:
                base = best(lambda: pdfplumber_baseline(path), 1)
                row += f" {n / base:.1f} pages/s |"
            print(row)
    print("\nCPU seconds of this process (time.process_time), best of", args.repeat, "; redact: one run.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
