"""CN_RESIDENT_ID: the 18-digit resident identity number (GB 11643), and the legacy 15-digit one."""
from __future__ import annotations

import random

from .. import regions
from ..validators import resident_id
from .forms import digits_of, mask_half_hidden, region_path
from .spec import SENSITIVE, EntityType
from .specdata import column_headers, context_words

NAME = "CN_RESIDENT_ID"
LABEL = "身份证号"


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """First 6 (the region) and last 4, the national display convention; a 15-digit ID keeps at most half,
    its trailing end giving way: ``361025********123X``, ``110105********2``."""
    return mask_half_hidden(value, keep or (6, 4), "last", char)


def generalize(value: str) -> str:
    """Region + birth year: ``江西省抚州市乐安县1980年生``."""
    digits = digits_of(value)
    try:
        year = str(resident_id.birth_date(digits).year)
    except ValueError:
        year = ""
    place = region_path(digits[:6]) or (regions.province_of(digits[:6]) or "")
    return f"{place}{year}年生" if year else (place or f"[{LABEL}]")


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.legacy_id_number(rng) if len(normal) == 15 else synth.resident_id_number(rng)


SPEC = EntityType(
    name=NAME,
    label=LABEL,
    description="Chinese resident identity card number",
    details="An 18-digit (or legacy 15-digit) resident ID (GB 11643) with a valid region, birth date and check "
            "character.",
    category=SENSITIVE,
    normal=digits_of,
    allow_form=resident_id.compact,
    mask=mask,
    generalize=generalize,
    fake=fake,
    column_headers=column_headers(NAME),
    context_words=context_words(NAME),
    detector="piiscan.detectors.numbers:NumberDetector",
    detector_priority=20,
    numeric=True,
)
