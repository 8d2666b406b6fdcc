"""Tables without ruling lines: columns under a header line, found from the characters alone.

A searchable scan's text layer has no lines (they are in the picture), and
many notices print borderless tables. Without a table there is no column
header, and a non-Luhn account number or a bare name is not personal
information by itself. So, in the text outside ruled tables, a line is taken
for a header when it reads like one — at least three words set apart, two of
them known column names (``patterns/column_headers.toml``), no digits, nothing
personal in it — and the lines right under it whose words all fall under its
columns are the table's rows. The first line that does not fit ends it.

Deliberately strict: prose seldom has two column names on one line, and a
line that holds personal data is never a header (as for ruled tables).
"""
from __future__ import annotations

import numpy as np

from .layout import Y_TOLERANCE

#: Words on a line are set apart when the gap exceeds this share of the line's character height.
WORD_GAP = 0.8
MIN_COLUMNS = 3


def find(box: np.ndarray, text: str, sel: np.ndarray) -> list[tuple[list[list[int | None]], tuple, np.ndarray]]:
    """Tables among the characters ``sel`` (positions into ``box``/``text``, y up).

    Returns (grid of cell numbers, bbox (x0, top, x1, bottom), cell number of each char of ``box`` or -1).
    """
    from ..tables import header_kind, holds_personal_data

    if len(sel) < 10:
        return []
    lines = _lines(box, sel)
    out = []
    i = 0
    while i < len(lines):
        words = _words(box, lines[i])
        texts = ["".join(text[k] for k in w) for w in words]
        if (len(words) >= MIN_COLUMNS and sum(header_kind(t) is not None for t in texts) >= 2
                and not any(ch.isdigit() for t in texts for ch in t) and not holds_personal_data(texts)):
            spans = _spans(box, words)
            rows: list[list[list[int]]] = [[list(w) for w in words]]
            j = i + 1
            while j < len(lines):
                row = _fit(box, _words(box, lines[j]), spans)
                if row is None:
                    break
                filled = sum(bool(c) for c in row)
                if rows[1:] and not row[0] and filled * 2 < len(spans):
                    # A cell that wraps: the rest of the row above.
                    for c, chars in enumerate(row):
                        rows[-1][c].extend(chars)
                elif filled >= 2:
                    rows.append(row)
                else:
                    break
                j += 1
            if len(rows) >= 2:
                out.append(_table(box, rows))
                i = j
                continue
        i += 1
    return out


def _lines(box: np.ndarray, sel: np.ndarray) -> list[np.ndarray]:
    base = -box[sel, 1]
    order = sel[np.argsort(base, kind="stable")]
    b = -box[order, 1]
    breaks = np.flatnonzero(np.diff(b) > Y_TOLERANCE) + 1
    return [line[np.argsort(box[line, 0], kind="stable")] for line in np.split(order, breaks)]


def _words(box: np.ndarray, line: np.ndarray) -> list[np.ndarray]:
    if not len(line):
        return []
    height = float(np.median(box[line, 3] - box[line, 1])) or 1.0
    gaps = box[line[1:], 0] - box[line[:-1], 2]
    return np.split(line, np.flatnonzero(gaps > WORD_GAP * height) + 1)


def _spans(box: np.ndarray, words: list[np.ndarray]) -> list[tuple[float, float]]:
    """Each header column's span: from its word's left edge to the next one's (the last: to the page's end)."""
    lefts = [float(box[w, 0].min()) for w in words]
    return [(left, lefts[k + 1] if k + 1 < len(lefts) else float("inf")) for k, left in enumerate(lefts)]


def _fit(box: np.ndarray, words: list[np.ndarray], spans: list[tuple[float, float]]) -> list[list[int]] | None:
    """The words of a line under the header's columns (most overlap), or None if one falls outside them."""
    if not words:
        return None
    row: list[list[int]] = [[] for _ in spans]
    first = spans[0][0]
    for w in words:
        x0, x1 = float(box[w, 0].min()), float(box[w, 2].max())
        if x1 < first - 2.0:
            return None
        overlap = [min(x1, hi) - max(x0, lo) for lo, hi in spans]
        best = int(np.argmax(overlap))
        if overlap[best] <= 0:
            return None
        crossed = sum(1 for (lo, hi), o in zip(spans, overlap) if hi != float("inf") and o > 0.5 * (hi - lo))
        if crossed >= 2:
            return None  # a run of text across columns: prose, not a row
        row[best].extend(w.tolist())
    return row


def _table(box: np.ndarray, rows: list[list[list[int]]]) -> tuple[list[list[int | None]], tuple, np.ndarray]:
    in_cell = np.full(len(box), -1, dtype=np.int64)
    grid: list[list[int | None]] = []
    n = 0
    members = []
    for row in rows:
        ids: list[int | None] = []
        for chars in row:
            if chars:
                in_cell[chars] = n
                members.extend(chars)
            ids.append(n)
            n += 1
        grid.append(ids)
    m = np.array(members)
    bbox = (float(box[m, 0].min()), float(-box[m, 3].max()), float(box[m, 2].max()), float(-box[m, 1].min()))
    return grid, bbox, in_cell
