"""台湾居民来往大陆通行证（台胞证）— Mainland travel permit for Taiwan residents.

8 digits on the card issued since 2015 (a 2-digit issue count may follow:
10 digits), 10 digits and sometimes a letter in brackets on the older booklet.
Eight digits alone say nothing: the detector reports them only under a
label or column that names this permit.

>>> validate('12345678'), validate('1234567801'), validate('1234567890(B)')
('12345678', '1234567801', '1234567890B')
>>> validate('1234567')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not 8 or 10 digits (with an optional letter)
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, strip_separators

_SHAPE = re.compile(r"[0-9]{8}|[0-9]{10}[A-Z]?")


def compact(value: str) -> str:
    return strip_separators(value).upper()


def validate(value: str) -> str:
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not 8 or 10 digits (with an optional letter)")
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    return compact(value)
