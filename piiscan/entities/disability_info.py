"""DISABILITY_INFO: Disability category or grade (残疾情况).

A disability category or grade in a 残疾类别/残疾等级 column (header and value); never from prose.
Headers and values: ``patterns/types/DISABILITY_INFO.toml``.
"""
from __future__ import annotations

from .spec import SENSITIVE, EntityType
from .specdata import type_data


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """The whole value: an attribute has no harmless part."""
    return char * len(value)


SPEC = EntityType(
    name="DISABILITY_INFO",
    label="残疾情况",
    description="Disability category or grade",
    details="A disability category or grade in a 残疾类别/残疾等级 column (header and value); never from prose.",
    category=SENSITIVE,
    mask=mask,
    column_headers=tuple(type_data("DISABILITY_INFO")["column_headers"]),
    context_words=tuple(type_data("DISABILITY_INFO").get("context_words", ())),
    detector="piiscan.detectors.columns:ColumnDetectors.disability",
    detector_priority=70,
    attribute=True,
)
