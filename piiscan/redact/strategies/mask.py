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

from ...entities import registry
from ...entities.forms import (SHORT, area_code, cap_keep, mask_name,  # noqa: F401 - re-exported
                               mask_significant)
from ...entities.spec import default_mask
from . import Context

NAME = "mask"
NEEDS_KEY = False
LOOKS_REAL = False


def keep_for(etype: str, ctx: Context) -> tuple[int, int] | None:
    """The user's ``keep`` for ``etype`` (``keep={"CN_RESIDENT_ID": (1, 1)}``), or None: the type's default."""
    keep = ctx.options.get("keep", {}).get(etype)
    return tuple(keep) if keep is not None else None  # type: ignore[return-value]


def replace(etype: str, value: str, ctx: Context) -> str:
    """The type's spec's ``mask`` (the same function reports mask values with)."""
    char = ctx.options.get("mask_char", "*")
    spec = registry.find(etype)
    return (spec.mask if spec is not None else default_mask)(value, keep_for(etype, ctx), char)
