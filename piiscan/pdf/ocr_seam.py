"""What on a page cannot be read without OCR — and the seam where OCR plugs in.

piiscan never reports "nothing found" for content it could not read. On a
page, that is:

- a page with **no usable text** that still draws something (a scan, glyphs
  without a text layer, text converted to outlines): :func:`needs_ocr`;
- **characters that cannot be decoded** (a font without ``ToUnicode``: the
  page shows text, extraction gives codes): runs of two or more, or one
  inside a number;
- **shapes that look like text** drawn as vector outlines on a text page
  (digits "converted to curves");
- **pictures** big enough to show a value, not covered by a text layer (a
  searchable scan's image is covered: its invisible OCR text, or text drawn
  under it, is what is scanned and redacted). A seal, a logo, a blank
  picture (:mod:`piiscan.ocr.decor`, judged on its pixels) cannot show a
  value: it is a note (:func:`decoration_notes`), not unread, so a
  born-digital notice with its office's red seal passes ``check``.

Each becomes an :class:`~piiscan.readers.registry.Unread` note: ``scan`` and
``check`` exit 2 for the file and ``redact`` refuses it.

With the OCR extra (:mod:`piiscan.ocr`, switched by ``--ocr/--no-ocr``) such a
page is read instead (:func:`read_page`): rendered with pdfium at
:data:`DPI`, read by the OCR :class:`~piiscan.ocr.PageReader` (tables rebuilt
from their ruling lines, columns classified by header), every mark mapped
from the rendered pixels to the page's user space (points, ``/Rotate``
included, through pdfium's own device-to-page transform), so findings carry
``page``, ``row``/``column`` and a ``box`` in PDF points, and evidence
``ocr:<score>``. A page with a picture big enough to show a value is read
by OCR too even when a text layer covers it (a searchable scan: the
scanner's invisible text may have misread what the picture shows); a value
the text layer gives as well is reported once (:func:`piiscan.ocr.page.drop_doubles`).
A page whose text layer is junk (undecodable characters, outlines) is read
by OCR alone (:func:`layer_unreliable`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import limits
from .chars import PageChars
from .objects import Survey

DPI = 200
#: A picture smaller than this on the page cannot show a readable value (points: short side, long side).
PICTURE_MIN_PT = (6.0, 20.0)
PICTURE_MIN_PX = 8
#: Curve segments of text-sized filled paths on a page before they count as text drawn as outlines.
OUTLINE_MIN_CURVES = 24
_INVISIBLE = (3, 7)  # text render modes that paint nothing


def ocr_engine() -> Any | None:
    """A fresh OCR page reader (one per document: a table going on over pages keeps its header) when the
    OCR extra is installed and switched on, else None (pages that need it are then unread)."""
    from .. import ocr

    if ocr.unavailable_reason():
        return None
    return ocr.PageReader()


def lazy_engine() -> Any:
    """A callable giving :func:`ocr_engine`'s reader (or None), asked on first call only: checking whether
    OCR can run imports the engine (hundreds of MB), which a PDF without pictures or scans never needs."""
    state: list[Any] = []

    def get() -> Any:
        if not state:
            state.append(ocr_engine())
        return state[0]

    return get


def layer_unreliable(chars: PageChars, survey: Survey) -> bool:
    """Whether the page's text layer cannot be trusted where OCR can read the page instead: no usable text,
    undecodable characters, or text drawn as outlines. Then the page is read by OCR alone (a layer whose
    CJK is junk still gives digits, without the column headers that make them values)."""
    return needs_ocr(chars, survey) or bool(_bad_runs(chars)) or survey.outline_curves >= OUTLINE_MIN_CURVES


def wants_ocr(chars: PageChars, survey: Survey) -> bool:
    """Whether OCR, when it runs, reads this page: something on it is unread without OCR, or a
    picture on it may show a value (a searchable scan's image is read as well as its text layer)."""
    return bool(unread(0, chars, survey)) or bool(_big_pictures(survey))


def needs_ocr(chars: PageChars, survey: Survey) -> bool:
    """A page with no usable text that draws glyphs, outlines or pictures: only OCR can read it."""
    usable = int((~chars.bad).sum()) if len(chars) else 0
    return usable == 0 and bool(survey.text_objects or survey.outline_paths or _big_pictures(survey))


def render_page(page: Any, dpi: int = DPI):
    """The page as a PIL image (RGB) at ``dpi``, for OCR. The pixel count stays within ``part_bytes``."""
    w, h = page.get_size()
    scale = dpi / 72
    budget = limits.current().part_bytes // 3
    if w * h * scale * scale > budget:
        scale = (budget / max(1.0, w * h)) ** 0.5
    return page.render(scale=scale).to_pil().convert("RGB")


def unread(number: int, chars: PageChars, survey: Survey) -> list[str]:
    """What on page ``number`` could not be read (empty when everything could)."""
    if needs_ocr(chars, survey):
        if _big_pictures(survey) and not survey.text_objects and not survey.outline_paths:
            return [f"not scanned: image-only page {number} (no text layer; OCR it first)"]
        if survey.outline_paths and not survey.text_objects:
            return [f"not scanned: page {number} draws its text as shapes (no text layer; OCR it first)"]
        return [f"not scanned: page {number} has no readable text layer (a font without a ToUnicode map, "
                "or glyphs without text; OCR it first)"]
    notes = []
    bad = _bad_runs(chars)
    if bad:
        notes.append(f"page {number}: {bad} characters cannot be decoded (their font maps them to no text, "
                     "e.g. it lacks a ToUnicode map); OCR the page")
    if survey.outline_curves >= OUTLINE_MIN_CURVES:
        notes.append(f"page {number}: {survey.outline_paths} shape(s) look like text drawn as outlines; "
                     "OCR the page")
    hidden = [p for p in _big_pictures(survey) if not _covered(p, chars, survey)]
    if hidden:
        notes.append(f"page {number}: {len(hidden)} picture(s) not covered by a text layer may show personal "
                     "information; OCR them")
    return notes


def decoration_notes(number: int, survey: Survey) -> list[str]:
    """Notes for pictures on page ``number`` that were not read because they cannot show a value (seals,
    logos, blank or tiny pictures: :mod:`piiscan.ocr.decor`) — noted, never unread."""
    lo, hi = PICTURE_MIN_PT
    out = []
    for p in survey.pictures:
        x0, y0, x1, y1 = p.box
        short, long = sorted((x1 - x0, y1 - y0))
        if short >= lo and long >= hi and min(p.pixels) >= PICTURE_MIN_PX and _decoration(p):
            out.append(f"page {number}: picture not read ({p.decoration})")
    return out


def _bad_runs(chars: PageChars) -> int:
    """Undecodable characters that can hide a value: two or more in a row, or one inside a number
    (a lone odd bullet is not text; a digit that did not map breaks the ID it belongs to)."""
    if not len(chars) or not chars.bad.any():
        return 0
    bad = chars.bad
    digit = np.array([c.isdigit() for c in chars.text], dtype=bool)
    pair = bad[1:] & bad[:-1]
    hit = np.zeros(len(bad), dtype=bool)
    hit[1:] |= pair
    hit[:-1] |= pair
    hit[1:-1] |= bad[1:-1] & digit[:-2] & digit[2:]
    return int(hit.sum())


def _big_pictures(survey: Survey) -> list:
    """Pictures that may show a value: big enough on the page, and not a seal, a logo or blank
    (:func:`piiscan.ocr.decor.decoration`, judged on the picture's own pixels)."""
    lo, hi = PICTURE_MIN_PT
    out = []
    for p in survey.pictures:
        x0, y0, x1, y1 = p.box
        short, long = sorted((x1 - x0, y1 - y0))
        if short >= lo and long >= hi and min(p.pixels) >= PICTURE_MIN_PX and not _decoration(p):
            out.append(p)
    return out


def _decoration(picture) -> str | None:
    """Why ``picture`` cannot show a value, or None (also when its pixels cannot be had: then it counts)."""
    if picture.decoration is None and picture.handle:
        picture.decoration = ""
        from ..ocr.decor import MIN_LONG_PX, MIN_SHORT_PX, SEAL_MAX_SIDE, decoration

        w, h = picture.pixels
        if min(w, h) >= MIN_SHORT_PX and max(w, h) >= MIN_LONG_PX and max(w, h) > SEAL_MAX_SIDE:
            return None  # too big for a seal, big enough for a value: no need to decode it
        try:
            import ctypes

            import pypdfium2
            import pypdfium2.raw as R

            raw = R.FPDFImageObj_GetBitmap(ctypes.cast(picture.handle, R.FPDF_PAGEOBJECT))
            if raw:
                image = pypdfium2.PdfBitmap.from_raw(raw).to_pil()
                picture.decoration = decoration(image) or ""
        except Exception:  # noqa: BLE001 - an image pdfium cannot decode counts as one that may show a value
            picture.decoration = ""
    return picture.decoration or None


def _covered(picture, chars: PageChars, survey: Survey) -> bool:
    """Whether a text layer lies over the picture: characters over it that are invisible or drawn before it."""
    if not len(chars):
        return False
    import pypdfium2.raw as R

    x0, y0, x1, y1 = picture.box
    cx = (chars.box[:, 0] + chars.box[:, 2]) / 2
    cy = (chars.box[:, 1] + chars.box[:, 3]) / 2
    over = np.flatnonzero((cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1))
    if not len(over):
        return False
    raw = chars.textpage.raw
    for i in over[:: max(1, len(over) // 50)]:  # a sample is enough: a layer is many characters
        obj = R.FPDFText_GetTextObject(raw, int(chars.index[i]))
        if not obj:
            continue
        if R.FPDFTextObj_GetTextRenderMode(obj) in _INVISIBLE:
            return True
        import ctypes

        z = survey.text_z.get(ctypes.cast(obj, ctypes.c_void_p).value or 0)  # addresses, as the survey keys them
        if z is not None and z < picture.z:
            return True
    return False


# --- OCR of a page ---------------------------------------------------------------------------------

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PixelMap:
    """Pixels of the rendered page -> the page's user space (points, y up): ``x = a·u + c·v + e``,
    ``y = b·u + d·v + f``, taken from pdfium's own device-to-page transform (``/Rotate`` and the crop box
    included)."""

    m: tuple[float, float, float, float, float, float]

    @classmethod
    def of(cls, page: Any, size: tuple[int, int]) -> "PixelMap":
        import ctypes

        import pypdfium2.raw as R

        w, h = size
        x, y = ctypes.c_double(), ctypes.c_double()
        pts = []
        for u, v in ((0, 0), (w, 0), (0, h)):
            R.FPDF_DeviceToPage(page.raw, 0, 0, w, h, 0, u, v, ctypes.byref(x), ctypes.byref(y))
            pts.append((x.value, y.value))
        (e, f), (x1, y1), (x2, y2) = pts
        return cls(((x1 - e) / w, (y1 - f) / w, (x2 - e) / h, (y2 - f) / h, e, f))

    def box(self, box: Box) -> Box:
        a, b, c, d, e, f = self.m
        x0, y0, x1, y1 = box
        xs = [a * u + c * v + e for u, v in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
        ys = [b * u + d * v + f for u, v in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
        return (round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2))

    @property
    def points_per_pixel(self) -> float:
        a, b, c, d = self.m[:4]
        return float((abs(a * d - b * c)) ** 0.5)


@dataclass
class OcrRead:
    """What OCR made of one PDF page: its items (marks in points), and how well it read."""

    page: Any  # piiscan.ocr.page.Page, items converted
    pmap: PixelMap
    dpi: float

    @property
    def items(self) -> list[Any]:
        return self.page.items

    @property
    def margin(self) -> float:
        """The OCR page's paint margin in points."""
        return self.page.margin * self.pmap.points_per_pixel

    def weak(self) -> str | None:
        """A note when the page was barely legible to OCR (as for image files), else None."""
        from ..readers.image import WEAK_LINES, WEAK_SHARE

        p = self.page
        if p.weak_lines >= WEAK_LINES and p.weak_lines >= WEAK_SHARE * p.lines:
            return f"{p.weak_lines} of {p.lines} text lines barely legible to OCR; check the page by eye"
        return None


def read_page(reader: Any, page: Any, number: int, dpi: int = DPI) -> OcrRead:
    """OCR of pdfium page ``page`` (number ``number``), every mark's box in points of the page's user space."""
    from ..ocr.page import Mark, OcrSegment, OcrTable

    image = render_page(page, dpi)
    width_pt = page.get_size()[0] or 1.0
    real_dpi = image.width / width_pt * 72  # lower than ``dpi`` when the page is too big for the limits
    read = reader.read(image, dpi=real_dpi, page=number)
    pmap = PixelMap.of(page, image.size)

    def conv(marks):
        return tuple(None if m is None else Mark(pmap.box(m.box), m.score, m.fixed) for m in marks)

    items: list[Any] = []
    for item in read.items:
        if isinstance(item, OcrTable):
            fields = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
            fields["marks"] = [[conv(c) for c in row] for row in item.marks]
            items.append(OcrTable(**fields))
        elif isinstance(item, OcrSegment):
            fields = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
            fields["marks"] = conv(item.marks)
            items.append(OcrSegment(**fields))
        else:
            items.append(item)
    read.items = items
    return OcrRead(read, pmap, real_dpi)
