"""Resident IDs, mobile and fixed-line phones, bank cards and accounts.

These types compete for the same digit runs (an 18-digit run may be an ID, a
card or an account; 11 digits a mobile or a plain landline), so one tokenizer
finds every number-shaped candidate in one pass and
:meth:`NumberDetector.classify` decides what each one is, in priority order,
with the validators in :mod:`piiscan.validators`. A value that validates as
one type is never also reported as another.

>>> [(f.type, f.value) for f in NumberDetector().detect("身份证号：11010519491231002X，电话 010-65529988")]
[('CN_RESIDENT_ID', '11010519491231002X'), ('CN_LANDLINE', '010-65529988')]

The edges of every candidate are guarded: a match never sits inside a longer
run of digits or letters, nor next to a decimal point (``13800000000.00``).

Separators are the ones people type: blanks (also no-break and narrow
no-break spaces), ASCII and full-width hyphens, en and em dashes
(（０２１—６２３４５６７８）). Characters that split a number without showing
(soft hyphen, zero-width space and joiners, word joiner, byte order mark)
are looked through: the number is found as it reads, and its span covers
the hidden characters, so ``text[f.start:f.end] == f.value`` still holds and
redaction masks every digit.

Every finding says why (:attr:`~piiscan.finding.Finding.evidence`): what
validated it (``checksum``, ``luhn``, ``segment``, ``area-code``,
``historic``, or ``date`` for a 15-digit ID) and the context word beside
it (``label:手机``) or the column it stands in (``column:联系电话``).

>>> [(f.type, f.evidence) for f in NumberDetector().detect("手机：138\u200b0013\u200b8000")]
[('CN_MOBILE', ('segment', 'label:手机', 'invisible'))]

A column header that says "not personal" (编号, 出厂编号 …) lowers the
confidence of what only context would report, but never hides a value that
validates on its own (a checksum-valid ID, an allocated mobile, a Luhn card,
a landline written with its area code apart):

>>> [f.type for f in NumberDetector().detect("11010519491231002X", label="编号")]
['CN_RESIDENT_ID']
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from typing import Iterator

import regex

from .. import context as context_words
from .. import regions
from ..finding import BANK_CARD, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID, Finding
from ..validators import FULLWIDTH, InvalidNumber, bank_card, landline, mobile, resident_id
from . import DIGIT

D = "[0-9０-９]"
S = "[ \\-－\u3000\u00a0\u202f—–‐‑−]"  # a grouping separator: blanks, hyphens, dashes
_X = "[XxＸｘ]"
_ALNUM = "0-9０-９A-Za-zＡ-Ｚａ-ｚ"

# Inner alternatives; each named group tells the shape that matched (and is
# the match's ``lastgroup``: inner groups close before their shape's group).
# The leading lookahead names every character a candidate can start with:
# without it the pattern opens with lookbehinds and ``re`` tries it at every
# position; with it ``re`` skips to those characters (0.066 s -> 0.036 s per
# 10 MB; ``regex`` does not gain from it).
PATTERN = (
    rf"(?=[0-9０-９+＋(（])(?<![{_ALNUM}])(?<!{D}[.．])"
    "(?:"
    rf"(?P<mob>(?:(?:[+＋]|00|００)?(?:86|８６){S}?)?[1１]{D}{{2}}(?P<ms>{S}?){D}{{4}}(?P=ms){D}{{4}})"
    rf"|(?P<land>(?:[(（][0０]{D}{{2,3}}[)）]{S}?|[0０]{D}{{2,3}}{S})(?:{D}{{7,8}}|{D}{{3,4}}{S}{D}{{4}})(?P<ext>{S}?(?:转|分机|ext\.?|x|-){S}?{D}{{1,6}})?)"
    rf"|(?P<id>{D}{{6}}(?P<is>{S}){D}{{8}}(?P=is){D}{{3}}(?:{D}|{_X}))"
    rf"|(?P<card>{D}{{4}}(?P<cs>{S}){D}{{4}}(?:(?P=cs){D}{{4}}){{2}}(?:(?P=cs){D}{{1,4}})?)"
    rf"|(?P<run>{D}{{10,30}}{_X}?)"
    ")"
    rf"(?![{_ALNUM}])(?![.．]{D})"
)

# Money is not personal information: 13800000000元, ￥13800000000.
_MONEY_AFTER = regex.compile(r"\s*(?:万?元|块|圆|美元|人民币|RMB|CNY)", regex.IGNORECASE)
_MONEY_BEFORE = regex.compile(r"[¥￥$]\s*$")

_REGEX = re.compile(PATTERN)
_NEGATIVE = "-"
# A candidate's digits in one translation: full-width to ASCII, every
# separator (blanks, hyphens and dashes of all widths, brackets, plus) dropped;
# what ``strip_separators`` does, and the dashes it does not know.
_COMPACT = {**FULLWIDTH, **{ord(c): None for c in " -()+\t\u3000－（）＋\u00a0\u202f—–‐‑−"}}
# Characters that split a number without showing.
_HIDDEN = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = re.compile(f"[{_HIDDEN}]")
_HIDDEN_SET = frozenset(_HIDDEN)
# What validates a value on its own: no context word or column needed.
_SELF_VALIDATING = frozenset({"checksum", "luhn", "segment", "area-code"})


class NumberDetector:
    name = "numbers"
    requires = DIGIT
    types = frozenset({CN_RESIDENT_ID, CN_MOBILE, CN_LANDLINE, BANK_CARD})
    regex = _REGEX  # the tokenizer, shared with the name detector's record check

    def __init__(self) -> None:
        self._context = context_words.load()

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        # On a long text, ``in`` per character beats one regex search (6x); on a
        # table cell the set test is cheaper than either.
        if _HIDDEN_SET.isdisjoint(text) if len(text) < 512 else not any(c in text for c in _HIDDEN):
            for m in _REGEX.finditer(text):
                finding = self.classify(m, text, label)
                if finding is not None:
                    yield finding
            return
        yield from self._detect_through_invisible(text, label)

    def _detect_through_invisible(self, text: str, label: str | None) -> Iterator[Finding]:
        """Find numbers as they read, in ``text`` without its invisible characters,
        and give back spans (and values) of ``text`` itself."""
        hidden = [m.start() for m in _INVISIBLE.finditer(text)]
        # Where each removed character would sit in the visible text.
        at = [p - i for i, p in enumerate(hidden)]
        visible = _INVISIBLE.sub("", text)

        def original(i: int) -> int:
            return i + bisect.bisect_right(at, i)

        for m in _REGEX.finditer(visible):
            f = self.classify(m, visible, label)
            if f is None:
                continue
            start, end = original(f.start), original(f.end - 1) + 1
            if (start, end) != (f.start, f.end):
                value = text[start:end]
                f = replace(f, start=start, end=end, value=value)
                if any(c in value for c in _HIDDEN):
                    f = f.with_evidence("invisible")
            yield f

    def classify(self, m: "re.Match[str]", text: str, label: str | None) -> Finding | None:
        """What the candidate ``m`` (a match of :data:`PATTERN` in ``text``) is, if anything."""
        start, end = m.span()
        value = m.group()
        if _MONEY_AFTER.match(text, end, end + 6) or _MONEY_BEFORE.search(text, max(0, start - 2), start):
            return None
        ctx, word, where = self._context.nearest_word(text, start, end, label)
        negative = _NEGATIVE in ctx
        shape = m.lastgroup
        if shape == "land" and m.group("ext"):
            value_digits = value[: m.start("ext") - start]  # the extension is not validated
        else:
            value_digits = value
        digits = value_digits.translate(_COMPACT).upper()
        for etype, detector, confidence, why in _candidates(shape, digits, ctx):
            if negative and not (where == "label" and why in _SELF_VALIDATING):
                # A negative word beside the value (订单号：…) hides it; a
                # header over the whole column (编号) hides only what context
                # alone would report.
                confidence = _NEGATIVE_CAP[etype] if detector != "cn_resident_id" else min(confidence, 0.5)
            elif etype in ctx:
                confidence = min(1.0, confidence + 0.1)
            evidence = [why]
            if word is not None:
                kind = "column" if where == "label" else "negative" if negative else "label"
                evidence.append(f"{kind}:{word}")
            elif label:
                evidence.append(f"column:{label}")
            return Finding(etype, start, end, value, round(confidence, 2), detector, evidence=tuple(evidence))
        return None


_NEGATIVE_CAP = {CN_RESIDENT_ID: 0.3, CN_MOBILE: 0.2, CN_LANDLINE: 0.2, BANK_CARD: 0.25}


def _candidates(shape: str, digits: str, ctx: frozenset[str]):
    """Yield (type, detector, base confidence, why) for what ``digits`` validates as, best first."""
    n = len(digits)
    if shape == "mob":
        if mobile.is_valid(digits):
            grouped = n != 11
            yield CN_MOBILE, "cn_mobile", 0.85 if grouped else 0.8, "segment"
        return
    if shape == "land":
        if landline.is_valid(digits):
            yield CN_LANDLINE, "cn_landline", 0.8, "area-code"
        elif CN_LANDLINE in ctx and landline.is_valid_historic(digits):
            # 0791-8612345 in an old notice: the 7-digit number the area had then.
            yield CN_LANDLINE, "cn_landline", 0.7, "historic"
        return
    if shape == "id":
        if resident_id.is_valid_compact(digits):
            yield CN_RESIDENT_ID, "cn_resident_id", 0.9, "checksum"
        return
    if shape == "card":
        if bank_card.is_valid_compact(digits):
            yield BANK_CARD, "bank_card", 0.85, "luhn"
        elif BANK_CARD in ctx and 12 <= n <= 25:
            yield BANK_CARD, "bank_account", 0.7, "account"
        return
    # A plain run of digits.
    if n == 18 and resident_id.is_valid_compact(digits):
        yield CN_RESIDENT_ID, "cn_resident_id", 0.9 if regions.is_known_code(digits[:6]) else 0.8, "checksum"
        return
    if not digits.isdigit():
        return
    if n == 15 and _legacy_id(digits):
        if BANK_CARD in ctx and CN_RESIDENT_ID not in ctx:
            yield BANK_CARD, "bank_account", 0.7, "account"
        else:
            # No check digit: weak alone, strong under an ID label.
            yield CN_RESIDENT_ID, "cn_resident_id_15", 0.85 if CN_RESIDENT_ID in ctx else 0.45, "date"
        return
    if 16 <= n <= 19 and bank_card.is_valid_compact(digits):
        yield BANK_CARD, "bank_card", 0.8, "luhn"
        return
    if digits[0] == "0" and 10 <= n <= 12:
        # Unseparated landlines look like any other number: context decides.
        if landline.is_valid(digits):
            yield CN_LANDLINE, "cn_landline", 0.75 if CN_LANDLINE in ctx else 0.4, "area-code"
            return
        if CN_LANDLINE in ctx and n <= 11 and landline.is_valid_historic(digits):
            yield CN_LANDLINE, "cn_landline", 0.7, "historic"
            return
    if 12 <= n <= 25 and BANK_CARD in ctx:
        yield BANK_CARD, "bank_account", 0.7, "account"


def _legacy_id(digits: str) -> bool:
    try:
        resident_id.validate_legacy(digits)
    except InvalidNumber:
        return False
    return True
