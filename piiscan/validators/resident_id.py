"""中华人民共和国居民身份证号码 — Chinese resident identity card number (GB 11643-1999).

18 characters: a 6-digit GB/T 2260 region code, the birth date as YYYYMMDD,
a 3-digit sequence (odd for men) and a check character computed with
ISO 7064 MOD 11-2 (``X`` stands for 10). Legacy 15-digit numbers (issued
before 1999) carry YYMMDD and no check character.

Two other cards carry numbers built the same way and validate here: the
residence permits of Hong Kong, Macao and Taiwan residents (``810000``,
``820000``, ``830000`` instead of a county) and, since December 2023, the
foreigner's permanent residence ID card (``9``, then the province of issue and
a 3-digit nationality code instead of the county; :func:`kind` tells them apart).

The region code is only checked at province level: a person keeps the
number when their county is renamed or abolished, and IDs were first issued
in 1984 with the code current then, so the county code is not tied to the
birth year. :func:`county_known` reports whether it ever existed, as a soft
signal.

>>> validate('11010519491231002X')
'11010519491231002X'
>>> validate('110105194912310021')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: wrong check digit: expected X
>>> validate('110105194902300020')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: birth date 19490230 is not a calendar date
>>> format('１１０１０５－１９４９１２３１－００２ｘ')
'11010519491231002X'
>>> kind('830000199201010017'), kind('931156199001010014')
('residence permit (Taiwan)', 'foreign permanent resident')
"""
from __future__ import annotations

import datetime
from operator import mul

from .. import regions
from . import InvalidNumber, passes, strip_separators

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_EARLIEST_YEAR = 1900
#: Residence permits of Taiwan residents: 83 is no province in GB/T 2260 (Taiwan is 71).
_TAIWAN_PERMIT = "830000"
_PERMITS = {"810000": "residence permit (Hong Kong)", "820000": "residence permit (Macao)",
            _TAIWAN_PERMIT: "residence permit (Taiwan)"}


def compact(value: str) -> str:
    """Strip separators, convert full-width characters, upper-case the ``X``."""
    return strip_separators(value).upper()


def calc_check_digit(first17: str) -> str:
    """The check character for the first 17 digits.

    >>> calc_check_digit('11010519491231002')
    'X'
    """
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


def birth_date(value: str) -> datetime.date:
    """The birth date an 18- or 15-character number carries.

    >>> birth_date('11010519491231002X')
    datetime.date(1949, 12, 31)
    >>> birth_date('110105491231002')
    datetime.date(1949, 12, 31)
    """
    return _birth_date(compact(value))


def _birth_date(value: str) -> datetime.date:
    raw = value[6:14] if len(value) == 18 else "19" + value[6:12]
    try:
        date = datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        raise InvalidNumber(f"birth date {raw} is not a calendar date") from None
    if not (_EARLIEST_YEAR <= date.year and date <= datetime.date.today()):
        raise InvalidNumber(f"birth date {raw} is outside {_EARLIEST_YEAR}..today")
    return date


def county_known(value: str) -> bool:
    """Whether the 6-digit region code ever existed in GB/T 2260 (soft signal)."""
    return regions.is_known_code(compact(value)[:6])


def validate(value: str) -> str:
    """Check an 18-character number; return its compact form or raise."""
    return _validate_compact(compact(value))


def _validate_compact(value: str) -> str:
    if len(value) != 18:
        raise InvalidNumber(f"length {len(value)}, expected 18")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise InvalidNumber("not 17 digits followed by a digit or X")
    if value[0] == "9":
        if value[1:3] not in regions.province_codes():
            raise InvalidNumber(f"foreign permanent resident ID: no province with code {value[1:3]}")
    elif value[:2] not in regions.province_codes() and value[:6] != _TAIWAN_PERMIT:
        raise InvalidNumber(f"no province with code {value[:2]}")
    _birth_date(value)
    expected = calc_check_digit(value[:17])
    if value[17] != expected:
        raise InvalidNumber(f"wrong check digit: expected {expected}")
    return value


def kind(value: str) -> str:
    """Whose number it is: ``resident``, ``residence permit (Hong Kong|Macao|Taiwan)`` or ``foreign permanent resident``."""
    value = compact(value)
    if value[0] == "9":
        return "foreign permanent resident"
    return _PERMITS.get(value[:6], "resident")


def validate_legacy(value: str) -> str:
    """Check a 15-digit legacy number (region must exist: there is no check digit).

    >>> validate_legacy('110105491231002')
    '110105491231002'
    >>> validate_legacy('119905491231002')
    Traceback (most recent call last):
        ...
    piiscan.validators.InvalidNumber: unknown region code 119905
    """
    value = compact(value)
    if len(value) != 15 or not value.isdigit():
        raise InvalidNumber("not 15 digits")
    if not regions.is_known_code(value[:6]):
        raise InvalidNumber(f"unknown region code {value[:6]}")
    birth_date(value)
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def is_valid_compact(value: str) -> bool:
    """:func:`is_valid` for a value already in :func:`compact` form.

    The number detector compacts a candidate once for every type it tries.

    >>> is_valid_compact('11010519491231002X'), is_valid_compact('110105 19491231002X')
    (True, False)
    """
    return passes(_validate_compact, value)


def format(value: str) -> str:
    return compact(value)
