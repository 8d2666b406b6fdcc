"""RELIEF_STATUS: Low-income or relief status (救助类别).

低保/特困/五保 status in a column that names it (header and value); never from prose.
Headers and values: ``patterns/types/RELIEF_STATUS.toml``.
"""
from __future__ import annotations

from .spec import SENSITIVE, EntityType
from .specdata import type_data


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """The whole value: an attribute has no harmless part."""
    return char * len(value)


SPEC = EntityType(
    name="RELIEF_STATUS",
    label="救助类别",
    description="Low-income or relief status",
    details="低保/特困/五保 status in a column that names it (header and value); never from prose.",
    category=SENSITIVE,
    mask=mask,
    column_headers=tuple(type_data("RELIEF_STATUS")["column_headers"]),
    context_words=tuple(type_data("RELIEF_STATUS").get("context_words", ())),
    detector="piiscan.detectors.columns:ColumnDetectors.relief",
    detector_priority=70,
    attribute=True,
)
