"""Identifiers recognised by their shape and validator, confirmed by the words around them.

Most identifiers besides resident IDs, phones and cards (plates, passports,
permits, HK/Macao/Taiwan IDs, VINs, IMEIs …) are found the same way: a pattern
for the shape, the validator of :mod:`piiscan.validators` (a check character
where the format has one), and the type's context words (data: its
``patterns/types/<TYPE>.toml``) before the value or in the column header.
:class:`ShapedDetector` does that once; a type's detector module only names
its pattern, validator and data.

Confidence: with a context word or a header naming the type, ``with_context``;
without one, ``alone`` (None: not reported — the shape alone proves nothing,
as for a passport's E + 8 digits); a negative word (订单号, 型号, 编号 …) just
before the value drops it.
"""
from __future__ import annotations

import functools
from typing import Callable, Iterator

import regex

from .. import patterns
from ..context import label_mentions
from ..entities.specdata import type_data
from ..headers import header_kind
from ..finding import Finding

#: Characters before a value in which a context word is looked for (within its sentence).
WINDOW = 16
_CLAUSE_END = regex.compile(r"[\n\r。；;！!？?]")
_SEPARATORS = " \t:：为是于在"
#: Longer than any value a word-led type matches (a 20-character number with separators).
_LONGEST = 40


@functools.lru_cache(maxsize=None)
def _words_pattern(words: tuple[str, ...]) -> "regex.Pattern[str] | None":
    if not words:
        return None
    alternation = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    return regex.compile(alternation, regex.IGNORECASE | regex.REVERSE)


@functools.lru_cache(maxsize=4096)
def _names_type(label: str, etype: str) -> bool:
    """Whether a column header, or a part of the one the tables give (``IMEI imei``: the header and
    its type's canonical header), classifies as ``etype``."""
    return header_kind(label) == etype or any(header_kind(part) == etype for part in label.split())


class ShapedDetector:
    """A detector for one type: ``pattern`` finds candidates, ``valid`` checks them, context decides."""

    def __init__(self, etype: str, name: str, pattern: "regex.Pattern[str]", valid: Callable[[str], bool], *,
                 requires: "regex.Pattern[str]", with_context: float = 0.85, alone: float | None = None,
                 alone_if: Callable[[str], bool] | None = None, evidence: str = "shape",
                 adjacent: bool = False) -> None:
        data = type_data(etype)
        self.name = name
        self.types = frozenset({etype})
        self.requires = requires
        self.etype = etype
        self.pattern = pattern
        self.valid = valid
        self.with_context = with_context
        self.alone = alone
        self.alone_if = alone_if  # which values may stand alone (a HKID written with its bracketed check)
        self.adjacent = adjacent  # the word must stand right before the value (出生日期：1990-03-07)
        self.evidence = evidence
        self.positive = tuple(data.get("context_words", ()))
        self.headers = tuple(data.get("column_headers", ()))
        negative = tuple(data.get("negative_words", ())) + tuple(patterns.toml("context.toml")["negative"]["all"])
        self._words = _words_pattern(self.positive + negative)
        # A type that needs a word or a header (alone is None): a text without any of its words, given
        # without such a header, is passed over in one search instead of a pass of the shape pattern
        # (measured: a third of the time on real prose).
        self._needs = (regex.compile("|".join(regex.escape(w) for w in sorted(self.positive, key=len, reverse=True)),
                                     regex.IGNORECASE) if alone is None and self.positive else None)
        self._positive = frozenset(w.lower() for w in self.positive)
        # Words that, inside a header, name the type (short ASCII ones only as the whole header: header_kind).
        self._label_words = tuple(w.lower() for w in self.headers + self.positive if not (w.isascii() and len(w) <= 4))

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        for m in self._candidates(text, label):
            value = m.group()
            if not self.valid(value):
                continue
            why = self._context(text, m.start(), label)
            if why is None:
                continue
            if why:
                yield Finding(self.etype, m.start(), m.end(), value, self.with_context, self.name,
                              evidence=(self.evidence, why))
            elif self.alone is not None and (self.alone_if is None or self.alone_if(value)):
                yield Finding(self.etype, m.start(), m.end(), value, self.alone, self.name, evidence=(self.evidence,))

    def _candidates(self, text: str, label: str | None) -> Iterator["regex.Match[str]"]:
        """Shape matches: over the whole text where a value may stand alone or the header names the type;
        for a type that needs a word, only in the window after each of its words (one pass for the
        words instead of one for the shape: a long text of other numbers costs little)."""
        if self._needs is None or (label and self._label_names(label)):
            yield from self.pattern.finditer(text)
            return
        end = len(text)
        done = 0
        for w in self._needs.finditer(text):
            pos = max(w.end(), done)
            stop = min(end, w.end() + WINDOW + _LONGEST)
            for m in self.pattern.finditer(text, pos, stop):
                # The window's end is not the text's: a match cut short there runs on into the next characters.
                if m.end() == stop and stop < end and text[stop].isalnum():
                    continue
                yield m
            done = stop

    def _context(self, text: str, start: int, label: str | None) -> str | None:
        """``label:<word>`` / ``column:<header>`` when context names the type, "" when nothing does,
        None when a negative word stands nearest before the value."""
        if self._words is not None:
            hit = self._words.search(text, max(0, start - WINDOW), start)
            if hit is not None and not _CLAUSE_END.search(text, hit.end(), start):  # a word of another sentence
                if hit.group().lower() not in self._positive:
                    return None
                if not self.adjacent or not text[hit.end():start].strip(_SEPARATORS):
                    return f"label:{hit.group()}"
        if label and self._label_names(label):
            return f"column:{label}"
        return ""

    def _label_names(self, label: str) -> bool:
        return _names_type(label, self.etype) or label_mentions(label.lower(), self._label_words)
