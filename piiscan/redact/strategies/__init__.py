"""Redaction strategies: each turns one finding's value into its replacement.

A strategy module exposes::

    NAME: str
    NEEDS_KEY: bool      # refuses to run without a secret key
    LOOKS_REAL: bool     # output is valid-looking PII on purpose (``fake``):
                         # a re-scan finds it, so checks must exempt it
    def replace(etype: str, value: str, ctx: Context) -> str

and optionally ``EMPTIES_CELL = True`` (a table cell holding the value is
emptied as a whole: ``delete``, ``drop-column``) and ``PER_DOCUMENT = True``
with ``begin_document(names, ctx)`` (the replacement depends on the other
values of the same document: ``court-name`` numbers same-surname people).
Names with a hyphen live in modules with an underscore (``drop-column`` in
``drop_column.py``).

Replacements must not be detected again as personal information (except
``fake``); the redaction engine re-scans its own output and falls back to a
full mask where a replacement still trips a detector.
"""
from __future__ import annotations

import hashlib
import hmac
import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Mapping

from ...entities import registry
from ...entities.forms import digits_of  # noqa: F401 - re-exported: strategies and callers use it from here

STRATEGIES: tuple[str, ...] = ("mask", "tag", "pseudonymize", "encrypt", "generalize", "fake",
                               "delete", "drop-column", "court-name", "township")


@dataclass
class Context:
    """What a strategy may use besides the value: the key and per-strategy options."""

    key: bytes | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)  # per-run objects, e.g. ciphers

    def hmac(self, purpose: str, etype: str, value: str) -> bytes:
        """HMAC-SHA256 of the normalised value, domain-separated by purpose and type."""
        assert self.key is not None
        msg = f"piiscan/{purpose}\x00{etype}\x00{value}".encode("utf-8")
        return hmac.new(self.key, msg, hashlib.sha256).digest()


def get(name: str) -> ModuleType:
    if name not in STRATEGIES:
        raise ValueError(f"unknown strategy {name!r}; choose from {', '.join(STRATEGIES)}")
    return importlib.import_module(f"{__name__}.{name.replace('-', '_')}")


def normalise(etype: str, value: str) -> str:
    """The canonical form two spellings of one value share (``138 0013 8000`` = ``+8613800138000``):
    the type's spec's ``normal``; white space dropped for a type nobody registered."""
    spec = registry.find(etype)
    return spec.normal(value) if spec is not None else "".join(value.split())
