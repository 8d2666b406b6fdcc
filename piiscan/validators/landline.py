"""Mainland China fixed-line numbers: area code (010, 02x, 0xxx) + 7–8 digits.

Area codes and local lengths are checked with ``phonenumbers`` (Google's
libphonenumber metadata), which knows which area codes exist.

>>> validate('(010) 6552 9988')
'01065529988'
>>> validate('0791-86123456')
'079186123456'
>>> validate('0999-1234')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not an area code followed by 7-8 digits
"""
from __future__ import annotations

import phonenumbers

from . import InvalidNumber, passes, strip_separators


def compact(value: str) -> str:
    return strip_separators(value)


def validate(value: str) -> str:
    """Check a number; return its compact form or raise.

    ``00`` opens an international number, never a Chinese area code:

    >>> is_valid('003289218401')
    False
    """
    value = compact(value)
    if not (value.isdigit() and value.startswith("0") and 10 <= len(value) <= 12) or value[1] == "0":
        raise InvalidNumber("not an area code followed by 7-8 digits")
    # The national number is the value without its trunk prefix 0; building it
    # directly skips phonenumbers.parse, which cost ~20 us of the ~25 us here.
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(value[1:]))
    if not phonenumbers.is_valid_number(number):
        raise InvalidNumber("unknown area code or wrong length")
    if phonenumbers.number_type(number) not in _FIXED_LINE:
        raise InvalidNumber("not a fixed-line number")
    return value


_FIXED_LINE = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def area_code(value: str) -> str:
    """The area code part.

    >>> area_code('010-65529988'), area_code('0791-86123456')
    ('010', '0791')
    """
    value = compact(value)
    number = phonenumbers.parse(value, "CN")
    n = phonenumbers.length_of_geographical_area_code(number)
    return "0" + str(number.national_number)[:n] if n else value[:4]


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    value = compact(value)
    area = area_code(value)
    return f"{area}-{value[len(area):]}"
