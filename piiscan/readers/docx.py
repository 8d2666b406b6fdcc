"""Word ``.docx``: everything the document publishes, as the redact writer sees it.

* the body's paragraphs (one line each) and its tables, read as tables;
* every other text in the body: text boxes, content controls, tracked
  deletions (``w:delText``: a deleted value is still in the file);
* every other ``/word/*.xml`` part: headers, footers, comments, footnotes,
  endnotes, the glossary — the parts :mod:`piiscan.redact.writers.docx` walks;
* the core properties: title, subject, keywords, comments, author, last modified by.

python-docx's ``doc.paragraphs`` leaves out tables, text boxes and the other
parts, and its ``paragraph.text`` already joins formatting runs
(REFERENCE.md). Table rows are read from the XML directly: ``row.cells`` in
python-docx is slow on large tables and repeats merged cells. Text-box
content that Word stores twice (``mc:AlternateContent``) is read once.
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
    body = doc.element.body
    for tbl in body.iter(f"{_W}tbl"):
        if _inside_table(tbl) or _in_fallback(tbl):
            continue  # a nested table's text is part of its outer cell; a fallback is a copy
        rows = [[_cell_text(tc) for tc in tr.iterchildren(f"{_W}tc")] for tr in tbl.iterchildren(f"{_W}tr")]
        if rows:
            yield Table(rows)
    extra = [t for t in (_own_text(p, deleted_only=p.getparent() is body) for p in _body_extra(body)) if t.strip()]
    if extra:
        yield Segment("\n".join(extra))
    for part in doc.part.package.iter_parts():
        partname = str(part.partname)
        if part is doc.part or not partname.startswith("/word/") or not partname.endswith(".xml"):
            continue
        element = _part_element(part)
        if element is None:
            continue
        text = "\n".join(_own_text(p) for p in element.iter(f"{_W}p") if not _in_fallback(p))
        if text.strip():
            yield Segment(text)
    props = doc.core_properties
    for attr in CORE_PROPERTIES:
        value = getattr(props, attr, None)
        if isinstance(value, str) and value.strip():
            yield Segment(value)


#: Core properties read (and redacted by the writer): free text a publisher fills in.
CORE_PROPERTIES = ("title", "subject", "keywords", "comments", "author", "last_modified_by")


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


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_P, _W_T, _W_DEL, _W_TAB, _W_BR, _W_CR = (f"{_W}{t}" for t in ("p", "t", "delText", "tab", "br", "cr"))


def _part_element(part: Any) -> Any:
    """The XML of a package part: python-docx's, or parsed here for parts it keeps as bytes (footnotes)."""
    element = getattr(part, "_element", None)
    if element is not None:
        return element
    import lxml.etree

    try:
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return lxml.etree.fromstring(part.blob, parser)
    except Exception:  # not XML after all, or broken: the rest of the document is still read
        return None


def _in_fallback(el: Any) -> bool:
    """Inside ``mc:Fallback``: a second copy (VML) of content read from ``mc:Choice``."""
    parent = el.getparent()
    while parent is not None:
        if parent.tag == _MC_FALLBACK:
            return True
        parent = parent.getparent()
    return False


def _body_extra(body: Any) -> Iterator[Any]:
    """Body paragraphs whose text ``doc.paragraphs`` and the tables leave out.

    Direct body paragraphs are read already, but not their tracked deletions;
    paragraphs in text boxes and content controls are not read at all.
    """
    for p in body.iter(_W_P):
        if _in_fallback(p):
            continue
        parent = p.getparent()
        if parent is body:
            if any(True for _ in p.iter(_W_DEL)):
                yield p
            continue
        anc = parent
        while anc is not None and anc.tag not in (f"{_W}tbl", f"{_W}txbxContent"):
            anc = anc.getparent()
        if anc is None or anc.tag == f"{_W}txbxContent":
            yield p  # a text box, or a content control (w:sdt) in the body


def _own_text(p: Any, deleted_only: bool = False) -> str:
    """Text of ``p`` itself, deletions included (a text box inside ``p`` is its own paragraph)."""
    out = []
    for node in p.iter(_W_T, _W_DEL, _W_TAB, _W_BR, _W_CR):
        anc = node.getparent()
        while anc is not None and anc.tag != _W_P:
            anc = anc.getparent()
        if anc is not p:
            continue
        if node.tag == _W_DEL:
            out.append(node.text or "")
        elif deleted_only:
            out.append(" ")
        elif node.tag == _W_T:
            out.append(node.text or "")
        else:
            out.append("\t" if node.tag == _W_TAB else "\n")
    return "".join(out)
