"""港澳居民来往内地通行证（回乡证）— Mainland travel permit for Hong Kong and Macao residents.

``H`` (Hong Kong) or ``M`` (Macao) and 8 digits on the card issued since 2013
(a 2-digit issue count printed beside it is sometimes written after it), 10
digits on the older booklet: ``H12345678``, ``H1234567801``, ``M1234567890``.
No check character: reported only with a label or column.

>>> validate('H12345678'), validate('m 1234 5678 90')
('H12345678', 'M1234567890')
>>> region('M1234567890')
'Macao'
>>> validate('H1234567')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not H or M followed by 8 or 10 digits
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, strip_separators

_SHAPE = re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})")


def compact(value: str) -> str:
    return strip_separators(value).upper()


def validate(value: str) -> str:
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not H or M followed by 8 or 10 digits")
    return value


def region(value: str) -> str:
    return "Hong Kong" if compact(value)[0] == "H" else "Macao"


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    return compact(value)
