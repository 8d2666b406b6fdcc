"""Redact the text a reader sees, then put each replacement back where its characters came from.

What a reader scans is rarely the bytes of the file: a phone may sit in three
Word runs, behind an inline ``<b>`` tag, be written as ``&#49;&#51;…`` or as
JSON ``\\u0031`` escapes, or be percent-encoded in a link. A :class:`View` is
the text as the reader sees it, with, for every character, the raw span it
came from (a *container* — one source string, or one XML text node — and a
start and end in it). Separators a reader adds (a line break between blocks)
have no raw place.

:func:`edits` turns a redaction of the view into raw edits: a replacement
goes where the value's first raw piece is, the value's characters in the
other pieces are removed (the tags between them stay, so markup stays
balanced), and characters the redactor's own check hid afterwards (``*``)
are replaced one by one. Each replacement passes through ``fix`` so the
container's syntax is respected (HTML-escaped text, a JSON string, a URL).

>>> v = View()
>>> v.verbatim(0, 3, "139")
>>> v.decoded(0, 10, 15, "1")          # "&#49;" at 10..15
>>> v.verbatim(0, 15, "2345678")
>>> v.text
'13912345678'
>>> from piiscan.redact import Redactor
>>> new, changes = Redactor(types=["CN_MOBILE"]).redact(v.text)
>>> edits(v, new, changes, lambda rep, change, container: rep)
[(0, 3, 6, '139****5678'), (0, 10, 22, '')]
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable

import regex

Fix = Callable[[str, Any, Hashable], str]
Edit = tuple[Hashable, int, int, str]


class View:
    """Text as a reader sees it, and where each character came from."""

    __slots__ = ("_parts", "where", "_text")

    def __init__(self) -> None:
        self._parts: list[str] = []
        #: per character: (container, start, end) of its raw span; container None for a separator
        self.where: list[tuple[Hashable, int, int]] = []
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._parts)
            self._parts = [self._text]
        return self._text

    def __len__(self) -> int:
        return len(self.where)

    def verbatim(self, container: Hashable, start: int, text: str) -> None:
        """``text`` copied as it is from ``container[start:start + len(text)]``."""
        self._parts.append(text)
        self._text = None
        self.where.extend((container, i, i + 1) for i in range(start, start + len(text)))

    def decoded(self, container: Hashable, start: int, end: int, text: str) -> None:
        """``text`` decoded from the raw ``container[start:end]`` (a character reference, an escape)."""
        if not text:
            return
        self._parts.append(text)
        self._text = None
        self.where.append((container, start, end))
        self.where.extend((container, end, end) for _ in text[1:])

    def separator(self, text: str) -> None:
        """Characters a reader adds that are nowhere in the file (a line break between blocks)."""
        self._parts.append(text)
        self._text = None
        self.where.extend((None, 0, 0) for _ in text)

    def without(self, pattern: "regex.Pattern[str]") -> "View":
        """A copy with every match of ``pattern`` left out (a cell's line wraps, as the table reader drops them)."""
        text = self.text
        out = View()
        pos = 0
        keep: list[str] = []
        for m in pattern.finditer(text):
            keep.append(text[pos:m.start()])
            out.where.extend(self.where[pos:m.start()])
            pos = m.end()
        keep.append(text[pos:])
        out.where.extend(self.where[pos:])
        out._parts = keep
        return out

    def strip(self) -> "View":
        """A copy without leading and trailing white space."""
        text = self.text
        a = len(text) - len(text.lstrip())
        b = len(text.rstrip())
        out = View()
        out._parts = [text[a:b]]
        out.where = self.where[a:b]
        return out


def _groups(where: list[tuple[Hashable, int, int]]) -> list[tuple[Hashable, int, int]]:
    """Runs of characters that sit next to each other in one container, as raw spans."""
    groups: list[list[Any]] = []
    for cont, s, e in where:
        if cont is None:
            continue
        if groups and groups[-1][0] == cont and groups[-1][2] == s:
            groups[-1][2] = max(groups[-1][2], e)
        else:
            groups.append([cont, s, e])
    return [tuple(g) for g in groups]  # type: ignore[misc]


def edits(view: View, new: str, changes: Iterable[Any], fix: Fix) -> list[Edit]:
    """Raw edits ``(container, start, end, text)`` that make the raw text say what ``new`` says.

    ``changes`` are the redactor's (finding offsets index ``view.text``,
    ``new_start``/``new_end`` index ``new``). Raises ValueError when offsets
    do not line up: a writer never guesses.
    """
    text = view.text
    out: list[Edit] = []

    def between(a: int, b: int, na: int) -> None:
        if text[a:b] == new[na:na + b - a]:
            return
        for i in range(a, b):
            ch = new[na + i - a]
            if ch != text[i]:
                cont, s, e = view.where[i]
                if cont is None:
                    continue
                out.append((cont, s, e, fix(ch, None, cont)))

    pos = npos = 0
    for c in sorted(changes, key=lambda c: c.new_start):
        f = c.finding
        if npos + f.start - pos != c.new_start:
            raise ValueError("redaction offsets do not line up")
        between(pos, f.start, npos)
        groups = _groups(view.where[f.start:f.end])
        if not groups:
            raise ValueError("a finding with no place in the file")
        rep = new[c.new_start:c.new_end]
        cont, s, e = groups[0]
        out.append((cont, s, e, fix(rep, c, cont)))
        out.extend((g[0], g[1], g[2], "") for g in groups[1:])
        pos, npos = f.end, c.new_end
    if len(new) - npos != len(text) - pos:
        raise ValueError("redaction offsets do not line up")
    between(pos, len(text), npos)
    return out


def apply(raw: str, edits_: Iterable[tuple[int, int, str]]) -> str:
    """``raw`` with each ``(start, end, text)`` edit made; edits must not overlap.

    >>> apply("tel 13912345678", [(4, 15, "139****5678")])
    'tel 139****5678'
    """
    out: list[str] = []
    last = 0
    for start, end, text in sorted(edits_, key=lambda e: (e[0], e[1])):
        if start < last:
            raise ValueError("overlapping edits")
        out += [raw[last:start], text]
        last = end
    out.append(raw[last:])
    return "".join(out)


def by_container(edits_: Iterable[Edit]) -> dict[Hashable, list[tuple[int, int, str]]]:
    """Edits grouped by their container."""
    grouped: dict[Hashable, list[tuple[int, int, str]]] = {}
    for cont, s, e, t in edits_:
        grouped.setdefault(cont, []).append((s, e, t))
    return grouped


def redact_view(view: View, redactor, report, fix: Fix, *, label: str | None = None) -> list[Edit]:
    """Redact ``view`` with ``redactor``; the raw edits to make (none when nothing was found)."""
    text = view.text
    if not text.strip():
        return []
    new, changes = redactor.redact(text, label=label)
    if not changes:
        return []
    if report is not None:
        report.add(changes)
    return edits(view, new, changes, fix)
