"""中華民國國民身分證統一編號 and 居留證統一證號 — Taiwan national ID and resident certificate numbers.

A letter for the place of first registration and nine digits: ``A123456789``.
The second character tells the holder's kind: ``1``/``2`` a national (sex),
``8``/``9`` a resident certificate in the 2021 format (foreign and mainland
residents, also Hong Kong and Macau residents); the old resident certificate
used a second letter (``AB12345678``). The check: the first letter becomes a
two-digit code (A=10, B=11 … in the order of the table below), every digit is
weighted 1, 9, 8, … 1, 1, and the sum is a multiple of 10. An old second letter
counts with the last digit of its own code.

>>> validate('A123456789')
'A123456789'
>>> validate('A123456788')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: wrong check digit: expected 9
>>> validate('A800000014'), validate('AC01234567')
('A800000014', 'AC01234567')
>>> kind('A223456781'), kind('A800000014'), kind('AC01234567')
('national', 'resident', 'resident (old format)')
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, strip_separators

# The letters in the order of their codes 10, 11, …: I, O, W, Z and X, Y are out of line.
_CODES = {c: i + 10 for i, c in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO")}
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
_SHAPE = re.compile(r"[A-Z](?:[1289][0-9]{8}|[A-D][0-9]{8})")


def compact(value: str) -> str:
    return strip_separators(value).upper()


def _digits(body: str) -> list[int]:
    code = _CODES[body[0]]
    second = _CODES[body[1]] % 10 if body[1].isalpha() else int(body[1])
    return [code // 10, code % 10, second] + [int(c) for c in body[2:]]


def calc_check_digit(body: str) -> str:
    """The last digit for the first nine characters.

    >>> calc_check_digit('A12345678')
    '9'
    """
    total = sum(w * d for w, d in zip(_WEIGHTS, _digits(body)))
    return str(-total % 10)


def validate(value: str) -> str:
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not a letter, then 1, 2, 8, 9 or A-D, then 8 digits")
    expected = calc_check_digit(value[:9])
    if value[9] != expected:
        raise InvalidNumber(f"wrong check digit: expected {expected}")
    return value


def kind(value: str) -> str:
    """``national``, ``resident`` or ``resident (old format)``."""
    value = compact(value)
    if value[1].isalpha():
        return "resident (old format)"
    return "national" if value[1] in "12" else "resident"


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    return compact(value)
