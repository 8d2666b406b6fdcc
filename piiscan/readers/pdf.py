"""PDF: every page's lines and tables from pdfium, then every part beyond the pages.

The page model is :mod:`piiscan.pdf` (shared with the redaction writer, so
scan and redact see the same cells under the same headers):

- characters with their boxes from pdfium (a few ms a page), read in the
  direction they are drawn: ``/Rotate`` and rotated form XObjects read line
  by line;
- tables from the page's ruling lines (pdfplumber's table finder fed with
  pdfium's paths), one :class:`~piiscan.tables.Table` each, scanned column by
  column with its header; a table going on over the next page keeps its
  header and row numbering, and a row split by the page break is joined so a
  value split with it is found whole (:mod:`piiscan.pdf.continued`);
- text outside tables line by line, a space where characters are apart;
- what cannot be read is never "nothing found": a scan without text layer,
  text that cannot be decoded, text drawn as outlines, a picture not covered
  by a text layer are :class:`~piiscan.readers.registry.Unread`
  (:mod:`piiscan.pdf.ocr_seam`), so ``scan``/``check`` exit 2;
- then the parts beyond the pages (:mod:`piiscan.pdf.parts`): document info
  and XMP metadata, annotations and their appearances, form fields,
  outlines, page labels, link URIs, JavaScript, embedded files, and the
  pages of old revisions an incremental update left in the file — each
  finding says where (``part``).

Limits (:mod:`piiscan.limits`): every Flate stream is inflated, bounded,
before a parser sees the file (``part_bytes``, ``file_bytes``), and the page
count is checked (``pages``). A corrupt file is an error, never "nothing found".
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..pdf import continued, document, layout, objects, ocr_seam, parts
from ..pdf.chars import read_chars
from ..tables import Table
from . import ReadError, Segment
from .registry import Note, Unread, read_file_bytes


def read_bytes(data: bytes, name: str = "") -> Iterator[Segment | Table | Note]:
    if not data:
        return
    with document.Document(data) as doc:
        stitch = continued.Stitcher()
        for page in iter_pages(doc):
            for piece in stitch.feed(page.layout):
                yield piece.item()
            for note in page.unread:
                yield Unread(note)
        for piece in stitch.finish():
            yield piece.item()
        yield from parts.read(doc, name)


def read(path: Path) -> Iterator[Segment | Table | Note]:
    return read_bytes(read_file_bytes(path), path.name)


class Page:
    """One page read: its layout (empty when it needs OCR) and what could not be read on it."""

    __slots__ = ("layout", "unread", "survey")

    def __init__(self, page_layout: layout.PageLayout, unread: list[str], survey: objects.Survey) -> None:
        self.layout, self.unread, self.survey = page_layout, unread, survey


def iter_pages(doc: document.Document) -> Iterator[Page]:
    """Each page's layout and unread notes, in order (pdfium's page is closed after each)."""
    for n, pdfium_page in doc.pages():
        try:
            survey = objects.survey(pdfium_page)
            chars = read_chars(pdfium_page, upright=survey.upright,
                               check_unicode=bool(survey.text_objects) and doc.undecodable_fonts(n - 1))
        except Exception as exc:  # noqa: BLE001 - pdfium errors on a broken page
            raise ReadError(f"corrupt PDF (page {n}): {str(exc)[:200]}") from None
        unread = ocr_seam.unread(n, chars, survey)
        if ocr_seam.needs_ocr(chars, survey):
            page_layout = layout.PageLayout(n, chars)
        else:
            page_layout = layout.lay_out(n, chars, survey)
        try:
            yield Page(page_layout, unread, survey)
        finally:
            chars.textpage.close()
