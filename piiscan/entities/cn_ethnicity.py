"""CN_ETHNICITY: Ethnicity (民族).

One of the 56 recognised ethnic groups in a 民族 column (header and value); never from prose.
Headers and values: ``patterns/types/CN_ETHNICITY.toml``.
"""
from __future__ import annotations

from .spec import SENSITIVE, EntityType
from .specdata import type_data


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """The whole value: an attribute has no harmless part."""
    return char * len(value)


SPEC = EntityType(
    name="CN_ETHNICITY",
    label="民族",
    description="Ethnicity",
    details="One of the 56 recognised ethnic groups in a 民族 column (header and value); never from prose.",
    category=SENSITIVE,
    mask=mask,
    column_headers=tuple(type_data("CN_ETHNICITY")["column_headers"]),
    context_words=tuple(type_data("CN_ETHNICITY").get("context_words", ())),
    detector="piiscan.detectors.columns:ColumnDetectors.ethnicity",
    detector_priority=70,
    attribute=True,
)
