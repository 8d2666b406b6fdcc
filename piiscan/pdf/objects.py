"""What a page draws besides its text: ruling lines, pictures, glyphs drawn as outlines.

One walk over pdfium's page objects (form XObjects included, their matrices
composed) gives:

- **edges**: the horizontal and vertical segments of every path, in page
  space: the ruling lines :mod:`.layout` finds tables with (as pdfplumber's
  ``lines`` strategy does, from pdfium's paths instead of pdfminer's);
- **pictures**: every image with where it lands on the page (its matrix maps
  the unit square onto the page) and its size in pixels;
- **outline glyphs**: filled paths with curves at the size of text, the
  shape of digits "converted to outlines" or a driver that draws every glyph;
- whether any text is drawn turned (only then are character angles asked).
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

#: A filled path with curves whose height on the page is in this range (points) may be a glyph.
GLYPH_HEIGHT = (3.0, 48.0)
#: Paths with more segments than this are never ruling lines (glyphs, drawings, maps).
MAX_RULING_SEGMENTS = 400


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention: p' = p·m·n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass
class Picture:
    """An image drawn on the page."""

    matrix: Matrix  # unit square -> page space
    pixels: tuple[int, int]  # width, height
    z: int  # drawing order on the page
    handle: int = 0  # pdfium's image object (valid while the page is open), to look at its pixels
    decoration: str | None = None  # why it cannot show a value (piiscan.ocr.decor), once asked

    @property
    def box(self) -> tuple[float, float, float, float]:
        pts = [apply(self.matrix, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass
class Survey:
    edges: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, y0, x1, y1 (axis-aligned)
    pictures: list[Picture] = field(default_factory=list)
    outline_paths: int = 0  # filled paths with curves at text size
    outline_curves: int = 0  # their curve segments
    paths: int = 0
    text_objects: int = 0
    upright: bool = True  # no text object is turned or mirrored
    text_z: dict[int, int] = field(default_factory=dict)  # text object address -> drawing order


class _Api:
    """pdfium's page-object calls with plain C types (objects as addresses): a page has hundreds."""

    def __init__(self) -> None:
        from ._pdfium import function as fn

        vp, i, f = ctypes.c_void_p, ctypes.c_int, ctypes.c_float

        self.count = fn("FPDFPage_CountObjects", [vp], i)
        self.get = fn("FPDFPage_GetObject", [vp, i], vp)
        self.type = fn("FPDFPageObj_GetType", [vp], i)
        self.matrix = fn("FPDFPageObj_GetMatrix", [vp, vp], i)
        self.form_count = fn("FPDFFormObj_CountObjects", [vp], i)
        self.form_get = fn("FPDFFormObj_GetObject", [vp, ctypes.c_ulong], vp)
        self.segments = fn("FPDFPath_CountSegments", [vp], i)
        self.segment = fn("FPDFPath_GetPathSegment", [vp, i], vp)
        self.point = fn("FPDFPathSegment_GetPoint", [vp, vp, vp], i)
        self.seg_type = fn("FPDFPathSegment_GetType", [vp], i)
        self.seg_close = fn("FPDFPathSegment_GetClose", [vp], i)
        self.draw_mode = fn("FPDFPath_GetDrawMode", [vp, vp, vp], i)
        self.pixels = fn("FPDFImageObj_GetImagePixelSize", [vp, vp, vp], i)
        self.m = (f * 6)()
        self.m_addr = ctypes.addressof(self.m)
        self.xy = (f * 2)()
        self.x_addr = ctypes.addressof(self.xy)
        self.y_addr = self.x_addr + 4
        self.ints = (ctypes.c_int * 2)()
        self.i0 = ctypes.addressof(self.ints)
        self.i1 = self.i0 + 4

    def matrix_of(self, obj: int) -> Matrix:
        self.matrix(obj, self.m_addr)
        m = self.m
        return (m[0], m[1], m[2], m[3], m[4], m[5])


_API: _Api | None = None


def survey(page: Any) -> Survey:
    global _API
    import pypdfium2.raw as R

    if _API is None:
        _API = _Api()
    api = _API
    out = Survey()
    handle = ctypes.cast(page.raw, ctypes.c_void_p).value
    counter = [0]
    _walk(api, R, handle, api.count(handle), api.get, IDENTITY, 0, out, counter)
    return out


def _walk(api: _Api, R, parent: int, count: int, get, outer: Matrix, depth: int, out: Survey,
          counter: list[int]) -> None:
    TEXT, PATH, IMAGE, FORM = R.FPDF_PAGEOBJ_TEXT, R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_IMAGE, R.FPDF_PAGEOBJ_FORM
    identity = outer == IDENTITY
    obj_type, matrix_of, text_z = api.type, api.matrix_of, out.text_z
    z = counter[0]
    for i in range(count):
        obj = get(parent, i)
        if not obj:
            continue
        kind = obj_type(obj)
        z += 1
        if kind == TEXT:
            out.text_objects += 1
            text_z[obj] = z
            if out.upright:
                m = matrix_of(obj)
                a, b, c, d = m[:4] if identity else multiply(m, outer)[:4]
                if (b or c or a <= 0 or d <= 0) and (abs(b) > 1e-6 * (abs(a) + abs(d))
                                                     or abs(c) > 1e-6 * (abs(a) + abs(d)) or a <= 0 or d <= 0):
                    out.upright = False
        elif kind == PATH:
            out.paths += 1
            m = matrix_of(obj)
            _path(api, R, obj, m if identity else multiply(m, outer), out)
        elif kind == IMAGE:
            m = matrix_of(obj)
            api.pixels(obj, api.i0, api.i1)
            w, h = api.ints[0], api.ints[1]
            out.pictures.append(Picture(m if identity else multiply(m, outer), (w, h), z, obj))
        elif kind == FORM:
            counter[0] = z
            inner = multiply(matrix_of(obj), outer)
            _walk(api, R, obj, api.form_count(obj), api.form_get, inner, depth + 1, out, counter)
            z = counter[0]
    counter[0] = z


def _path(api: _Api, R, obj: int, matrix: Matrix, out: Survey) -> None:
    n = api.segments(obj)
    if n <= 0:
        return
    api.draw_mode(obj, api.i0, api.i1)
    filled = api.ints[0] != 0
    curves = 0
    xs: list[float] = []
    ys: list[float] = []
    start = prev = None
    ruling = n <= MAX_RULING_SEGMENTS
    MOVETO, LINETO, BEZIER = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO
    a, b, c, d, e, f = matrix
    xy = api.xy
    for k in range(n):
        seg = api.segment(obj, k)
        kind = api.seg_type(seg)
        api.point(seg, api.x_addr, api.y_addr)
        x, y = xy[0], xy[1]
        p = (a * x + c * y + e, b * x + d * y + f)
        xs.append(p[0])
        ys.append(p[1])
        if kind == MOVETO:
            start = prev = p
            continue
        if kind == BEZIER:
            curves += 1
        elif ruling and prev is not None and kind == LINETO:
            _edge(prev, p, out)
        prev = p
        if api.seg_close(seg) and start is not None:
            if ruling:
                _edge(p, start, out)
            prev = start
    if curves and filled:
        lo, hi = GLYPH_HEIGHT
        # Measured on the page: a glyph run is long and low, a logo is not.
        height = min(max(ys) - min(ys), max(xs) - min(xs))
        if lo <= height <= hi:
            out.outline_paths += 1
            out.outline_curves += curves


def _edge(p: tuple[float, float], q: tuple[float, float], out: Survey) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) < 0.01 and abs(x1 - x0) >= 0.01:
        out.edges.append((min(x0, x1), y0, max(x0, x1), y0))
    elif abs(x1 - x0) < 0.01 and abs(y1 - y0) >= 0.01:
        out.edges.append((x0, min(y0, y1), x0, max(y0, y1)))
