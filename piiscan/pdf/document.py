"""Opening a PDF safely: limits first, then pdfium.

A PDF can hold a stream that inflates to 4 GB or declare 200,000 pages, and
every library piiscan uses (pdfium, qpdf, pdfminer) would allocate it.
:func:`check_streams` therefore inflates every Flate stream of the raw file
*before* any parser sees it, bounded and without keeping the output, and
raises :class:`~piiscan.limits.LimitExceeded` when one stream exceeds
``part_bytes`` or all of them together ``file_bytes``. The page count is
checked against ``pages`` before a page is loaded.

A corrupt file is an error, never "nothing found": no ``%PDF`` header, a file
cut short (no ``%%EOF`` at its end), a file pdfium cannot open, or one
without pages raise :class:`~piiscan.readers.ReadError`.
"""
from __future__ import annotations

import io
import re
import zlib
from typing import Iterator

from .. import limits
from ..readers import ReadError

_STREAM = re.compile(rb"stream\r?\n")
_IMAGE_DICT = re.compile(rb"/Subtype\s*/Image\b")
_CHUNK = 1 << 16
_OUT = 1 << 20


def check_header(data: bytes) -> None:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("corrupt or not a PDF (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise ReadError("corrupt PDF: the file is cut short (no %%EOF at its end)")


def check_streams(data: bytes) -> int:
    """Inflate every Flate stream of ``data`` (bounded, output dropped); the total inflated size.

    Images are skipped (pdfium does not decode them to read text; their declared
    size is checked where they are decoded). Streams that are not zlib data
    (other filters, encrypted streams) fail at once and are skipped.

    >>> import zlib
    >>> pdf = b"%PDF-1.4\\n1 0 obj <</Filter/FlateDecode>> stream\\n" + zlib.compress(b"x" * 1000) + b"\\nendstream"
    >>> check_streams(pdf)
    1000
    """
    lim = limits.current()
    total = 0
    for m in _STREAM.finditer(data):
        start = m.start()
        if data[start - 3:start] == b"end":
            continue
        head = data[max(0, start - 1024):start]
        if _IMAGE_DICT.search(head[head.rfind(b"obj"):] if b"obj" in head else head):
            continue
        size = _inflated_size(data, m.end(), lim.part_bytes)
        if size:
            limits.check("part_bytes", size, "a PDF stream inflated")
            total += size
            limits.check("file_bytes", total, "the PDF's streams inflated")
    return total


def _inflated_size(data: bytes, pos: int, limit: int) -> int:
    """Bytes the zlib stream at ``pos`` inflates to (stops just past ``limit``); 0 if it is not zlib data."""
    d = zlib.decompressobj()
    size = 0
    end = len(data)
    try:
        while not d.eof:
            if d.unconsumed_tail:
                buf = d.unconsumed_tail
            elif pos < end:
                buf = data[pos:pos + _CHUNK]
                pos += len(buf)
            else:
                buf = b""  # all input given: drain what zlib still holds
            out = d.decompress(buf, _OUT)
            size += len(out)
            if size > limit:
                return size
            if not out and (not buf or d.unconsumed_tail == buf):
                break  # no progress: the stream is cut short
    except zlib.error:
        return size
    return size


class Document:
    """A pdfium document opened from bytes that passed the limits; close it (or use ``with``)."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2

        check_header(data)
        check_streams(data)
        self.data = data
        self._qpdf = None
        self._font_cache: dict = {}
        try:
            self.pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            text = str(exc)
            if "password" in text.lower():
                raise ReadError("encrypted PDF (password required): cannot be scanned") from None
            raise ReadError(f"corrupt PDF: {_reason(text)}") from None
        try:
            self.page_count = len(self.pdf)
            limits.check("pages", self.page_count, "PDF pages")
            if self.page_count == 0:
                raise ReadError("corrupt PDF: no pages")
        except Exception:
            self.pdf.close()
            raise

    @property
    def qpdf(self):
        """The same file opened with pikepdf (qpdf), for what pdfium does not expose: fonts, parts, revisions."""
        if self._qpdf is None:
            import pikepdf

            try:
                self._qpdf = pikepdf.open(io.BytesIO(self.data))
            except pikepdf.PasswordError:
                raise ReadError("encrypted PDF (password required): cannot be scanned") from None
            except Exception as exc:  # noqa: BLE001 - qpdf cannot parse what pdfium could
                raise ReadError(f"corrupt PDF: {_reason(str(exc))}") from None
        return self._qpdf

    def undecodable_fonts(self, index: int) -> bool:
        """Whether page ``index`` (0-based) uses a font whose text pdfium may not map to Unicode.

        Only then are characters asked one by one whether their mapping failed
        (a call per character). A font with a ``ToUnicode`` map, a predefined
        Unicode CMap or a standard encoding maps its codes; a composite font
        with an Identity encoding, a Type 3 font, or a simple font whose glyph
        names are not standard, without ``ToUnicode``, may not.
        """
        from .fonts import page_has_undecodable_font

        try:
            return page_has_undecodable_font(self.qpdf.pages[index], self._font_cache)
        except ReadError:
            raise
        except Exception:  # noqa: BLE001 - if fonts cannot be inspected, ask pdfium for every character
            return True

    def pages(self) -> Iterator[tuple[int, object]]:
        """(1-based number, pdfium page) for every page, each closed after use."""
        for i in range(self.page_count):
            try:
                page = self.pdf[i]
            except Exception as exc:  # noqa: BLE001 - pdfium raises PdfiumError on broken pages
                raise ReadError(f"corrupt PDF (page {i + 1}): {_reason(str(exc))}") from None
            try:
                yield i + 1, page
            finally:
                page.close()

    def close(self) -> None:
        self.pdf.close()
        if self._qpdf is not None:
            self._qpdf.close()

    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _reason(text: str) -> str:
    return (text.splitlines() or ["unreadable"])[0][:200]
