"""Partially masked values: found, read for what they still show, and judged against a profile.

A masked value is not automatically safe. ``36012519900307****`` hides the
sequence number and check digit but shows the region and the full birth date;
``*小明`` hides the surname and shows the given name; a card showing its first
8 digits shows more than PCI DSS allows (first 6 + last 4 at most); a phone
showing 8 digits is one digit from a short list of people. The detectors skip
such values (their checksums cannot be computed), so without this module they
pass every check.

:func:`find_fragments` reads every masked value in a text — a run of digits
and mask characters (``*``, ``＊``, ``×``, ``●``, and ``x`` in runs of two
or more) with the length of an ID, a mobile or a card, or a name with a masked
surname under a name label — as a :class:`Fragment`: its type (from its
length, its visible digits and the label or words before it), and which
characters of the whole value it shows at which positions. Masks that do not
keep the length (``361025****1234`` under 身份证号) are read as a kept start
and a kept end.

:func:`judge` compares a fragment with an :class:`Allowance` (what the
profile's rule for the type allows: ``keep="6,4"`` → at most 10 characters,
``delete`` → none) and with what no mask may show (an ID's full birth date,
card digits outside the first 6 and last 4); :class:`UnderMaskedDetector`
reports the fragments that show too much as ``UNDER_MASKED``, with evidence
saying what they reveal, so ``piiscan check --profile`` blocks them.

>>> d = UnderMaskedDetector()
>>> [(f.value, f.evidence[:3]) for f in d.detect("身份证号：36102519900307****，手机138****5678")]
[('36102519900307****', ('masked:CN_RESIDENT_ID', 'reveals:region', 'reveals:birth-date'))]
>>> list(d.detect("身份证号：361025********1234"))
[]
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator, Mapping

import regex

from .. import context as context_words
from .. import patterns, regions
from ..finding import BANK_CARD, CN_MOBILE, CN_RESIDENT_ID, PERSON_NAME, UNDER_MASKED, Finding
from ..validators import to_ascii

#: Characters that stand for a hidden character.
MASK_CHARS = "*＊×●"
#: Types whose masked forms are read (numbers with positions, and names).
FRAGMENT_TYPES = (CN_RESIDENT_ID, CN_MOBILE, BANK_CARD, PERSON_NAME)
#: Full lengths: a masked value of this many characters keeps its positions.
ID_LENGTH, MOBILE_LENGTH = 18, 11
_CARD_LENGTHS = range(16, 20)
_CARD_FIRST = frozenset("345689")  # card prefixes start with these (patterns/card_prefixes.txt: 62, 4, 5, 60, 9)

_M = "*＊×●"
_D = "0-9０-９"
_CAND = regex.compile(
    rf"(?<![{_D}A-Za-zＡ-Ｚａ-ｚ{_M}])"
    rf"[{_D}Xx{_M}](?:[{_D}Xx{_M}]|[ \-](?=[{_D}Xx{_M}])){{9,29}}"
    rf"(?![{_D}A-Za-zＡ-Ｚａ-ｚ{_M}])"
)
_NAME = regex.compile(rf"(?<![\p{{Han}}{_M}·])([{_M}]{{1,2}})(\p{{Han}}{{1,2}})(?![\p{{Han}}{_M}·])")
_X_RUN = re.compile(r"[xX]{2,}")
#: What any text holding a masked value contains; the scanner skips the detector on other texts.
REQUIRES = re.compile(rf"[{_M}]|[xX]{{2}}")


@dataclass(frozen=True)
class Fragment:
    """A masked value as it stands in a text: what it is, and which characters it still shows where.

    ``visible`` pairs a position in the whole value with the character shown
    there; ``length`` is the whole value's length, or 0 when the mask does not
    keep it (a card of unknown length written ``6228****0001``): then kept end
    characters have negative positions (-1 the last). ``text_index`` gives,
    for each visible character, its index in ``text``.
    """

    type: str
    start: int
    end: int
    text: str
    length: int
    visible: tuple[tuple[int, str], ...]
    text_index: tuple[int, ...]
    confident: bool = True

    @property
    def shown(self) -> int:
        return len(self.visible)

    def positions(self) -> frozenset[int]:
        return frozenset(p for p, _ in self.visible)


@dataclass(frozen=True)
class Allowance:
    """What a profile's rule lets a published form of one type show."""

    first: int = 0
    last: int = 0
    nothing: bool = False  # the value must not appear at all: delete, drop-column, pseudonymize
    anything: bool = False  # allowed in clear

    @property
    def limit(self) -> int:
        return 0 if self.nothing else self.first + self.last

    def describe(self) -> str:
        """In Chinese, for reports: 前6后4, 不得出现, 可公开."""
        if self.anything:
            return "可公开"
        if self.nothing:
            return "不得出现"
        return f"前{self.first}后{self.last}" if self.last else f"前{self.first}"

    def keeps(self, pos: int, length: int) -> bool:
        """Whether a character at ``pos`` of a ``length``-long value may show (negative: from the end)."""
        if self.anything:
            return True
        if self.nothing:
            return False
        if pos < 0:
            return -pos <= self.last
        if length and pos >= length - self.last:
            return True
        return pos < self.first


#: The national display convention (mask strategy defaults): what "masked" means without a profile.
DEFAULT_ALLOWANCES: dict[str, Allowance] = {
    CN_RESIDENT_ID: Allowance(6, 4),
    CN_MOBILE: Allowance(3, 4),
    BANK_CARD: Allowance(6, 4),
    PERSON_NAME: Allowance(1, 0),
}


def allowance_for(etype: str, action: str, keep: tuple[int, int] | None = None) -> Allowance:
    """The allowance a rule (``action``, mask ``keep``) gives a type.

    >>> allowance_for("CN_RESIDENT_ID", "mask", (2, 3)).describe(), allowance_for("BANK_CARD", "delete").describe()
    ('前2后3', '不得出现')
    >>> allowance_for("CN_RESIDENT_ID", "generalize").describe(), allowance_for("PERSON_NAME", "court-name").describe()
    ('前6', '前1')
    """
    if action == "allow":
        return Allowance(anything=True)
    if action in ("delete", "drop-column", "pseudonymize"):
        return Allowance(nothing=True)
    if action == "mask":
        if keep is not None:
            return Allowance(*keep)
        return DEFAULT_ALLOWANCES.get(etype, Allowance(1, 0))
    # generalize keeps the coarse part (region, segment, issuer); court-name the surname
    return {CN_RESIDENT_ID: Allowance(6, 0), CN_MOBILE: Allowance(3, 0), BANK_CARD: Allowance(6, 0)}.get(
        etype, Allowance(1, 0))


# --------------------------------------------------------------- finding

def find_fragments(text: str, label: str | None = None) -> Iterator[Fragment]:
    """Every masked ID, mobile, card or name in ``text`` (``label``: a column header, as for the scanner).

    >>> [(f.type, f.length, f.shown) for f in find_fragments("账号 6228 48** **** **** 001，电话 138****5678")]
    [('BANK_CARD', 19, 9), ('CN_MOBILE', 11, 7)]
    >>> [(f.type, f.visible) for f in find_fragments("*小明", label="学生姓名")]
    [('PERSON_NAME', ((1, '小'), (2, '明')))]
    """
    if not REQUIRES.search(text):
        return
    ctx = context_words.load()
    for m in _CAND.finditer(text):
        frag = _number(m, text, label, ctx)
        if frag is not None:
            yield frag
    if _name_context_possible(text, label):
        for m in _NAME.finditer(text):
            if _name_context(text, m.start(), label):
                masks, given = m.group(1), m.group(2)
                n = len(masks)
                yield Fragment(PERSON_NAME, m.start(), m.end(), m.group(), n + len(given),
                               tuple((n + i, ch) for i, ch in enumerate(given)),
                               tuple(m.start(2) + i for i in range(len(given))))


_TO_MASK = str.maketrans({c: "*" for c in _M})
_SEPARATORS = re.compile(r"[ \-]")
_KEPT_ENDS = re.compile(r"([^*]*)(\*+)([^*]*)")


def _number(m: "regex.Match[str]", text: str, label: str | None, ctx) -> Fragment | None:
    start, end = m.span()
    # Significant characters (separators dropped), masks as "*", and each one's index in the text.
    ascii_ = to_ascii(m.group()).translate(_TO_MASK)
    if " " in ascii_ or "-" in ascii_:
        offsets = [i for i, ch in enumerate(ascii_) if ch != " " and ch != "-"]
        sig = _SEPARATORS.sub("", ascii_)
    else:
        offsets = None
        sig = ascii_
    if "x" in sig or "X" in sig:
        sig = _X_RUN.sub(lambda x: "*" * len(x.group()), sig)
    if "*" not in sig or sig.count("*") == len(sig):
        return None
    n = len(sig)
    # A single x is only an ID's check character; anywhere else the run is not a masked number.
    xs = [i for i, c in enumerate(sig) if c in "xX"]
    if xs and not (xs == [n - 1] and n == ID_LENGTH):
        return None
    kinds = ctx.nearest(text, start, end, label)
    if "-" in kinds:
        return None  # 订单号, 编号 …: not a person's number
    etype, confident = _type_of(sig, kinds)
    if etype is None:
        return None
    length = {CN_RESIDENT_ID: ID_LENGTH, CN_MOBILE: MOBILE_LENGTH}.get(etype, n if n in _CARD_LENGTHS else 0)
    if etype == CN_RESIDENT_ID and n == 15:
        length = 15
    shown = [p for p, c in enumerate(sig) if c != "*"]
    index = tuple(start + (offsets[p] if offsets is not None else p) for p in shown)
    if n == length:
        visible = tuple((p, sig[p]) for p in shown)
    else:
        # A mask that does not keep the length: a kept start, a run of masks, a kept end.
        runs = _KEPT_ENDS.fullmatch(sig)
        if runs is None:
            return None
        head, tail = runs.group(1), runs.group(3)
        if length and len(head) + len(tail) >= length:
            return None
        visible = tuple(enumerate(head)) + tuple(
            ((length - len(tail) + p) if length else (p - len(tail)), c) for p, c in enumerate(tail))
    return Fragment(etype, start, end, text[start:end], length, visible, index, confident)


def _type_of(sig: str, kinds: frozenset[str]) -> tuple[str | None, bool]:
    """(type, typed by context or structure) for a masked number's significant characters."""
    n = len(sig)
    said_id, said_card, said_phone = CN_RESIDENT_ID in kinds, BANK_CARD in kinds, CN_MOBILE in kinds
    if n == ID_LENGTH:
        if said_id:
            return CN_RESIDENT_ID, True
        if said_card:
            return BANK_CARD, True
        if _looks_like_id(sig):
            return CN_RESIDENT_ID, True
        return None, False
    if n == 15 and said_id:
        return CN_RESIDENT_ID, True
    if n == MOBILE_LENGTH and sig[0] == "1" and (sig[1] == "*" or sig[1] in "3456789"):
        return CN_MOBILE, True
    if n == MOBILE_LENGTH and said_phone and sig[0] == "*":
        return CN_MOBILE, True
    if n in _CARD_LENGTHS and (said_card or sig[0] in _CARD_FIRST):
        return BANK_CARD, said_card or sig[:2] == "62"
    if said_card and 12 <= n <= 25:
        return BANK_CARD, True
    # Masks that drop characters: the label says what it is.
    if said_id and 10 <= n < ID_LENGTH:
        return CN_RESIDENT_ID, True
    if said_phone and 7 <= n < MOBILE_LENGTH and sig[0] == "1":
        return CN_MOBILE, True
    return None, False


def _looks_like_id(sig: str) -> bool:
    """An 18-character masked run whose visible start is a province and whose visible year is plausible."""
    if sig[0] == "*" or sig[1] == "*":
        return False
    if not regions.province_of(sig[:2] + "0000"):
        return False
    year = sig[6:10]
    return "*" in year or year[:2] in ("18", "19", "20")


@functools.lru_cache(maxsize=1)
def _name_labels() -> "regex.Pattern[str]":
    labels = sorted(patterns.toml("names.toml")["labels"], key=len, reverse=True)
    return regex.compile("(?:" + "|".join(map(regex.escape, labels)) + r")[\s:：]{0,3}$")


def _name_context_possible(text: str, label: str | None) -> bool:
    return label is not None or any(ch in text for ch in "：:名户人")


def _name_context(text: str, start: int, label: str | None) -> bool:
    if label:
        from ..tables import header_kind

        if header_kind(label) == PERSON_NAME:
            return True
    return bool(_name_labels().search(text, max(0, start - 12), start))


# --------------------------------------------------------------- judging

@dataclass(frozen=True)
class Judgement:
    """Why a fragment shows too much (empty: it does not), and what it reveals."""

    reasons: tuple[str, ...]
    reveals: tuple[str, ...]

    @property
    def under_masked(self) -> bool:
        return bool(self.reasons)


#: What each reveal means, in Chinese.
REVEALS = {
    "region": "籍贯地区码", "birth-date": "出生日期", "birth-year": "出生年份", "sex": "性别",
    "whole": "完整号码", "segment": "号段", "issuer": "发卡行", "given-name": "名字",
}


def reveals(fragment: Fragment) -> tuple[str, ...]:
    """What a fragment's visible characters tell, as keys of :data:`REVEALS`.

    >>> reveals(next(find_fragments("身份证 36102519900307****")))
    ('region', 'birth-date')
    """
    pos, n, t = fragment.positions(), fragment.length, fragment.type
    out = []
    if t == PERSON_NAME:
        return ("given-name",) if fragment.visible else ()
    if t == CN_RESIDENT_ID and n:
        dob = range(6, 12) if n == 15 else range(6, 14)
        if pos >= set(range(6)):
            out.append("region")
        if pos >= set(dob):
            out.append("birth-date")
        elif pos >= set(range(6, 10)) and n == ID_LENGTH:
            out.append("birth-year")
        if n == ID_LENGTH and 16 in pos:
            out.append("sex")
    if t == CN_MOBILE and pos >= {0, 1, 2}:
        out.append("segment")
    if t == BANK_CARD and pos >= set(range(6)):
        out.append("issuer")
    if n and len(pos) >= n - (1 if t == CN_RESIDENT_ID and n == ID_LENGTH else 0):
        out.append("whole")
    return tuple(out)


def judge(fragment: Fragment, allowance: Allowance, *, conform: bool = False) -> Judgement:
    """Whether ``fragment`` shows more than ``allowance`` (and than any mask may), and what it reveals.

    With ``conform``, a fragment that shows no more characters than allowed but
    at other positions (``1380013****`` where the rule keeps 3 + 4) is judged
    too: on its own it is acceptable, but beside the rule's own form it gives
    back the whole value (see :mod:`piiscan.audit.joins`). ``piiscan redact
    --profile`` masks such values into the rule's shape; ``check`` does not
    block them.

    >>> frags = list(find_fragments("身份证 36102519900307**** 361025********1234 手机 13800138*** 卡号 62284800****0001"))
    >>> [judge(f, DEFAULT_ALLOWANCES[f.type]).under_masked for f in frags]
    [True, False, True, True]
    >>> judge(frags[1], Allowance(2, 3)).reasons
    ('显示10位，超过规则允许的5位（前2后3）',)
    """
    shown = reveals(fragment)
    if allowance.anything:
        return Judgement((), shown)
    reasons: list[str] = []
    n, k = fragment.length, fragment.shown
    if fragment.type == PERSON_NAME:
        masks = n - k
        if allowance.nothing and k:
            reasons.append(f"规则要求删除，仍显示{k}个字")
        elif masks <= 2 and k >= 1 and (masks == 1 or k == 2):
            reasons.append("姓氏被遮蔽而名字完整可见")
        return Judgement(tuple(reasons), shown)
    if allowance.nothing:
        if k:
            reasons.append(f"规则要求删除，仍显示{k}位")
        return Judgement(tuple(reasons), shown)
    limit = allowance.limit
    if n and n < 16 and fragment.type != CN_MOBILE:
        limit = min(limit, n // 2)  # short values keep at most half (the mask strategy's rule)
    if k > limit:
        reasons.append(f"显示{k}位，超过规则允许的{limit}位（{allowance.describe()}）")
    if "birth-date" in shown and allowance.first < 14:
        reasons.append("出生日期完整可见")
    if "whole" in shown and not reasons:
        reasons.append("可还原完整号码")
    if (fragment.type == BANK_CARD or conform) and not reasons:
        outside = [p for p in fragment.positions() if not allowance.keeps(p, n)]
        if outside and fragment.type == BANK_CARD:
            reasons.append(f"显示了{allowance.describe()}以外的数字（PCI DSS：卡号最多显示前6后4位）")
        elif outside:
            reasons.append(f"显示了规则保留位置（{allowance.describe()}）以外的字符，与按规则遮蔽的形式合起来可还原更多位")
    return Judgement(tuple(reasons), shown)


def remask(value: str, etype: str | None, allowance: Allowance, label: str | None = None) -> str:
    """``value`` (a masked form) with every shown character the allowance does not keep hidden too;
    "" when the value must not appear at all.

    >>> remask("36102519900307****", "CN_RESIDENT_ID", Allowance(6, 4))
    '361025************'
    >>> remask("*小明", "PERSON_NAME", Allowance(1, 0), label="姓名")
    '***'
    """
    if allowance.nothing:
        return ""
    frags = [f for f in find_fragments(value, label or _LABELS.get(etype or "", None))
             if f.start == 0 and f.end == len(value)]
    if not frags:
        # Not readable as one masked value: hide every digit and Han character.
        return regex.sub(r"[\p{Han}0-9０-９Xx]", "*", value)
    frag = frags[0]
    chars = list(value)
    for (pos, _ch), i in zip(frag.visible, frag.text_index):
        if frag.type == PERSON_NAME or not allowance.keeps(pos, frag.length) or (
                frag.type == CN_RESIDENT_ID and 6 <= pos < 14 and allowance.first < 14):
            chars[i] = "*"
    return "".join(chars)


_LABELS = {CN_RESIDENT_ID: "身份证号", CN_MOBILE: "手机", BANK_CARD: "卡号", PERSON_NAME: "姓名"}


# --------------------------------------------------------------- detector

class UnderMaskedDetector:
    """Reports masked values that show more than ``allowances`` (type → :class:`Allowance`) let them.

    A detector like the built-in ones (see :mod:`piiscan.detectors`): add it to
    a :class:`~piiscan.scanner.Scanner` (``detectors=default_detectors() +
    [UnderMaskedDetector(...)]``); disclosure profiles do (:meth:`piiscan.profiles.scanner_for`).
    """

    name = "under_masked"
    types = frozenset({UNDER_MASKED})
    requires = REQUIRES

    def __init__(self, allowances: Mapping[str, Allowance] | None = None, *, conform: bool = False) -> None:
        self.allowances = dict(DEFAULT_ALLOWANCES)
        self.allowances.update(allowances or {})
        self.conform = conform  # also report masks of another shape (see judge); redaction uses it

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        for frag in find_fragments(text, label):
            allowance = self.allowances.get(frag.type, Allowance())
            j = judge(frag, allowance, conform=self.conform)
            if not j.under_masked:
                continue
            evidence = (f"masked:{frag.type}", *(f"reveals:{r}" for r in j.reveals),
                        f"visible:{frag.shown}/{frag.length or '?'}", f"allowed:{allowance.describe()}",
                        *(f"why:{r}" for r in j.reasons))
            yield Finding(UNDER_MASKED, frag.start, frag.end, frag.text, 0.9 if frag.confident else 0.6,
                          self.name, evidence=evidence)


def masked_type(finding: Finding) -> str | None:
    """The type an ``UNDER_MASKED`` finding is a masked form of (from its evidence)."""
    for e in finding.evidence:
        if e.startswith("masked:"):
            return e.split(":", 1)[1]
    return None
