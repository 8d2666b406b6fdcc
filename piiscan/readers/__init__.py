"""Readers turn a file into text segments that know where they came from.

Nothing downstream of a reader knows the file format: the scanner sees a
:class:`Segment`'s text (and ``label``, the header of a table column) and the
location fields are copied onto each finding.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ReadError(Exception):
    """A file that cannot be read (corrupt, encrypted, unsupported): the message says why."""


@dataclass(frozen=True)
class Segment:
    text: str
    label: str | None = None  # context for the whole segment, e.g. a column header
    location: dict[str, Any] = field(default_factory=dict)  # page, sheet, row, column, ...
    line_offsets: bool = False  # True: compute line/column from offsets in ``text``
