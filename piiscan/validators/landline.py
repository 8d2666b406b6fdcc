"""Mainland China fixed-line numbers: area code (010, 02x, 0xxx) + 7–8 digits.

Area codes and local lengths are checked with ``phonenumbers`` (Google's
libphonenumber metadata), which knows which area codes exist.

>>> validate('(010) 6552 9988')
'01065529988'
>>> validate('0791-86123456')
'079186123456'
>>> validate('（０２１—６２３４５６７８）')
'02162345678'
>>> validate('0999-1234')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not an area code followed by 7-8 digits

Local numbers grew from 7 to 8 digits city by city (Beijing and Shanghai in
the 1990s, Nanchang in 2006 …); notices written before that still carry the
7-digit form, which today's plan rejects. :func:`validate_historic` accepts
it when the area code exists and takes 8-digit numbers now; a caller should
ask it only where the text says the value is a phone (a phone label or
column), as a bare 11-digit run is far more often something else.

>>> is_valid('0791-8612345'), is_valid_historic('0791-8612345'), is_valid_historic('0499-8612345')
(False, True, False)
"""
from __future__ import annotations

import phonenumbers

from . import InvalidNumber, passes, strip_separators

# Dashes and blanks people type between area code and number besides the
# ASCII ones (em and en dash, hyphens, minus, no-break spaces) and the
# invisible characters that split a number without showing (soft hyphen,
# zero-width space/joiners, word joiner, byte order mark).
_MORE_SEPARATORS = str.maketrans("", "", "—–‐‑−\u00a0\u202f\u00ad\u200b\u200c\u200d\u2060\ufeff")


def compact(value: str) -> str:
    """Digits only: separators, brackets and dashes of every width removed.

    >>> compact('０７９１—８６１２３４５６')
    '079186123456'
    """
    return strip_separators(value.translate(_MORE_SEPARATORS))


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


def validate_historic(value: str) -> str:
    """Check a number as today's plan or as a 7-digit local number of an area now at 8.

    >>> validate_historic('010-6552998')
    '0106552998'
    >>> validate_historic('0791-0612345')
    Traceback (most recent call last):
        ...
    piiscan.validators.InvalidNumber: not a 7-digit local number of an area that now has 8
    """
    try:
        return validate(value)
    except InvalidNumber:
        pass
    value = compact(value)
    if not (value.isdigit() and value.startswith("0") and 10 <= len(value) <= 11) or value[1] == "0":
        raise InvalidNumber("not an area code followed by 7-8 digits")
    # The area code is 3 digits (010, 02x) or 4; its local numbers are now 8
    # digits long exactly when the 8-digit form with a digit appended is a
    # valid number whose area code is that one.
    for split in (3, 4):
        area, local = value[:split], value[split:]
        if len(local) == 7 and local[0] not in "01":
            try:
                now = validate(area + local + "0")
            except InvalidNumber:
                continue
            number = phonenumbers.PhoneNumber(country_code=86, national_number=int(now[1:]))
            if phonenumbers.length_of_geographical_area_code(number) == split - 1:
                return value
    raise InvalidNumber("not a 7-digit local number of an area that now has 8")


_FIXED_LINE = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def area_code(value: str) -> str:
    """The area code part.

    >>> area_code('010-65529988'), area_code('0791-86123456'), area_code('0791-8612345')
    ('010', '0791', '0791')
    """
    value = compact(value)
    try:
        number = phonenumbers.parse(value, "CN")
        n = phonenumbers.length_of_geographical_area_code(number)
    except phonenumbers.NumberParseException:
        n = 0
    if not n and len(value) in (10, 11):
        # A historic 7-digit local number: the area code is what is left.
        n = len(value) - 8
    return "0" + value[1:1 + n] if n else value[:4]


def is_valid(value: str) -> bool:
    return passes(validate, value)


def is_valid_historic(value: str) -> bool:
    return passes(validate_historic, value)


def format(value: str) -> str:
    value = compact(value)
    area = area_code(value)
    return f"{area}-{value[len(area):]}"
