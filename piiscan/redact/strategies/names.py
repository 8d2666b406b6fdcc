"""Splitting a Chinese name into surname and given name (compound surnames matter: 欧阳娜娜 → 欧阳 + 娜娜).

The functions live in :mod:`piiscan.entities.forms` (the PERSON_NAME spec uses them); re-exported here.
"""
from __future__ import annotations

from ...entities.forms import compound_surnames, split_name

__all__ = ["compound_surnames", "split_name"]
