"""澳門居民身份證號碼 — Macao resident identity card number.

Eight digits written ``1234567(8)``: the first is 1, 5 or 7 (permanent,
non-permanent …) and the last, in brackets, a check digit whose algorithm the
Identification Services Bureau does not publish. Without a verifiable check,
a Macao ID is reported only with a label or column, or in its bracketed form
next to one.

>>> validate('1234567(8)'), validate('5/215673/2')
('12345678', '52156732')
>>> validate('3234567(8)')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not 1, 5 or 7 followed by 7 digits
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, strip_separators

_SHAPE = re.compile(r"[157][0-9]{7}")


def compact(value: str) -> str:
    return strip_separators(value).replace("/", "")


def validate(value: str) -> str:
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not 1, 5 or 7 followed by 7 digits")
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    value = compact(value)
    return f"{value[:7]}({value[7]})"
