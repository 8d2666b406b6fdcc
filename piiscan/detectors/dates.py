"""CN_BIRTH_DATE: a date of birth, only right after a birth-date label or under a birth-date column.

>>> d = BirthDateDetector()
>>> [f.value for f in d.detect("出生日期：1990年3月7日，发布日期：2021-04-01")]
['1990年3月7日']
>>> [f.value for f in d.detect("1957-11-13", "出生日期")]
['1957-11-13']
>>> list(d.detect("2021-04-01")), list(d.detect("1990-02-30", "生日"))
([], [])
"""
from __future__ import annotations

import datetime

import regex

from .shaped import ShapedDetector

_YEAR = r"(?:19|20)[0-9]{2}"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
DATE = regex.compile(
    rf"(?<![0-9])(?:{_YEAR}(?:年\s?{_MONTH}月(?:\s?{_DAY}日)?|[-/.]{_MONTH}(?:[-/.]{_DAY})?)"
    r"|(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])?)(?![0-9])"
)
_DIGIT = regex.compile(r"[0-9]")
_PARTS = regex.compile(r"[0-9]+")


def is_birth_date(value: str) -> bool:
    """A real date (or year and month) between 1900 and today."""
    parts = _PARTS.findall(value)
    if len(parts) == 1:  # 19900307 or 199003
        digits = parts[0]
        parts = [digits[:4], digits[4:6]] + ([digits[6:]] if len(digits) == 8 else [])
    year, month = int(parts[0]), int(parts[1])
    day = int(parts[2]) if len(parts) > 2 else 1
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= date <= datetime.date.today()


class BirthDateDetector(ShapedDetector):
    def __init__(self) -> None:
        super().__init__("CN_BIRTH_DATE", "cn_birth_date", DATE, is_birth_date, requires=_DIGIT, evidence="date",
                         adjacent=True)  # 1963年出生，高级经济师，自2002年…: the word belongs to the date before it
