"""Legacy .xls: read with xlrd, written with xlwt — values and sheet names only.

xlwt cannot copy formatting without ``xlutils`` (not installed), so the
redacted copy keeps sheets, cell positions and values but not styles; the
report says so. Prefer .xlsx where formatting matters. Comments, defined
names and document properties are not written at all, so nothing of them is
left; sheet names are redacted like text (the reader scans them).
"""
from __future__ import annotations

from pathlib import Path

import xlrd
import xlwt

from ... import limits
from . import atomic_output
from .table import redact_rows


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    book = xlrd.open_workbook(src, ragged_rows=True)
    out = xlwt.Workbook(encoding="utf-8")
    text_style = xlwt.easyxf(num_format_str="@")
    taken: list[str] = []
    for sheet in book.sheets():
        limits.check("cells", sheet.nrows * sheet.ncols, f"the range of cells of sheet {sheet.name!r} (rows × columns)")
        rows = [[sheet.cell_value(r, c) if sheet.cell_type(r, c) != xlrd.XL_CELL_EMPTY else None
                 for c in range(sheet.row_len(r))] for r in range(sheet.nrows)]
        changes = redact_rows(rows, redactor, report)
        ws = out.add_sheet(_title(sheet.name, redactor, report, taken), cell_overwrite_ok=True)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (r, c) in changes:
                    ws.write(r, c, changes[(r, c)], text_style)
                elif value is not None:
                    ws.write(r, c, value)
    report.notes.append(".xls rewritten with values only (formatting not kept)")
    with atomic_output(dst, src) as tmp:
        out.save(str(tmp))


def _title(name: str, redactor, report, taken: list[str]) -> str:
    """The sheet name, redacted; ``*`` and other characters Excel refuses in names become full width."""
    from .xlsx import _unique_title

    new, changes = redactor.redact(name)
    if changes:
        report.add(changes)
        name = _unique_title(new, taken)
    taken.append(name)
    return name
