"""残疾人证号 — the number of the disability certificate (第二代残疾人证).

The holder's 18-character resident ID followed by two digits: the category
of disability (1 visual, 2 hearing, 3 speech, 4 physical, 5 intellectual,
6 mental, 7 multiple) and its grade (1–4). The ID inside carries its own check
character, so the whole number validates; masking it must hide the ID.

>>> validate('11010519491231002X41')
'11010519491231002X41'
>>> category('11010519491231002X41'), grade('11010519491231002X41')
('physical', 1)
>>> validate('11010519491231002X81')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: category 8 is not 1-7
"""
from __future__ import annotations

from . import InvalidNumber, passes, strip_separators
from . import resident_id

CATEGORIES = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")


def compact(value: str) -> str:
    return strip_separators(value).upper()


def validate(value: str) -> str:
    value = compact(value)
    if len(value) != 20:
        raise InvalidNumber(f"length {len(value)}, expected 20")
    resident_id.validate(value[:18])
    if value[18] not in "1234567":
        raise InvalidNumber(f"category {value[18]} is not 1-7")
    if value[19] not in "1234":
        raise InvalidNumber(f"grade {value[19]} is not 1-4")
    return value


def category(value: str) -> str:
    return CATEGORIES[int(compact(value)[18]) - 1]


def grade(value: str) -> int:
    return int(compact(value)[19])


def is_valid(value: str) -> bool:
    return passes(validate, value)


def format(value: str) -> str:
    return compact(value)
