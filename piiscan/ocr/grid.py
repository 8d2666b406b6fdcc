"""Tables rebuilt from their ruling lines: where the rows and columns are, and which cells are merged.

OCR gives text lines, and a line is not a cell: a Word-style notice wraps an
ID over two lines of its cell, and line text then holds no whole ID at all
(0 of 30 in the issue's measurement). So the grid comes from the image:

1. the page is binarised (adaptive threshold: photos are lit unevenly);
2. horizontal and vertical ruling lines are what survives an opening with a
   long thin kernel, a few text heights long (a stroke of a character is
   shorter than that);
3. lines that touch form a table; their positions, clustered, give the row
   and column boundaries;
4. a boundary missing inside a table (a cell spanning columns or rows) merges
   the cells on both sides of it.

Everything works in the deskewed frame (:class:`~piiscan.ocr.geometry.Rotation`);
``unit`` is the typical text height in pixels, from the OCR lines.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: A horizontal ruling line is at least this many text heights long, a vertical one this many.
H_LINE_UNITS = 3.0
V_LINE_UNITS = 1.1
#: A boundary exists between two cells when its line covers this share of their common side.
WALL_SHARE = 0.6


@dataclass
class Grid:
    """One ruled table: boundaries ``xs`` (columns + 1) and ``ys`` (rows + 1), and merged cells.

    ``anchor[i][j]`` is the (row, column) of the cell that grid position
    ``(i, j)`` belongs to: itself, or the top-left position of a merged cell.
    """

    xs: list[float]
    ys: list[float]
    anchor: list[list[tuple[int, int]]] = field(default_factory=list)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys) - 1, len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (anchor) cell containing the point, or None outside the table."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        i = min(max(bisect.bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        j = min(max(bisect.bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        return self.anchor[i][j]


def binarise(gray: Any, unit: float) -> Any:
    """Ink as 255 on 0, robust to uneven light."""
    import cv2

    block = max(15, int(unit * 2) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)


def without_solid(ink: Any, unit: float) -> Any:
    """``ink`` less its solid areas (redaction boxes, filled blocks): the edges of a painted box are
    long straight runs that would pass for ruling lines. Strokes and rules are thinner than the square
    opened here, so they stay."""
    import cv2

    k = max(5, round(unit * 0.4))
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    if not solid.any():
        return ink
    return cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(solid, np.ones((3, 3), np.uint8))))


def ruling_skew(ink: Any, unit: float) -> float | None:
    """The page's skew (degrees, as :func:`piiscan.ocr.geometry.skew_degrees`) from its long horizontal
    ruling lines, or None without at least two: a table's lines are straighter than any text line."""
    import cv2

    unit = max(unit, 6.0)
    horiz = cv2.morphologyEx(without_solid(ink, unit), cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (round(unit * H_LINE_UNITS), 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    angles: list[tuple[float, float]] = []
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        if w < 8 * unit or h > unit:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == k)
        if len(xs) < 10:
            continue
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        angles.append((float(np.degrees(np.arctan(slope))), float(w) * float(w)))
    if len(angles) < 2:
        return None
    angles.sort()
    half, acc = sum(wt for _, wt in angles) / 2, 0.0
    for a, wt in angles:
        acc += wt
        if acc >= half:
            return a
    return None


def find_grids(ink: Any, unit: float) -> list[Grid]:
    """The ruled tables in a binarised, deskewed page, top to bottom."""
    import cv2

    unit = max(unit, 6.0)
    # Bridge one- or two-pixel breaks that noise and binarisation leave in thin lines.
    ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    thin = without_solid(ink, unit)
    h_len, v_len = round(unit * H_LINE_UNITS), round(unit * V_LINE_UNITS)
    horiz = cv2.morphologyEx(thin, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vert = cv2.morphologyEx(thin, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    lines = cv2.dilate(horiz | vert, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    grids: list[Grid] = []
    for k in range(1, n):
        x, y, w, h, _area = stats[k]
        if w < 4 * unit or h < 2 * unit:
            continue
        region = labels[y:y + h, x:x + w] == k
        hs = _segments(horiz[y:y + h, x:x + w] & region.astype(np.uint8) * 255, axis=0, min_len=h_len)
        vs = _segments(vert[y:y + h, x:x + w] & region.astype(np.uint8) * 255, axis=1, min_len=v_len)
        tol = max(3.0, unit * 0.45)
        # A ruling line crosses at least two lines of the other direction: the ring of a seal, a
        # signature or an underline touching the table does not.
        touch = max(3.0, unit * 0.15)  # a rule runs into the lines it meets; a seal's ring stops short
        for _ in range(2):
            ys = _cluster([p for p, _, _ in hs], tol)
            xs = _cluster([p for p, _, _ in vs], tol)
            vs = [v for v in vs if _crossings(v, ys, touch) >= 2]
            hs = [h for h in hs if _crossings(h, xs, touch) >= 2]
        ys = _cluster([p for p, _, _ in hs], tol)
        xs = _cluster([p for p, _, _ in vs], tol)
        if len(ys) < 2 or len(xs) < 2:
            continue
        grid = Grid([x + v for v in xs], [y + v for v in ys])
        grid.anchor = _merge(grid, ink, max(2, round(unit * 0.12)))
        grids.append(grid)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _segments(mask: Any, axis: int, min_len: int) -> list[tuple[float, float, float]]:
    """Line segments in a mask of one direction: (position across, start, end along)."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        if axis == 0 and w >= min_len:
            out.append((y + h / 2, x, x + w))
        elif axis == 1 and h >= min_len:
            out.append((x + w / 2, y, y + h))
    return out


def _crossings(seg: tuple[float, float, float], positions: list[float], tol: float) -> int:
    """How many of the other direction's line positions the segment (position, start, end) spans."""
    _, a, b = seg
    return sum(1 for p in positions if a - tol <= p <= b + tol)


def _cluster(values: list[float], tol: float) -> list[float]:
    """Positions closer than ``tol`` are one line (a double rule, a thick line); their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _merge(grid: Grid, ink: Any, t: int) -> list[list[tuple[int, int]]]:
    """Anchor of every grid position: positions not separated by a ruling line belong to one cell.

    The line between two positions is looked for in the ink itself, within
    ``t`` pixels of the boundary: next to a column of dense digits a thin
    line breaks into pieces too short to survive the opening that found the
    boundaries, yet most of its pixels are there.
    """
    rows, cols = grid.shape
    parent = {(i, j): (i, j) for i in range(rows) for j in range(cols)}

    def find(p: tuple[int, int]) -> tuple[int, int]:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i in range(rows):
        y0, y1 = round(grid.ys[i] + 2 * t), round(grid.ys[i + 1] - 2 * t)
        for j in range(cols - 1):
            x = round(grid.xs[j + 1])
            if y1 > y0 and not _covered(ink[y0:y1, max(0, x - t):x + t + 1], axis=0):
                union((i, j), (i, j + 1))
    for j in range(cols):
        x0, x1 = round(grid.xs[j] + 2 * t), round(grid.xs[j + 1] - 2 * t)
        for i in range(rows - 1):
            y = round(grid.ys[i + 1])
            if x1 > x0 and not _covered(ink[max(0, y - t):y + t + 1, x0:x1], axis=1):
                union((i, j), (i + 1, j))
    return [[find((i, j)) for j in range(cols)] for i in range(rows)]


def _covered(strip: Any, axis: int) -> bool:
    """Whether a ruling line runs along ``strip`` (axis 0: down its rows; 1: across its columns)."""
    if strip.size == 0:
        return False
    hit = strip.any(axis=1 - axis)
    return float(hit.mean()) >= WALL_SHARE
