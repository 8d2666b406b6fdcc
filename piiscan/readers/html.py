"""HTML pages: text and ``<table>``s; scripts, styles and comments ignored; charset from the document.

lxml parses bytes and honours ``<meta charset>`` (REFERENCE.md). Without a
declared charset the bytes are decoded with :func:`piiscan.readers.text.decode`
(UTF-8, else GB18030, …), since libxml2 would otherwise guess Latin-1.
Text hidden with CSS is still scanned: it is published all the same.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import regex

from ..tables import Table
from . import ReadError, Segment
from .registry import read_file_bytes
from .text import decode

_CHARSET = regex.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", regex.IGNORECASE)
_DROP = ("script", "style", "noscript", "template", "head")
# Block elements end a line, so text of neighbouring blocks never glues together.
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
           "header", "footer", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "form", "hr")


def read_bytes(data: bytes, name: str = "") -> Iterator[Segment | Table]:
    if not data.strip():
        return
    import lxml.etree
    import lxml.html

    try:
        if _CHARSET.search(data[:4096]) or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            root = lxml.html.document_fromstring(data)
        else:
            text, _ = decode(data)
            root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ReadError(f"unparsable HTML: {exc}") from None
    lxml.etree.strip_elements(root, *_DROP, lxml.etree.Comment, with_tail=False)
    # Outermost tables first; a nested table's text stays in its outer cell.
    for table in root.xpath("//table[not(ancestor::table)]"):
        rows = []
        for tr in table.xpath(".//tr[ancestor::table[1] = $t]", t=table):
            cells = [_text(td) for td in tr.xpath("./td|./th")]
            if cells:
                rows.append(cells)
        if rows:
            yield Table(rows)
        # Keep the table's tail text; drop the table from the page text.
        parent = table.getparent()
        if parent is not None:
            table.drop_tree()
    for el in root.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
    body = root.find("body")
    text = (body if body is not None else root).text_content()
    text = regex.sub(r"[ \t\u3000\xa0]*\n[\s]*", "\n", text).strip()
    if text:
        # Line numbers of extracted text would not match the source: page-level only.
        yield Segment(text)


def read(path: Path) -> Iterator[Segment | Table]:
    return read_bytes(read_file_bytes(path), path.name)


def _text(el) -> str:
    # <br> inside a cell is a wrapped line of one value.
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return el.text_content().strip()
