"""What a redaction did, in a module of its own: the writers record changes, the engine defines how."""
from __future__ import annotations

from dataclasses import dataclass

from ..finding import Finding


class RedactionError(RuntimeError):
    """Redaction could not guarantee that nothing was left behind."""


@dataclass(frozen=True)
class Change:
    """One replacement: ``finding`` (offsets into the input) became ``replacement``
    at ``new_start`` in the output."""

    finding: Finding
    replacement: str
    new_start: int
    exempt: bool = False  # a fake: looks like PII on purpose

    @property
    def new_end(self) -> int:
        return self.new_start + len(self.replacement)
