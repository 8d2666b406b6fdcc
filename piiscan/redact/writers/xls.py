"""Legacy .xls: read with xlrd, written with xlwt — values only.

xlwt cannot copy formatting without ``xlutils`` (not installed), so the
redacted copy keeps sheets, cell positions and values but not styles; the
report says so. Prefer .xlsx where formatting matters.
"""
from __future__ import annotations

from pathlib import Path

import xlrd
import xlwt

from . import atomic_output
from .table import redact_rows


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    book = xlrd.open_workbook(src)
    out = xlwt.Workbook(encoding="utf-8")
    text_style = xlwt.easyxf(num_format_str="@")
    for sheet in book.sheets():
        rows = [[sheet.cell_value(r, c) if sheet.cell_type(r, c) != xlrd.XL_CELL_EMPTY else None
                 for c in range(sheet.ncols)] for r in range(sheet.nrows)]
        changes = redact_rows(rows, redactor, report)
        ws = out.add_sheet(sheet.name, cell_overwrite_ok=True)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in changes:
                    ws.write(r, c, changes[(r, c)], text_style)
                elif value is not None:
                    ws.write(r, c, value)
    report.notes.append(".xls rewritten with values only (formatting not kept)")
    with atomic_output(dst, src) as tmp:
        out.save(str(tmp))
