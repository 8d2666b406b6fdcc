"""CN_RELIGION: Religious belief (宗教信仰).

A religion in a 宗教信仰 column (header and value); never from prose.
Headers and values: ``patterns/types/CN_RELIGION.toml``.
"""
from __future__ import annotations

from .spec import SENSITIVE, EntityType
from .specdata import type_data


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """The whole value: an attribute has no harmless part."""
    return char * len(value)


SPEC = EntityType(
    name="CN_RELIGION",
    label="宗教信仰",
    description="Religious belief",
    details="A religion in a 宗教信仰 column (header and value); never from prose.",
    category=SENSITIVE,
    mask=mask,
    column_headers=tuple(type_data("CN_RELIGION")["column_headers"]),
    context_words=tuple(type_data("CN_RELIGION").get("context_words", ())),
    detector="piiscan.detectors.columns:ColumnDetectors.religion",
    detector_priority=70,
    attribute=True,
)
