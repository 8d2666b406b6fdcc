"""Detectors: each finds candidates of its types in a text and validates them.

A detector is any object with a ``name``, the ``types`` it can report and a
``detect(text, label)`` method yielding :class:`~piiscan.finding.Finding`.
``label`` is the text that labels the whole input, such as a table column
header; detectors treat it as context standing before the text.
"""
from __future__ import annotations

from typing import Iterable, Protocol

from ..finding import Finding


class Detector(Protocol):
    name: str
    types: frozenset[str]

    def detect(self, text: str, label: str | None = None) -> Iterable[Finding]: ...
