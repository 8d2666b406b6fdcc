"""HTML pages: text, ``<table>``s, the title, text attributes, comments and JSON data blocks.

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

Comments are published too: anyone can read ``<!-- 备份联系人 … -->`` in the
page source. Each comment is its own segment, its text as written (a
conditional comment ``<!--[if IE]>…<![endif]-->`` with its markup). So is the
text of each ``<script>`` whose ``type`` is ``application/json``,
``application/ld+json`` or ends in ``+json``: data shipped with the page, not
code. In those, the two-character JSON escapes (``\\n``, ``\\"``, ``\\/`` …)
are read as two spaces (:func:`json_script_view`), so ``"电话\\n138…"`` is not
a number glued to a letter; ``\\uXXXX`` escapes are not decoded, so a name
written as ``\\u5f20\\u4e09`` is not found. Segments from the title,
attributes, comments and JSON scripts carry no location (findings have no
field for "which part of the page").

Ordinary JavaScript and ``<style>`` are not read: they are code, and the
numbers in code (ids, timestamps, sizes) are mostly not personal data.
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
# <noscript> and <template> text is published like any other (and the
# redact writer rewrites it): it is read with the body.
_DROP = ("script", "style", "head")
_XML_DECLARATION = regex.compile(r"^\s*<\?xml[^>]*\?>")
# JSON escapes of two characters; \uXXXX is left as it is (decoding it would change lengths).
_JSON_ESCAPE = regex.compile(r'\\["\\/bfnrt]')
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
            declared = declared_encoding(data)
            text = data.decode(declared, "replace") if declared else decode(data)[0]
            # lxml refuses a str that still says how its bytes were encoded (XHTML pages).
            root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ReadError(f"unparsable HTML: {exc}") from None
    # Published outside the body text: the title and text attributes (meta content, alt, …),
    # comments and JSON data scripts.
    for text in _attribute_texts(root):
        yield Segment(text)
    for text in _comment_and_data_texts(root):
        yield Segment(text)
    lxml.etree.strip_elements(root, lxml.etree.Comment, with_tail=False)
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


def declared_encoding(data: bytes) -> str | None:
    """The codec for the charset a page's ``<meta>`` declares, or None; the reader and the redact writer both use it.

    libxml2 honours ``<meta charset>`` only if no non-ASCII byte comes before
    it: a ``<title>`` or a comment in Chinese ahead of the ``<meta>`` made it
    read the page as Latin-1, so the page is decoded here instead. GB2312 and
    GBK are read as GB18030, the superset pages labelled GB2312 actually use.

    >>> declared_encoding('<title>公示</title><meta charset="gb2312">'.encode("gbk"))
    'gb18030'
    >>> declared_encoding(b'<meta charset="no-such-codec">') is None
    True
    """
    declared = declared_charset(data)
    if not declared:
        return None
    try:
        enc = codecs.lookup(declared).name
    except LookupError:
        return None
    return "gb18030" if enc in ("gb2312", "gbk") else enc


def read(path: Path) -> Iterator[Segment | Table]:
    return read_bytes(read_file_bytes(path), path.name)


def _text(el) -> str:
    # <br> inside a cell is a wrapped line of one value.
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return el.text_content().strip()


def is_json_script_type(value: str | None) -> bool:
    """Whether a ``<script type>`` marks a JSON data block (the writer redacts the same ones).

    >>> [is_json_script_type(t) for t in ("application/ld+json", "Application/JSON; charset=utf-8",
    ...                                    "application/geo+json", "text/javascript", None, "module")]
    [True, True, True, False, False, False]
    """
    kind = (value or "").split(";", 1)[0].strip().lower()
    return kind in ("application/json", "application/ld+json") or kind.endswith("+json")


def json_script_view(text: str) -> str:
    r"""``text`` with each two-character JSON escape turned into two spaces; same length.

    The redact writer scans the same view and maps findings back to the source.

    >>> json_script_view('{"tel": "电话\\n13800138000", "u": "a\\/b"}')
    '{"tel": "电话  13800138000", "u": "a  b"}'
    """
    return _JSON_ESCAPE.sub("  ", text)


def _comment_and_data_texts(root) -> Iterator[str]:
    """Each comment (those before and after ``<html>`` too) and each JSON script, in document order."""
    import lxml.etree

    before = reversed(list(root.itersiblings(preceding=True)))
    for el in (*before, root, *root.itersiblings()):
        if isinstance(el, lxml.etree._Comment):
            nodes = [el]
        elif el is root:
            nodes = root.iter(lxml.etree.Comment, "script")
        else:
            continue
        for node in nodes:
            if isinstance(node, lxml.etree._Comment):
                text = node.text or ""
            elif is_json_script_type(node.get("type")):
                text = json_script_view(node.text or "")
            else:
                continue
            if text.strip():
                yield text


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
