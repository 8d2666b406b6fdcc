"""Excel .xlsx/.xlsm: the cells that held personal information change, and nothing is left in any other part.

Two passes. openpyxl first: each sheet is redacted as a table (see
:mod:`.table`); cell styles, number formats, other sheets, merged cells,
column widths and formulas stay. A redacted numeric cell (a phone typed as a
number) becomes a text cell holding the masked value. A **formula** is
scanned by its value — evaluated when it only joins text
(``="1391234"&"5678"``, :mod:`piiscan.readers.formula`), else its cached
value — and a formula whose value held personal information is replaced by
the redacted value: kept, Excel would recalculate the original on open.
Comments, sheet names (references to a renamed sheet follow it) are
redacted here too. openpyxl writes no shared string a cell does not use, so
strings left over from deleted cells are gone.

Then the package openpyxl wrote is rewritten part by part
(:mod:`.ooxml`): document properties, defined names, data validations,
headers and footers, hyperlinks, charts, pivot caches and whatever else
:func:`piiscan.readers.ooxml.units` reads; the thumbnail and embedded
objects piiscan cannot read are removed, embedded workbooks and documents
redacted. openpyxl drops what it does not understand (shapes, text boxes,
some charts): the report notes it. Columns a ``drop-column`` rule removes are
deleted from the sheet (merged ranges that span them shrink).

Sheets are counted against the ``cells`` limit before openpyxl loads them
(:func:`piiscan.readers.excel.check_sheet`), and the cells are visited
sparsely: a far-away formatted cell no longer makes the writer build a
range of 10⁶ × 16k cells.
"""
from __future__ import annotations

import io
from pathlib import Path

from ...readers import ooxml
from ...readers.excel import (check_sheet, formula_cells, outside_sheet_data, put_back_sheet_data,
                              shared_strings_part, sheet_parts)
from ...readers.formula import evaluate
from ...readers.registry import read_file_bytes
from . import write_bytes_atomic
from .ooxml import redact_units, rewrite
from .table import redact_table

_SML_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_SHEET_DATA = frozenset(f"{{{ns}}}sheetData" for ns in _SML_NS)
# Characters Excel does not allow in a sheet name, and what a redacted name uses instead.
_TITLE_SAFE = str.maketrans({"*": "＊", "?": "？", ":": "：", "/": "／", "\\": "＼", "[": "［", "]": "］"})


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    data = redact_bytes(read_file_bytes(src), src.name, redactor, report)
    write_bytes_atomic(dst, data, src)


def redact_bytes(data: bytes, name: str, redactor, report, *, depth: int = 0,
                 budget: list[int] | None = None) -> bytes:
    """A redacted copy of an .xlsx/.xlsm given as bytes (an embedded workbook is one)."""
    import openpyxl

    pkg = ooxml.Package(data, "Excel workbook", budget=budget)
    sheets = sheet_parts(pkg)
    formulas = {}
    for title, part in sheets:
        xml = pkg.read(part)
        check_sheet(xml, title)
        formulas[title] = formula_cells(xml)
    had_drawings = any("/drawings/" in n for n in pkg.names())
    keep_vba = name.lower().endswith(".xlsm")
    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba, rich_text=False, keep_links=True)
    # Sheet names first, so formulas that refer to a renamed sheet follow it before cells are scanned.
    renamed: dict[str, str] = {}
    for ws in wb.worksheets:
        new, changes = redactor.redact(ws.title)
        if changes:
            report.add(changes)
            renamed[ws.title] = _unique_title(new, [w.title for w in wb.worksheets] + list(renamed.values()))
    cached = {renamed.get(title, title): f for title, f in formulas.items()}
    for old, new in renamed.items():
        wb[old].title = new
    if renamed:
        _follow_renames(wb, renamed)
    for ws in wb.worksheets:
        _redact_cells(ws, cached.get(ws.title, {}), redactor, report)
        for cell in list(ws._cells.values()):
            if cell.comment is not None and cell.comment.text:
                new, changes = redactor.redact(cell.comment.text)
                if changes:
                    cell.comment.text = new
                    report.add(changes)
    if had_drawings:
        report.notes.append("openpyxl does not keep shapes, text boxes and some charts: they are not in the copy")
    buf = io.BytesIO()
    wb.save(buf)
    out = ooxml.Package(buf.getvalue(), "Excel workbook")
    strings = shared_strings_part(out)
    transform = {part: (lambda b, r=redactor, p=report, n=part: _redact_outside_cells(b, n, r, p))
                 for _, part in sheet_parts(out)}
    return rewrite(out, redactor, report, transform=transform, own=lambda n: n == strings, depth=depth)


def _redact_cells(ws, formulas: dict, redactor, report) -> None:
    """The sheet's cells, as the reader scans them (formulas by value), redacted as a table."""
    cells = {}
    height = width = 0
    for (r, c), cell in ws._cells.items():
        value = cell.value
        if value is None or value == "":
            continue
        if cell.data_type == "f":
            value = _formula_value(value, formulas.get((r - 1, c - 1)))
            if value is None:
                continue
        cells[(r - 1, c - 1)] = (cell, value)
        height, width = max(height, r), max(width, c)
    if not cells:
        return
    rows: list[list] = [[None] * width for _ in range(height)]
    for (r, c), (_cell, value) in cells.items():
        rows[r][c] = value
    edit = redact_table(rows, redactor, report)
    for (r, c), new in edit.cells.items():
        cell = cells[(r, c)][0]
        if isinstance(cell.value, (int, float)):
            cell.number_format = "@"  # text now; keep Excel from re-reading it as a number
        cell.value = new if new != "" else None  # a formula goes too: recalculated, it would bring the value back
    if edit.drop:
        _delete_columns(ws, [c + 1 for c in edit.drop])


def _formula_value(formula, cached: tuple[str, str | None] | None):
    """What a formula cell publishes: its text value when it only joins literals, else its cached value."""
    if not isinstance(formula, str):  # array and data-table formulas: their cached value
        return cached[1] if cached else None
    value = evaluate(formula)
    if value is not None:
        return value
    if cached and cached[1] not in (None, ""):
        return cached[1]
    return formula  # neither: the formula itself, as the reader scans it


def _unique_title(title: str, taken: list[str]) -> str:
    title = title.translate(_TITLE_SAFE).strip("'")[:31] or "Sheet"
    base, k = title, 2
    while title in taken:
        suffix = f" ({k})"
        title = base[:31 - len(suffix)] + suffix
        k += 1
    return title


def _follow_renames(wb, renamed: dict[str, str]) -> None:
    """Formulas and defined names that refer to a renamed sheet refer to its new name."""
    def fix(text: str) -> str:
        for old, new in renamed.items():
            for a, b in ((f"'{old.replace(chr(39), chr(39) * 2)}'!", f"'{new.replace(chr(39), chr(39) * 2)}'!"),
                         (f"{old}!", f"'{new}'!")):
                text = text.replace(a, b)
        return text

    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if cell.data_type == "f" and isinstance(cell.value, str):
                cell.value = fix(cell.value)
    for dn in list(getattr(wb, "defined_names", {}).values()):
        if getattr(dn, "attr_text", None):
            dn.attr_text = fix(dn.attr_text)
    for ws in wb.worksheets:
        for dn in list(getattr(ws, "defined_names", {}).values()):
            if getattr(dn, "attr_text", None):
                dn.attr_text = fix(dn.attr_text)


def _redact_outside_cells(data: bytes, name: str, redactor, report) -> bytes:
    """A sheet's headers, footers, data validations, hyperlinks … redacted; its cells copied byte for byte."""
    outside = outside_sheet_data(data)
    root = ooxml.parse_xml(outside, name)
    if not redact_units(ooxml.units(name, root, skip=_SHEET_DATA), redactor, report):
        return data
    from .ooxml import _serialise

    return put_back_sheet_data(data, _serialise(root))


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
