"""Cutting glyphs out of a page's content streams, found by where they land (pikepdf).

The characters to remove are known from pdfium (the reader's page model):
their baseline origins and boxes on the page. :class:`Cutter` walks the
page's content stream — form XObjects included, turned and scaled by their
matrices — with the text state (font, size, spacing, scaling, rise, text
matrix, CTM), computes where every glyph's origin lands, and cuts a glyph
whose origin is where a target's is, or whose middle lies inside a target's
box (a glyph drawn twice for fake bold goes with its twin). The cut glyph
becomes a ``TJ`` displacement of exactly its advance, so the rest of the line
keeps its place and stays real text.

Matching by position, not by counting glyphs in two orders, makes the cut
independent of how an extractor orders or merges characters. Every target
must be matched by at least one glyph, or the page is refused
(:class:`~piiscan.redact.RedactionError`): a value is never half cut.

Form XObjects that change are copied (other pages sharing them keep theirs);
images drawn under a target are recorded for :mod:`.images` to paint.
Marked-content properties (``/ActualText``, ``/Alt``, ``/E``) go through
``clean`` (the redactor), since extractors read them instead of the glyphs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pikepdf

from .metrics import FontMetrics
from .objects import IDENTITY, Matrix, apply, multiply

_SHOW = {"Tj", "TJ", "'", '"'}
_GRID = 24.0  # points: bucket size of the targets' spatial index
_MAX_DEPTH = 12


class CutError(Exception):
    """The page cannot be cut safely (the message says why)."""


@dataclass
class Targets:
    """Characters to remove: origins (n, 2) and boxes (n, 4: x0, y0, x1, y1) in page space."""

    origins: np.ndarray
    boxes: np.ndarray
    sizes: np.ndarray  # font size of each (for the origin tolerance)
    matched: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.matched = np.zeros(len(self.origins), dtype=bool)
        # Plain tuples: numpy scalars cost ~100 ns each to index in the per-glyph test.
        self._origins = [tuple(map(float, o)) for o in self.origins]
        self._boxes = [tuple(map(float, b)) for b in self.boxes]
        self._sizes = [float(s) for s in self.sizes]
        self._hits: set[int] = set()
        self._grid: dict[tuple[int, int], list[int]] = {}
        for i, (x0, y0, x1, y1) in enumerate(self._boxes):
            ox, oy = self._origins[i]
            lo_x, hi_x = min(x0, ox), max(x1, ox)
            lo_y, hi_y = min(y0, oy), max(y1, oy)
            for gx in range(int(math.floor(lo_x / _GRID)), int(math.floor(hi_x / _GRID)) + 1):
                for gy in range(int(math.floor(lo_y / _GRID)), int(math.floor(hi_y / _GRID)) + 1):
                    self._grid.setdefault((gx, gy), []).append(i)

    def hit(self, origin: tuple[float, float], middle: tuple[float, float], size: float) -> bool:
        """Whether a glyph with this origin and middle (page space, drawn at ``size``) is a target; marks it."""
        found = False
        ox0, oy0 = origin
        mx, my = middle
        grid = self._grid
        cells = grid.get((int(math.floor(ox0 / _GRID)), int(math.floor(oy0 / _GRID))), ())
        other = grid.get((int(math.floor(mx / _GRID)), int(math.floor(my / _GRID))), ())
        for i in (cells if other is cells else (*cells, *other)):
            ox, oy = self._origins[i]
            ts = self._sizes[i] or size
            tol = max(0.35, 0.08 * (size if size < ts else ts))
            if -tol <= ox - ox0 <= tol and -tol <= oy - oy0 <= tol:
                if i not in self._hits:
                    self._hits.add(i)
                    self.matched[i] = True
                found = True
                continue
            x0, y0, x1, y1 = self._boxes[i]
            w, h = (x1 - x0) * 0.2, (y1 - y0) * 0.2
            if x0 + w <= mx <= x1 - w and y0 + h <= my <= y1 - h:
                found = True
        return found


def overlapping(boxes: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Indices of ``boxes`` (n, 4) that overlap ``box``."""
    if not len(boxes):
        return np.zeros(0, dtype=np.int64)
    x0, y0, x1, y1 = box
    return np.flatnonzero((boxes[:, 0] < x1) & (boxes[:, 2] > x0) & (boxes[:, 1] < y1) & (boxes[:, 3] > y0))


@dataclass
class ImageUse:
    """An image XObject drawn on the page: where (``ctm`` maps the unit square) and how to replace it."""

    resources: pikepdf.Dictionary  # the (private) resources dict naming it
    name: pikepdf.Name
    image: pikepdf.Stream
    ctm: Matrix


@dataclass
class _TextState:
    font: FontMetrics | None = None
    fs: float = 0.0
    tc: float = 0.0
    tw: float = 0.0
    th: float = 1.0
    tl: float = 0.0
    rise: float = 0.0

    def copy(self) -> "_TextState":
        return _TextState(self.font, self.fs, self.tc, self.tw, self.th, self.tl, self.rise)


class Cutter:
    """Cuts the targets' glyphs out of one page; see the module docstring."""

    def __init__(self, pdf: pikepdf.Pdf, targets: Targets, clean: Callable[[str], str] | None = None,
                 fonts: dict | None = None) -> None:
        self.pdf = pdf
        self.targets = targets
        self.clean = clean
        self.fonts: dict = {} if fonts is None else fonts  # font object -> FontMetrics, shared over pages
        self.images: list[ImageUse] = []  # images under targets, to paint
        self.glyphs = 0
        self._forms = 0

    def page(self, page: pikepdf.Page) -> bool:
        """Cut the targets on ``page``; True if its content changed. Raises :class:`CutError`."""
        resources = private_resources(page)
        ops = pikepdf.parse_content_stream(page)
        new_ops, changed = self._run(ops, resources, IDENTITY, 0)
        if changed:
            page.obj.Contents = self.pdf.make_stream(
                b"q\n" + pikepdf.unparse_content_stream(new_ops) + b"\nQ\n")
        return changed

    # --- the interpreter -------------------------------------------------------

    def _metrics(self, font: Any) -> FontMetrics:
        k = font.objgen if isinstance(font, pikepdf.Object) and font.is_indirect else id(font)
        m = self.fonts.get(k)
        if m is None:
            m = self.fonts[k] = FontMetrics(font)
        return m

    def _run(self, ops, resources: pikepdf.Dictionary, ctm: Matrix, depth: int) -> tuple[list, bool]:
        if depth > _MAX_DEPTH:
            raise CutError("form XObjects nested too deep")
        out: list = []
        changed = False
        ts = _TextState()
        stack: list[tuple[Matrix, _TextState]] = []
        tm: Matrix = IDENTITY
        tlm: Matrix = IDENTITY
        fonts = resources.get("/Font") if resources is not None else None
        replaced: set[str] = set()  # forms drawn from a changed copy: the original must not stay reachable
        for instr in ops:
            if isinstance(instr, pikepdf.ContentStreamInlineImage):
                if len(overlapping(self.targets.boxes, _unit_box(ctm))):
                    raise CutError("an inline image lies under a value to remove (it cannot be painted over)")
                out.append(instr)
                continue
            operands, op = instr.operands, instr.operator
            name = str(op)
            if name == "q":
                stack.append((ctm, ts.copy()))
            elif name == "Q":
                if stack:
                    ctm, ts = stack.pop()
            elif name == "cm" and len(operands) == 6:
                ctm = multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif name == "BT":
                tm = tlm = IDENTITY
            elif name == "Tf" and len(operands) == 2:
                font = fonts.get(operands[0]) if isinstance(fonts, pikepdf.Dictionary) else None
                ts.font = self._metrics(font)
                ts.fs = float(operands[1])
            elif name == "Tc" and operands:
                ts.tc = float(operands[0])
            elif name == "Tw" and operands:
                ts.tw = float(operands[0])
            elif name == "Tz" and operands:
                ts.th = float(operands[0]) / 100.0
            elif name == "TL" and operands:
                ts.tl = float(operands[0])
            elif name == "Ts" and operands:
                ts.rise = float(operands[0])
            elif name in ("Td", "TD") and len(operands) == 2:
                tx, ty = float(operands[0]), float(operands[1])
                if name == "TD":
                    ts.tl = -ty
                tlm = multiply((1, 0, 0, 1, tx, ty), tlm)
                tm = tlm
            elif name == "Tm" and len(operands) == 6:
                tlm = tm = tuple(float(v) for v in operands)  # type: ignore[assignment]
            elif name == "T*":
                tlm = multiply((1, 0, 0, 1, 0, -ts.tl), tlm)
                tm = tlm
            elif name in _SHOW:
                if name in ("'", '"'):
                    if name == '"' and len(operands) == 3:
                        ts.tw, ts.tc = float(operands[0]), float(operands[1])
                    tlm = multiply((1, 0, 0, 1, 0, -ts.tl), tlm)
                    tm = tlm
                items = list(operands[0]) if name == "TJ" else [operands[-1]] if operands else []
                new_items, tm, cut = self._show(items, ts, tm, ctm)
                if cut:
                    changed = True
                    if name == "'":
                        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
                    elif name == '"':
                        out.append(pikepdf.ContentStreamInstruction([operands[0]], pikepdf.Operator("Tw")))
                        out.append(pikepdf.ContentStreamInstruction([operands[1]], pikepdf.Operator("Tc")))
                        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
                    out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(new_items)], pikepdf.Operator("TJ")))
                    continue
            elif name in ("BDC", "DP") and len(operands) == 2 and self.clean is not None:
                props = operands[1]
                if isinstance(props, pikepdf.Dictionary) and _clean_props(props, self.clean):
                    changed = True
                    out.append(pikepdf.ContentStreamInstruction([operands[0], props], op))
                    continue
            elif name == "Do" and operands and resources is not None:
                new_name, did = self._do(operands[0], resources, ctm, depth)
                changed |= did
                if new_name is not None:
                    replaced.add(str(operands[0]))
                    out.append(pikepdf.ContentStreamInstruction([new_name], pikepdf.Operator("Do")))
                    continue
            out.append(instr)
        if replaced:
            _drop_unused(out, resources, replaced)
        return out, changed

    def _show(self, items, ts: _TextState, tm: Matrix, ctm: Matrix) -> tuple[list, Matrix, bool]:
        font = ts.font or FontMetrics(None)
        new: list = []
        cut = False
        fs, th = ts.fs, ts.th
        page_size = fs * math.hypot(*_scale(multiply(tm, ctm)))
        for item in items:
            if not isinstance(item, pikepdf.String):
                try:
                    n = float(item)
                except (TypeError, ValueError):
                    new.append(item)
                    continue
                if font.vertical:
                    tm = multiply((1, 0, 0, 1, 0, -n / 1000 * fs), tm)
                else:
                    tm = multiply((1, 0, 0, 1, -n / 1000 * fs * th, 0), tm)
                new.append(item)
                continue
            keep = bytearray()
            for code, w0, w1, space in font.codes(bytes(item)):
                self.glyphs += 1
                trm = multiply(tm, ctm)
                if font.vertical:
                    # Vertical writing: the glyph hangs below its origin (w1 < 0).
                    origin = apply(trm, 0.0, ts.rise)
                    middle = apply(trm, 0.0, ts.rise + w1 * fs / 2)
                    adv = w1 * fs + ts.tc + (ts.tw if space else 0.0)
                    step: Matrix = (1, 0, 0, 1, 0, adv)
                else:
                    origin = apply(trm, 0.0, ts.rise)
                    middle = apply(trm, w0 * fs / 2, ts.rise + 0.3 * fs)
                    adv = (w0 * fs + ts.tc + (ts.tw if space else 0.0)) * th
                    step = (1, 0, 0, 1, adv, 0)
                tm = multiply(step, tm)
                if not self.targets.hit(origin, middle, page_size):
                    keep += code
                    continue
                cut = True
                if keep:
                    new.append(pikepdf.String(bytes(keep)))
                    keep = bytearray()
                if fs == 0:
                    if adv:
                        raise CutError("a glyph with font size 0 that still advances")
                    continue
                # The displacement a TJ number gives: -n/1000 * fs (* th when horizontal).
                n = -adv * 1000.0 / (fs * (1.0 if font.vertical else th or 1.0))
                new.append(round(n, 4))
            if keep:
                new.append(pikepdf.String(bytes(keep)))
        return new, tm, cut

    def _do(self, name: Any, resources: pikepdf.Dictionary, ctm: Matrix, depth: int) -> tuple[pikepdf.Name | None, bool]:
        """``Do``: a form is walked (copied if it changes: its new name is returned); an image under a
        target is recorded to be painted (its resources then count as changed)."""
        xobjects = resources.get("/XObject")
        xobj = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
        if not isinstance(xobj, pikepdf.Stream):
            return None, False
        subtype = xobj.get("/Subtype")
        if subtype == "/Image":
            if len(overlapping(self.targets.boxes, _unit_box(ctm))):
                self.images.append(ImageUse(resources, pikepdf.Name(str(name)), xobj, ctm))
                return None, True
            return None, False
        if subtype != "/Form":
            return None, False
        matrix = xobj.get("/Matrix")
        inner = multiply(tuple(float(v) for v in matrix), ctm) if matrix is not None else ctm  # type: ignore[arg-type]
        sub_res = _copy_resources(xobj.get("/Resources", resources))
        new_ops, sub_changed = self._run(pikepdf.parse_content_stream(xobj), sub_res, inner, depth + 1)
        if not sub_changed:
            return None, False
        copy = self.pdf.make_stream(pikepdf.unparse_content_stream(new_ops))
        for k, v in xobj.items():
            if k not in ("/Length", "/Filter", "/DecodeParms", "/Resources"):
                copy[k] = v
        copy.Resources = sub_res
        self._forms += 1
        new_name = pikepdf.Name(f"{name}_r{self._forms}")
        xobjects[new_name] = copy  # the caller's resources are a private copy
        return new_name, True


def _unit_box(ctm: Matrix) -> tuple[float, float, float, float]:
    """Where the unit square (an image) lands on the page under ``ctm``."""
    pts = [apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _drop_unused(ops: list, resources: pikepdf.Dictionary, names: set[str]) -> None:
    """Remove the replaced forms this content no longer draws from its (private) resources: a form
    left there would be saved with the file, values and all."""
    used = {str(i.operands[0]) for i in ops
            if not isinstance(i, pikepdf.ContentStreamInlineImage) and str(i.operator) == "Do" and i.operands}
    xobjects = resources.get("/XObject")
    for name in names - used:
        if isinstance(xobjects, pikepdf.Dictionary) and name in xobjects:
            del xobjects[name]


def _scale(m: Matrix) -> tuple[float, float]:
    """How much a unit vertical vector grows under ``m`` (x and y of the image of (0, 1))."""
    return m[2], m[3]


def _clean_props(props: pikepdf.Dictionary, clean: Callable[[str], str]) -> bool:
    changed = False
    for key in ("/ActualText", "/Alt", "/E", "/T"):
        v = props.get(key)
        if isinstance(v, pikepdf.String):
            text = str(v)
            new = clean(text)
            if new != text:
                props[key] = pikepdf.String(new)
                changed = True
    return changed


def _copy_resources(res: Any) -> pikepdf.Dictionary:
    """A shallow copy of a resources dict with its own /XObject dict (so entries can be added or replaced)."""
    if not isinstance(res, pikepdf.Dictionary):
        return pikepdf.Dictionary()
    copy = pikepdf.Dictionary({k: v for k, v in res.items()})
    if isinstance(copy.get("/XObject"), pikepdf.Dictionary):
        copy.XObject = pikepdf.Dictionary({k: v for k, v in res.XObject.items()})
    return copy


def private_resources(page: pikepdf.Page) -> pikepdf.Dictionary:
    """The page's resources as its own copy (they may be inherited or shared with other pages)."""
    obj = page.obj
    res = obj.get("/Resources")
    node = obj
    while res is None and node.get("/Parent") is not None:
        node = node.Parent
        res = node.get("/Resources")
    copy = _copy_resources(res)
    obj.Resources = copy
    return copy
