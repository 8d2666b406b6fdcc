"""A built-in type's data, read from ``patterns/`` (the files the detectors and tables read too)."""
from __future__ import annotations

import functools

from .. import patterns


def column_headers(kind: str) -> tuple[str, ...]:
    """Headers of ``patterns/column_headers.toml`` for a type (or ``PHONE``: mobile or landline)."""
    return tuple(patterns.toml("column_headers.toml")["types"].get(kind, ()))


def context_words(name: str) -> tuple[str, ...]:
    """Positive context words of ``patterns/context.toml`` for a type."""
    return tuple(patterns.toml("context.toml")["positive"].get(name, ()))


@functools.lru_cache(maxsize=None)
def type_data(name: str) -> dict:
    """``patterns/types/<name>.toml`` of a type added after the first seven: ``column_headers``,
    ``context_words`` (announce the type) and ``negative_words`` (say a value is something else)."""
    return patterns.toml(f"types/{name}.toml")
