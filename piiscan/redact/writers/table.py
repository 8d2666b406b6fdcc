"""Cell-by-cell redaction shared by the table writers (CSV, Excel, DataFrames).

Tables are scanned exactly as the table readers scan them, with
:func:`piiscan.tables.scan_table`: the header row is found (title rows above
it are plain text), each column is classified once, every cell is scanned
with its column's header as context (a bare account number under 银行账号,
a bare 张三 under 姓名), and numbers Excel stored with lost digits are
reported under ID/card columns. Using the same function as the re-scan means
the writer redacts what ``piiscan scan`` would report, no more, no less.
"""
from __future__ import annotations

from typing import Any, Sequence

from ... import tables
from ...finding import Finding


def redact_rows(
    rows: Sequence[Sequence[Any]], redactor, report=None, *, header: list[str] | None = None
) -> dict[tuple[int, int], str]:
    """New text for every cell that changes: (row index into ``rows``, column index) → text.

    With ``header`` given, every row of ``rows`` is a data row.
    """
    if header is None:
        names, data, _preface = tables.split_header(rows)
        first_data = len(rows) - len(data)
    else:
        names, data, first_data = list(header), [list(r) for r in rows], 0
    width = max([len(names)] + [len(r) for r in data])
    names += [f"列{i + 1}" for i in range(len(names), width)]
    # Findings name their column by header text; two columns may share one
    # (电话, 电话), so scan under names made unique and map them back to positions.
    names = _unique(names)
    col_index = {n: i for i, n in enumerate(names)}
    findings, classes = tables.scan_table(tables.Table(rows=data, header=names), redactor.scanner)
    labels = {c.index: _label(c) for c in classes}

    per_cell: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        if f.type not in redactor.types or f.row is None:
            continue
        key = (f.row - 1 + first_data, col_index.get(f.column, -1))
        per_cell.setdefault(key, []).append(f)

    out: dict[tuple[int, int], str] = {}
    # Preface rows (titles, notes above the header) are plain text.
    for r in range(first_data if header is None else 0):
        for c, value in enumerate(rows[r]):
            if isinstance(value, str) and value.strip():
                new, changes = redactor.redact(value)
                if changes:
                    out[(r, c)] = new
                    if report is not None:
                        report.add(changes)
    for (r, c), found in per_cell.items():
        if c < 0 or r >= len(rows) or c >= len(rows[r]):
            continue
        raw = rows[r][c]
        text, _lost = tables.cell_text(raw)
        # Offsets index the cleaned cell text; keep the cell's own surrounding
        # whitespace when the cleaning only stripped it.
        lead = trail = ""
        if isinstance(raw, str) and raw.strip() == text and text:
            i = raw.index(text)
            lead, trail = raw[:i], raw[i + len(text):]
        new, changes = redactor.redact(text, label=labels.get(c), findings=found)
        if changes:
            out[(r, c)] = lead + new + trail
            if report is not None:
                report.add(changes)
    return out


def _unique(names: list[str]) -> list[str]:
    """``names`` with repeats numbered (电话, 电话_2), never colliding with a name already there."""
    taken = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        if name in seen:
            k = 2
            while f"{name}_{k}" in taken:
                k += 1
            name = f"{name}_{k}"
            taken.add(name)
        seen.add(name)
        out.append(name)
    return out


def _label(col) -> str:
    label_for = getattr(tables, "_label_for", None)
    return label_for(col) if label_for else col.column


def redact_frame(df: Any, redactor) -> Any:
    """A redacted copy of ``df``: its shape, index, columns and untouched cells are kept.

    Changed cells become strings (a phone stored as int64 comes back as ``138****8000``).
    """
    out = df.copy()
    rows = df.astype(object).where(df.notna(), None).values.tolist()
    changes = redact_rows(rows, redactor, header=[str(c) for c in df.columns])
    touched_cols = {c for _, c in changes}
    for c in touched_cols:
        # By position: ``out[name] = …`` would overwrite every column of that name.
        if out.iloc[:, c].dtype != object:
            out.isetitem(c, out.iloc[:, c].astype(object))
    for (r, c), new in changes.items():
        out.iat[r, c] = new
    return out
