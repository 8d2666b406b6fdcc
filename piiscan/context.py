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
            return _label_kinds(label) if label else frozenset()
        return self.kinds[hit.group().lower()]


@functools.lru_cache(maxsize=4096)
def label_mentions(label: str, words: frozenset[str] | tuple[str, ...]) -> bool:
    """Whether a column header contains any of ``words``; asked for every cell, answered once per header.

    >>> label_mentions("户主姓名", ("姓名", "户主")), label_mentions("补贴金额", ("姓名",))
    (True, False)
    """
    return any(word in label for word in words)


@functools.lru_cache(maxsize=4096)
def _label_kinds(label: str) -> frozenset[str]:
    """What a column header says, once per header rather than once per cell."""
    ctx = load()
    hit = ctx.last.search(label)  # the word ending last, as for running text
    return ctx.kinds[hit.group().lower()] if hit else frozenset()


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
