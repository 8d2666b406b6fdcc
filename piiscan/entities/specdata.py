"""A built-in type's data, read from ``patterns/`` (the files the detectors and tables read too)."""
from __future__ import annotations

from .. import patterns


def column_headers(kind: str) -> tuple[str, ...]:
    """Headers of ``patterns/column_headers.toml`` for a type (or ``PHONE``: mobile or landline)."""
    return tuple(patterns.toml("column_headers.toml")["types"].get(kind, ()))


def context_words(name: str) -> tuple[str, ...]:
    """Positive context words of ``patterns/context.toml`` for a type."""
    return tuple(patterns.toml("context.toml")["positive"].get(name, ()))
