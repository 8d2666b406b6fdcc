"""Word ``.docx``: body paragraphs, tables (read as tables), headers and footers.

python-docx's ``doc.paragraphs`` leaves out tables and headers/footers, and
its ``paragraph.text`` already joins formatting runs (REFERENCE.md). Table
rows are read from the XML directly: ``row.cells`` in python-docx is slow on
large tables and repeats merged cells.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Iterator

from ..tables import Table
from . import ReadError, Segment
from .registry import check_office_zip, read_file_bytes

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_bytes(data: bytes, name: str = "") -> Iterator[Segment | Table]:
    if not data:
        return
    check_office_zip(data, "Word document")
    import docx

    try:
        doc = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"corrupt .docx: {exc}") from None
    except Exception as exc:  # lxml syntax errors and the like
        raise ReadError(f"corrupt .docx: {type(exc).__name__}: {exc}"[:240]) from None
    body = "\n".join(p.text for p in doc.paragraphs)
    if body.strip():
        # line = paragraph number in the body
        yield Segment(body, line_offsets=True)
    for tbl in doc.element.body.iter(f"{_W}tbl"):
        if _inside_table(tbl):
            continue  # a nested table's text is part of its outer cell
        rows = [[_cell_text(tc) for tc in tr.iterchildren(f"{_W}tc")] for tr in tbl.iterchildren(f"{_W}tr")]
        if rows:
            yield Table(rows)
    seen: set[int] = set()
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            try:
                if part.is_linked_to_previous:
                    continue
                element = part._element
            except Exception:
                continue
            if id(element) in seen:
                continue
            seen.add(id(element))
            text = "\n".join(_para_text(p) for p in element.iter(f"{_W}p"))
            if text.strip():
                yield Segment(text)


def read(path: Path) -> Iterator[Segment | Table]:
    return read_bytes(read_file_bytes(path), path.name)


def _para_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(f"{_W}t"))


def _cell_text(tc: Any) -> str:
    # Paragraphs in one cell are separate lines, not a wrapped value: keep a space.
    return " ".join(t for t in (_para_text(p) for p in tc.iter(f"{_W}p")) if t)


def _inside_table(tbl: Any) -> bool:
    parent = tbl.getparent()
    while parent is not None:
        if parent.tag == f"{_W}tbl":
            return True
        parent = parent.getparent()
    return False
