"""PDF via pdfplumber: tables as tables, the rest of each page as text, page numbers kept.

- Tables: ``find_tables`` on each page; a cell that wraps over two lines is one
  value (:func:`piiscan.tables.cell_text` drops the line break). A table that
  goes on over the next page without repeating its header keeps the header
  and row numbering of the page before.
- Text outside tables: pdfplumber joins characters and inserts a space where
  the gap in x exceeds ``x_tolerance``; without that, neighbouring cells of a
  table drawn without ruling lines glue into one 30-digit run (REFERENCE.md).
- A page with images but no characters is a scan: reported as a
  :class:`~piiscan.readers.registry.Note` ("not scanned: image-only page N"),
  never silently skipped.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Iterator

from ..tables import Table, find_header_row, header_names
from . import ReadError, Segment
from .registry import Note, Unread, read_file_bytes

X_TOLERANCE = 1.5  # points; CJK glyphs in one word touch, table columns are far apart


def read_bytes(data: bytes, name: str = "") -> Iterator[Segment | Table | Note]:
    if not data:
        return
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("corrupt or not a PDF (no %PDF header)")
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReadError("encrypted PDF (password required): cannot be scanned") from None
    except Exception as exc:
        if "password" in str(exc).lower() or "Incorrect" in type(exc).__name__ or "PDFPassword" in repr(exc):
            raise ReadError("encrypted PDF (password required): cannot be scanned") from None
        raise ReadError(f"corrupt PDF: {_reason(exc)}") from None
    with pdf:
        prev: tuple[list[str], int] | None = None  # header and next row number of the last table
        try:
            for n, page in enumerate(pages, 1):
                items, prev = _page(page, n, prev)
                yield from items
                page.flush_cache()  # keep memory flat on long documents
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError(f"corrupt PDF (page {n}): {_reason(exc)}") from None


def read(path: Path) -> Iterator[Segment | Table | Note]:
    return read_bytes(read_file_bytes(path), path.name)


def _reason(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200] or type(exc).__name__


def _page(page: Any, n: int, prev: tuple[list[str], int] | None) -> tuple[list, tuple[list[str], int] | None]:
    items: list = []
    if not page.chars:
        if page.images:
            items.append(Unread(f"not scanned: image-only page {n} (no text layer; OCR it first)"))
        return items, prev
    tables = page.find_tables()
    for t in tables:
        rows = [row for row in t.extract() if any(c not in (None, "") for c in row)]
        if not rows:
            continue
        width = max(len(r) for r in rows)
        h = find_header_row(rows)
        if h is None and prev is not None and len(prev[0]) == width:
            # The table continues from the page before, header not repeated.
            header, first = prev
            items.append(Table(rows, {"page": n}, header=header, first_row=first))
            prev = (header, first + len(rows))
            continue
        if h is None:
            header, data, preface = header_names([], width), rows, []
        else:
            header, data, preface = header_names(rows[h], width), rows[h + 1:], rows[:h]
        for row in preface:
            line = " ".join(c for c in row if c)
            if line:
                items.append(Segment(line, location={"page": n}))
        items.append(Table(data, {"page": n}, header=header, first_row=1))
        prev = (header, 1 + len(data))
    outside = page
    if tables:
        boxes = [t.bbox for t in tables]
        outside = page.filter(lambda obj: not any(_inside(obj, b) for b in boxes))
    text = outside.extract_text(x_tolerance=X_TOLERANCE)
    if text and text.strip():
        items.append(Segment(text, location={"page": n}))
    return items, prev


def _inside(obj: dict, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    cx = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    cy = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom
