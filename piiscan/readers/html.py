"""HTML pages: text, ``<table>``s, the title and text attributes; scripts, styles and comments ignored.

The page is decoded with the charset its ``<meta>`` declares (libxml2 would
honour it only when nothing but ASCII comes before the ``<meta>``). Without a
declared charset (:func:`piiscan.readers.text.declared_charset`) the bytes are
decoded with :func:`piiscan.readers.text.decode` (UTF-8, else GB18030, …),
since libxml2 would otherwise guess Latin-1.
Text hidden with CSS is still scanned: it is published all the same, and so
are ``<title>``, ``<meta content>`` and the attributes people read or that
carry contact data (``title``, ``alt``, ``value``, ``placeholder``,
``aria-label``, ``label``, ``summary``, ``data-*``, ``mailto:``/``tel:``
links) — the same attributes :mod:`piiscan.redact.writers.html` redacts.
Comments are not read: the redact writer leaves them as they are.
"""
from __future__ import annotations

import codecs
from pathlib import Path
from typing import Iterator

import regex

from ..tables import Table
from . import ReadError, Segment
from .registry import read_file_bytes
from .text import declared_charset, decode, split_bom

# Attributes whose text is published (the redact writer's list).
_TEXT_ATTRS = ("title", "alt", "value", "placeholder", "content", "aria-label", "label", "summary")
# BOMs libxml2 reads itself.
_LXML_BOMS = ("utf-8", "utf-16-le", "utf-16-be")
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
        if split_bom(data)[1] in _LXML_BOMS:
            root = lxml.html.document_fromstring(data)
        else:
            root = lxml.html.document_fromstring(_decode_declared(data) or decode(data)[0])
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ReadError(f"unparsable HTML: {exc}") from None
    lxml.etree.strip_elements(root, lxml.etree.Comment, with_tail=False)
    # Published outside the body text: the title and text attributes (meta content, alt, …).
    for text in _attribute_texts(root):
        yield Segment(text)
    lxml.etree.strip_elements(root, *_DROP, with_tail=False)
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


def _decode_declared(data: bytes) -> str | None:
    """The page decoded with the charset its ``<meta>`` declares (as the redact writer does), if any.

    libxml2 honours ``<meta charset>`` only if no non-ASCII byte comes before it: a
    ``<title>`` or a comment in Chinese ahead of the ``<meta>`` made it read the page as Latin-1.

    >>> _decode_declared('<title>公示</title><meta charset="gb2312">'.encode("gbk"))
    '<title>公示</title><meta charset="gb2312">'
    """
    declared = declared_charset(data)
    if not declared:
        return None
    try:
        enc = codecs.lookup(declared).name
    except LookupError:
        return None
    if enc in ("gb2312", "gbk"):
        enc = "gb18030"  # a superset: pages labelled GB2312 use GBK characters
    return data.decode(enc, "replace")


def read(path: Path) -> Iterator[Segment | Table]:
    return read_bytes(read_file_bytes(path), path.name)


def _text(el) -> str:
    # <br> inside a cell is a wrapped line of one value.
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return el.text_content().strip()


def _attribute_texts(root) -> Iterator[str]:
    """``<title>`` and the text of attributes people read, each on its own, in document order."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "title":
            text = (el.text_content() or "").strip()
            if text:
                yield text
        for name, value in el.attrib.items():
            value = (value or "").strip()
            if not value:
                continue
            if (name in _TEXT_ATTRS or name.startswith("data-")
                    or (name == "href" and value.lower().startswith(("mailto:", "tel:")))):
                yield value
