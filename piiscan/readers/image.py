"""Images (PNG, JPEG, TIFF with its pages, BMP, WebP): scans and photos of notices, read by OCR.

Each frame, turned upright by its EXIF orientation, goes through
:class:`piiscan.ocr.PageReader`: ruled tables come back as tables (columns
classified by header), the rest as text, every finding with its pixel box.
Text in the file's metadata (EXIF description and comments, PNG text chunks,
XMP) is scanned too, with ``part`` ``metadata:…``.

Without the OCR extra, or with ``--no-ocr``, the pixels are not read: the
file gets an :class:`~piiscan.readers.registry.Unread` (``image: install
piiscan-cn[ocr] to read it``), so ``scan``/``check`` exit 2 for it — an
image is never reported as "nothing found" because nobody looked.
A page the recogniser could barely read is reported the same way.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .. import ocr
from ..ocr import images
from . import Segment
from .registry import Unread, read_file_bytes

#: A page is "barely legible" when this many of its text lines, and this share of them, read below
#: :data:`piiscan.ocr.page.WEAK_SCORE`: the scan could not vouch for it.
WEAK_LINES = 3
WEAK_SHARE = 0.2


def read_bytes(data: bytes, name: str = "") -> Iterator[object]:
    img = images.open_image(data, name)
    for where, text in images.metadata_texts(img):
        yield Segment(text, location={"part": where})
    reason = ocr.unavailable_reason()
    if reason:
        yield Unread(reason)
        return
    from ..ocr.page import PageReader

    reader = PageReader()
    dpi = images.dpi_of(img)
    for n, frame in images.frames(img):
        page = reader.read(frame, dpi=dpi, page=n)
        yield from page.items
        if page.weak_lines >= WEAK_LINES and page.weak_lines >= WEAK_SHARE * page.lines:
            yield Unread(f"page {n}: {page.weak_lines} of {page.lines} text lines barely legible to OCR; "
                         "check the page by eye")


def read(path: Path) -> Iterator[object]:
    return read_bytes(read_file_bytes(path), path.name)
