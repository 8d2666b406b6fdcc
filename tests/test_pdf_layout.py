"""The PDF page model: tables as pdfplumber finds them, cells by its rule, text with its owners, rows over pages."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from piiscan.pdf import continued, layout
from piiscan.pdf.layout import CellTable, Owned, PageLayout


# --- tables: the same as pdfplumber's functions -------------------------------------------

@st.composite
def ruled_grids(draw):
    """Ruling lines of a grid (y up) with some lines cut short, some cells merged, some jitter."""
    xs = sorted(set(draw(st.lists(st.integers(0, 60), min_size=2, max_size=8))))
    ys = sorted(set(draw(st.lists(st.integers(0, 60), min_size=2, max_size=8))))
    xs = [x * 9.0 for x in xs]
    ys = [y * 7.0 for y in ys]
    edges = []
    for y in ys:
        a, b = draw(st.integers(0, len(xs) - 1)), draw(st.integers(0, len(xs) - 1))
        a, b = min(a, b), max(a, b)
        if a == b:
            a, b = 0, len(xs) - 1
        jitter = draw(st.sampled_from([0.0, 0.4, 1.5]))
        edges.append((xs[a], y + jitter, xs[b], y + jitter))
    for x in xs:
        a, b = draw(st.integers(0, len(ys) - 1)), draw(st.integers(0, len(ys) - 1))
        a, b = min(a, b), max(a, b)
        if a == b:
            a, b = 0, len(ys) - 1
        edges.append((x, ys[a], x, ys[b]))
    return edges


def _pdfplumber_tables(edges):
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
    objs = T.merge_edges(objs, 3, 3, 3, 3)
    objs = utils.filter_edges(objs, min_length=3)
    return T.cells_to_tables(T.intersections_to_cells(T.edges_to_intersections(objs, 3, 3)))


@settings(max_examples=150, deadline=None)
@given(ruled_grids())
def test_tables_are_pdfplumbers(edges):
    mine = layout.find_tables(edges)
    theirs = _pdfplumber_tables(edges)
    assert [sorted(t) for t in mine] == [sorted(t) for t in theirs]


@example(edges=[(0.0, 0.0, 54.0, 0.0), (0.0, 7.0, 54.0, 7.0), (0.0, 14.0, 36.0, 14.0), (0.0, 21.0, 54.0, 21.0),
                (0.0, 0.0, 0.0, 21.0), (9.0, 0.0, 9.0, 21.0), (18.0, 0.0, 18.0, 21.0), (27.0, 0.0, 27.0, 21.0),
                (36.0, 0.0, 36.0, 14.0), (45.0, 0.0, 45.0, 21.0), (54.0, 0.0, 54.0, 21.0)],
         points=[(27.0, -8.0), (60.0, -8.0)])
@settings(max_examples=150, deadline=None)
@given(ruled_grids(), st.lists(st.tuples(st.floats(-20, 600), st.floats(-460, 20)), min_size=1, max_size=60))
def test_a_point_is_in_the_cell_pdfplumber_puts_it_in(edges, points):
    for cells in layout.find_tables(edges):
        _grid, ordered = layout._rows(cells)
        h = np.array([p[0] for p in points])
        v = np.array([p[1] for p in points])
        got = layout._cell_of(h, v, ordered)
        holding = [{i for i, c in enumerate(ordered) if c[0] <= hh < c[2] and c[1] <= vv < c[3]}
                   for hh, vv in zip(h, v)]
        # A missing stretch of ruling can make pdfplumber's cells overlap (a cell over two rows and a
        # cell inside it): pdfplumber then puts the point in both, so any cell holding it is right.
        assert [g in hold if hold else g == -1 for g, hold in zip(got.tolist(), holding)] == [True] * len(holding)


# --- text with owners ----------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5), st.sampled_from("张三0123456789ab号")),
                min_size=1, max_size=80, unique_by=lambda t: (t[0], t[1])))
def test_every_text_position_names_its_character(cells):
    """owner[i] is the character at text[i]; separators (-1) are only the spaces and breaks the layout adds."""
    box = np.array([[x * 6.0, -y * 12.0, x * 6.0 + 5.0, -y * 12.0 + 9.0] for x, y, _ in cells])
    codes = np.frombuffer("".join(c for _, _, c in cells).encode("utf-32-le"), dtype=np.uint32)
    keys = layout.key(3, np.arange(len(cells), dtype=np.int64))
    [owned] = layout._assemble(box, np.zeros(len(cells), dtype=np.int64), codes, keys, 1.5, "\n", n_groups=1)
    assert len(owned.text) == len(owned.owner)
    pages, pos = layout.split_key(owned.owner[owned.owner >= 0])
    assert set(pages.tolist()) == {3}
    assert sorted(pos.tolist()) == list(range(len(cells)))  # every character once
    for ch, k in zip(owned.text, owned.owner.tolist()):
        if k < 0:
            assert ch in " \n"
        else:
            assert ch == cells[k & 0xFFFFFFFF][2]
    # Lines top to bottom, characters left to right.
    lines = owned.text.split("\n")
    assert len(lines) == len({y for _, y, _ in cells})


def test_far_apart_characters_get_a_space_and_touching_ones_do_not():
    box = np.array([[0, 0, 5, 9], [5, 0, 10, 9], [30, 0, 35, 9]], dtype=float)
    codes = np.frombuffer("138".encode("utf-32-le"), dtype=np.uint32)
    [owned] = layout._assemble(box, np.zeros(3, dtype=np.int64), codes, np.arange(3, dtype=np.int64), 1.5, "\n", 1)
    assert owned.text == "13 8"
    assert owned.owner.tolist() == [0, 1, -1, 2]


# --- rows over pages --------------------------------------------------------------------------

def _o(text: str, page: int, start: int) -> Owned:
    return Owned(text, layout.key(page, np.arange(start, start + len(text), dtype=np.int64)))


def _page(n: int, rows: list[list[str]]) -> PageLayout:
    chars = None
    cells = []
    k = 0
    for row in rows:
        out = []
        for text in row:
            out.append(_o(text, n, k) if text else Owned.empty())
            k += len(text)
        cells.append(out)
    page = PageLayout(n, chars)  # type: ignore[arg-type]
    page.tables.append(CellTable(cells, (0, 0, 1, 1)))
    return page


def _pieces(layouts):
    s = continued.Stitcher()
    out = []
    for page in layouts:
        out += s.feed(page)
    return out + s.finish()


def test_a_row_split_by_the_page_break_is_one_row():
    p1 = _page(1, [["序号", "户主姓名", "身份证号码"], ["1", "张三", "110105194912310021"], ["2", "李", "361025198001"]])
    p2 = _page(2, [["", "四", "011234"], ["3", "王五", "110105194912310021"]])
    tables = [p for p in _pieces([p1, p2]) if isinstance(p, continued.TablePiece)]
    assert [c.text for c in tables[0].rows[-1]] == ["2", "李四", "361025198001011234"]
    joined = tables[0].rows[-1][2].owner
    assert set(layout.split_key(joined)[0].tolist()) == {1, 2}  # the value's characters keep their pages
    # The continuation row is gone from page 2, whose rows go on counting: row 3 is 王五.
    assert tables[1].first_row == 3 and [c.text for c in tables[1].rows[0]] == ["3", "王五", "110105194912310021"]
    assert tables[1].header == tables[0].header == ["序号", "户主姓名", "身份证号码"]


def test_the_number_may_sit_in_the_continuation():
    p1 = _page(1, [["序号", "户主姓名", "身份证号码"], ["1", "张三", "110105194912310021"],
                   ["2", "王五", "110105194912310021"], ["", "李", "3610251980"]])
    p2 = _page(2, [["3", "四", "01011234"], ["4", "赵六", "1"]])
    tables = [p for p in _pieces([p1, p2]) if isinstance(p, continued.TablePiece)]
    assert [c.text for c in tables[0].rows[-1]] == ["3", "李四", "361025198001011234"]


def test_without_a_row_number_column_nothing_is_joined():
    p1 = _page(1, [["户主姓名", "身份证号码"], ["张三", "110105194912310021"], ["李", "361025198001"]])
    p2 = _page(2, [["四", "011234"]])
    tables = [p for p in _pieces([p1, p2]) if isinstance(p, continued.TablePiece)]
    assert [c.text for c in tables[0].rows[-1]] == ["李", "361025198001"]
    assert [c.text for c in tables[1].rows[0]] == ["四", "011234"]


def test_a_new_table_with_its_own_header_is_not_joined():
    p1 = _page(1, [["序号", "户主姓名", "身份证号码"], ["1", "张三", "1"], ["2", "李四", "2"]])
    p2 = _page(2, [["序号", "联系电话", "补贴金额"], ["", "13800138000", "100"]])
    tables = [p for p in _pieces([p1, p2]) if isinstance(p, continued.TablePiece)]
    assert [c.text for c in tables[0].rows[-1]] == ["2", "李四", "2"]
    assert tables[1].header == ["序号", "联系电话", "补贴金额"]


def test_key_round_trip():
    pages, pos = layout.split_key(layout.key(70_000, np.array([0, 5, 2**31], dtype=np.int64)))
    assert pages.tolist() == [70_000] * 3 and pos.tolist() == [0, 5, 2**31]


@pytest.mark.parametrize("theta", [0.0, np.pi / 2, np.pi, 3 * np.pi / 2])
def test_turned_text_reads_left_to_right_in_its_own_frame(theta):
    # Characters along the direction pdfium's angle gives: in their frame they run left to right.
    c, s = np.cos(theta), np.sin(theta)
    direction = np.array([c, -s])  # pdfium's angles turn clockwise
    pts = [direction * 10 * i for i in range(4)]
    frame = [layout.turn_point(x, y, theta) for x, y in pts]
    xs = [round(p[0], 6) for p in frame]
    ys = [round(p[1], 6) for p in frame]
    assert xs == sorted(xs) and len(set(ys)) == 1


def test_a_table_over_pages_is_classified_once():
    """The parts of one table share their column classes (tables.Table.shared_classes): the first page's
    scan fills them, the next pages reuse them instead of sampling their cells again."""
    from piiscan.files import _default_scanner
    from piiscan.tables import scan_table

    p1 = _page(1, [["序号", "户主姓名", "联系电话"], ["1", "张三", "13800138000"], ["2", "李四", "13900139000"]])
    p2 = _page(2, [["3", "王五", "13700137000"]])
    t1, t2 = [p for p in _pieces([p1, p2]) if isinstance(p, continued.TablePiece)]
    assert t1.shared is t2.shared and t1.shared == []
    found1, classes1 = scan_table(t1.item(), _default_scanner())
    assert [c.column for c in t1.shared] == ["序号", "户主姓名", "联系电话"]
    found2, _ = scan_table(t2.item(), _default_scanner())
    assert [(f.type, f.row) for f in found2] == [("PERSON_NAME", 3), ("CN_MOBILE", 3)]
