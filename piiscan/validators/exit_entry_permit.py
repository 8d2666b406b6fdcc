"""大陆居民往来港澳/台湾通行证 — exit-entry permits of mainland residents.

To Hong Kong and Macao: ``C`` + 8 digits on the card issued since 2014, ``C``
+ a letter + 7 digits once those ran out, ``W`` + 8 digits on the old booklet.
To Taiwan: ``L`` + 8 digits on the card issued since 2017, ``T`` + 8 digits on
the booklet. No check character: reported only with a label or column.

>>> validate('C12345678'), validate('CA1234567'), validate('L12345678')
('C12345678', 'CA1234567', 'L12345678')
>>> destination('CA1234567'), destination('T12345678')
('Hong Kong and Macao', 'Taiwan')
>>> validate('C1234567')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not an exit-entry permit number
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, strip_separators

_SHAPE = re.compile(r"[CWLT][0-9]{8}|C[A-HJ-NP-Z][0-9]{7}")


def compact(value: str) -> str:
    return strip_separators(value).upper()


def validate(value: str) -> str:
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not an exit-entry permit number")
    return value


def destination(value: str) -> str:
    return "Taiwan" if compact(value)[0] in "LT" else "Hong Kong and Macao"


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    return compact(value)
