"""Every character of a page with its box, from pdfium.

pdfium gives the text of a page in one call and each character's box in
another (~1 µs a character): 17–24× faster than pdfminer/pdfplumber (4.4 ms a
page against 75–107 ms, REFERENCE.md). Boxes are pdfium's *loose* boxes (the
advance of the glyph by the font's ascent and descent), in the page's own
user space: ``/Rotate`` does not turn them, so a landscape table on a turned
page still reads line by line. Text drawn turned (a rotated form XObject)
carries its angle, and :mod:`.layout` reads it in its own frame.

Whitespace is dropped (pdfium's generated spaces and line ends included): the
layout puts a space where two characters are far apart, as pdfplumber does,
so neighbouring table cells never glue into one long number.

A character pdfium could not map to Unicode (a font without a ``ToUnicode``
map, as "print to PDF" drivers write) is *bad*: its code stands in for it and
means nothing. Such text is reported as unread (see :mod:`.ocr_seam`), never
scanned as if it were the page.
"""
from __future__ import annotations

import ctypes
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Whitespace code points (str.isspace): dropped, the layout puts its own spaces. (NUL is a glyph pdfium
#: could not map: kept, as junk.)
_SPACE = np.array([9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                   0x2028, 0x2029, 0x202F, 0x205F, 0x3000], dtype=np.uint32)


def _junk(codes: np.ndarray) -> np.ndarray:
    """Code points that stand for "no meaning": controls (a code used as text), U+FFFD, private use."""
    return (codes < 0x20) | (codes == 0xFFFD) | ((codes >= 0xE000) & (codes <= 0xF8FF)) | (codes >= 0xFFFE) & (codes <= 0xFFFF)


class _Fast:
    """pdfium's per-character calls with plain C types: ~3× less overhead than the typed bindings,
    which matters when a page has 2,000 characters."""

    def __init__(self) -> None:
        from ._pdfium import function

        vp, i = ctypes.c_void_p, ctypes.c_int
        self.loose = function("FPDFText_GetLooseCharBox", [vp, i, vp], i)
        self.map_error = function("FPDFText_HasUnicodeMapError", [vp, i], i)
        self.angle = function("FPDFText_GetCharAngle", [vp, i], ctypes.c_float)


_FAST: _Fast | None = None


def _fast() -> _Fast:
    global _FAST
    if _FAST is None:
        _FAST = _Fast()
    return _FAST


@dataclass
class PageChars:
    """The text-bearing characters of a page, in pdfium's order (content order, roughly)."""

    text: str  # one code point per character (junk replaced by U+FFFD)
    index: np.ndarray  # pdfium's index of each character (int64)
    box: np.ndarray  # (n, 4): x0, y0, x1, y1 in page user space (y up)
    angle: np.ndarray  # radians, pdfium's (clockwise); 0 for upright text
    bad: np.ndarray  # bool: the character could not be mapped to Unicode
    textpage: Any  # pypdfium2 PdfTextPage, for what is asked only sometimes (origins, render modes)

    def __len__(self) -> int:
        return len(self.text)

    def subset(self, which: np.ndarray) -> "PageChars":
        """The characters at positions ``which`` (same text page)."""
        return PageChars("".join(self.text[i] for i in which), self.index[which], self.box[which],
                         self.angle[which], self.bad[which], self.textpage)


def origins_and_sizes(textpage: Any, indexes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Baseline origins (k, 2) and font sizes (k,) of pdfium characters ``indexes`` of a text page."""
    import pypdfium2.raw as R

    raw = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    origins = np.empty((len(indexes), 2))
    sizes = np.empty(len(indexes))
    for k, i in enumerate(indexes):
        R.FPDFText_GetCharOrigin(raw, int(i), x, y)
        origins[k] = (x.value, y.value)
        sizes[k] = R.FPDFText_GetFontSize(raw, int(i))
    return origins, sizes


def read_chars(page: Any, *, upright: bool, check_unicode: bool = True) -> PageChars:
    """The characters of a pdfium page.

    ``upright``: no text on the page is turned (angles are not asked).
    ``check_unicode``: ask pdfium for every character whether its code could
    be mapped to Unicode (pages whose fonts all map need not).
    """
    import pypdfium2.raw as R

    tp = page.get_textpage()
    raw = tp.raw
    n = R.FPDFText_CountChars(raw)
    if n <= 0:
        empty = np.zeros(0)
        return PageChars("", empty.astype(np.int64), np.zeros((0, 4)), empty, empty.astype(bool), tp)
    buf = ctypes.create_string_buffer((n + 1) * 2)
    got = R.FPDFText_GetText(raw, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: max(0, got - 1) * 2].decode("utf-16-le", "replace")
    if len(text) != n:  # characters outside the BMP take two UTF-16 units: ask one by one
        text = "".join(chr(R.FPDFText_GetUnicode(raw, i) or 0xFFFD) for i in range(n))
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = np.flatnonzero(~np.isin(codes, _SPACE))
    m = len(keep)
    fast = _fast()
    addr = ctypes.cast(raw, ctypes.c_void_p).value
    rects = (ctypes.c_float * (4 * max(1, m)))()
    base = ctypes.addressof(rects)
    idx = keep.tolist()
    # One call a character (the only per-character loop of the reader), driven by map: no Python frame.
    for _ in map(fast.loose, itertools.repeat(addr, m), idx, range(base, base + 16 * m, 16)):
        pass
    # FS_RECTF is left, top, right, bottom.
    r = np.frombuffer(rects, dtype=np.float32)[: 4 * m].reshape(m, 4).astype(float)
    box = np.column_stack([np.minimum(r[:, 0], r[:, 2]), np.minimum(r[:, 1], r[:, 3]),
                           np.maximum(r[:, 0], r[:, 2]), np.maximum(r[:, 1], r[:, 3])])
    junk = _junk(codes[keep])
    bad = junk.copy()
    if check_unicode:
        map_error = fast.map_error
        bad |= np.fromiter(map(map_error, itertools.repeat(addr, m), idx), dtype=np.int64, count=m) == 1
    if upright:
        angle = np.zeros(m)
    else:
        get_angle = fast.angle
        angle = np.fromiter(map(get_angle, itertools.repeat(addr, m), idx), dtype=float, count=m)
    kept = np.where(junk, 0xFFFD, codes[keep]).astype(np.uint32)
    chars = kept.tobytes().decode("utf-32-le")
    return PageChars(chars, keep.astype(np.int64), box, np.where(angle < 0, 0.0, angle), bad, tp)
