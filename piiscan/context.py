"""Context words: the nearest label before a candidate raises or lowers its confidence."""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from . import patterns


_CLAUSE_END = regex.compile(r"[\n\r。；;]")
# Anything but separators: a value of its own standing between a label and a candidate.
_CONTENT = regex.compile(r"[^\s:：,，、\-－—_|()（）]")


@dataclass(frozen=True)
class Context:
    """Compiled context words from ``patterns/context.toml``."""

    pattern: "regex.Pattern[str]"
    last: "regex.Pattern[str]"  # the same words matched right to left: finds the nearest first
    kinds: dict[str, frozenset[str]]  # lower-cased word -> types it supports, or {"-"} for negative
    window: int
    after_window: int

    def nearest(self, text: str, start: int, end: int, label: str | None = None) -> frozenset[str]:
        """Types supported by the nearest context word around ``text[start:end]``.

        Looks back ``window`` characters (the nearest word wins) then a few
        characters after; falls back to ``label`` (a table column header).
        A negative word yields ``{"-"}``.
        """
        return self.nearest_word(text, start, end, label)[0]

    def nearest_word(self, text: str, start: int, end: int,
                     label: str | None = None) -> tuple[frozenset[str], str | None, str | None]:
        """(types, the word, where it stood) for the nearest context word, as :meth:`nearest` finds it.

        Where it stood is ``"text"`` (before or after the value) or
        ``"label"`` (the column header), so that a finding can say why it was
        reported (``label:手机``, ``column:联系电话``) and a detector can tell a
        word written beside the value from a header over a whole column.

        >>> load().nearest_word("手机：13800138000", 3, 14)[1:]
        ('手机', 'text')
        >>> load().nearest_word("13800138000", 0, 11, "联系电话")[1:]
        ('联系电话', 'label')
        """
        hit = self.last.search(text, max(0, start - self.window), start)
        if hit is not None:
            between = text[hit.end():start]
            # "身份证号码：\n3610…" keeps its label across the break; in
            # "编号：A1\n138…" the label belongs to A1, not to the phone.
            if _CLAUSE_END.search(between) and _CONTENT.search(between):
                hit = None
        if hit is None:
            # A label written after the value belongs to it only on the same line or clause.
            after = _CLAUSE_END.split(text[end:end + self.after_window], 1)[0]
            hit = self.pattern.search(after)
        if hit is None:
            if not label:
                return frozenset(), None, None
            word = _label_word(label)
            return (self.kinds[word.lower()] if word else frozenset()), (word or label), "label"
        word = hit.group()
        return self.kinds[word.lower()], word, "text"


@functools.lru_cache(maxsize=4096)
def label_mentions(label: str, words: frozenset[str] | tuple[str, ...]) -> bool:
    """Whether a column header contains any of ``words``; asked for every cell, answered once per header.

    >>> label_mentions("户主姓名", ("姓名", "户主")), label_mentions("补贴金额", ("姓名",))
    (True, False)
    """
    return any(word in label for word in words)


@functools.lru_cache(maxsize=4096)
def label_not_personal(label: str | None) -> bool:
    """Whether a column header names a column known not to hold personal information.

    备注, 编号, 日期, 经销商 … (``patterns/column_headers.toml``, kind ``none``),
    decided as :func:`piiscan.headers.header_kind` decides it, so that 联系电话备注
    is still a phone column. Detectors that only know a value by where it
    stands (an address cell, a name cell) do not take such a cell for one;
    values that validate on their own are found there as anywhere.

    >>> label_not_personal("备注"), label_not_personal("联系电话"), label_not_personal(None)
    (True, False, False)
    """
    if not label:
        return False
    from .headers import NONE, header_kind

    return header_kind(label) == NONE


@functools.lru_cache(maxsize=4096)
def _label_word(label: str) -> str | None:
    """The context word a column header says, once per header rather than once per cell."""
    hit = load().last.search(label)  # the word ending last, as for running text
    return hit.group() if hit else None


def _label_kinds(label: str) -> frozenset[str]:
    """What a column header says."""
    word = _label_word(label)
    return load().kinds[word.lower()] if word else frozenset()


@functools.lru_cache(maxsize=None)
def load() -> Context:
    data = patterns.toml("context.toml")
    kinds: dict[str, set[str]] = {}
    for etype, words in data["positive"].items():
        for w in words:
            kinds.setdefault(w.lower(), set()).add(etype)
    for words in data["negative"].values():
        for w in words:
            kinds[w.lower()] = {"-"}
    # Longest first, so 订单编号 wins over 编号 and 身份证号码 over 身份证.
    words = sorted(kinds, key=len, reverse=True)
    alternation = "|".join(regex.escape(w) for w in words)
    pattern = regex.compile(alternation, regex.IGNORECASE)
    last = regex.compile(alternation, regex.IGNORECASE | regex.REVERSE)
    return Context(pattern, last, {k: frozenset(v) for k, v in kinds.items()}, int(data["window"]), int(data["after_window"]))
