"""Old revisions an incremental update leaves in a PDF.

Editing a PDF in place (Acrobat "save", signing, some form fillers) appends
the changes to the end of the file and keeps everything before: a value
deleted from a page is gone from what a viewer shows but still in the file,
and the file cut at an earlier ``%%EOF`` opens as the page that held it.

For the scan, every earlier revision (the file up to each earlier
``%%EOF``) is opened and its page text compared with the current pages:
lines that no longer appear anywhere in the current document are scanned as
part ``old revision`` (values still on the current pages are reported there,
not twice). The writer removes old revisions by saving the file fresh.
"""
from __future__ import annotations

from typing import Iterator

from ..readers import Segment
from ..readers.registry import Note, Unread

#: Earlier revisions read at most; a file with more is reported as not fully read.
MAX_REVISIONS = 32


def earlier_revisions(data: bytes) -> list[bytes]:
    """The file cut after each ``%%EOF`` but the last (the current revision), oldest first.

    >>> earlier_revisions(b"%PDF-1.4 a %%EOF\\n b %%EOF\\n")
    [b'%PDF-1.4 a %%EOF']
    >>> earlier_revisions(b"%PDF-1.4 a %%EOF\\n")
    []
    """
    ends = []
    pos = data.find(b"%%EOF")
    while pos >= 0:
        ends.append(pos + 5)
        pos = data.find(b"%%EOF", pos + 5)
    if len(ends) < 2:
        return []
    # Everything after the last %%EOF is whitespace or junk: the current revision ends there.
    return [data[:e] for e in ends[:-1]]


def read(doc) -> Iterator[Segment | Note]:
    prefixes = earlier_revisions(doc.data)
    if not prefixes:
        return
    if len(prefixes) > MAX_REVISIONS:
        yield Unread(f"{len(prefixes)} earlier revisions (incremental updates); only the last {MAX_REVISIONS} "
                     "were read; redaction removes them all")
        prefixes = prefixes[-MAX_REVISIONS:]
    current = _lines_of(doc.pdf)
    reported: set[str] = set()
    for prefix in prefixes:
        import pypdfium2

        try:
            old = pypdfium2.PdfDocument(prefix)
        except Exception:  # noqa: BLE001 - not a complete revision (a linearized file's first part)
            continue
        try:
            for n, page in enumerate(old, 1):
                try:
                    text = page.get_textpage().get_text_range()
                finally:
                    page.close()
                fresh = [line for line in _split(text) if line not in current and line not in reported]
                if fresh:
                    reported.update(fresh)
                    yield Segment("\n".join(fresh), location={"part": "old revision", "page": n})
        finally:
            old.close()


def _split(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _lines_of(pdf) -> set[str]:
    lines: set[str] = set()
    for i in range(len(pdf)):
        page = pdf[i]
        try:
            lines.update(_split(page.get_textpage().get_text_range()))
        finally:
            page.close()
    return lines
