"""HTML: only text (and the text of a few attributes, comments and JSON data) changes; every other byte stays.

Parsing with lxml and serialising again would rewrite the markup (quotes,
entities, whitespace). Instead the stdlib tokenizer reports where each text
node sits in the source, and only those character ranges are replaced, so
tags, attributes and formatting are byte-identical. Attributes
that carry text people read or that hold contact data (``title``, ``alt``,
``value``, ``placeholder``, ``content``, ``mailto:``/``tel:`` links,
``data-*``) are redacted too: a value hidden in an attribute is still published.
Table cells are scanned with the header of their column as context.
The encoding is kept (BOM, then ``<meta charset>``, then detection).

Comments and JSON data scripts (``<script type="application/ld+json">`` …)
are published with the page and read by :mod:`piiscan.readers.html`, so they
are redacted too, each as one text, and stay well formed:

* in a comment a replacement never brings ``<`` or ``>`` (they become the
  full-width ``＜``/``＞``) and a ``-`` of a replacement that would touch
  another ``-`` (or start or end the comment) becomes ``*``, so no ``--``,
  ``-->`` or ``<!--`` is created and a conditional comment
  ``<!--[if IE]>…<![endif]-->`` keeps its brackets;
* in a JSON script a replacement inside a string is JSON-escaped (``<`` and
  ``>`` as ``\\u003c``/``\\u003e``, so no ``</script>`` can appear), and a
  number replaced by a non-number becomes a string, so the JSON still parses.

Ordinary ``<script>`` text is redacted as it always was (replacements never
bring a ``<``), but the reader does not read it; ``<style>`` is left alone.
"""
from __future__ import annotations

import html as _html
from html.parser import HTMLParser
from pathlib import Path

import regex

from ...readers.html import declared_encoding, is_json_script_type, json_script_view
from ...readers.text import split_bom
from . import write_bytes_atomic
from .text import decode_exact, encode_exact

_TEXT_ATTRS = {"title", "alt", "value", "placeholder", "content", "aria-label", "label", "summary"}
_SKIP = {"style"}
# Replacement characters that could open or close markup inside a comment or a script.
_ANGLES = str.maketrans({"<": "＜", ">": "＞"})
_JSON_STRING = regex.compile(r'"(?:[^"\\]|\\.)*"', regex.DOTALL)
_JSON_NUMBER = regex.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class _Rewriter(HTMLParser):
    def __init__(self, source: str, redactor, report) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.redactor = redactor
        self.report = report
        self.line_starts = [0] + [m.end() for m in regex.finditer(r"\r\n|\n|\r", source)]
        self.edits: list[tuple[int, int, str]] = []
        self.stack: list[str] = []
        self.tables: list[dict] = []  # {"headers": [...], "row": int, "col": int, "cell": [texts]}
        self.json_start: int | None = None  # where the text of an open JSON data script starts

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    # --- structure, for column headers ---------------------------------
    def handle_starttag(self, tag, attrs):
        start = self._pos()
        self._redact_attrs(start, attrs)
        if tag in ("br", "img", "meta", "input", "hr", "link"):
            return
        self.stack.append(tag)
        if tag == "script" and is_json_script_type(dict(attrs).get("type")):
            self.json_start = start + len(self.get_starttag_text() or "")
        if tag == "table":
            self.tables.append({"headers": [], "row": -1, "col": -1, "cell": None})
        elif self.tables and tag == "tr":
            t = self.tables[-1]
            t["row"] += 1
            t["col"] = -1
        elif self.tables and tag in ("td", "th"):
            t = self.tables[-1]
            t["col"] += 1
            t["cell"] = []

    def handle_startendtag(self, tag, attrs):
        self._redact_attrs(self._pos(), attrs)

    def handle_endtag(self, tag):
        if tag == "script" and self.json_start is not None:
            self.end_json_script(self._pos())
        if self.tables and tag in ("td", "th"):
            t = self.tables[-1]
            if t["row"] == 0 and t["cell"] is not None:
                t["headers"].append("".join(t["cell"]).strip())
            t["cell"] = None
        if tag == "table" and self.tables:
            self.tables.pop()
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    # --- text ----------------------------------------------------------
    def handle_data(self, data):
        start = self._pos()
        label = None
        if self.tables:
            t = self.tables[-1]
            if t["cell"] is not None:
                t["cell"].append(data)
                if t["row"] > 0 and 0 <= t["col"] < len(t["headers"]):
                    label = t["headers"][t["col"]] or None
        if self.stack and self.stack[-1] in _SKIP:
            return
        if self.json_start is not None:
            return  # the whole script is redacted at its end tag
        raw = self.source[start:start + len(data)]
        if raw != data:  # position bookkeeping disagrees: never guess
            raise ValueError("HTML tokenizer position mismatch")
        new, changes = self.redactor.redact(data, label=label)
        if changes:
            self.report.add(changes)
            in_script = bool(self.stack) and self.stack[-1] == "script"
            fix = (lambda rep, _f: rep.translate(_ANGLES)) if in_script else (lambda rep, _f: _escape_text(rep))
            self.edits.append((start, start + len(data), _rebuild(data, data, new, changes, fix)[0]))

    def handle_comment(self, data):
        pos = self._pos()
        # After "<!--"; the tokenizer also reports bogus comments (<!foo>, </ 1>) after two characters.
        start = pos + (4 if self.source.startswith("<!--", pos) else 2)
        if self.source[start:start + len(data)] != data:
            raise ValueError("HTML tokenizer position mismatch")
        new, changes = self.redactor.redact(data)
        if changes:
            self.report.add(changes)
            self.edits.append((start, start + len(data), _comment_text(data, new, changes)))

    def end_json_script(self, end: int) -> None:
        """Redact the text of the JSON data script that started at ``json_start``."""
        start, self.json_start = self.json_start, None
        raw = self.source[start:end]
        view = json_script_view(raw)
        new, changes = self.redactor.redact(view)
        if changes:
            self.report.add(changes)
            self.edits.append((start, end, _json_text(raw, view, new, changes)))

    def _redact_attrs(self, start, attrs):
        raw_tag = self.get_starttag_text() or ""
        new_tag = raw_tag
        for name, value in attrs:
            if not value:
                continue
            if not (name in _TEXT_ATTRS or name.startswith("data-")
                    or (name == "href" and value.lower().startswith(("mailto:", "tel:")))):
                continue
            new, changes = self.redactor.redact(value)
            if not changes:
                continue
            escaped_old = _html.escape(value, quote=True)
            for old in (value, escaped_old, _html.escape(value, quote=False)):
                if old in new_tag:
                    new_tag = new_tag.replace(old, _html.escape(new, quote=True))
                    self.report.add(changes)
                    break
            else:
                raise ValueError(f"cannot locate attribute {name!r} text to redact it")
        if new_tag != raw_tag:
            self.edits.append((start, start + len(raw_tag), new_tag))


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


def _json_text(raw: str, view: str, new: str, changes) -> str:
    """A redacted JSON script text: replacements in strings escaped, replaced numbers quoted."""
    strings = [m.span() for m in _JSON_STRING.finditer(raw)]

    def fix(rep: str, change) -> str:
        f = change.finding
        if any(a < f.start and f.end < b for a, b in strings):
            return _json_escape(rep)
        glued = any(ch in "0123456789.+-eE" for ch in raw[max(f.start - 1, 0):f.start] + raw[f.end:f.end + 1])
        if '"' in raw[f.start:f.end] or glued or _JSON_NUMBER.fullmatch(rep):
            # Across strings, part of a longer number, or still a number: quoting would not help.
            return rep.translate(_ANGLES)
        return '"' + _json_escape(rep) + '"'  # a number (or bare text) replaced by text: a string

    return _rebuild(raw, view, new, changes, fix)[0]


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


def redact_html_text(source: str, redactor, report) -> str:
    rw = _Rewriter(source, redactor, report)
    rw.feed(source)
    rw.close()
    if rw.json_start is not None:  # a JSON script never closed runs to the end of the page
        rw.end_json_script(len(source))
    out, last = [], 0
    for start, end, new in sorted(rw.edits):
        if start < last:
            continue
        out += [source[last:start], new]
        last = end
    out.append(source[last:])
    return "".join(out)


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    text, bom, encoding = _decode(src.read_bytes())
    out = redact_html_text(text, redactor, report)
    write_bytes_atomic(dst, encode_exact(out, bom, encoding) if encoding.startswith("utf") else
                       bom + out.encode(encoding, "xmlcharrefreplace"), src)
