"""One page image → piiscan items: tables rebuilt cell by cell, the rest as text, every character with its box.

:class:`PageReader` runs the engine once per page, then lays the text out:

* characters inside a ruled table (:mod:`piiscan.ocr.grid`) go to their
  cell, the lines of a wrapped cell joined (``3610251984`` over
  ``01239562`` is one value), and the table becomes an :class:`OcrTable`,
  a :class:`piiscan.tables.Table` whose columns are classified by header
  exactly as any other table's; a table going on over the next page
  without its header keeps the header and row numbers of the page before;
* the other characters become :class:`OcrSegment` text, one per block
  above, between and below tables, its pieces on one visual row joined by
  a space.

Both carry a :class:`Mark` per character (its box in the pixels of the
image given, the recogniser's score, whether a digit was repaired), and
their ``refine`` gives findings their ``box`` and ``ocr:<score>`` evidence;
:func:`piiscan.files._scan_items` calls it for any item that has it.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple, Sequence

from ..finding import Finding
from ..readers import Segment
from ..tables import _WRAP, Table, cell_text, find_header_row, header_names
from . import digits
from .engine import Line, recognise
from .geometry import IDENTITY, Box, Rotation, Warp, flatten, skew_degrees
from .grid import Grid, binarise, find_grids, ruling_skew

#: Evidence on every finding read by OCR (with the recogniser's score as detail).
EVIDENCE = "ocr"
CORRECTED = "ocr-corrected"
#: Lines read with less confidence than this are counted in :attr:`Page.weak_lines`.
WEAK_SCORE = 0.6


class Mark(NamedTuple):
    """Where one character of an OCR text is: its box in source pixels, the recogniser's score, and
    whether it is a repaired digit (:mod:`piiscan.ocr.digits`)."""

    box: Box
    score: float
    fixed: bool = False


def union(boxes: Iterable[Box]) -> Box | None:
    boxes = list(boxes)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _refine(f: Finding, marks: Sequence[Mark | None], text: str | None = None) -> Finding:
    """``f`` with the box of its characters and the OCR evidence."""
    span = [m for m in marks[f.start:f.end] if m is not None]
    if text is not None and text[f.start:f.end] != f.value:
        span = [m for m in marks if m is not None]  # offsets do not line up: the whole text's box
    box = union(m.box for m in span)
    score = min((m.score for m in span), default=0.0)
    reasons = [f"{EVIDENCE}:{score:.2f}"] + ([CORRECTED] if any(m.fixed for m in span) else [])
    out = f.with_evidence(*reasons)
    return out.with_location(box=tuple(round(v, 1) for v in box)) if box else out


@dataclass(frozen=True)
class OcrSegment(Segment):
    """Text read by OCR outside tables; ``marks[i]`` locates ``text[i]`` (None for a joining space)."""

    marks: tuple[Mark | None, ...] = ()

    def refine(self, findings: Iterable[Finding]) -> list[Finding]:
        return [_refine(f, self.marks, self.text) for f in findings]


@dataclass
class OcrTable(Table):
    """A table rebuilt from a page image; ``marks[r][c]`` locates the characters of cell text ``rows[r][c]``
    (after :func:`piiscan.tables.cell_text`, which drops the line breaks of a wrapped cell)."""

    marks: list[list[tuple[Mark | None, ...]]] = field(default_factory=list)

    def cell(self, row: int, column: str | int | None) -> tuple[str, tuple[Mark | None, ...]] | None:
        """The text and marks of data row ``row`` (numbered as findings are) and a column (header or index)."""
        r = row - self.first_row
        c = column if isinstance(column, int) else (self.header or []).index(column) if column in (self.header or []) else None
        if c is None or not 0 <= r < len(self.marks) or c >= len(self.marks[r]):
            return None
        return cell_text(self.rows[r][c])[0], self.marks[r][c]  # type: ignore[index]

    def refine(self, findings: Iterable[Finding]) -> list[Finding]:
        out = []
        for f in findings:
            cell = self.cell(f.row, f.column) if f.row is not None else None
            out.append(_refine(f, cell[1], cell[0]) if cell else f.with_evidence(EVIDENCE))
        return out

    def cell_boxes(self, column: int) -> list[tuple[int, Box]]:
        """(row number, box) of every non-empty cell of a column (what a redaction paints over wholesale)."""
        out = []
        for r, row in enumerate(self.marks, self.first_row):
            if column < len(row):
                b = union(m.box for m in row[column] if m is not None)
                if b:
                    out.append((r, b))
        return out


@dataclass
class Page:
    """What OCR made of one page: the items to scan, and facts about how well it read."""

    items: list[Any]
    lines: int = 0
    weak_lines: int = 0
    tables: int = 0
    skew: float = 0.0
    flattened: bool = False
    unit: float = 0.0  # median height of a text line, in pixels

    @property
    def margin(self) -> int:
        """Margin to paint around a box on this page: a fifth of a line's height, at least 3 pixels
        (character boxes come from the recogniser's alignment and can fall a few pixels short of the ink)."""
        return max(3, round(self.unit * 0.2))


# --- assembling text ---------------------------------------------------------

class _Char(NamedTuple):
    ch: str
    mark: Mark | None  # None: a space put where the line has a wide gap
    cx: float  # centre in the deskewed frame
    cy: float
    line: int  # index of the OCR line it came from


#: A gap wider than this (in text heights) between two characters of one OCR line is a space: the
#: recogniser reads ``手机：138… 6228…`` across a wide gap without one, and the numbers would glue.
GAP_UNITS = 0.5


def _chars(lines: list[Line], warp: Warp, rot: Rotation, unit: float) -> list[_Char]:
    out = []
    for n, line in enumerate(lines):
        text, fixed = digits.fix("".join(g.char for g in line.glyphs))
        fixed_set = set(fixed)
        prev = None
        for k, (g, ch) in enumerate(zip(line.glyphs, text)):
            x0, y0, x1, y1 = g.box
            cx, cy = rot.point((x0 + x1) / 2, (y0 + y1) / 2)
            if prev is not None and ch != " " and prev[0] != " " and x0 - prev[1] > unit * GAP_UNITS:
                out.append(_Char(" ", None, (cx + prev[2]) / 2, (cy + prev[3]) / 2, n))
            out.append(_Char(ch, Mark(warp.to_source(g.box), min(g.score, line.score), k in fixed_set), cx, cy, n))
            prev = (ch, x1, cx, cy)
    return out


def _join_runs(runs: list[list[_Char]], unit: float) -> tuple[str, tuple[Mark | None, ...]]:
    """Runs of characters (pieces of OCR lines) as text: visual rows top to bottom, a space between
    pieces of a row that are far apart, rows joined by newlines."""
    runs = [r for r in runs if r]
    runs.sort(key=lambda r: statistics.fmean(c.cy for c in r))
    rows: list[list[list[_Char]]] = []
    for r in runs:
        cy = statistics.fmean(c.cy for c in r)
        if rows and abs(cy - statistics.fmean(c.cy for c in rows[-1][0])) <= unit * 0.5:
            rows[-1].append(r)
        else:
            rows.append([r])
    text: list[str] = []
    marks: list[Mark | None] = []
    for row in rows:
        row.sort(key=lambda r: r[0].cx)
        if text:
            text.append("\n")
            marks.append(None)
        prev: _Char | None = None
        for r in row:
            for c in r:
                if prev is not None and c.line != prev.line and " " not in (c.ch, prev.ch) and c.cx - prev.cx > unit * 1.2:
                    text.append(" ")
                    marks.append(None)
                text.append(c.ch)
                marks.append(c.mark)
                prev = c
    return "".join(text), tuple(marks)


def _runs(chars: list[_Char]) -> list[list[_Char]]:
    """Consecutive characters of the same OCR line."""
    out: list[list[_Char]] = []
    for c in chars:
        if out and out[-1][-1].line == c.line:
            out[-1].append(c)
        else:
            out.append([c])
    return out


def _strip(text: str, marks: tuple[Mark | None, ...]) -> tuple[str, tuple[Mark | None, ...]]:
    lead = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return text[lead:end], marks[lead:end]


# --- the page ------------------------------------------------------------------

class PageReader:
    """Reads page images one after another; a table continued on the next page keeps its header."""

    def __init__(self) -> None:
        self._prev: tuple[list[str], int] | None = None  # header and next row number of the last table

    def read(self, image: Any, *, dpi: float | None = None, page: int | None = None) -> Page:
        """The items of one page image (a PIL image or a numpy array, BGR or grey)."""
        import cv2
        import numpy as np

        bgr = _as_bgr(image)
        flat, warp = flatten(bgr)
        lines = recognise(flat)
        where = {"page": page} if page is not None else {}
        if not lines:
            return Page([], flattened=warp is not IDENTITY)
        heights = [_height(line) for line in lines]
        unit = statistics.median(heights) if heights else (dpi or 200) / 72 * 9
        gray = flat if flat.ndim == 2 else cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY)
        ink = binarise(np.ascontiguousarray(gray), unit)
        skew = ruling_skew(ink, unit)
        if skew is None:
            skew = skew_degrees([line.quad for line in lines])
        h, w = flat.shape[:2]
        rot = Rotation(skew, (w, h))
        grids = find_grids(rot.image(ink), unit)
        chars = _chars(lines, warp, rot, unit)
        items = self._layout(chars, grids, unit, where)
        weak = sum(1 for line in lines if line.score < WEAK_SCORE)
        return Page(items, lines=len(lines), weak_lines=weak, tables=len(grids), skew=skew,
                    flattened=warp is not IDENTITY, unit=unit)

    def _layout(self, chars: list[_Char], grids: list[Grid], unit: float, where: dict) -> list[Any]:
        in_cell: list[dict[tuple[int, int], list[_Char]]] = [{} for _ in grids]
        outside: list[list[_Char]] = [[] for _ in range(len(grids) + 1)]  # text above, between, below tables
        for c in chars:
            for g, grid in enumerate(grids):
                cell = grid.cell_at(c.cx, c.cy)
                if cell is not None:
                    in_cell[g].setdefault(cell, []).append(c)
                    break
            else:
                block = sum(1 for grid in grids if c.cy > grid.ys[-1])
                outside[block].append(c)
        items: list[Any] = []
        for block in range(len(grids) + 1):
            text, marks = _strip(*_join_runs(_runs(outside[block]), unit))
            if text:
                items.append(OcrSegment(text, location=dict(where), marks=marks))
            if block < len(grids):
                items.extend(self._table(grids[block], in_cell[block], unit, where))
        # Text above a table reads before it: keep page order (block texts were appended first).
        return items

    def _table(self, grid: Grid, cells: dict[tuple[int, int], list[_Char]], unit: float, where: dict) -> list[Any]:
        rows_n, cols_n = grid.shape
        texts: list[list[str | None]] = []
        marks: list[list[tuple[Mark | None, ...]]] = []
        for i in range(rows_n):
            row_t: list[str | None] = []
            row_m: list[tuple[Mark | None, ...]] = []
            for j in range(cols_n):
                got = cells.get((i, j)) if grid.anchor[i][j] == (i, j) else None
                if not got:
                    row_t.append(None)
                    row_m.append(())
                    continue
                t, m = self._cell(got, unit)
                row_t.append(t or None)
                row_m.append(_drop_breaks(t, m) if "\n" in t else m)
            if any(row_t):
                texts.append(row_t)
                marks.append(row_m)
        if not texts:
            return []
        flat_rows = [[(t or "").replace("\n", "") for t in row] for row in texts]
        h = find_header_row(flat_rows)
        items: list[Any] = []
        if h is None and self._prev is not None and len(self._prev[0]) == cols_n:
            header, first = self._prev  # continued from the page before, header not repeated
            data_t, data_m = texts, marks
        elif h is None:
            header, first = header_names([], cols_n), 1
            data_t, data_m = texts, marks
        else:
            header, first = header_names(flat_rows[h], cols_n), 1
            for row_t, row_m in zip(texts[:h], marks[:h]):  # a title inside the table, above its header
                line = " ".join(t.replace("\n", "") for t in row_t if t)
                items.append(OcrSegment(line, location=dict(where), marks=_row_marks(row_t, row_m)))
            data_t, data_m = texts[h + 1:], marks[h + 1:]
        if data_t:
            items.append(OcrTable(data_t, dict(where), header=header, first_row=first, marks=data_m))
        self._prev = (header, first + len(data_t))
        return items

    @staticmethod
    def _cell(chars: list[_Char], unit: float) -> tuple[str, tuple[Mark | None, ...]]:
        """A cell's text: its lines top to bottom, joined by newlines (a wrapped value is one value)."""
        return _strip(*_join_runs(_runs(chars), unit))


def _drop_breaks(text: str, marks: tuple[Mark | None, ...]) -> tuple[Mark | None, ...]:
    """Marks of a wrapped cell's text as :func:`piiscan.tables.cell_text` gives it (line breaks and the blanks
    around them gone)."""
    keep = [True] * len(text)
    for m in _WRAP.finditer(text):
        for k in range(m.start(), m.end()):
            keep[k] = False
    return tuple(mk for k, mk in zip(keep, marks) if k)


def _row_marks(row_t: list[str | None], row_m: list[tuple[Mark | None, ...]]) -> tuple[Mark | None, ...]:
    out: list[Mark | None] = []
    for t, m in zip(row_t, row_m):
        if not t:
            continue
        if out:
            out.append(None)
        out.extend(m)
    return tuple(out)


def _height(line: Line) -> float:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = line.quad[:4]
    return ((y3 - y0) + (y2 - y1)) / 2


def _as_bgr(image: Any) -> Any:
    """A uint8 numpy array OCR can take: BGR for colour, 2-D for grey."""
    import numpy as np

    if hasattr(image, "mode"):  # PIL
        mode = image.mode
        if mode in ("1", "L", "I;16", "I", "F"):
            return np.ascontiguousarray(np.asarray(image.convert("L")))
        rgb = np.asarray(image.convert("RGB"))
        return np.ascontiguousarray(rgb[:, :, ::-1])
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = arr.clip(0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr)


# --- scanning a page (writers and the PDF side) -------------------------------------

class Cell(NamedTuple):
    """A non-empty cell of a column classified as personal: where it is, and its box."""

    table: int
    row: int
    column: str
    box: Box


@dataclass
class PageScan:
    """Findings of one page's items, and the cells of personal columns by entity type."""

    findings: list[Finding]
    cells: dict[str, list[Cell]]

    def boxes(self, types: Iterable[str]) -> list[Box]:
        """What to paint to redact ``types``: every finding's box, and every non-empty cell of a column
        classified as one of them — a value the recogniser misread (one wrong digit fails the checksum) is
        not a finding, yet its pixels still show it."""
        wanted = set(types)
        out = [f.box for f in self.findings if f.type in wanted and f.box is not None]
        for t, cells in self.cells.items():
            if t in wanted:
                out.extend(c.box for c in cells)
        return out

    def unvalidated(self, types: Iterable[str]) -> list[Cell]:
        """Cells of personal columns of ``types`` in which no finding was made (a misread value)."""
        wanted = set(types)
        found = {(f.row, f.column) for f in self.findings if f.type in wanted}
        return [c for t, cells in self.cells.items() if t in wanted for c in cells if (c.row, c.column) not in found]


#: Column classes whose cells are painted whole (classified by header or values, not "unknown").
_CLASSIFIED = ("header", "header+values", "values")


def scan_items(items: Iterable[Any], scanner: Any, path: str | None = None) -> PageScan:
    """Scan OCR items as :func:`piiscan.files.scan_file` would: tables by column, text with its context."""
    from ..readers.registry import Note
    from ..tables import scan_table

    findings: list[Finding] = []
    cells: dict[str, list[Cell]] = {}
    for n, item in enumerate(items):
        if isinstance(item, Note):
            continue
        if isinstance(item, Table):
            found, classes = scan_table(item, scanner, path=path)
            findings.extend(item.refine(found) if hasattr(item, "refine") else found)
            if isinstance(item, OcrTable):
                for c in classes:
                    if c.type and c.source in _CLASSIFIED:
                        cells.setdefault(c.type, []).extend(Cell(n, r, c.column, b) for r, b in item.cell_boxes(c.index))
        else:
            where = {**item.location, **({"path": path} if path else {})}
            found = [f.with_location(**where) for f in scanner.scan(item.text, label=item.label)]
            findings.extend(item.refine(found) if hasattr(item, "refine") else found)
    return PageScan(findings, cells)

