"""Lines and tables of a page, with the character behind every text position.

Characters are read in the frame of their own direction (upright text as it
is; text turned by a quarter or any angle turned back), so a line of a table
drawn sideways reads as a line. In each frame:

- **tables** are found from the ruling lines :mod:`.objects` collected, with
  pdfplumber's own functions (``merge_edges`` … ``cells_to_tables``, its
  default tolerances), so tables come out as ``page.find_tables()`` found
  them, without pdfminer parsing the page (the costly part);
- a character belongs to the cell its centre is in (pdfplumber's rule); the
  lines of a cell are joined with nothing between them (a wrapped value —
  an ID over two lines of a narrow cell — is one value, as
  :func:`piiscan.tables.cell_text` makes it), words with a space where the gap
  exceeds 3 pt (pdfplumber's default for cells);
- text outside tables reads line by line, a space where the gap exceeds
  1.5 pt (neighbouring cells of a table drawn without lines never glue into
  one 30-digit run, REFERENCE.md).

Every piece of text comes with ``owner``: for each position the *key* of the
character there (:func:`key`: page number and position in
:class:`~piiscan.pdf.chars.PageChars`), or -1 for a space or line break the
layout put in. The writer cuts exactly the characters behind a finding.

All of it is vectorised with numpy: no Python loop over characters here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .chars import PageChars
from .objects import Survey

CELL_X_TOLERANCE = 3.0  # pdfplumber's default inside table cells
TEXT_X_TOLERANCE = 1.5  # outside tables: CJK glyphs touch, table columns do not
Y_TOLERANCE = 3.0  # characters whose baselines are this close share a line
_SNAP = _JOIN = _INTERSECT = 3.0  # pdfplumber's table settings
_EDGE_MIN = 3.0
_PAGE_SHIFT = 32


def key(page: int, position: np.ndarray | int) -> np.ndarray | int:
    """The global key of a character: page number and its position on the page."""
    return (np.int64(page) << _PAGE_SHIFT) | position


def split_key(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return k >> _PAGE_SHIFT, k & ((1 << _PAGE_SHIFT) - 1)


@dataclass
class Owned:
    """Text and, for each of its positions, the key of the character there (-1: a separator)."""

    text: str
    owner: np.ndarray

    @staticmethod
    def empty() -> "Owned":
        return _EMPTY

    def __bool__(self) -> bool:
        return bool(self.text)

    @staticmethod
    def join(parts: list["Owned"], sep: str) -> "Owned":
        parts = [p for p in parts if p.text]
        if not parts:
            return Owned.empty()
        gap = np.full(len(sep), -1, dtype=np.int64)
        owners: list[np.ndarray] = []
        for i, p in enumerate(parts):
            if i:
                owners.append(gap)
            owners.append(p.owner)
        return Owned(sep.join(p.text for p in parts), np.concatenate(owners))


_EMPTY = Owned("", np.zeros(0, dtype=np.int64))  # shared: an Owned is never changed in place


@dataclass
class CellTable:
    """A table found on a page: rows of cells (None where a merged cell covers the grid)."""

    rows: list[list[Owned | None]]
    bbox: tuple[float, float, float, float]  # in its frame (x0, top, x1, bottom)


@dataclass
class PageLayout:
    number: int  # 1-based
    chars: PageChars
    tables: list[CellTable] = field(default_factory=list)
    text: Owned = field(default_factory=Owned.empty)  # everything outside tables


def lay_out(number: int, chars: PageChars, survey: Survey, positions: np.ndarray | None = None) -> PageLayout:
    """The tables and text of one page.

    ``positions``: when ``chars`` is a subset of the page's characters, their
    positions among all of them (the keys then name the page's characters).
    """
    out = PageLayout(number, chars)
    if not len(chars):
        return out
    codes = np.frombuffer(chars.text.encode("utf-32-le"), dtype=np.uint32)
    keys = key(number, positions if positions is not None else np.arange(len(chars), dtype=np.int64))
    texts: list[Owned] = []
    for theta, members in _frames(chars):
        box = _turn_boxes(chars.box[members], theta)
        edges = _turn_edges(survey.edges, theta)
        tables, outside = _frame(box, edges)
        for cells, grid, bbox, in_cell in tables:
            sel = np.flatnonzero(in_cell >= 0)
            owned = _assemble(box[sel], in_cell[sel], codes[members[sel]], keys[members[sel]],
                              CELL_X_TOLERANCE, "", n_groups=len(cells))
            rows = [[owned[c] if c is not None else None for c in row] for row in grid]
            out.tables.append(CellTable(rows, bbox))
        sel = np.flatnonzero(outside)
        if len(sel) >= 10:
            from . import texttables

            frame_text = _Text(chars.text, members)
            for grid, bbox, in_cell in texttables.find(box, frame_text, sel):
                got = np.flatnonzero(in_cell >= 0)
                n_cells = 1 + max(c for row in grid for c in row if c is not None)
                owned = _assemble(box[got], in_cell[got], codes[members[got]], keys[members[got]],
                                  CELL_X_TOLERANCE, "", n_groups=n_cells)
                out.tables.append(CellTable([[owned[c] for c in row] for row in grid], bbox))
                outside[got] = False
            sel = np.flatnonzero(outside)
        if len(sel):
            [text] = _assemble(box[sel], np.zeros(len(sel), dtype=np.int64), codes[members[sel]],
                               keys[members[sel]], TEXT_X_TOLERANCE, "\n", n_groups=1)
            texts.append(text)
    out.text = Owned.join(texts, "\n")
    return out


class _Text:
    """The text of a frame's characters by their position in the frame (looked up only where asked)."""

    __slots__ = ("text", "members")

    def __init__(self, text: str, members: np.ndarray) -> None:
        self.text, self.members = text, members

    def __getitem__(self, k: int) -> str:
        return self.text[int(self.members[k])]


# --- frames ---------------------------------------------------------------------

def _frames(chars: PageChars) -> list[tuple[float, np.ndarray]]:
    """(angle, positions) of each direction text is drawn in; the most used first."""
    if not chars.angle.any():
        return [(0.0, np.arange(len(chars)))]
    quarter = math.pi / 2
    snapped = np.round(chars.angle / quarter) * quarter
    exact = np.abs(chars.angle - snapped) < math.radians(1)
    angle = np.where(exact, snapped % (2 * math.pi), np.round(np.degrees(chars.angle)) % 360 * math.pi / 180)
    frames = []
    for theta in np.unique(angle):
        members = np.flatnonzero(angle == theta)
        frames.append((float(theta), members))
    frames.sort(key=lambda f: -len(f[1]))
    return frames


def _rot(theta: float) -> tuple[float, float]:
    c, s = math.cos(theta), math.sin(theta)
    # Exact quarter turns: no 1e-17 noise in coordinates that should be equal.
    return (round(c) if abs(c - round(c)) < 1e-9 else c), (round(s) if abs(s - round(s)) < 1e-9 else s)


def _turn_boxes(box: np.ndarray, theta: float) -> np.ndarray:
    """Boxes turned into the frame of text drawn at ``theta`` (pdfium's angle): x0, y0, x1, y1, y up."""
    if theta == 0.0:
        return box
    c, s = _rot(theta)
    xs = box[:, [0, 2, 0, 2]]
    ys = box[:, [1, 1, 3, 3]]
    u = xs * c - ys * s
    v = xs * s + ys * c
    return np.column_stack([u.min(1), v.min(1), u.max(1), v.max(1)])


def turn_point(x: float, y: float, theta: float) -> tuple[float, float]:
    c, s = _rot(theta)
    return x * c - y * s, x * s + y * c


def _turn_edges(edges: list[tuple[float, float, float, float]], theta: float) -> list[tuple[float, float, float, float]]:
    if theta == 0.0:
        return edges
    c, s = _rot(theta)
    if c not in (0, 1, -1) or s not in (0, 1, -1):
        return []  # no ruling lines in a frame that is not a quarter turn
    out = []
    for x0, y0, x1, y1 in edges:
        a, b = turn_point(x0, y0, theta), turn_point(x1, y1, theta)
        out.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
    return out


# --- tables ---------------------------------------------------------------------

def _frame(box: np.ndarray, edges: list[tuple[float, float, float, float]]):
    """Tables of one frame ((cells, grid, bbox, cell of each char)) and the chars outside them."""
    outside = np.ones(len(box), dtype=bool)
    found = []
    if len(edges) < 4:
        return found, outside
    hmid = (box[:, 0] + box[:, 2]) / 2
    vmid = -(box[:, 1] + box[:, 3]) / 2  # top-down, as pdfplumber measures
    for cells in find_tables(edges):
        grid, ordered = _rows(cells)
        x0 = min(c[0] for c in cells)
        top = min(c[1] for c in cells)
        x1 = max(c[2] for c in cells)
        bottom = max(c[3] for c in cells)
        inside = (hmid >= x0) & (hmid <= x1) & (vmid >= top) & (vmid <= bottom)
        outside &= ~inside
        in_cell = np.full(len(box), -1, dtype=np.int64)
        cand = np.flatnonzero(inside)
        if len(cand):
            in_cell[cand] = _cell_of(hmid[cand], vmid[cand], ordered)
        found.append((ordered, grid, (x0, top, x1, bottom), in_cell))
    return found, outside


def _cell_of(h: np.ndarray, v: np.ndarray, cells: list[tuple[float, float, float, float]]) -> np.ndarray:
    """For points (h, v), the number of the cell (x0 <= h < x1, top <= v < bottom) holding each, or -1.

    The cells are sorted by (top, x0). A point is looked up by the last row
    starting above it and the last cell of that row starting left of it; the
    few points a cell merged over rows holds are then looked up one by one.
    """
    arr = np.array(cells, dtype=float)
    tops = np.unique(arr[:, 1])
    row_of_cell = np.searchsorted(tops, arr[:, 1])
    span = max(1.0, float(arr[:, 2].max() - arr[:, 0].min()) + 1.0)
    base = float(arr[:, 0].min())
    cell_key = row_of_cell * span + (arr[:, 0] - base)  # increasing: cells are sorted by (top, x0)
    row = np.searchsorted(tops, v, side="right") - 1
    k = np.searchsorted(cell_key, row * span + (h - base), side="right") - 1
    ok = (row >= 0) & (k >= 0)
    kk = np.where(ok, k, 0)
    ok &= (row_of_cell[kk] == row) & (h >= arr[kk, 0]) & (h < arr[kk, 2]) & (v >= arr[kk, 1]) & (v < arr[kk, 3])
    out = np.where(ok, kk, -1)
    for i in np.flatnonzero(~ok):
        hit = np.flatnonzero((h[i] >= arr[:, 0]) & (h[i] < arr[:, 2]) & (v[i] >= arr[:, 1]) & (v[i] < arr[:, 3]))
        if len(hit):
            out[i] = hit[0]
    return out


def find_tables(edges: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """Tables (lists of cells ``(x0, top, x1, bottom)``, top-down) from ruling lines given y-up.

    pdfplumber's ``lines`` strategy with its default tolerances: its
    ``merge_edges`` and ``cells_to_tables``; intersections and cells as its
    ``edges_to_intersections``/``intersections_to_cells`` define them, with
    points indexed instead of searched (those two were 90 % of the time).
    """
    from pdfplumber import table as T, utils

    objs = []
    for x0, y0, x1, y1 in edges:
        top, bottom = -y1, -y0
        if y0 == y1:
            objs.append({"x0": x0, "x1": x1, "top": top, "bottom": top, "width": x1 - x0, "height": 0.0,
                         "orientation": "h", "object_type": "line"})
        else:
            objs.append({"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top,
                         "orientation": "v", "object_type": "line"})
    objs = utils.filter_edges(objs, min_length=1)
    objs = T.merge_edges(objs, _SNAP, _SNAP, _JOIN, _JOIN)
    objs = utils.filter_edges(objs, min_length=_EDGE_MIN)
    grid = _full_grid(objs, _INTERSECT)
    if grid is not None:
        return grid
    return _tables_of(_cells(_intersections(objs, _INTERSECT)))


def _full_grid(edges: list[dict], tol: float) -> list[list[tuple[float, float, float, float]]] | None:
    """The one table of a complete grid — every vertical line crosses every horizontal one — or None.

    Most ruled tables are such a grid; for them pdfplumber's search finds every
    point's cell at its next neighbours, so the cells are the consecutive pairs
    of lines, in the order its search gives them (by x, then y).
    """
    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h"]
    if len(v) < 2 or len(h) < 2:
        return None
    xs = sorted(e["x0"] for e in v)
    ys = sorted(e["top"] for e in h)
    if len(set(xs)) != len(xs) or len(set(ys)) != len(ys):
        return None
    if not all(e["top"] <= ys[0] + tol and e["bottom"] >= ys[-1] - tol for e in v):
        return None
    if not all(e["x0"] - tol <= xs[0] and e["x1"] + tol >= xs[-1] for e in h):
        return None
    cells = [(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i in range(len(xs) - 1) for j in range(len(ys) - 1)]
    return [cells] if len(cells) > 1 else []


def _intersections(edges: list[dict], tol: float) -> dict[tuple[float, float], tuple[set, set]]:
    """pdfplumber's ``edges_to_intersections``: point -> (vertical edges, horizontal edges) through it."""
    v_edges = sorted((e for e in edges if e["orientation"] == "v"), key=lambda e: (e["x0"], e["top"]))
    h_edges = sorted((e for e in edges if e["orientation"] == "h"), key=lambda e: (e["top"], e["x0"]))
    out: dict[tuple[float, float], tuple[set, set]] = {}
    for v in v_edges:
        vb = (v["x0"], v["top"], v["x1"], v["bottom"])
        for h in h_edges:
            if v["top"] <= h["top"] + tol and v["bottom"] >= h["top"] - tol \
                    and h["x0"] - tol <= v["x0"] <= h["x1"] + tol:
                point = (v["x0"], h["top"])
                entry = out.get(point)
                if entry is None:
                    entry = out[point] = (set(), set())
                entry[0].add(vb)
                entry[1].add((h["x0"], h["top"], h["x1"], h["bottom"]))
    return out


def _cells(inter: dict[tuple[float, float], tuple[set, set]]) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``: for each point, the smallest cell it is the top-left of."""
    points = sorted(inter)
    below: dict[float, list[tuple[float, float]]] = {}  # x -> points in order of y
    right: dict[float, list[tuple[float, float]]] = {}  # y -> points in order of x
    rank_below: dict[tuple[float, float], int] = {}
    rank_right: dict[tuple[float, float], int] = {}
    for p in points:
        col = below.setdefault(p[0], [])
        rank_below[p] = len(col)
        col.append(p)
        row = right.setdefault(p[1], [])
        rank_right[p] = len(row)
        row.append(p)
    cells = []
    for pt in points:
        pv, ph = inter[pt]
        col, row = below[pt[0]], right[pt[1]]
        found = None
        for bi in range(rank_below[pt] + 1, len(col)):
            b = col[bi]
            bv, bh = inter[b]
            if pv.isdisjoint(bv):  # not joined by a vertical edge
                continue
            for ri in range(rank_right[pt] + 1, len(row)):
                r = row[ri]
                rv, rh = inter[r]
                if ph.isdisjoint(rh):
                    continue
                c = inter.get((r[0], b[1]))
                if c is not None and not c[0].isdisjoint(rv) and not c[1].isdisjoint(bh):
                    found = (pt[0], pt[1], r[0], b[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables_of(cells: list[tuple[float, float, float, float]]) -> list[list[tuple[float, float, float, float]]]:
    """pdfplumber's ``cells_to_tables``: cells sharing a corner, transitively, form a table; tables of
    one cell are dropped; tables in order of their top-left cell. (A walk over shared corners instead of
    its O(n²) scan.)"""
    by_corner: dict[tuple[float, float], list[int]] = {}
    corners = []
    for i, (x0, top, x1, bottom) in enumerate(cells):
        cs = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
        corners.append(cs)
        for corner in cs:
            by_corner.setdefault(corner, []).append(i)
    seen = [False] * len(cells)
    tables = []
    for i in range(len(cells)):
        if seen[i]:
            continue
        seen[i] = True
        stack, group = [i], []
        while stack:
            j = stack.pop()
            group.append(cells[j])
            for corner in corners[j]:
                for k in by_corner[corner]:
                    if not seen[k]:
                        seen[k] = True
                        stack.append(k)
        tables.append(group)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _rows(cells):
    """pdfplumber's rows: cells grouped by top, one slot per distinct x0 (None where none starts).

    Returns the grid (cell numbers) and the cells in that numbering.
    """
    ordered = sorted(cells, key=lambda c: (c[1], c[0]))
    xs = sorted({c[0] for c in cells})
    grid: list[list[int | None]] = []
    row: dict[float, int] = {}
    top = None
    for i, c in enumerate(ordered):
        if top is not None and c[1] != top:
            grid.append([row.get(x) for x in xs])
            row = {}
        top = c[1]
        row[c[0]] = i
    if row:
        grid.append([row.get(x) for x in xs])
    return grid, ordered


# --- assembling text ----------------------------------------------------------------

def _assemble(box: np.ndarray, group: np.ndarray, codes: np.ndarray, keys: np.ndarray,
              x_tol: float, line_sep: str, n_groups: int) -> list[Owned]:
    """Text of each group (cell) in reading order: lines top to bottom, characters left to right.

    Lines: characters of a group whose bottoms (the font's descent line) are
    within :data:`Y_TOLERANCE` of the previous one's (pdfplumber clusters the
    same way). A space where the gap in x exceeds ``x_tol``; ``line_sep``
    between lines.
    """
    out = [Owned.empty() for _ in range(n_groups)]
    if not len(box):
        return out
    base = -box[:, 1]  # top-down bottom of each character
    o1 = np.lexsort((base, group))
    g1, b1 = group[o1], base[o1]
    new_line = np.ones(len(o1), dtype=bool)
    new_line[1:] = (g1[1:] != g1[:-1]) | (b1[1:] - b1[:-1] > Y_TOLERANCE)
    line = np.cumsum(new_line)
    perm = np.lexsort((box[o1, 0], line))
    order, line = o1[perm], line[perm]
    g = group[order]
    x0, x1 = box[order, 0], box[order, 2]
    n = len(order)
    # separator before each character: 0 none, 1 space, 2 line break, 3 next group
    sep = np.zeros(n, dtype=np.int8)
    if n > 1:
        same_group = g[1:] == g[:-1]
        same_line = line[1:] == line[:-1]
        gap = x0[1:] - x1[:-1] > x_tol
        sep[1:] = np.where(~same_group, 3, np.where(~same_line, 2, np.where(gap, 1, 0)))
    width = np.where(sep == 1, 1, np.where(sep == 2, len(line_sep), 0))
    pos = np.arange(n) + np.cumsum(width)
    total = n + int(width.sum())
    text = np.zeros(total, dtype=np.uint32)
    owner = np.full(total, -1, dtype=np.int64)
    text[pos] = codes[order]
    owner[pos] = keys[order]
    spaces = pos[sep == 1] - 1
    text[spaces] = 0x20
    if line_sep:
        breaks = pos[sep == 2]
        for k, ch in enumerate(line_sep):
            text[breaks - len(line_sep) + k] = ord(ch)
    decoded = text.tobytes().decode("utf-32-le")
    starts = np.flatnonzero(np.concatenate([[True], sep[1:] == 3]))
    ends = np.append(starts[1:], n)
    # Plain ints: a cell a loop turn, and numpy scalars cost in every turn.
    for grp, a, b in zip(g[starts].tolist(), pos[starts].tolist(), (pos[ends - 1] + 1).tolist()):
        out[grp] = Owned(decoded[a:b], owner[a:b])
    return out
