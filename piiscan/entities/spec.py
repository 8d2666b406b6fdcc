"""``EntityType``: everything piiscan knows about one kind of personal information, in one place.

Reports, redaction strategies, the gate, tables and the CLI ask the registry
(:mod:`piiscan.entities.registry`) for a type's spec instead of keeping their
own per-type tables, so a new type is one spec, one detector and its data.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Callable

from ..validators import to_ascii

#: PIPL art. 28 / GB/T 35273 annex B: sensitive personal information (an ID number, a financial
#: account, health, religion, ethnicity …): a leak can harm the person, so it needs a separate consent.
SENSITIVE = "sensitive"
#: Other personal information (a name, a phone, an address).
PERSONAL = "personal"
#: Produced by an audit (a masked value that shows too much, a column a profile forbids), never by
#: the default detectors: the type says what the finding is about, not what kind of value it holds.
REPORT_ONLY = "report-only"
CATEGORIES = (SENSITIVE, PERSONAL, REPORT_ONLY)

Mask = Callable[[str, "tuple[int, int] | None", str], str]


def default_normal(value: str) -> str:
    """A value without white space: ``张 三`` and ``张三`` are one value."""
    return "".join(value.split())


_SPACES = re.compile(r"\s+")


def default_allow_form(value: str) -> str:
    """Full-width folded, no white space, case-insensitive: how an allowlist entry is compared."""
    return _SPACES.sub("", to_ascii(value)).casefold()


def default_mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """First character, then stars (at least one): ``E*********``."""
    first, last = keep if keep is not None else (1, 0)
    return value[:first] + char * max(len(value) - first - last, 1) + (value[len(value) - last:] if last else "")


@dataclass(frozen=True)
class EntityType:
    """One entity type. Only ``name``, ``label`` and ``description`` are required.

    ``name`` is part of the public contract (reports, baselines, ``--types``): never rename one.
    ``label`` is the Chinese label reports and the ``tag`` strategy show (``[身份证号]``).
    ``category`` is :data:`SENSITIVE`, :data:`PERSONAL` or :data:`REPORT_ONLY`.

    Functions (each has a generic default, so a spec gives only what differs):

    * ``normal(value)`` — the canonical form two spellings of one value share
      (``138 0013 8000`` = ``+8613800138000``): pseudonyms, fakes and re-scan exemptions key on it.
    * ``allow_form(value)`` — the form an allowlist entry and a finding are compared in.
    * ``mask(value, keep, char)`` — the display mask (reports, logs, and ``redact``'s default);
      ``keep`` is the user's ``(first, last)`` for this type, or None for the type's default.
    * ``generalize(value)`` — a coarse, statistically useful part (region + birth year, county …);
      None: ``[label]``.
    * ``fake(normal, rng)`` — a valid-looking synthetic value; None: stars.

    Data: ``column_headers`` are table headers that announce the type (built-in types keep theirs in
    ``patterns/column_headers.toml``); ``context_words`` are words near a value that announce it.
    ``detector`` names the detector that finds the type, as ``"module:attribute"`` (imported when a
    scanner is built, so specs stay cheap to import); ``detector_priority`` orders detectors (an
    earlier detector wins a tie between overlapping findings of equal confidence and length).
    """

    name: str
    label: str
    description: str
    details: str = ""
    category: str = PERSONAL
    normal: Callable[[str], str] = default_normal
    allow_form: Callable[[str], str] = default_allow_form
    mask: Mask = default_mask
    generalize: Callable[[str], str] | None = None
    fake: Callable[[str, random.Random], str] | None = None
    column_headers: tuple[str, ...] = ()
    context_words: tuple[str, ...] = ()
    detector: str | None = None
    detector_priority: int = 100
    #: Digit-only values (IDs, phones, cards): a spreadsheet may have stored them as numbers.
    numeric: bool = False
    #: An attribute of a person read from a column (a birth date, an ethnicity …), not an identifier:
    #: where a disclosure profile forbids the column, the column's rule reports the cell (FORBIDDEN_FIELD).
    attribute: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "").isalnum() or self.name.upper() != self.name:
            raise ValueError(f"entity type name {self.name!r}: use UPPER_CASE letters, digits and _")
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.name}: category {self.category!r} is not one of {', '.join(CATEGORIES)}")

    @property
    def sensitive(self) -> bool:
        return self.category == SENSITIVE

    @property
    def report_only(self) -> bool:
        return self.category == REPORT_ONLY

    def generalized(self, value: str) -> str:
        return self.generalize(value) if self.generalize is not None else f"[{self.label}]"

    def faked(self, normal: str, rng: random.Random) -> str:
        return self.fake(normal, rng) if self.fake is not None else "*" * len(normal)
