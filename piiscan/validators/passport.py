"""中华人民共和国护照号码 — passport numbers of the People's Republic of China.

Ordinary passports: ``E`` + 8 digits (electronic passports since 2012), then,
as those ran out, ``E`` + a letter (not I or O) + 7 digits; ``G`` + 8 digits
(the 2008–2012 series); older booklets ``14``/``15`` + 7 digits. Diplomatic,
service and public-affairs passports start with ``D``, ``S`` or ``P`` (``DE``,
``SE``, ``PE`` for electronic ones) and 7 digits.

There is no check character: a bare ``E12345678`` is also a plausible serial
number, so the detector reports passport numbers only with a label or a column
that says so.

>>> validate('E12345678'), validate('EA1234567'), validate('G 1234 5678'), validate('141234567')
('E12345678', 'EA1234567', 'G12345678', '141234567')
>>> validate('EI1234567')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not a PRC passport number
"""
from __future__ import annotations

import re

from . import InvalidNumber, passes, strip_separators

_SHAPE = re.compile(r"[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|1[45][0-9]{7}|[DSP]E?[0-9]{7}")


def compact(value: str) -> str:
    return strip_separators(value).upper()


def validate(value: str) -> str:
    value = compact(value)
    if not _SHAPE.fullmatch(value):
        raise InvalidNumber("not a PRC passport number")
    return value


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    return compact(value)
