"""``mask``: conventional display masks, one policy per deployment.

Defaults follow common Chinese practice (see REFERENCE: there is no single
national rule, and inconsistent masks let fragments be rejoined, so the
policy is configurable but applied uniformly):

=================  ==============================  ================================
type               default                         example
=================  ==============================  ================================
CN_RESIDENT_ID     first 6, last 4 (18 digits);    ``361025********123X``
                   15 digits: at most half kept    ``110105********2``
CN_MOBILE          keep first 3, last 4            ``138****5678``
CN_LANDLINE        keep the area code              ``0791-********``
BANK_CARD          first 6, last 4 (16+ digits);   ``622848*********0001``
                   under 16 digits the last 4      12 digits: ``********3456``
PERSON_NAME        surname (+ last if 3+)          ``张*`` ``欧阳**`` ``张*兰``
CN_ADDRESS         keep down to the county         ``江西省抚州市乐安县*****``
EMAIL_ADDRESS      first char, fixed stars         ``z***@qq.com``
=================  ==============================  ================================

18-digit IDs and 16–19-digit cards follow the national display convention
(first 6 + last 4: region or issuer, and the 尾号). Shorter values — passbook
and rural-credit accounts of 12–15 digits, 15-digit legacy IDs — would show
most of their digits under 6 + 4, so for them at most half of the significant
characters (digits and X) stay, whatever ``keep`` asks: a card drops its
leading digits first (the last 4 stay) and an ID shortens its trailing end
(the region code stays). Mobiles keep the national 3 + 4 convention.

Options (``Context.options``): ``keep={"CN_RESIDENT_ID": (1, 1), ...}`` to
change how many significant characters stay at each end, and ``mask_char``.
Separators (spaces, hyphens) stay where they were.

>>> from piiscan.redact.strategies import Context
>>> c = Context()
>>> replace('CN_RESIDENT_ID', '36102519800101123X', c)
'361025********123X'
>>> replace('CN_RESIDENT_ID', '110105491231002', c)
'110105********2'
>>> replace('CN_MOBILE', '138-0013-8000', c)
'138-****-8000'
>>> replace('CN_LANDLINE', '0791-86123456', c)
'0791-********'
>>> replace('BANK_CARD', '6228480000000000001', c)
'622848*********0001'
>>> replace('BANK_CARD', '622202123456', c)
'********3456'
>>> [replace('PERSON_NAME', n, c) for n in ('张三', '欧阳娜娜', '张秀兰')]
['张*', '欧阳**', '张*兰']
>>> replace('CN_ADDRESS', '江西省抚州市乐安县鳌溪镇湖坪村3组', c)
'江西省抚州市乐安县********'
>>> replace('EMAIL_ADDRESS', 'zhangsan@qq.com', c)
'z***@qq.com'
"""
from __future__ import annotations

import regex

from ...finding import BANK_CARD, CN_ADDRESS, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID, EMAIL_ADDRESS, PERSON_NAME
from . import Context, digits_of
from ...validators import landline
from .names import split_name
from .places import region_prefix

NAME = "mask"
NEEDS_KEY = False
LOOKS_REAL = False

#: (keep first, keep last) significant characters.
DEFAULT_KEEP: dict[str, tuple[int, int]] = {
    CN_RESIDENT_ID: (6, 4),
    CN_MOBILE: (3, 4),
    BANK_CARD: (6, 4),
}

#: Values with fewer significant characters than this keep at most half of them.
SHORT = 16

#: Types whose kept part is capped at half of the significant characters, and
#: which end gives way first when the asked ends do not fit.
HALF_HIDDEN: dict[str, str] = {CN_RESIDENT_ID: "last", BANK_CARD: "first"}

# Characters that carry the number; everything else (separators, 转, +) stays.
_SIGNIFICANT = regex.compile(r"[0-9０-９XxＸｘ]")


def keep_for(etype: str, ctx: Context) -> tuple[int, int]:
    return tuple(ctx.options.get("keep", {}).get(etype, DEFAULT_KEEP.get(etype, (1, 0))))  # type: ignore[return-value]


def cap_keep(n: int, first: int, last: int, gives_way: str = "first") -> tuple[int, int]:
    """(first, last) shrunk so that at most ``n // 2`` of ``n`` significant characters stay.

    ``gives_way="first"`` drops the leading part altogether (a partial bank BIN
    says nothing), then shortens the last; ``"last"`` shortens the trailing part.

    >>> cap_keep(12, 4, 4), cap_keep(16, 4, 4), cap_keep(18, 6, 4, "last"), cap_keep(15, 6, 4, "last")
    ((0, 4), (4, 4), (6, 3), (6, 1))
    """
    cap = n // 2
    first, last = max(first, 0), max(last, 0)
    if first + last <= cap:
        return first, last
    if gives_way == "first":
        return 0, min(last, cap)
    first = min(first, cap)
    return first, min(last, cap - first)


def mask_significant(value: str, first: int, last: int, char: str = "*") -> str:
    """Replace significant characters except the first ``first`` and last ``last``."""
    spans = [m.start() for m in _SIGNIFICANT.finditer(value)]
    if len(spans) <= first + last:
        # Keeping both ends would hide nothing: hide all but the first.
        first, last = min(first, 1), 0
    hidden = spans[first:len(spans) - last]
    if not hidden:
        return value
    chars = list(value)
    for i in hidden:
        chars[i] = char
    return "".join(chars)


def replace(etype: str, value: str, ctx: Context) -> str:
    char = ctx.options.get("mask_char", "*")
    if etype in HALF_HIDDEN:
        first, last = keep_for(etype, ctx)
        n = len(_SIGNIFICANT.findall(value))
        if n < SHORT:
            first, last = cap_keep(n, first, last, HALF_HIDDEN[etype])
        return mask_significant(value, first, last, char)
    if etype == CN_MOBILE:
        first, last = keep_for(etype, ctx)
        # A +86 / 0086 country code is not part of the 11 digits the policy counts.
        extra = max(0, len(digits_of(value)) - 11)
        return mask_significant(value, first + extra, last, char)
    if etype == CN_LANDLINE:
        first, last = ctx.options.get("keep", {}).get(etype, (len(area_code(value)), 0))
        return mask_significant(value, first, last, char)
    if etype == PERSON_NAME:
        return mask_name(value, char)
    if etype == CN_ADDRESS:
        prefix = region_prefix(value)
        return value[:len(prefix)] + char * (len(value) - len(prefix))
    if etype == EMAIL_ADDRESS and "@" in value:
        local, domain = value.rsplit("@", 1)
        # A fixed number of stars: the local part's length is not revealed.
        return local[:1] + char * 3 + "@" + domain
    first, last = keep_for(etype, ctx)
    return value[:first] + char * max(len(value) - first - last, 1) + (value[len(value) - last:] if last else "")


def area_code(value: str) -> str:
    """A landline's area code (010, 0791 …), or "" when it cannot be told (then nothing is kept)."""
    try:
        return landline.area_code(digits_of(value))
    except Exception:  # noqa: BLE001 - phonenumbers refuses odd input: keep nothing rather than guess
        return ""


def mask_name(value: str, char: str = "*") -> str:
    """``张*``, ``欧阳**``, ``张*兰``; for 买买提·艾力 the dot stays."""
    surname, given = split_name(value)
    if not given:
        return char * len(value)
    if "·" in value or "•" in value:
        return surname + regex.sub(r"[^·•]", char, given)
    if len(surname) == 1 and len(given) >= 2:
        return surname + char * (len(given) - 1) + given[-1]
    return surname + char * len(given)
