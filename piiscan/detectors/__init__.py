"""Detectors: each finds candidates of its types in a text and validates them.

A detector is any object with a ``name``, the ``types`` it can report and a
``detect(text, label)`` method yielding :class:`~piiscan.finding.Finding`.
``label`` is the text that labels the whole input, such as a table column
header; detectors treat it as context standing before the text.

A detector may also have ``requires``: a compiled pattern that any text it
can find something in matches (a digit, a Han character, an ``@``). The
scanner skips the detector on texts without it: most table cells hold one
kind of value, and the other detectors' set-up then costs more than the check.
A detector with ``needs_label = True`` reads only texts given with a label (a
table cell under its header): the scanner skips it for running text.

Detectors of the entity types are named by their specs (:mod:`piiscan.entities`);
a new type's detector is usually a :class:`~piiscan.detectors.shaped.ShapedDetector`
(shape, validator, context words) or a
:class:`~piiscan.detectors.columns.ColumnValueDetector` (header and value).
"""
from __future__ import annotations

import re
from typing import Iterable, Protocol

from ..finding import Finding


class Detector(Protocol):
    name: str
    types: frozenset[str]

    def detect(self, text: str, label: str | None = None) -> Iterable[Finding]: ...


#: What the built-in detectors require (see ``requires`` above).
DIGIT = re.compile("[0-9０-９]")
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff"  # CJK Extension A and the Unified Ideographs, for character classes
HAN = re.compile(f"[{HAN_RANGES}]")
