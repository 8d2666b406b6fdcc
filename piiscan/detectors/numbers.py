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
"""
from __future__ import annotations

import re
from typing import Iterator

import regex

from .. import context as context_words
from .. import regions
from ..finding import BANK_CARD, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID, Finding
from ..validators import InvalidNumber, bank_card, landline, mobile, resident_id, strip_separators
from . import DIGIT

D = "[0-9０-９]"
S = "[ \\-－\u3000]"  # a grouping separator
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


class NumberDetector:
    name = "numbers"
    requires = DIGIT
    types = frozenset({CN_RESIDENT_ID, CN_MOBILE, CN_LANDLINE, BANK_CARD})
    regex = _REGEX  # the tokenizer, shared with the name detector's record check

    def __init__(self) -> None:
        self._context = context_words.load()

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        for m in _REGEX.finditer(text):
            finding = self.classify(m, text, label)
            if finding is not None:
                yield finding

    def classify(self, m: "re.Match[str]", text: str, label: str | None) -> Finding | None:
        """What the candidate ``m`` (a match of :data:`PATTERN` in ``text``) is, if anything."""
        start, end = m.span()
        value = m.group()
        if _MONEY_AFTER.match(text, end, end + 6) or _MONEY_BEFORE.search(text, max(0, start - 2), start):
            return None
        ctx = self._context.nearest(text, start, end, label)
        negative = _NEGATIVE in ctx
        shape = m.lastgroup
        if shape == "land" and m.group("ext"):
            value_digits = value[: m.start("ext") - start]  # the extension is not validated
        else:
            value_digits = value
        digits = strip_separators(value_digits).upper()
        for etype, detector, confidence in _candidates(shape, digits, ctx):
            if negative:
                confidence = _NEGATIVE_CAP[etype] if detector != "cn_resident_id" else min(confidence, 0.5)
            elif etype in ctx:
                confidence = min(1.0, confidence + 0.1)
            return Finding(etype, start, end, value, round(confidence, 2), detector)
        return None


_NEGATIVE_CAP = {CN_RESIDENT_ID: 0.3, CN_MOBILE: 0.2, CN_LANDLINE: 0.2, BANK_CARD: 0.25}


def _candidates(shape: str, digits: str, ctx: frozenset[str]):
    """Yield (type, detector, base confidence) for what ``digits`` validates as, best first."""
    n = len(digits)
    if shape == "mob":
        if mobile.is_valid(digits):
            grouped = n != 11
            yield CN_MOBILE, "cn_mobile", 0.85 if grouped else 0.8
        return
    if shape == "land":
        if landline.is_valid(digits):
            yield CN_LANDLINE, "cn_landline", 0.8
        return
    if shape == "id":
        if resident_id.is_valid_compact(digits):
            yield CN_RESIDENT_ID, "cn_resident_id", 0.9
        return
    if shape == "card":
        if bank_card.is_valid_compact(digits):
            yield BANK_CARD, "bank_card", 0.85
        elif BANK_CARD in ctx and 12 <= n <= 25:
            yield BANK_CARD, "bank_account", 0.7
        return
    # A plain run of digits.
    if n == 18 and resident_id.is_valid_compact(digits):
        yield CN_RESIDENT_ID, "cn_resident_id", 0.9 if regions.is_known_code(digits[:6]) else 0.8
        return
    if not digits.isdigit():
        return
    if n == 15 and _legacy_id(digits):
        if BANK_CARD in ctx and CN_RESIDENT_ID not in ctx:
            yield BANK_CARD, "bank_account", 0.7
        else:
            # No check digit: weak alone, strong under an ID label.
            yield CN_RESIDENT_ID, "cn_resident_id_15", 0.85 if CN_RESIDENT_ID in ctx else 0.45
        return
    if 16 <= n <= 19 and bank_card.is_valid_compact(digits):
        yield BANK_CARD, "bank_card", 0.8
        return
    if digits[0] == "0" and 10 <= n <= 12 and landline.is_valid(digits):
        # Unseparated landlines look like any other number: context decides.
        yield CN_LANDLINE, "cn_landline", 0.75 if CN_LANDLINE in ctx else 0.4
        return
    if 12 <= n <= 25 and BANK_CARD in ctx:
        yield BANK_CARD, "bank_account", 0.7


def _legacy_id(digits: str) -> bool:
    try:
        resident_id.validate_legacy(digits)
    except InvalidNumber:
        return False
    return True
