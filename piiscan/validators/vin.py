"""车辆识别代号 VIN — vehicle identification number (GB 16735, ISO 3779).

Seventeen characters from digits and capital letters except ``I``, ``O`` and
``Q``. GB 16735 requires the ninth character to be a check character (also
in North America; many European VINs have none, so a VIN without a valid
check is reported only with a VIN label or column, see the detector): letters
are transliterated to digits, weighted 8 7 6 5 4 3 2 10 · 9 8 7 6 5 4 3 2, and
the sum modulo 11 gives the check (10 is written ``X``).

>>> validate('1M8GDM9AXKP042788')
'1M8GDM9AXKP042788'
>>> validate('LSVAU2181N2183294')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: wrong check character: expected X
>>> validate('LSVAU2I80N2183294')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not 17 characters of 0-9 and A-Z without I, O, Q
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, strip_separators

_SHAPE = re.compile(r"[0-9A-HJ-NPR-Z]{17}")
_VALUES = {**{str(d): d for d in range(10)},
           **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
           **dict(zip("STUVWXYZ", range(2, 10)))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def compact(value: str) -> str:
    return strip_separators(value).upper()


def calc_check_digit(value: str) -> str:
    """The check character of a 17-character VIN (its own ninth character is ignored).

    >>> calc_check_digit('LSVAU218?N2183294')
    'X'
    """
    total = sum(w * _VALUES.get(c, 0) for w, c in zip(_WEIGHTS, value) if w)
    return "X" if total % 11 == 10 else str(total % 11)


def validate_shape(value: str) -> str:
    """Check the characters only (for VINs of makers that write no check character)."""
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not 17 characters of 0-9 and A-Z without I, O, Q")
    if value.isdigit() or value.isalpha():
        raise InvalidNumber("a VIN mixes letters and digits")
    return value


def validate(value: str) -> str:
    value = validate_shape(value)
    expected = calc_check_digit(value)
    if value[8] != expected:
        raise InvalidNumber(f"wrong check character: expected {expected}")
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    return compact(value)
