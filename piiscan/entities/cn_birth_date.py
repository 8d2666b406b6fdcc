"""CN_BIRTH_DATE: Date of birth (出生日期).

A date (1990-03-07, 1990年3月7日, 199003 …) right after a birth-date label or under a birth-date
column; a date alone is never reported.
Headers and values: ``patterns/types/CN_BIRTH_DATE.toml``.
"""
from __future__ import annotations

from .spec import PERSONAL, EntityType
from .specdata import type_data


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """Only the year stays: ``1990-**-**``, ``1990年*月*日``."""
    return value[:4] + "".join(char if ch.isdigit() else ch for ch in value[4:])


def generalize(value: str) -> str:
    """The year: ``1990年生``."""
    return f"{value[:4]}年生"


SPEC = EntityType(
    name="CN_BIRTH_DATE",
    label="出生日期",
    description="Date of birth",
    details="A date (1990-03-07, 1990年3月7日, 199003 …) right after a birth-date label or under a birth-date "
            "column; a date alone is never reported.",
    category=PERSONAL,
    normal=lambda value: "".join(value.split()),
    mask=mask,
    generalize=generalize,
    column_headers=tuple(type_data("CN_BIRTH_DATE")["column_headers"]),
    context_words=tuple(type_data("CN_BIRTH_DATE").get("context_words", ())),
    detector="piiscan.detectors.dates:BirthDateDetector",
    detector_priority=70,
    attribute=True,
)
