"""HEALTH_INFO: Health information (健康信息).

An illness or condition in a 病情/诊断/病种 column (header and value); never from prose.
Headers and values: ``patterns/types/HEALTH_INFO.toml``.
"""
from __future__ import annotations

from .spec import SENSITIVE, EntityType
from .specdata import type_data


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """The whole value: an attribute has no harmless part."""
    return char * len(value)


SPEC = EntityType(
    name="HEALTH_INFO",
    label="健康信息",
    description="Health information",
    details="An illness or condition in a 病情/诊断/病种 column (header and value); never from prose.",
    category=SENSITIVE,
    mask=mask,
    column_headers=tuple(type_data("HEALTH_INFO")["column_headers"]),
    context_words=tuple(type_data("HEALTH_INFO").get("context_words", ())),
    detector="piiscan.detectors.columns:ColumnDetectors.health",
    detector_priority=70,
    attribute=True,
)
