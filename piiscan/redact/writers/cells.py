"""Tables whose cells are views of a document (Word runs, HTML text): redacted as the table readers scan them.

The readers of Word and HTML yield a :class:`~piiscan.tables.Table` of cell
texts, which :func:`piiscan.tables.scan_table` scans column by column: the
header row is found, each column classified by its header and its values
(a column of names under 姓 名 or 收款人), each cell scanned with that
context. A writer that scanned each cell with its raw header as context
found less, and redact failed on its own re-scan. Here the writer hands
the same cell texts to the same function, and each replacement goes back
where the cell's characters came from (:mod:`.spans`).
"""
from __future__ import annotations

from typing import Any, Callable

from ... import tables
from ...tables import _WRAP
from .spans import Edit, View, edits
from .table import _label, _unique


def redact_cells(views: list[list[View]], redactor, report,
                 fix: Callable[[str, Any, Any], str]) -> dict[tuple[int, int], list[Edit]]:
    """Raw edits, per cell, for a table given as rows of cell views (each view's text is the cell as the reader reads it).

    Rows without cells are left out (as the readers leave them out); the
    keys index the rows that remain.
    """
    views = [row for row in views if row]
    rows = [[v.text for v in row] for row in views]
    if not any(any(t.strip() for t in row) for row in rows):
        return {}
    names, data, _preface = tables.split_header(rows)
    first = len(rows) - len(data)
    width = max([len(names)] + [len(r) for r in data])
    names = _unique(names + [f"列{i + 1}" for i in range(len(names), width)])
    col_index = {n: i for i, n in enumerate(names)}
    findings, classes = tables.scan_table(tables.Table(rows=data, header=names), redactor.scanner)
    labels = {c.index: _label(c) for c in classes}
    per_cell: dict[tuple[int, int], list] = {}
    for f in findings:
        if f.type in redactor.types and f.row is not None:
            per_cell.setdefault((f.row - 1 + first, col_index.get(f.column, -1)), []).append(f)
    out: dict[tuple[int, int], list[Edit]] = {}
    for (r, c), found in per_cell.items():
        if c < 0 or r >= len(rows) or c >= len(rows[r]):
            continue
        view = views[r][c]
        text, _lost = tables.cell_text(rows[r][c])
        clean = (view.without(_WRAP) if "\n" in view.text else view).strip()
        if clean.text != text:
            continue  # cleaned beyond white space and line wraps: left to the writer's text pass
        new, changes = redactor.redact(text, label=labels.get(c), findings=found)
        if not changes:
            continue
        try:
            cell_edits = edits(clean, new, changes, fix)
        except ValueError:
            continue  # the same characters twice in one cell (a text box): left to the text pass
        report.add(changes)
        out[(r, c)] = cell_edits
    return out
