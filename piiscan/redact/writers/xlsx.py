"""Excel .xlsx/.xlsm with openpyxl: only the cells that held personal information change.

Each sheet is redacted as a table (see :mod:`.table`); cell styles, number
formats, other sheets, merged cells, column widths and formulas stay.
Comments are redacted as text. A redacted numeric cell (a phone typed as a
number) becomes a text cell holding the masked value. openpyxl does not keep
charts and images it does not understand: the writer notes when a workbook
has them.
"""
from __future__ import annotations

from pathlib import Path

import openpyxl

from . import atomic_output
from .table import redact_rows


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    keep_vba = src.suffix.lower() == ".xlsm"
    wb = openpyxl.load_workbook(src, keep_vba=keep_vba, rich_text=False)
    for ws in wb.worksheets:
        if getattr(ws, "_images", None) or getattr(ws, "_charts", None):
            report.notes.append(f"sheet {ws.title!r} has images/charts: openpyxl may not keep them")
        cells = list(ws.iter_rows())
        rows = [[c.value for c in row] for row in cells]
        for (r, c), new in redact_rows(rows, redactor, report).items():
            cell = cells[r][c]
            if isinstance(cell.value, (int, float)):
                cell.number_format = "@"  # text now; keep Excel from re-reading it as a number
            cell.value = new
        for row in cells:
            for cell in row:
                if cell.comment is not None and cell.comment.text:
                    new, changes = redactor.redact(cell.comment.text)
                    if changes:
                        cell.comment.text = new
                        report.add(changes)
    with atomic_output(dst, src) as tmp:
        wb.save(tmp)
