"""CN_PLATE: a motor vehicle licence plate (粤B·12345, new-energy 粤BD12345), GA 36.

It ties a vehicle, and so usually a person, to a place and a time (a parking
record, a violation list): personal information when published with a name or alone.
"""
from __future__ import annotations

import random

from ..validators import plate
from .forms import mask_alnum
from .spec import PERSONAL, EntityType
from .specdata import type_data

NAME = "CN_PLATE"


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """Province and city letter, and the last character: ``粤B·****5``."""
    return mask_alnum(value, keep or (2, 1), char)


def generalize(value: str) -> str:
    """The issuing city's prefix: ``粤B``."""
    return plate.compact(value)[:2]


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.plate_number(rng)


SPEC = EntityType(
    name=NAME,
    label="车牌号",
    description="Chinese vehicle licence plate",
    details="A licence plate by its shape (province, city letter, 5 characters, or 6 for new-energy vehicles; "
            "special plates ending 挂/学/警/港/澳); reported with more confidence under a plate label or column.",
    category=PERSONAL,
    normal=plate.compact,
    allow_form=plate.compact,
    mask=mask,
    generalize=generalize,
    fake=fake,
    column_headers=tuple(type_data(NAME)["column_headers"]),
    context_words=tuple(type_data(NAME)["context_words"]),
    detector="piiscan.detectors.plate:PlateDetector",
    detector_priority=50,
)
