"""HTML: only text (and the text of attributes, comments, scripts and CSS strings) changes; every other byte stays.

Parsing with lxml and serialising again would rewrite the markup (quotes,
entities, whitespace). Instead the stdlib tokenizer reports where each text
node sits in the source, and only those character ranges are replaced, so
tags, attributes and formatting are byte-identical.

The writer redacts what :mod:`piiscan.readers.html` reads, as the reader
sees it (a :class:`~piiscan.redact.writers.spans.View` of the source):

* the body text is one text, with a line break at each block element, so a
  value split by inline tags (``<b>139</b>12345678``) or written as
  character references (``&#49;&#51;…``) is found and replaced: the
  replacement goes where the value starts, its other characters are
  removed, the tags between them stay;
* each cell of a table is its own text, scanned with its column's header;
* text attributes, URL attributes (percent-decoded, the replacement
  percent-encoded), ``style`` (CSS ``content:`` strings) and ``srcdoc`` (a
  page: redacted as one): a changed value is written back escaped, quoted;
* comments and ``<![CDATA[…]]>``, each as one text, stay well formed:
  a replacement never brings ``<`` or ``>`` (they become the full-width
  ``＜``/``＞``) and a ``-`` of a replacement that would touch another
  ``-`` (or start or end the comment) becomes ``*``, so no ``--``, ``-->``
  or ``<!--`` is created and a conditional comment keeps its brackets;
* JSON data scripts, with their escapes decoded (``\\u5f20``): a
  replacement inside a string is JSON-escaped (``<``/``>`` as
  ``\\u003c``/``\\u003e``, so no ``</script>`` can appear), and a number
  replaced by a non-number becomes a string, so the JSON still parses;
* ordinary ``<script>`` text (replacements never bring a ``<``), and the
  CSS ``content:`` strings of ``<style>``.

The encoding is kept (BOM, then ``<meta charset>``, then detection).
Nesting and attribute size are checked against :mod:`piiscan.limits` as
the reader checks them.
"""
from __future__ import annotations

import html as _html
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import regex

from ... import limits
from ...readers.html import (BLOCKS, _VOID, attribute_kind, check_attribute_sizes, css_strings, declared_encoding,
                             open_element,
                             is_json_script_type, json_pieces, url_pieces)
from ...readers.text import split_bom
from ...tables import _WRAP
from . import write_bytes_atomic
from .cells import redact_cells
from .spans import View, apply, redact_view
from .text import decode_exact, encode_exact

# Replacement characters that could open or close markup inside a comment or a script.
_ANGLES = str.maketrans({"<": "＜", ">": "＞"})
_JSON_STRING = regex.compile(r'"(?:[^"\\]|\\.)*"', regex.DOTALL)
_JSON_NUMBER = regex.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_CHARREF = regex.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?")
_ATTR = regex.compile(r"""([^\s/>"'=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'=<`]+)))?""")
_TAG_NAME = regex.compile(r"<[^\s/>]+")
_BODY_SPACE = regex.compile(r"[ \t\u3000\xa0]*\n\s*")
# Characters kept as they are when a replacement is put into a URL.
_URL_SAFE = ";/?:@&=+$,-_.!~*'()#[]"


class _Rewriter(HTMLParser):
    def __init__(self, source: str, redactor, report, depth: int = 0) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.redactor = redactor
        self.report = report
        self.depth = depth
        self.line_starts = [0] + [m.end() for m in regex.finditer(r"\r\n|\n|\r", source)]
        self.edits: list[tuple[int, int, str]] = []
        self.stack: list[str] = []
        self.body = View()  # the page text outside tables, as the reader joins it
        self.cell: View | None = None  # the text of the open cell of an outermost table
        self.tables: list[dict] = []  # {"rows": [[cell views]], "outer": bool}
        self.raw_tag: str | None = None  # the raw-text element (script, style, title …) being read
        self.raw_type: str | None = None
        self.raw_start = 0
        self.cap = limits.current()

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    @property
    def run(self) -> View:
        """Where text goes now: the open cell, or the page text."""
        return self.cell if self.cell is not None else self.body

    # --- tags ------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        start = self._pos()
        self._redact_tag(start)
        if tag in _RAW_TEXT and not self.raw_tag:
            # Text up to the end tag, markup and all, as libxml2 (and HTML5) read it; the stdlib
            # tokenizer would see tags inside <title> or <textarea>.
            self.raw_tag, self.raw_type = tag, dict(attrs).get("type")
            self.raw_start = start + len(self.get_starttag_text() or "")
            if tag not in ("script", "style"):
                self.set_cdata_mode(tag)
        if tag == "table":
            if not self.tables and self.cell is None:
                self.body.separator("\n")
            self.tables.append({"rows": [], "outer": self.cell is None})
        elif self.tables and self.tables[-1]["outer"] and tag in ("tr", "td", "th"):
            t = self.tables[-1]
            self._close_cell()
            if tag == "tr":
                t["rows"].append([])
            else:
                if not t["rows"]:
                    t["rows"].append([])
                self.cell = View()
        elif tag in BLOCKS:
            self.run.separator("\n")
        if tag not in _VOID:
            open_element(self.stack, tag)

    def handle_startendtag(self, tag, attrs):
        self._redact_tag(self._pos())
        if tag in BLOCKS:
            self.run.separator("\n")

    def _end_raw(self, end: int) -> None:
        """The text of the raw-text element that started at ``raw_start`` and ends at ``end``."""
        tag, start = self.raw_tag, self.raw_start
        raw = self.source[start:end]
        self.raw_tag = None
        if tag == "style":
            self._redact_css(start, raw)
        elif tag == "script":
            (self._redact_json if is_json_script_type(self.raw_type) else self._redact_script)(start, raw)
        elif tag == "title":  # the reader reads it on its own
            view = View()
            _add_rcdata(view, start, raw)
            self._redact(view.strip(), _escape_text)
        elif tag in _RCDATA:  # text with its references decoded, part of the page text
            _add_rcdata(self.run, start, raw)
        else:  # raw text, part of the page text
            self.run.verbatim(0, start, raw)

    def handle_endtag(self, tag):
        pos = self._pos()
        if tag == self.raw_tag:
            self._end_raw(pos)
        if tag == "table" and self.tables:
            if self.tables[-1]["outer"]:
                self._close_cell()
                self._redact_table(self.tables[-1]["rows"])
            self.tables.pop()
        elif self.tables and self.tables[-1]["outer"] and tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag in BLOCKS:
            self.run.separator("\n")
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def _close_cell(self) -> None:
        if self.cell is None:
            return
        view, self.cell = self.cell, None
        if self.tables and self.tables[-1]["outer"] and self.tables[-1]["rows"]:
            self.tables[-1]["rows"][-1].append(view)

    def _redact_table(self, rows: list[list[View]]) -> None:
        """An outermost table, as the reader scans it: columns classified (:func:`.cells.redact_cells`).

        A cell the table scan did not change is then redacted on its own, with its column's header as
        context, lines unwrapped as the table reader unwraps them.
        """
        rows = [row for row in rows if row]
        done = redact_cells(rows, self.redactor, self.report, lambda r, _c, _k: _escape_text(r))
        header = [_WRAP.sub("", v.text).strip() for v in rows[0]] if rows else []
        for r, row in enumerate(rows):
            for c, view in enumerate(row):
                if (r, c) in done:
                    self.edits.extend((s, e, t) for _, s, e, t in done[(r, c)])
                else:
                    label = header[c] or None if r > 0 and c < len(header) else None
                    self._redact(view.without(_WRAP).strip(), _escape_text, label=label)

    # --- text ------------------------------------------------------------
    def handle_data(self, data):
        if self.raw_tag:
            return  # the whole script or style is read at its end tag
        start = self._pos()
        if self.source[start:start + len(data)] != data:  # position bookkeeping disagrees: never guess
            raise ValueError("HTML tokenizer position mismatch")
        self.run.verbatim(0, start, data)

    def handle_charref(self, name):
        self._reference()

    def handle_entityref(self, name):
        self._reference()

    def _reference(self) -> None:
        start = self._pos()
        m = _CHARREF.match(self.source, start)
        if m is None:
            raise ValueError("HTML tokenizer position mismatch")
        self.run.decoded(0, m.start(), m.end(), _html.unescape(m.group()))

    def handle_comment(self, data):
        pos = self._pos()
        # After "<!--"; the tokenizer also reports bogus comments (<!foo>, </ 1>) after two characters.
        start = pos + (4 if self.source.startswith("<!--", pos) else 2)
        self._redact_comment(start, data)

    def unknown_decl(self, data):
        if data.startswith("CDATA["):  # libxml2 reads it as a comment, and so does piiscan
            self._redact_comment(self._pos() + 3 + 6, data[6:])

    def _redact_comment(self, start: int, data: str) -> None:
        if self.source[start:start + len(data)] != data:
            raise ValueError("HTML tokenizer position mismatch")
        new, changes = self.redactor.redact(data)
        if changes:
            self.report.add(changes)
            self.edits.append((start, start + len(data), _comment_text(data, new, changes)))

    def close(self) -> None:
        super().close()
        if self.raw_tag:  # a script or style never closed runs to the end of the page
            self._end_raw(len(self.source))
        self._close_cell()
        while self.tables:  # tables never closed end with the page
            t = self.tables.pop()
            if t["outer"]:
                self._redact_table(t["rows"])
        self._redact(_collapsed(self.body), _escape_text)

    def _redact(self, view: View, fix, *, label: str | None = None) -> None:
        for _, s, e, text in redact_view(view, self.redactor, self.report, lambda r, c, _k: fix(r), label=label):
            self.edits.append((s, e, text))

    # --- scripts and styles ------------------------------------------------
    def _redact_script(self, start: int, raw: str) -> None:
        view = View()
        view.verbatim(0, start, raw)
        self._redact(view, lambda rep: rep.translate(_ANGLES))

    def _redact_css(self, start: int, raw: str) -> None:
        view = _css_view(raw, start)
        self._redact(view, _css_escape)

    def _redact_json(self, start: int, raw: str) -> None:
        view = View()
        pos = 0
        for s, e, ch in json_pieces(raw):
            view.verbatim(0, start + pos, raw[pos:s])
            view.decoded(0, start + s, start + e, ch)
            pos = e
        view.verbatim(0, start + pos, raw[pos:])
        strings = [(start + a, start + b) for a, b in (m.span() for m in _JSON_STRING.finditer(raw))]
        source = self.source

        def fix(rep: str, change, _cont) -> str:
            if change is None:
                return _json_escape(rep)
            f = change.finding
            s, e = view.where[f.start][1], view.where[f.end - 1][2]
            if any(a < s and e < b for a, b in strings):
                return _json_escape(rep)
            glued = any(ch in "0123456789.+-eE" for ch in source[max(s - 1, 0):s] + source[e:e + 1])
            if '"' in source[s:e] or glued or _JSON_NUMBER.fullmatch(rep):
                # Across strings, part of a longer number, or still a number: quoting would not help.
                return rep.translate(_ANGLES)
            return '"' + _json_escape(rep) + '"'  # a number (or bare text) replaced by text: a string

        for _, s, e, text in redact_view(view, self.redactor, self.report, fix):
            self.edits.append((s, e, text))

    # --- attributes --------------------------------------------------------
    def _redact_tag(self, start: int) -> None:
        raw_tag = self.get_starttag_text() or ""
        name = _TAG_NAME.match(raw_tag)
        pos = name.end() if name else 0
        for m in _ATTR.finditer(raw_tag, pos):
            g = next((i for i in (2, 3, 4) if m.group(i) is not None), None)
            if g is None:
                continue
            raw_value = m.group(g)
            if len(raw_value) > self.cap.attribute_bytes:
                limits.check("attribute_bytes", len(raw_value.encode("utf-8", "surrogateescape")), "an HTML attribute")
            kind = attribute_kind(m.group(1), _html.unescape(raw_value))
            if kind is None:
                continue
            new = self._redact_value(kind, raw_value)
            if new == raw_value:
                continue
            if g == 4 and (not new or regex.search(r"""[\s"'=<>`]""", new)):
                new = f'"{new}"'  # an unquoted value that now needs quotes
            a, b = m.span(g)
            self.edits.append((start + a, start + b, new))

    def _redact_value(self, kind: str, raw: str) -> str:
        """The raw attribute value with its findings replaced; characters not replaced keep their spelling."""
        if kind in ("srcdoc", "css"):
            # A page or a style sheet inside the attribute: redacted decoded, escaped again as a whole.
            value = _html.unescape(raw)
            if kind == "srcdoc":
                limits.check("depth", self.depth + 1, "iframe srcdoc nesting")
                new = redact_html_text(value, self.redactor, self.report, depth=self.depth + 1)
            else:
                found = redact_view(_css_view(value, 0), self.redactor, self.report, lambda r, c, _k: _css_escape(r))
                new = apply(value, [(s, e, t) for _, s, e, t in found]) if found else value
            return raw if new == value else _html.escape(new, quote=True)
        view = _attribute_view(raw, url=kind == "url")
        fix = (lambda r: _html.escape(_url_escape(r), quote=True)) if kind == "url" else (
            lambda r: _html.escape(r, quote=True))
        found = redact_view(view, self.redactor, self.report, lambda r, c, _k: fix(r))
        return apply(raw, [(s, e, t) for _, s, e, t in found]) if found else raw


def _attribute_view(raw: str, *, url: bool) -> View:
    """A raw attribute value as the reader sees it: references decoded, and for a URL, percent-escapes too."""
    view = View()

    def plain(a: int, b: int) -> None:
        if not url:
            view.verbatim(0, a, raw[a:b])
            return
        for s, e, text in url_pieces(raw[a:b]):
            (view.verbatim(0, a + s, text) if raw[a + s:a + e] == text else view.decoded(0, a + s, a + e, text))

    pos = 0
    for m in _CHARREF.finditer(raw):
        plain(pos, m.start())
        view.decoded(0, m.start(), m.end(), _html.unescape(m.group()))
        pos = m.end()
    plain(pos, len(raw))
    return view


#: Elements whose content is text up to their end tag (HTML5, libxml2): RCDATA decodes references, the rest not.
_RCDATA = frozenset({"title", "textarea"})
_RAW_TEXT = _RCDATA | {"script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext"}


def _add_rcdata(view: View, start: int, raw: str) -> None:
    """``raw`` (at ``start`` in the source) into ``view``, character references decoded."""
    pos = 0
    for m in _CHARREF.finditer(raw):
        view.verbatim(0, start + pos, raw[pos:m.start()])
        view.decoded(0, start + m.start(), start + m.end(), _html.unescape(m.group()))
        pos = m.end()
    view.verbatim(0, start + pos, raw[pos:])


def _collapsed(view: View) -> View:
    """The page text as the reader normalises it: white space around a line break is one line break."""
    text = view.text
    out = View()
    pos = 0
    for m in _BODY_SPACE.finditer(text):
        out._parts.append(text[pos:m.start()])
        out.where.extend(view.where[pos:m.start()])
        out.separator("\n")
        pos = m.end()
    out._parts.append(text[pos:])
    out.where.extend(view.where[pos:])
    out._text = None
    return out.strip()


def _css_view(css: str, start: int) -> View:
    view = View()
    spans: list[tuple[int, int]] = []
    for i, lit in enumerate(css_strings(css, spans)):
        if i:
            view.separator("\n")
        a, b = spans[-1]
        view.verbatim(0, start + a, lit)
    return view


def _css_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'").translate(_ANGLES)


def _url_escape(text: str) -> str:
    return quote(text, safe=_URL_SAFE)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;") if ("<" in text or "&" in text) else text


def _rebuild(raw: str, view: str, new: str, changes, fix) -> tuple[str, list[tuple[int, int]]]:
    """``raw`` with each change's replacement (``fix(replacement, change)``) put in, and where they went.

    ``view`` is the text that was redacted (``raw`` or a same-length view of it) and ``new``
    the redacted view. Between replacements the redactor's check may have hidden more
    characters with ``*`` (same length): those are copied from ``new``, the rest from ``raw``.
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = pos = new_pos = 0

    def between(a: int, b: int, na: int) -> str:
        if view[a:b] == new[na:na + b - a]:
            return raw[a:b]
        return "".join(r if v == n else n for r, v, n in zip(raw[a:b], view[a:b], new[na:na + b - a]))

    for c in sorted(changes, key=lambda c: c.new_start):
        f = c.finding
        if new_pos + f.start - pos != c.new_start:  # offsets disagree: never guess
            raise ValueError("redaction offsets do not line up")
        piece = between(pos, f.start, new_pos)
        rep = fix(new[c.new_start:c.new_end], c)
        out += [piece, rep]
        length += len(piece)
        spans.append((length, length + len(rep)))
        length += len(rep)
        pos, new_pos = f.end, c.new_end
    out.append(between(pos, len(raw), new_pos))
    return "".join(out), spans


def _comment_text(data: str, new: str, changes) -> str:
    """A redacted comment body that still closes where it did: no new ``--``, ``<`` or ``>``."""
    text, spans = _rebuild(data, data, new, changes, lambda rep, _c: rep.translate(_ANGLES))
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            if chars[i] == "-" and (i == 0 or i == len(chars) - 1 or chars[i - 1] == "-"
                                    or chars[i + 1] == "-"):
                chars[i] = "*"
    return "".join(chars)


def _json_escape(text: str) -> str:
    """``text`` as the inside of a JSON string that is safe in a ``<script>``."""
    import json

    return json.dumps(text, ensure_ascii=False)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e")


def _decode(data: bytes) -> tuple[str, bytes, str]:
    """BOM, then the ``<meta>`` charset (as the HTML reader decides), then detection."""
    bom, _ = split_bom(data)
    declared = None if bom else declared_encoding(data)
    if declared:
        try:
            return data.decode(declared, "surrogateescape"), b"", declared
        except UnicodeDecodeError:
            pass
    return decode_exact(data)


def redact_html_text(source: str, redactor, report, *, depth: int = 0) -> str:
    check_attribute_sizes(source)
    rw = _Rewriter(source, redactor, report, depth)
    rw.feed(source)
    rw.close()
    return apply(source, _merge(rw.edits))


def _merge(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Edits sorted; an edit inside one already made (a tag rewritten twice) is a bug, never guessed at."""
    out: list[tuple[int, int, str]] = []
    for e in sorted(edits, key=lambda e: (e[0], e[1])):
        if out and e[0] < out[-1][1]:
            raise ValueError("overlapping HTML edits")
        out.append(e)
    return out


def redact_html_bytes(data: bytes, redactor, report) -> bytes:
    """A redacted page, in the encoding it came in (a page inside a .docx altChunk is one too)."""
    text, bom, encoding = _decode(data)
    out = redact_html_text(text, redactor, report)
    return (encode_exact(out, bom, encoding) if encoding.startswith("utf") else
            bom + out.encode(encoding, "xmlcharrefreplace"))


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    write_bytes_atomic(dst, redact_html_bytes(src.read_bytes(), redactor, report), src)
