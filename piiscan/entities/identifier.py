"""The spec of an identifier found by shape and context (passports, permits, HK/Macao/Taiwan IDs …).

Such a type's module gives its name, label, descriptions, category, compact
form and detector; its data (headers, context words) is ``patterns/types/<NAME>.toml``.
"""
from __future__ import annotations

import random
from typing import Callable

from .forms import mask_alnum
from .spec import EntityType
from .specdata import type_data


def identifier_spec(name: str, label: str, description: str, details: str, *, category: str,
                    compact: Callable[[str], str], detector: str, keep: tuple[int, int] = (1, 1),
                    generalize: Callable[[str], str] | None = None,
                    fake: Callable[[str, random.Random], str] | None = None, priority: int = 60) -> EntityType:
    """An :class:`EntityType` whose display mask keeps ``keep`` letters/digits at each end (at most half)."""
    data = type_data(name)

    def mask(value: str, user_keep: tuple[int, int] | None, char: str) -> str:
        return mask_alnum(value, user_keep or keep, char)

    mask.__doc__ = f"Keep {keep[0]} character(s) at the start and {keep[1]} at the end, at most half."
    return EntityType(name=name, label=label, description=description, details=details, category=category,
                      normal=compact, allow_form=compact, mask=mask, generalize=generalize, fake=fake,
                      column_headers=tuple(data.get("column_headers", ())),
                      context_words=tuple(data.get("context_words", ())),
                      detector=detector, detector_priority=priority)
