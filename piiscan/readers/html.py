r"""HTML pages: everything a page publishes, including what a browser does not show at once.

The page is decoded with the charset its ``<meta>`` declares (libxml2 would
honour it only when nothing but ASCII comes before the ``<meta>``). Without a
declared charset (:func:`piiscan.readers.text.declared_charset`) the bytes are
decoded with :func:`piiscan.readers.text.decode` (UTF-8, else GB18030, …),
since libxml2 would otherwise guess Latin-1.

What is read, each with its ``part`` (the redact writer rewrites the same):

* the body text (block elements end a line, inline tags such as ``<b>`` do
  not split a value, character references are decoded) and ``<table>`` elements,
  read as tables; text hidden with CSS is published all the same;
* ``<title>`` (``title``) and the attributes people read or that carry
  contact data (``title``, ``alt``, ``value``, ``placeholder``, ``content``,
  ``aria-label``, ``label``, ``summary``, ``data-*``, and ``on*`` handlers,
  which are JavaScript: part ``@name``);
* every URL attribute (``href``, ``src``, ``action``, ``srcset`` …, part
  ``@href`` …) percent-decoded, so ``tel:%31%33%39…`` and query strings
  (``?mobile=139…``) are read, and ``sms:``/``weixin:`` links with them;
* ``<iframe srcdoc>``: an HTML document inside an attribute, read as a page
  (part ``srcdoc``);
* comments (``comment``), each on its own and as written, conditional
  comments with their markup, and ``<![CDATA[…]]>`` (a comment to HTML);
* ``<script>`` text: JSON data blocks (``application/json``, ``+json``;
  part ``json``) with their escapes decoded (:func:`json_view`: ``\n`` is a
  line break, ``\u5f20`` is 张), and ordinary JavaScript (``script``):
  a string in code is published like any other;
* CSS ``content:`` strings in ``<style>`` and ``style`` attributes (``css``).

libxml2 stops building the tree at 256 levels of nesting (2048 with its
``huge_tree`` option) and, without that option, truncates attributes past
10 MB; browsers show the rest. Pages are parsed with ``huge_tree``, and a
page nested deeper than libxml2 goes is read flat by the stdlib tokenizer
(:class:`_FlatReader`: every text, attribute and comment; no tables). The
limits ``nesting`` and ``attribute_bytes`` (:mod:`piiscan.limits`) end a
page that exceeds them with a clear error instead.
"""
from __future__ import annotations

import codecs
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import regex

from .. import limits
from ..tables import Table
from . import ReadError, Segment
from .registry import read_file_bytes
from .text import declared_charset, decode, split_bom

#: Attributes whose text is published (the redact writer's list too).
TEXT_ATTRS = frozenset({"title", "alt", "value", "placeholder", "content", "aria-label", "label", "summary"})
#: Attributes that hold a URL (or several: ``srcset``, ``ping``): read percent-decoded.
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "cite", "poster", "background", "longdesc",
                       "data", "srcset", "ping", "codebase", "archive", "manifest", "lowsrc", "dynsrc", "xlink:href"})
# BOMs libxml2 reads itself.
_LXML_BOMS = ("utf-8", "utf-16-le", "utf-16-be")
# <noscript> and <template> text is published like any other (and the
# redact writer rewrites it): it is read with the body.
_DROP = ("script", "style", "head")
_XML_DECLARATION = regex.compile(r"^\s*<\?xml[^>]*\?>")
#: Block elements end a line (before and after), so text of neighbouring blocks never glues together;
#: inline elements (b, span, a, font …) do not: a value split by them is one value.
BLOCKS = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                    "article", "header", "footer", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table",
                    "form", "hr", "caption", "thead", "tbody", "tfoot", "main", "nav", "aside", "address",
                    "figure", "figcaption", "fieldset", "legend", "body", "html", "head", "title", "option",
                    "select", "textarea", "iframe", "noscript", "template", "details", "summary", "center"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr", "keygen", "frame", "basefont", "isindex"})
# JSON escapes: \uXXXX (a surrogate pair as one) and the two-character ones.
_JSON_ESCAPE = regex.compile(r'\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})'
                             r'|\\(["\\/bfnrt])')
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_PERCENT_RUN = regex.compile(r"(?:%[0-9A-Fa-f]{2})+")
# CSS: the value of a `content` declaration, and the string literals in it.
_CSS_CONTENT = regex.compile(r"""(?<![\w-])content\s*:((?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^;}"'])*)""",
                             regex.IGNORECASE | regex.DOTALL)
_CSS_STRING = regex.compile(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'""", regex.DOTALL)


# Elements whose end tag may be left out: a sibling of the same kind ends them (HTML5 implied end tags).
_IMPLIED_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
                          "tfoot", "colgroup", "caption", "rt", "rp"})


def open_element(stack: list[str], tag: str) -> None:
    """Push ``tag`` onto the stack of open elements, closing what its start implies, and check ``nesting``.

    Old pages leave ``</p>`` and ``</li>`` out: counted as open, 20,000
    paragraphs would look nested 20,000 deep.

    >>> stack = ["html", "body"]
    >>> for t in ("p", "p", "div", "ul", "li", "li"):
    ...     open_element(stack, t)
    >>> stack
    ['html', 'body', 'div', 'ul', 'li']
    """
    if tag in _IMPLIED_END:
        for i in range(len(stack) - 1, max(len(stack) - 4, -1), -1):
            if stack[i] == tag:
                del stack[i:]
                break
    if stack and stack[-1] == "p" and tag in BLOCKS:
        stack.pop()
    stack.append(tag)
    limits.check("nesting", len(stack), "HTML element nesting")


def read_bytes(data: bytes, name: str = "", *, _depth: int = 0) -> Iterator[Segment | Table]:
    if not data.strip():
        return
    yield from _read_text(_decoded(data), _depth)


def _decoded(data: bytes) -> str | bytes:
    """The page as text, or as bytes where it starts with a BOM libxml2 reads itself."""
    if split_bom(data)[1] in _LXML_BOMS:
        return data
    declared = declared_encoding(data)
    text = data.decode(declared, "replace") if declared else decode(data)[0]
    # lxml refuses a str that still says how its bytes were encoded (XHTML pages).
    m = _XML_DECLARATION.match(text)
    return text[m.end():] if m else text


_UNQUOTED_END = regex.compile(r"[\s>]")


def check_attribute_sizes(text: str) -> None:
    """Raise LimitExceeded for an attribute value longer than ``attribute_bytes``, before any parser copies it.

    A quoted value runs to its closing quote, an unquoted one to white space
    or ``>``; each is measured with ``str.find`` (a regex with a repeat of
    millions keeps a backtracking record per character: 4.5 GB here). Only
    pages longer than the limit are searched; the parsers check again what
    they really read.
    """
    cap = limits.current().attribute_bytes
    size = len(text)
    if size <= cap:
        return
    shortest = max(cap // 4, 1)  # characters; a UTF-8 character is at most four bytes
    pos = 0
    while True:
        i = text.find("=", pos)
        if i < 0:
            return
        j = i + 1
        while j < size and text[j] in " \t\n\r\f":
            j += 1
        if j >= size:
            return
        if text[j] in "\"'":
            start = j + 1
            end = text.find(text[j], start)
            end = size if end < 0 else end
            pos = end + 1
        else:
            start = j
            m = _UNQUOTED_END.search(text, j)
            end = m.start() if m else size
            pos = max(end, i + 1)
        if end - start > shortest:
            length = len(text[start:end].encode("utf-8", "surrogatepass"))
            limits.check("attribute_bytes", length, "an HTML attribute")


def _read_text(source: str | bytes, depth: int, where: dict | None = None) -> Iterator[Segment | Table]:
    import lxml.etree
    import lxml.html

    if isinstance(source, str):
        check_attribute_sizes(source)
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(source, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ReadError(f"unparsable HTML: {exc}") from None
    if any("Excessive depth" in e.message for e in parser.error_log):
        # libxml2 dropped everything below its depth limit: read the page flat.
        text = source if isinstance(source, str) else source.decode(split_bom(source)[1] or "utf-8", "replace")
        yield from _FlatReader(depth, where).read(text)
        return
    _check_tree(root)

    def seg(text: str, part: str) -> Segment:
        return Segment(text, location={**(where or {}), "part": part})

    # Published outside the body text: the title, attributes, comments, scripts, CSS strings.
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "title":
            text = (el.text_content() or "").strip()
            if text:
                yield seg(text, "title")
        for attr, value in el.attrib.items():
            kind = attribute_kind(attr, value)
            if kind == "srcdoc":
                yield from _srcdoc(value, depth, where)
            elif kind:
                text = attribute_view(kind, value)
                if text.strip():
                    yield seg(text, f"@{attr}")
    for text, part in _comment_and_script_texts(root):
        yield seg(text, part)
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
            yield Table(rows, location=dict(where or {}))
        # Keep the table's tail text; drop the table from the page text.
        parent = table.getparent()
        if parent is not None:
            table.drop_tree()
    for el in root.iter(*BLOCKS):
        el.tail = "\n" + (el.tail or "")
        if el.tag not in _VOID:
            el.text = "\n" + (el.text or "")
    body = root.find("body")
    text = (body if body is not None else root).text_content()
    text = regex.sub(r"[ \t\u3000\xa0]*\n[\s]*", "\n", text).strip()
    if text:
        # Line numbers of extracted text would not match the source: page-level only.
        yield Segment(text, location=dict(where or {}))


def _check_tree(root) -> None:
    """Attributes over ``attribute_bytes`` and nesting over ``nesting`` (only checked when set below libxml2's 2048)."""
    import lxml.etree

    cap = limits.current().attribute_bytes
    for el in root.iter():
        for value in el.attrib.values() if isinstance(el.tag, str) else ():
            if len(value) > cap:
                limits.check("attribute_bytes", len(value.encode("utf-8", "surrogatepass")), "an HTML attribute")
    if limits.current().nesting < 2048:
        level = deepest = 0
        for event, _el in lxml.etree.iterwalk(root, events=("start", "end")):
            level += 1 if event == "start" else -1
            deepest = max(deepest, level)
        limits.check("nesting", deepest, "HTML element nesting")


def _srcdoc(value: str, depth: int, where: dict | None) -> Iterator[Segment | Table]:
    """An ``<iframe srcdoc>`` page, read as a page; srcdoc inside srcdoc counts against ``depth``."""
    limits.check("depth", depth + 1, "iframe srcdoc nesting")
    if value.strip():
        yield from _read_text(value, depth + 1, {**(where or {}), "part": "srcdoc"})


def attribute_kind(name: str, value: str | None) -> str | None:
    """How an attribute is read: ``"text"``, ``"url"`` (percent-decoded), ``"srcdoc"`` (a page), ``"css"`` or None.

    >>> [attribute_kind(n, "x") for n in ("alt", "data-tel", "href", "srcdoc", "style", "class", "onclick")]
    ['text', 'text', 'url', 'srcdoc', 'css', None, 'text']
    """
    if not value or not value.strip():
        return None
    name = name.lower()
    if name in TEXT_ATTRS or name.startswith("data-") or name.startswith("on"):
        return "text"  # on* handlers are JavaScript, read like <script> text
    if name in URL_ATTRS:
        return "url"
    if name == "srcdoc":
        return "srcdoc"
    if name == "style":
        return "css"
    return None


def attribute_view(kind: str, value: str) -> str:
    """The text read from an attribute value (already unescaped by the HTML parser)."""
    if kind == "url":
        return "".join(text for _, _, text in url_pieces(value))
    if kind == "css":
        return "\n".join(css_strings(value, None))
    return value


def url_pieces(value: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, text)`` pieces of a URL, each percent-encoded character decoded on its own.

    A run such as ``%E5%BC%A0`` decodes as UTF-8 (张), one piece per
    character, so a writer can replace some characters of a run and keep
    the rest. Everything else is a piece of its own, as written.

    >>> list(url_pieces("tel:%31%33x"))
    [(0, 4, 'tel:'), (4, 7, '1'), (7, 10, '3'), (10, 11, 'x')]
    >>> "".join(t for _, _, t in url_pieces("?n=%E5%BC%A0%E4%B8%89"))
    '?n=张三'
    """
    pos = 0
    for m in _PERCENT_RUN.finditer(value):
        if m.start() > pos:
            yield pos, m.start(), value[pos:m.start()]
        raw = bytes.fromhex(m.group().replace("%", ""))
        i = 0
        while i < len(raw):
            lead = raw[i]
            n = 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            chunk = raw[i:i + n]
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError:
                n, text = 1, raw[i:i + 1].decode("latin-1") if lead < 0x80 else "\ufffd"
            yield m.start() + 3 * i, m.start() + 3 * (i + n), text
            i += n
        pos = m.end()
    if pos < len(value):
        yield pos, len(value), value[pos:]


def css_strings(css: str, offsets: list | None) -> Iterator[str]:
    """The string literals of each CSS ``content:`` declaration in ``css``, as written (escapes kept).

    ``offsets``, when a list, gets the ``(start, end)`` of each literal's inside.

    >>> list(css_strings('p::after { content: "电话 " "13912345678"; color: red }', None))
    ['电话 ', '13912345678']
    """
    for decl in _CSS_CONTENT.finditer(css):
        for lit in _CSS_STRING.finditer(decl.group(1)):
            g = 1 if lit.group(1) is not None else 2
            if offsets is not None:
                offsets.append((decl.start(1) + lit.start(g), decl.start(1) + lit.end(g)))
            yield lit.group(g)


def json_pieces(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, decoded)`` for each JSON escape in ``text`` (the rest is as written).

    >>> list(json_pieces(r'"\\u5f20\\n1"'))
    [(1, 7, '张'), (7, 9, '\\n')]
    """
    for m in _JSON_ESCAPE.finditer(text):
        if m.group(1):
            hi, lo = int(m.group(1), 16), int(m.group(2), 16)
            ch = chr(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
        elif m.group(3):
            ch = chr(int(m.group(3), 16))
            if 0xD800 <= ord(ch) <= 0xDFFF:
                ch = "\ufffd"  # a lone surrogate: not text
        else:
            ch = _JSON_SIMPLE[m.group(4)]
        yield m.start(), m.end(), ch


def json_view(text: str) -> str:
    r"""``text`` with its JSON escapes decoded: what a JSON reader of the data sees.

    The redact writer builds the same view (with where each character came
    from) and maps findings back to the escapes.

    >>> json_view('{"tel": "电话\\n13800138000", "n": "\\u5f20\\u4e09"}')
    '{"tel": "电话\n13800138000", "n": "张三"}'
    """
    out, pos = [], 0
    for start, end, ch in json_pieces(text):
        out += [text[pos:start], ch]
        pos = end
    out.append(text[pos:])
    return "".join(out)


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
    # <br> inside a cell is a wrapped line of one value (the table reader joins wrapped lines).
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


def script_part(type_: str | None) -> str:
    """``json`` for a JSON data block, ``script`` for code."""
    return "json" if is_json_script_type(type_) else "script"


def _comment_and_script_texts(root) -> Iterator[tuple[str, str]]:
    """Each comment (those before and after ``<html>`` too), script and style, in document order."""
    import lxml.etree

    before = reversed(list(root.itersiblings(preceding=True)))
    for el in (*before, root, *root.itersiblings()):
        if isinstance(el, lxml.etree._Comment):
            nodes = [el]
        elif el is root:
            nodes = root.iter(lxml.etree.Comment, "script", "style")
        else:
            continue
        for node in nodes:
            if isinstance(node, lxml.etree._Comment):
                text, part = node.text or "", "comment"
            elif node.tag == "style":
                text, part = "\n".join(css_strings(node.text or "", None)), "css"
            elif is_json_script_type(node.get("type")):
                text, part = json_view(node.text or ""), "json"
            else:
                text, part = node.text or "", "script"
            if text.strip():
                yield text, part


class _FlatReader(HTMLParser):
    """A page read without building a tree: for pages nested deeper than libxml2 goes.

    Yields what the tree reader yields, in the same parts, except that
    tables are read as text. Nesting is counted against ``limits.nesting``.
    """

    def __init__(self, depth: int, where: dict | None) -> None:
        super().__init__(convert_charrefs=True)
        self.depth, self.where = depth, where or {}
        self.out: list[Segment | Table] = []
        self.body: list[str] = []
        self.open: list[str] = []
        self.raw: str | None = None  # tag whose raw text is being collected (script, style, title)
        self.raw_type: str | None = None
        self.raw_text: list[str] = []
        self.cap = limits.current().nesting
        self.attr_cap = limits.current().attribute_bytes

    def read(self, text: str) -> list[Segment | Table]:
        self.feed(text)
        self.close()
        body = regex.sub(r"[ \t\u3000\xa0]*\n[\s]*", "\n", "".join(self.body)).strip()
        if body:
            self.out.append(Segment(body, location=dict(self.where)))
        return self.out

    def _seg(self, text: str, part: str) -> None:
        if text.strip():
            self.out.append(Segment(text, location={**self.where, "part": part}))

    def handle_starttag(self, tag, attrs):
        self._attrs(attrs)
        if tag in ("script", "style", "title"):
            self.raw, self.raw_type, self.raw_text = tag, dict(attrs).get("type"), []
        if tag in BLOCKS:
            self.body.append("\n")
        if tag not in _VOID:
            open_element(self.open, tag)

    def handle_startendtag(self, tag, attrs):
        self._attrs(attrs)
        if tag in BLOCKS:
            self.body.append("\n")

    def handle_endtag(self, tag):
        if tag == self.raw:
            text = "".join(self.raw_text)
            if tag == "title":
                self._seg(text.strip(), "title")
            elif tag == "style":
                self._seg("\n".join(css_strings(text, None)), "css")
            else:
                self._seg(json_view(text) if is_json_script_type(self.raw_type) else text,
                          script_part(self.raw_type))
            self.raw = None
        if tag in BLOCKS:
            self.body.append("\n")
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if self.raw:
            self.raw_text.append(data)
        else:
            self.body.append(data)

    def handle_comment(self, data):
        self._seg(data, "comment")

    def unknown_decl(self, data):
        if data.startswith("CDATA["):
            self._seg(data[6:], "comment")

    def _attrs(self, attrs):
        for name, value in attrs:
            if value and len(value) > self.attr_cap:
                limits.check("attribute_bytes", len(value.encode("utf-8", "surrogatepass")), "an HTML attribute")
            kind = attribute_kind(name, value)
            if kind == "srcdoc":
                self.out.extend(_srcdoc(value, self.depth, self.where))
            elif kind:
                self._seg(attribute_view(kind, value), f"@{name}")
