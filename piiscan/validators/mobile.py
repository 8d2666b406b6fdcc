"""Mainland China mobile numbers: 11 digits on an allocated ``1xx`` segment.

The segment list is data (``patterns/mobile_segments.txt``): allocations change.

>>> validate('+86 138-0013-8000')
'13800138000'
>>> validate('14212345678')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: segment 142 is not allocated
>>> format('８６１３８００１３８０００')
'138 0013 8000'
"""
from __future__ import annotations

import functools

from .. import patterns
from . import InvalidNumber, passes, strip_separators


@functools.lru_cache(maxsize=None)
def _segments() -> tuple[frozenset[str], frozenset[str]]:
    segs = patterns.lines("mobile_segments.txt")
    return frozenset(s for s in segs if len(s) == 3), frozenset(s for s in segs if len(s) == 4)


def compact(value: str) -> str:
    """Digits only, without a ``+86``/``0086``/``86`` country prefix."""
    digits = strip_separators(value)
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            return digits[len(prefix):]
    return digits


def validate(value: str) -> str:
    value = compact(value)
    if len(value) != 11 or not value.isdigit():
        raise InvalidNumber("not 11 digits")
    three, four = _segments()
    if value[:3] not in three and value[:4] not in four:
        raise InvalidNumber(f"segment {value[:3]} is not allocated")
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    value = compact(value)
    return f"{value[:3]} {value[3:7]} {value[7:]}"
