"""香港身份證號碼 — Hong Kong identity card number (HKID).

One or two capital letters, six digits and a check character in brackets:
``A123456(3)``. The check is a weighted sum modulo 11 over the letters
(A=10 … Z=35, a missing second letter counts as 36) and digits, weights 9 down
to 2; a remainder giving 10 is written ``A``.

>>> validate('A123456(3)')
'A1234563'
>>> validate('A123456(4)')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: wrong check digit: expected 3
>>> format('ab9876543')
'AB987654(3)'
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, strip_separators

_SHAPE = re.compile(r"[A-Z]{1,2}[0-9]{6}[0-9A]")


def compact(value: str) -> str:
    """Strip separators and brackets, convert full-width characters, upper-case."""
    return strip_separators(value).upper()


def _code(c: str) -> int:
    return 36 if c == " " else int(c, 36)


def calc_check_digit(body: str) -> str:
    """The check character for the letters and six digits.

    >>> calc_check_digit('A123456'), calc_check_digit('CA182361')
    ('3', '1')
    """
    body = body.rjust(8)
    remainder = sum(w * _code(c) for w, c in zip(range(9, 1, -1), body)) % 11
    check = (11 - remainder) % 11
    return "A" if check == 10 else str(check)


def validate(value: str) -> str:
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not 1-2 letters, 6 digits and a check character")
    expected = calc_check_digit(value[:-1])
    if value[-1] != expected:
        raise InvalidNumber(f"wrong check digit: expected {expected}")
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    value = compact(value)
    return f"{value[:-1]}({value[-1]})"
