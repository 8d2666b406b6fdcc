"""The document as its reader sees it, with the scan's findings placed where they are.

The page shows findings *in the document's own text or table*: each text
segment and each table cell that holds a finding is split into runs of
plain text and highlighted runs. The findings are the scan's own
(:func:`piiscan.scan_file_results`), not a second opinion; this module only
reads the file again through the same reader and puts each finding back in
the segment or cell whose text holds its value at its offsets. A finding is
placed only where ``text[start:end] == value`` holds, so a highlight can
never sit on the wrong characters; a finding that cannot be placed (a
document property, a part beyond what is shown) is still in the list of
findings, flagged ``shown: false``.

Highlighted runs carry the masked value unless the caller asked to reveal
values: the page never receives a raw value it did not ask for.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..finding import LABELS, Finding
from ..masking import mask_value

#: What the page shows of one file: enough to review a notice, bounded for a huge export.
MAX_TEXT_CHARS = 200_000  # over all text blocks
MAX_TABLE_ROWS = 1_000  # per table
MAX_CELLS = 60_000  # over all tables
MAX_BLOCKS = 2_000
#: Rows above a table's first data row that may hold its title and header.
_MAX_HEADER_OFFSET = 30


def shown_value(f: Finding, reveal: bool) -> str:
    return f.value if reveal else mask_value(f.type, f.value)


def where_zh(f: Finding, *, with_path: bool = False) -> str:
    """Where a finding is, in words: ``工作表「第一批」 第 3 行 「身份证号码」列``."""
    parts = f.place(sheet="工作表「{}」", page="第 {} 页", row="第 {} 行", column="「{}」列", part="（{}）")
    if f.line is not None:
        parts.insert(0, f"第 {f.line} 行第 {f.column} 字")
    if with_path and f.path and "!" in f.path:
        parts.insert(0, f.path.split("!", 1)[1])
    return " ".join(parts) or "正文"


def finding_entry(i: int, f: Finding, reveal: bool, shown: bool, *, with_path: bool = False) -> dict[str, Any]:
    return {
        "id": i,
        "type": f.type,
        "label": LABELS.get(f.type, f.type),
        "value": shown_value(f, reveal),
        "where": where_zh(f, with_path=with_path),
        "confidence": round(f.confidence, 2),
        "evidence": list(f.evidence),
        "shown": shown,
    }


# --- blocks -----------------------------------------------------------------

@dataclass
class _Text:
    text: str
    location: dict[str, Any]
    label: str | None
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, finding id)
    used: set[tuple[int, int]] = field(default_factory=set)
    shown_chars: int = 0

    def fits(self, f: Finding) -> bool:
        return (f.row is None and _same_place(f, self.location) and (f.start, f.end) not in self.used
                and self.text[f.start:f.end] == f.value)

    def place(self, f: Finding, i: int) -> bool:
        self.used.add((f.start, f.end))
        if f.end <= self.shown_chars:
            self.spans.append((f.start, f.end, i))
            return True
        return False


@dataclass
class _Table:
    rows: list[list[str]]  # cell texts, at most MAX_TABLE_ROWS
    location: dict[str, Any]
    header: list[str] | None
    first_row: int
    more_rows: bool
    offset: int | None = None  # raw index of the first data row
    spans: dict[tuple[int, int], list[tuple[int, int, int]]] = field(default_factory=dict)
    used: set[tuple[int, int, int, int]] = field(default_factory=set)

    def fits(self, f: Finding, ahead: Iterable[Finding] = ()) -> tuple[int, int] | None:
        """The (raw row, column) of ``f`` in this table, or None."""
        if not _same_place(f, self.location):
            return None
        if f.row is None:  # a title or note above the header, scanned as plain text
            for r, row in enumerate(self.rows[:_MAX_HEADER_OFFSET]):
                for c, text in enumerate(row):
                    if text[f.start:f.end] == f.value and (r, c, f.start, f.end) not in self.used:
                        return r, c
            return None
        if self.offset is None:
            self.offset = self._vote([f, *itertools.islice(ahead, 40)])
            if self.offset is None:
                return None
        return self._cell(f, self.offset)

    def _vote(self, findings: list[Finding]) -> int | None:
        """The offset of the first data row that puts the most of these findings on their values."""
        candidates = [0] if self.header is not None else range(_MAX_HEADER_OFFSET + 1)
        best, best_n = None, 0
        for off in candidates:
            n = sum(1 for g in findings if g.row is not None and _same_place(g, self.location)
                    and self._cell(g, off) is not None)
            if n > best_n:
                best, best_n = off, n
        return best

    def _cell(self, f: Finding, off: int) -> tuple[int, int] | None:
        r = f.row - self.first_row + off
        if not 0 <= r < len(self.rows):
            return None
        row = self.rows[r]
        fitting = [c for c, text in enumerate(row)
                   if text[f.start:f.end] == f.value and (r, c, f.start, f.end) not in self.used]
        if not fitting:
            return None
        named = [c for c in fitting if self._column_name(c, off) == f.column]
        return r, (named or fitting)[0]

    def _column_name(self, c: int, off: int) -> str:
        if self.header is not None:
            return self.header[c] if c < len(self.header) else f"列{c + 1}"
        if off > 0 and c < len(self.rows[off - 1]) and self.rows[off - 1][c]:
            return "".join(self.rows[off - 1][c].split())
        return f"列{c + 1}"

    def place(self, f: Finding, i: int, cell: tuple[int, int]) -> bool:
        r, c = cell
        self.used.add((r, c, f.start, f.end))
        self.spans.setdefault(cell, []).append((f.start, f.end, i))
        return True


def _same_place(f: Finding, location: dict[str, Any]) -> bool:
    """Whether ``f`` carries the block's location (sheet, page, part …): readers copy it onto findings."""
    return all(getattr(f, k, None) == v for k, v in location.items())


def _runs(text: str, spans: list[tuple[int, int, int]], findings: Sequence[Finding], reveal: bool) -> list:
    """``text`` as plain strings and highlighted ``{"f", "type", "text"}`` runs."""
    out: list = []
    pos = 0
    for start, end, i in sorted(spans):
        if start < pos:  # overlapping findings are resolved by the scanner; be safe anyway
            continue
        if start > pos:
            out.append(text[pos:start])
        f = findings[i]
        out.append({"f": i, "type": f.type, "text": shown_value(f, reveal)})
        pos = end
    if pos < len(text):
        out.append(text[pos:])
    return out


def _cell_text(value: Any) -> str:
    from ..tables import cell_text

    return cell_text(value)[0]


def _read_blocks(path: Path) -> tuple[list, bool]:
    """The reader's segments and tables, bounded; and whether anything was left out."""
    from ..files import reader_for
    from ..readers import Segment
    from ..tables import Table

    blocks: list = []
    chars = cells = 0
    truncated = False
    for item in reader_for(path)(path):
        if len(blocks) >= MAX_BLOCKS:
            truncated = True
            break
        if isinstance(item, Segment):
            b = _Text(item.text, dict(item.location), item.label)
            b.shown_chars = max(0, min(len(item.text), MAX_TEXT_CHARS - chars))
            chars += b.shown_chars
            truncated |= b.shown_chars < len(item.text)
            blocks.append(b)
        elif isinstance(item, Table):
            room = max(0, min(MAX_TABLE_ROWS, (MAX_CELLS - cells) // max(1, _width(item))))
            rows_iter = iter(item.rows)
            rows = [[_cell_text(v) for v in row] for row in itertools.islice(rows_iter, room)]
            more = next(rows_iter, None) is not None
            truncated |= more
            cells += sum(len(r) for r in rows)
            blocks.append(_Table(rows, dict(item.location), list(item.header) if item.header is not None else None,
                                 item.first_row, more))
    return blocks, truncated


def _width(table: Any) -> int:
    rows = table.rows
    if isinstance(rows, Sequence) and rows:
        return max(len(r) for r in rows[:50])
    return len(table.header or ()) or 20


def build_view(path: Path, findings: Sequence[Finding], reveal: bool) -> dict[str, Any]:
    """``{"blocks": [...], "truncated": bool, "placed": [finding ids shown]}`` for one (non-archive) file."""
    blocks, truncated = _read_blocks(path)
    placed: set[int] = set()
    j = 0
    for i, f in enumerate(findings):
        order = list(range(j, len(blocks))) + list(range(0, j))
        for k in order:
            b = blocks[k]
            if isinstance(b, _Text):
                if b.fits(f):
                    if b.place(f, i):
                        placed.add(i)
                    j = k
                    break
            else:
                cell = b.fits(f, findings[i + 1:i + 41])
                if cell is not None:
                    b.place(f, i, cell)
                    placed.add(i)
                    j = k
                    break
    return {"blocks": [_render(b, findings, reveal) for b in blocks], "truncated": truncated, "placed": sorted(placed)}


def _where_block(location: dict[str, Any]) -> str:
    parts = []
    if "sheet" in location:
        parts.append(f"工作表「{location['sheet']}」")
    if "page" in location:
        parts.append(f"第 {location['page']} 页")
    if "part" in location:
        parts.append(str(location["part"]))
    return " ".join(parts)


def _render(b: Any, findings: Sequence[Finding], reveal: bool) -> dict[str, Any]:
    if isinstance(b, _Text):
        text = b.text[:b.shown_chars]
        return {"kind": "text", "where": _where_block(b.location), "runs": _runs(text, b.spans, findings, reveal),
                "truncated": b.shown_chars < len(b.text)}
    header_row = None
    if b.header is None and b.offset:
        header_row = b.offset - 1
    rows = [[_runs(text, b.spans.get((r, c), []), findings, reveal) for c, text in enumerate(row)]
            for r, row in enumerate(b.rows)]
    return {"kind": "table", "where": _where_block(b.location), "header": b.header, "header_row": header_row,
            "rows": rows, "truncated": b.more_rows}
