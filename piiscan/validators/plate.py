"""机动车号牌 — Chinese motor vehicle licence plates (GA 36).

A province abbreviation, a letter for the issuing city and five characters
(``粤B12345``); new-energy plates have six, with ``D``/``F`` (and since 2023
``A``–``K`` as energy codes) first for small cars or last for large ones
(``粤BD12345``, ``粤B12345D``). ``I`` and ``O`` are never used after the
city letter, so they cannot be confused with 1 and 0. Special plates end in
挂 (trailer), 学 (driving school), 警 (police), 港/澳 (cross-border), 领/使
(consular/embassy), 试, 超.

There is no check character: a plate is recognised by its shape (which is
distinctive: a province character, then a capital letter), and a bare
``A12345`` without the province is never one.

>>> validate('粤B·12345'), validate('粤BD12345'), validate('京A1234挂')
('粤B12345', '粤BD12345', '京A1234挂')
>>> validate('粤BI2345')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not a licence plate: province, letter, 5 or 6 characters
>>> is_new_energy('粤BD12345'), is_new_energy('粤B12345')
(True, False)
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, to_ascii

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_CHAR = "[A-HJ-NP-Z0-9]"
_ENERGY = "[A-HJK]"
_SHAPE = re.compile(
    rf"[{PROVINCES}][A-HJ-NP-Z](?:"
    rf"{_ENERGY}[A-HJ-NP-Z0-9][0-9]{{4}}"          # new energy, small: D + 5
    rf"|[0-9]{{5}}{_ENERGY}"                        # new energy, large: 5 digits + D
    rf"|{_CHAR}{{5}}"                               # ordinary
    rf"|{_CHAR}{{4}}[挂学警港澳领使试超])"           # special
)
_NEW_ENERGY = re.compile(rf"[{PROVINCES}][A-HJ-NP-Z](?:{_ENERGY}[A-HJ-NP-Z0-9][0-9]{{4}}|[0-9]{{5}}{_ENERGY})")


def compact(value: str) -> str:
    """Upper-case ASCII without the middle dot and spaces plates are written with."""
    return to_ascii(value).upper().translate({ord(c): None for c in " ·•.-\u00b7\u30fb"})


def validate(value: str) -> str:
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not a licence plate: province, letter, 5 or 6 characters")
    return value


def is_new_energy(value: str) -> bool:
    return bool(_NEW_ENERGY.fullmatch(compact(value)))


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    """``粤B·12345``: the usual way of writing it.

    >>> format('粤b12345')
    '粤B·12345'
    """
    value = compact(value)
    return f"{value[:2]}·{value[2:]}"
