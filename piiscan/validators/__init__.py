"""Number validators in the python-stdnum manner.

Each module offers ``compact(value)`` (strip separators, full-width to ASCII),
``validate(value)`` (return the compact form or raise :class:`InvalidNumber`
saying what is wrong), ``is_valid(value)`` and ``format(value)``.
"""
from __future__ import annotations

from typing import Callable


class InvalidNumber(ValueError):
    """The value is not a valid number of this kind; the message says why."""


# Full-width digits, letters and separators map 1:1 onto ASCII, so offsets
# into the original text stay valid after translation.
FULLWIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
    | {"\u3000": " ", "－": "-", "（": "(", "）": ")", "＋": "+", "\u00a0": " "}
)

_SEPARATORS = str.maketrans("", "", " -()+\t")


def to_ascii(value: str) -> str:
    """Full-width digits, letters and separators to ASCII.

    >>> to_ascii('１３８－００１３')
    '138-0013'
    """
    return value.translate(FULLWIDTH)


def strip_separators(value: str) -> str:
    """ASCII form without spaces, hyphens, parentheses and plus signs.

    >>> strip_separators('（０１０）１２３４ ５６７８')
    '01012345678'
    """
    return to_ascii(value).translate(_SEPARATORS)


def passes(check: Callable[[str], object], value: str) -> bool:
    """Whether ``check(value)`` returns rather than raising :class:`InvalidNumber`: every ``is_valid``.

    >>> from piiscan.validators import mobile
    >>> passes(mobile.validate, "13800138000"), passes(mobile.validate, "14212345678")
    (True, False)
    """
    try:
        check(value)
    except InvalidNumber:
        return False
    return True
