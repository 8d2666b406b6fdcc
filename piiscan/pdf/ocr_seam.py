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
  under it, is what is scanned and redacted).

Each becomes an :class:`~piiscan.readers.registry.Unread` note: ``scan`` and
``check`` exit 2 for the file and ``redact`` refuses it.

OCR is built separately (``piiscan.ocr``). Integrating it is meant to be a
small change here: :func:`ocr_engine` returns the engine when it is
installed, :func:`render_page` gives the page as a PIL image at ``dpi``, and
the reader (:func:`piiscan.readers.pdf.read_bytes`) scans what the engine
reads instead of reporting the page unread. Until then :func:`ocr_engine`
returns None.
"""
from __future__ import annotations

from typing import Any, Callable

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


def ocr_engine() -> Callable[[Any], list[tuple[str, tuple[float, float, float, float]]]] | None:
    """The OCR engine when ``piiscan.ocr`` is installed and integrated, else None.

    The integration point: return a callable that takes a PIL image and gives
    ``(text, box in pixels)`` per line; the reader then scans those lines with
    ``page`` and ``box`` set instead of reporting the page unread.
    """
    return None


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
    lo, hi = PICTURE_MIN_PT
    out = []
    for p in survey.pictures:
        x0, y0, x1, y1 = p.box
        short, long = sorted((x1 - x0, y1 - y0))
        if short >= lo and long >= hi and min(p.pixels) >= PICTURE_MIN_PX:
            out.append(p)
    return out


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
