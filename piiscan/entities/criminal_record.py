"""CRIMINAL_RECORD: Criminal record (犯罪记录).

A sentence or offence in a 犯罪记录/刑事处罚 column (header and value); never from prose.
Headers and values: ``patterns/types/CRIMINAL_RECORD.toml``.
"""
from __future__ import annotations

from .spec import SENSITIVE, EntityType
from .specdata import type_data


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """The whole value: an attribute has no harmless part."""
    return char * len(value)


SPEC = EntityType(
    name="CRIMINAL_RECORD",
    label="犯罪记录",
    description="Criminal record",
    details="A sentence or offence in a 犯罪记录/刑事处罚 column (header and value); never from prose.",
    category=SENSITIVE,
    mask=mask,
    column_headers=tuple(type_data("CRIMINAL_RECORD")["column_headers"]),
    context_words=tuple(type_data("CRIMINAL_RECORD").get("context_words", ())),
    detector="piiscan.detectors.columns:ColumnDetectors.criminal_record",
    detector_priority=70,
    attribute=True,
)
