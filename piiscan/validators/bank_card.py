"""Bank card numbers: 16–19 digits, Luhn check, a plausible issuer prefix.

Prefixes are data (``patterns/card_prefixes.txt``). Luhn is specified for
cards (JR/T 0008) but passbook and rural credit account numbers have no check
digit: those are only reported with bank context (see the detector).

>>> validate('6222 0200 0000 0000 000')
'6222020000000000000'
>>> validate('6222020000000000006')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: Luhn check failed
>>> luhn_checksum('79927398713')
0
"""
from __future__ import annotations

import functools

from .. import patterns
from . import InvalidNumber, passes, strip_separators


@functools.lru_cache(maxsize=None)
def _prefixes() -> tuple[str, ...]:
    return tuple(patterns.lines("card_prefixes.txt"))


def compact(value: str) -> str:
    return strip_separators(value)


def luhn_checksum(digits: str) -> int:
    """0 for a number that passes Luhn."""
    # Every second digit from the right is doubled (and 10-18 folded to
    # 1-9): one translation instead of a Python loop per digit.
    return (sum(map(int, digits[-1::-2])) + sum(map(int, digits[-2::-2].translate(_DOUBLED)))) % 10


_DOUBLED = str.maketrans("0123456789", "0246813579")


def calc_check_digit(partial: str) -> str:
    """The Luhn digit to append to ``partial``.

    >>> calc_check_digit('622202000000000000')
    '0'
    """
    return str((10 - luhn_checksum(partial + "0")) % 10)


def validate(value: str) -> str:
    return _validate_compact(compact(value))


def _validate_compact(value: str) -> str:
    if not value.isdigit() or not 16 <= len(value) <= 19:
        raise InvalidNumber("not 16-19 digits")
    if not value.startswith(_prefixes()):
        raise InvalidNumber("no known card prefix")
    if luhn_checksum(value):
        raise InvalidNumber("Luhn check failed")
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def is_valid_compact(value: str) -> bool:
    """:func:`is_valid` for a value already in :func:`compact` form (the detector's hot path)."""
    return passes(_validate_compact, value)


def format(value: str) -> str:
    value = compact(value)
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
