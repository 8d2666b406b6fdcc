"""Cell-by-cell redaction shared by the table writers (CSV, Excel, DataFrames).

Tables are scanned exactly as the table readers scan them, with
:func:`piiscan.tables.scan_table`: the header row is found (title rows above
it are plain text), each column is classified once, every cell is scanned
with its column's header as context (a bare account number under 银行账号,
a bare 张三 under 姓名), and numbers Excel stored with lost digits are
reported under ID/card columns. Using the same function as the re-scan means
the writer redacts what ``piiscan scan`` would report, no more, no less.

Some rules act on whole cells and columns rather than on values:

* a strategy with ``EMPTIES_CELL`` (``delete``, ``drop-column``) empties the
  cell holding the value, not only the value's characters;
* a strategy with ``DROPS_COLUMN`` (``drop-column``) removes the column whose
  values were classified as its type;
* a redactor that knows column rules (:class:`ColumnRules`, e.g. a disclosure
  profile's 出生日期 column, which no detector reports) empties, rewrites,
  removes or keeps that column's cells by its header.

:func:`redact_table` says which columns to remove; writers that can (CSV,
XLSX, DataFrames) remove them, the others (:func:`redact_rows`) empty their
cells and note it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence, runtime_checkable

from ... import tables
from ...finding import FORBIDDEN_FIELD, Finding


@dataclass(frozen=True)
class ColumnEdit:
    """What happens to one column: removed (``drop``), each data cell rewritten (``cell``), or kept (neither)."""

    drop: bool = False
    cell: Callable[[str], str] | None = None
    rule: str = ""  # who asked, for notes and the changes' evidence


@runtime_checkable
class ColumnRules(Protocol):
    """A redactor that also has rules for whole columns, by header (:class:`piiscan.profiles.ProfileRedactor`)."""

    def column_edit(self, header: str) -> ColumnEdit | None: ...


@dataclass
class TableEdit:
    """New text per changed cell ((row index into ``rows``, column index) → text), and the
    columns to remove, from ``header_row`` (the header's index in ``rows``) down."""

    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    drop: list[int] = field(default_factory=list)
    header_row: int = 0
    names: list[str] = field(default_factory=list)


def redact_rows(
    rows: Sequence[Sequence[Any]], redactor, report=None, *, header: list[str] | None = None
) -> dict[tuple[int, int], str]:
    """New text for every cell that changes: (row index into ``rows``, column index) → text.

    With ``header`` given, every row of ``rows`` is a data row. For writers that
    cannot remove columns: a column to be dropped comes back emptied (header kept).
    """
    edit = redact_table(rows, redactor, report, header=header)
    if edit.drop and report is not None:
        names = ", ".join(repr(edit.names[c]) for c in edit.drop)
        report.notes.append(f"column(s) {names} emptied, not removed: this format's writer cannot remove columns")
    return edit.cells


def redact_table(
    rows: Sequence[Sequence[Any]], redactor, report=None, *, header: list[str] | None = None
) -> TableEdit:
    """The cells that change and the columns to remove (see :class:`TableEdit`)."""
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
    plan = _column_plan(names, classes, redactor)

    per_cell: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        if f.type not in redactor.types or f.row is None:
            continue
        key = (f.row - 1 + first_data, col_index.get(f.column, -1))
        per_cell.setdefault(key, []).append(f)

    edit = TableEdit(header_row=max(first_data - 1, 0) if header is None else 0, names=names,
                     drop=sorted(c for c, e in plan.items() if e.drop))
    out = edit.cells
    # Preface rows (titles, notes above the header) are plain text.
    for r in range(first_data if header is None else 0):
        for c, value in enumerate(rows[r]):
            if isinstance(value, str) and value.strip():
                new, changes = redactor.redact(value)
                if changes:
                    out[(r, c)] = new
                    if report is not None:
                        report.add(changes)
    # Whole columns first: what a column rule decides, the values in it do not change.
    for c, col_edit in plan.items():
        if col_edit.cell is None:
            continue
        for r in range(first_data, len(rows)):
            if c >= len(rows[r]):
                continue
            text, _lost = tables.cell_text(rows[r][c])
            if not text:
                continue
            new = col_edit.cell(text)
            if new == text:
                continue
            out[(r, c)] = new
            if report is not None:
                found = per_cell.get((r, c)) or [Finding(FORBIDDEN_FIELD, 0, len(text), text, 1.0, "profile_column",
                                                         row=r - first_data + 1, column=names[c],
                                                         evidence=(f"rule:{col_edit.rule}",) if col_edit.rule else ())]
                report.add(_cleared(f, new) for f in found)
    for (r, c), found in per_cell.items():
        if c < 0 or r >= len(rows) or c >= len(rows[r]) or c in plan:
            continue  # a column rule decided this cell (or keeps its column as it is)
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
            if any(getattr(redactor.strategies[ch.finding.type], "EMPTIES_CELL", False) for ch in changes):
                new, lead, trail = "", "", ""
            out[(r, c)] = lead + new + trail
            if report is not None:
                report.add(changes)
    return edit


def _cleared(finding: Finding, replacement: str):
    from ..changes import Change

    return Change(finding, replacement, 0)


def _column_plan(names: list[str], classes, redactor) -> dict[int, ColumnEdit]:
    """Column index → what happens to the whole column: the redactor's column rules by header,
    then ``DROPS_COLUMN`` strategies by the type each column was classified as."""
    plan: dict[int, ColumnEdit] = {}
    if isinstance(redactor, ColumnRules):
        for i, name in enumerate(names):
            e = redactor.column_edit(name)
            if e is not None:
                plan[i] = e
    for col in classes:
        if col.index in plan or col.type is None or col.type not in redactor.types:
            continue
        strategy = redactor.strategies[col.type]
        if getattr(strategy, "DROPS_COLUMN", False):
            plan[col.index] = ColumnEdit(drop=True, cell=_empty, rule=f"{strategy.NAME}:{col.type}")
    return plan


def _empty(_text: str) -> str:
    return ""


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
    """A redacted copy of ``df``: its index, columns and untouched cells are kept, except
    columns a ``drop-column`` rule removes.

    Changed cells become strings (a phone stored as int64 comes back as ``138****8000``).
    """
    out = df.copy()
    rows = df.astype(object).where(df.notna(), None).values.tolist()
    edit = redact_table(rows, redactor, header=[str(c) for c in df.columns])
    changes = edit.cells
    touched_cols = {c for _, c in changes}
    for c in touched_cols:
        # By position: ``out[name] = …`` would overwrite every column of that name.
        if out.iloc[:, c].dtype != object:
            out.isetitem(c, out.iloc[:, c].astype(object))
    for (r, c), new in changes.items():
        out.iat[r, c] = new
    if edit.drop:
        out = out.iloc[:, [c for c in range(out.shape[1]) if c not in set(edit.drop)]].copy()
    return out
