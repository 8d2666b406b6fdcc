"""Checking a redacted PDF by position, with two independent extractors.

The old check looked for every removed value anywhere in the whitespace-
stripped text of all pages: a value that legitimately stays elsewhere (an
occurrence of a type not redacted, the same number in an unrelated place) or
masked fragments closing up (武█明 → 武明) raised a false alarm, and the
66-page list could not be redacted. Here the check is where the glyphs were:

- after redaction, **no character** extracted from a changed page may have
  its middle inside the box of a removed character — read once with pdfium
  and once with pdfminer (different parsers, different font code), so a
  glyph left behind by either reading is caught;
- what remains is read again with the same page model and scanner as the
  scan (the CLI re-scans every output), so a value made of kept fragments
  is still a failure.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

#: A character counts as inside a removed box when its middle is in the box shrunk by this share on each side.
SHRINK = 0.2


class Leak(Exception):
    """An extractor still reads a character where one was removed."""


def inside(points: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """For points (n, 2), whether each lies in any of ``boxes`` (k, 4: x0, y0, x1, y1) shrunk by :data:`SHRINK`."""
    if not len(points) or not len(boxes):
        return np.zeros(len(points), dtype=bool)
    w = (boxes[:, 2] - boxes[:, 0]) * SHRINK
    h = (boxes[:, 3] - boxes[:, 1]) * SHRINK
    x0, x1 = boxes[:, 0] + w, boxes[:, 2] - w
    y0, y1 = boxes[:, 1] + h, boxes[:, 3] - h
    out = np.zeros(len(points), dtype=bool)
    for start in range(0, len(points), 2048):  # bounded memory: points × boxes per block
        p = points[start:start + 2048]
        px, py = p[:, 0:1], p[:, 1:2]
        out[start:start + 2048] = ((px >= x0) & (px <= x1) & (py >= y0) & (py <= y1)).any(axis=1)
    return out


def check_pdfium(path: Path, removed: dict[int, np.ndarray]) -> None:
    """Raise :class:`Leak` if pdfium reads a character inside a removed box (``removed``: page index -> boxes)."""
    import pypdfium2

    from .chars import read_chars

    doc = pypdfium2.PdfDocument(str(path))
    try:
        for index, boxes in removed.items():
            page = doc[index]
            try:
                chars = read_chars(page, upright=True, check_unicode=False)
                mid = np.column_stack([(chars.box[:, 0] + chars.box[:, 2]) / 2, (chars.box[:, 1] + chars.box[:, 3]) / 2])
                left = inside(mid, boxes)
                chars.textpage.close()
            finally:
                page.close()
            if left.any():
                raise Leak(f"page {index + 1}: pdfium still reads {int(left.sum())} character(s) where values were removed")
    finally:
        doc.close()


def check_pdfminer(path: Path, removed: dict[int, np.ndarray]) -> None:
    """Raise :class:`Leak` if pdfminer reads a character inside a removed box."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    wanted = set(removed)
    last = max(wanted, default=-1)
    with open(path, "rb") as fh:
        doc = PDFDocument(PDFParser(fh))
        rsrc = PDFResourceManager(caching=True)
        device = PDFPageAggregator(rsrc, laparams=None)
        interp = PDFPageInterpreter(rsrc, device)
        for index, page in enumerate(PDFPage.create_pages(doc)):
            if index > last:
                break
            if index not in wanted:
                continue
            interp.process_page(page)
            layout = device.get_result()
            inv = _inverse(_page_ctm(page))
            mids = []

            def walk(node) -> None:
                for obj in node:
                    if isinstance(obj, LTChar):
                        if obj.get_text().strip():
                            x0, y0, x1, y1 = obj.bbox
                            mids.append(_apply(inv, (x0 + x1) / 2, (y0 + y1) / 2))
                    elif isinstance(obj, LTContainer):
                        walk(obj)

            walk(layout)
            left = inside(np.array(mids).reshape(-1, 2), removed[index])
            if left.any():
                raise Leak(f"page {index + 1}: pdfminer still reads {int(left.sum())} character(s) where values were removed")


def _page_ctm(page) -> tuple[float, float, float, float, float, float]:
    """pdfminer's page matrix (``PDFPageInterpreter.process_page``): user space -> its device space."""
    x0, y0, x1, y1 = page.mediabox
    rot = (page.rotate or 0) % 360
    if rot == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rot == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rot == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def _inverse(m):
    a, b, c, d, e, f = m
    det = a * d - b * c
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return (ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_))


def _apply(m, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f
