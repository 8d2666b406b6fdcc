"""Excel .xlsx/.xlsm with openpyxl: only the cells that held personal information change.

Each sheet is redacted as a table (see :mod:`.table`); cell styles, number
formats, other sheets, merged cells, column widths and formulas stay.
Comments are redacted as text. A redacted numeric cell (a phone typed as a
number) becomes a text cell holding the masked value. openpyxl does not keep
charts and images it does not understand: the writer notes when a workbook
has them. Columns a ``drop-column`` rule removes are deleted from the sheet
(merged ranges that span them shrink).
"""
from __future__ import annotations

from pathlib import Path

import openpyxl

from . import atomic_output
from .table import redact_table


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    keep_vba = src.suffix.lower() == ".xlsm"
    wb = openpyxl.load_workbook(src, keep_vba=keep_vba, rich_text=False)
    for ws in wb.worksheets:
        if getattr(ws, "_images", None) or getattr(ws, "_charts", None):
            report.notes.append(f"sheet {ws.title!r} has images/charts: openpyxl may not keep them")
        cells = list(ws.iter_rows())
        rows = [[c.value for c in row] for row in cells]
        edit = redact_table(rows, redactor, report)
        for (r, c), new in edit.cells.items():
            cell = cells[r][c]
            if isinstance(cell.value, (int, float)):
                cell.number_format = "@"  # text now; keep Excel from re-reading it as a number
            cell.value = new if new != "" else None
        for row in cells:
            for cell in row:
                if cell.comment is not None and cell.comment.text:
                    new, changes = redactor.redact(cell.comment.text)
                    if changes:
                        cell.comment.text = new
                        report.add(changes)
        if edit.drop:
            _delete_columns(ws, [c + 1 for c in edit.drop])
    with atomic_output(dst, src) as tmp:
        wb.save(tmp)


def _delete_columns(ws, columns: list[int]) -> None:
    """Delete the 1-based ``columns`` of ``ws``; openpyxl's ``delete_cols`` leaves merged ranges
    where they were, so they are unmerged first and merged again shrunk and shifted."""
    from openpyxl.utils import get_column_letter

    merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    for r in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(r))
    for col in sorted(columns, reverse=True):
        ws.delete_cols(col)
        merged = [(r0, c0 - (c0 > col), r1, c1 - (c1 >= col)) for r0, c0, r1, c1 in merged]
    for r0, c0, r1, c1 in merged:
        if c1 >= c0 and (r1 > r0 or c1 > c0):
            ws.merge_cells(f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}")
