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
  by a text layer are read by OCR when the extra is installed (and a
  searchable scan's picture as well as its text layer), else they are
  :class:`~piiscan.readers.registry.Unread` (:mod:`piiscan.pdf.ocr_seam`),
  so ``scan``/``check`` exit 2;
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
from typing import Any, Iterator

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
        for page in iter_pages(doc, ocr_seam.lazy_engine()):
            for piece in stitch.feed(page.layout):
                yield piece.item()
            if page.ocr is not None:
                yield from page.ocr.items
            for note in page.unread:
                yield Unread(note)
            for note in page.notes:
                yield Note(note)
        for piece in stitch.finish():
            yield piece.item()
        yield from parts.read(doc, name)


def read(path: Path) -> Iterator[Segment | Table | Note]:
    return read_bytes(read_file_bytes(path), path.name)


class Page:
    """One page read: its layout (empty when it needs OCR), what could not be read on it, and what OCR
    read on it (None when OCR did not run)."""

    __slots__ = ("layout", "unread", "survey", "ocr", "notes")

    def __init__(self, page_layout: layout.PageLayout, unread: list[str], survey: objects.Survey,
                 ocr: ocr_seam.OcrRead | None = None, notes: list[str] | None = None) -> None:
        self.layout, self.unread, self.survey, self.ocr = page_layout, unread, survey, ocr
        self.notes = notes or []  # pictures not read because they cannot show a value


def iter_pages(doc: document.Document, ocr: Any = None) -> Iterator[Page]:
    """Each page's layout and unread notes, in order (pdfium's page is closed after each).

    With ``ocr`` (:func:`piiscan.pdf.ocr_seam.lazy_engine`: the OCR reader, or None, when first asked), a page that needs OCR or shows a
    picture is read by it, and what it reads replaces the unread notes; a page whose text layer is junk
    (:func:`~piiscan.pdf.ocr_seam.layer_unreliable`) is then read by OCR alone (its layout is empty)."""
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
        read = None
        wanted = ocr is not None and (unread or ocr_seam.wants_ocr(chars, survey))
        ocr_reader = ocr() if wanted else None
        if ocr_reader is not None:
            if ocr_seam.layer_unreliable(chars, survey):
                page_layout = layout.PageLayout(n, chars)
            try:
                read = ocr_seam.read_page(ocr_reader, pdfium_page, n)
            except ReadError:
                raise
            except Exception as exc:  # noqa: BLE001 - rendering or the engine failing on a hostile page
                raise ReadError(f"page {n}: OCR failed ({type(exc).__name__}: {str(exc)[:160]})") from None
            weak = read.weak()
            unread = [f"page {n}: {weak}"] if weak else []
        notes = ocr_seam.decoration_notes(n, survey) if read is None else []
        try:
            yield Page(page_layout, unread, survey, read, notes)
        finally:
            chars.textpage.close()
