"""IMEI — international mobile equipment identity (3GPP TS 23.003).

Fifteen digits: an 8-digit type allocation code, a 6-digit serial and a Luhn
check digit. Many 15-digit numbers pass Luhn by chance (one in ten), so the
detector reports an IMEI only with a label (IMEI, 串号, 设备号) or column.

>>> validate('35-209900-176148-1')
'352099001761481'
>>> validate('352099001761482')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: Luhn check failed
"""
from __future__ import annotations

from . import InvalidNumber, passes, strip_separators
from .bank_card import luhn_checksum


def compact(value: str) -> str:
    return strip_separators(value)


def validate(value: str) -> str:
    value = compact(value)
    if len(value) != 15 or not value.isdigit():
        raise InvalidNumber("not 15 digits")
    if luhn_checksum(value):
        raise InvalidNumber("Luhn check failed")
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    value = compact(value)
    return f"{value[:2]}-{value[2:8]}-{value[8:14]}-{value[14]}"
