"""From page layouts to what is scanned: segments and tables, stitched over page breaks.

A long list goes on over many pages. Word, WPS and LibreOffice print it:

- without repeating the header: a table at the top of the next page with as
  many columns and no header row keeps the header (and the row numbering) of
  the table before it;
- with a row **split by the page break**: the part on the next page is a row
  of its own with no row number. It is joined cell by cell to the last row of
  the page before, so a value split with it (an ID whose first 12 digits end
  page 5 and whose last 6 start page 6) is one value again — found whole, and
  redacted on both pages (its characters keep their own pages).

A row counts as a continuation when the table has a row-number column (most
non-empty cells small integers, e.g. 序号) and either the first row on the new
page or the last row on the old page has no number there, both having some
text. Without a usable row-number column (none printed, or one the text layer
lost: pdfium drops a one-digit cell when the fallback font for a non-embedded
CJK font has no glyph box for it), the first row on the new page is a
continuation when it lacks most of the columns the rows before it always fill
(a wrapped ID and account, but no name, phone or amount): a person with one
value missing still has the rest of the row.

A page's items are given out once the next page has been seen (the next page
may finish its last row); memory holds one page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..readers import Segment
from ..tables import Table, find_header_row, header_kind, header_names
from .layout import Owned, PageLayout

_ROW_NUMBER = re.compile(r"\d{1,5}")
_NUMBER_SHARE = 0.8
_FILLED_SHARE = 0.9  # a column "always filled" in the rows before a break


@dataclass
class TextPiece:
    """A segment of text and the character behind each of its positions."""

    segment: Segment
    owner: np.ndarray

    def item(self) -> Segment:
        return self.segment


@dataclass
class TablePiece:
    """A table (data rows under ``header``) and the characters behind each cell."""

    rows: list[list[Owned | None]]
    header: list[str]
    first_row: int
    location: dict[str, Any]
    shared: list = field(default_factory=list)  # column classes, one list for a table and its continuations

    def item(self) -> Table:
        return Table([[c.text if c is not None else None for c in r] for r in self.rows], dict(self.location),
                     header=list(self.header), first_row=self.first_row, shared_classes=self.shared)

    def cell(self, row: int, column: str) -> Owned | None:
        """The cell of a finding: ``row`` as the finding numbers it, ``column`` its header name."""
        r = row - self.first_row
        try:
            c = self.header.index(column)
        except ValueError:
            return None
        if 0 <= r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None


Piece = TextPiece | TablePiece


@dataclass
class _Prev:
    header: list[str]
    next_row: int
    number_col: int | None
    piece: TablePiece | None = None  # the table, while its page is still held
    page: int = 0
    shared: list = field(default_factory=list)  # the table's column classes (see TablePiece.shared)


@dataclass
class Stitcher:
    """Feed page layouts in order; get the pieces of each page once the next one is known."""

    prev: _Prev | None = None
    held: list[Piece] = field(default_factory=list)
    held_page: int = 0

    def feed(self, layout: PageLayout) -> list[Piece]:
        pieces = self._page(layout)
        out, self.held, self.held_page = self.held, pieces, layout.number
        return out

    def finish(self) -> list[Piece]:
        out, self.held = self.held, []
        if self.prev is not None:
            self.prev.piece = None
        return out

    def _page(self, layout: PageLayout) -> list[Piece]:
        n = layout.number
        loc = {"page": n}
        pieces: list[Piece] = []
        first = True
        for t in layout.tables:
            rows = [r for r in t.rows if any(c is not None and c.text for c in r)]
            if not rows:
                continue
            width = max(len(r) for r in rows)
            texts = [[c.text if c is not None else None for c in r] for r in rows]
            h = _header_row(texts, width)
            prev = self.prev
            after_break = first and prev is not None and prev.piece is not None and prev.page == n - 1
            if h is None and prev is not None and len(prev.header) == width:
                # Goes on from the table before, header not repeated.
                if after_break and _joins(prev.piece.rows, rows[0], prev.number_col):
                    _join(prev.piece.rows[-1], rows[0])
                    rows = rows[1:]
                piece = TablePiece(rows, prev.header, prev.next_row, loc,
                                   prev.piece.shared if prev.piece is not None else prev.shared)
                self.prev = _Prev(prev.header, prev.next_row + len(rows), prev.number_col, piece, n, piece.shared)
            else:
                if h is None:
                    header, data, preface = header_names([], width), rows, []
                else:
                    header, data, preface = header_names(texts[h], width), rows[h + 1:], rows[:h]
                if (after_break and h is not None and not preface and prev.header == header and data
                        and _joins(prev.piece.rows, data[0], prev.number_col)):
                    # The header is repeated on the new page, and the row under it is the rest of the last one.
                    _join(prev.piece.rows[-1], data[0])
                    data = data[1:]
                for row in preface:
                    line = Owned.join([c for c in row if c is not None and c.text], " ")
                    if line:
                        pieces.append(TextPiece(Segment(line.text, location=dict(loc)), line.owner))
                piece = TablePiece(data, header, 1, loc)
                self.prev = _Prev(header, 1 + len(data), _number_column(data), piece, n, piece.shared)
            pieces.append(piece)
            first = False
        if layout.text:
            pieces.append(TextPiece(Segment(layout.text.text, location=dict(loc)), layout.text.owner))
        return pieces


def _header_row(texts: list[list[str | None]], width: int) -> int | None:
    """:func:`piiscan.tables.find_header_row`, asked only when a row could qualify.

    It returns a row only if one of the first ten non-blank rows names at least
    two known columns (one in a one-column table); checking that costs a
    dictionary lookup a cell, while find_header_row scans candidate rows for
    personal data. A table going on from the page before has none: skipped.
    """
    need = 1 if width == 1 else 2
    seen = 0
    for row in texts:
        if not any(c not in (None, "") for c in row):
            continue
        seen += 1
        if seen > 10:
            break
        if sum(1 for c in row if isinstance(c, str) and header_kind(c) is not None) >= need:
            return find_header_row(texts)
    return None


def _number_column(rows: list[list[Owned | None]]) -> int | None:
    """The first column whose non-empty cells are mostly small integers (序号), or None."""
    width = max((len(r) for r in rows), default=0)
    for c in range(width):
        cells = [r[c].text for r in rows if c < len(r) and r[c] is not None and r[c].text]
        if len(cells) >= 2 and sum(bool(_ROW_NUMBER.fullmatch(t)) for t in cells) >= _NUMBER_SHARE * len(cells):
            return c
    return None


def _cell(row: list[Owned | None], c: int) -> str:
    return row[c].text if c < len(row) and row[c] is not None else ""


def _joins(before: list[list[Owned | None]], first: list[Owned | None], number_col: int | None) -> bool:
    """Whether ``first`` (top of the new page) is the rest of ``before[-1]`` (bottom of the page before)."""
    if not before:
        return False
    last = before[-1]
    if len(last) != len(first):
        return False
    rest = [c for i, c in enumerate(first) if i != number_col and c is not None and c.text]
    held = [c for i, c in enumerate(last) if i != number_col and c is not None and c.text]
    if not rest or not held:
        return False
    if number_col is not None:
        return not _cell(first, number_col) or not _cell(last, number_col)
    return _lacks_most_filled_columns(before, first)


def _lacks_most_filled_columns(before: list[list[Owned | None]], first: list[Owned | None]) -> bool:
    """Whether ``first`` leaves empty more than half of the columns that the rows in ``before`` fill."""
    width = len(first)
    filled = [c for c in range(width)
              if sum(1 for r in before if c < len(r) and r[c] is not None and r[c].text) >= _FILLED_SHARE * len(before)]
    if len(filled) < 2:
        return False
    missing = sum(1 for c in filled if not _cell(first, c))
    return 2 * missing > len(filled)


def _join(last: list[Owned | None], first: list[Owned | None]) -> None:
    for i, cont in enumerate(first):
        if cont is None or not cont.text:
            continue
        head = last[i]
        last[i] = cont if head is None or not head.text else Owned(head.text + cont.text,
                                                                   np.concatenate([head.owner, cont.owner]))
