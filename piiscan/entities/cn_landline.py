"""CN_LANDLINE: a fixed-line number with a valid area code (010-65529988, 0791-86123456 转 8001)."""
from __future__ import annotations

import random

from ..validators import landline
from .forms import area_code, area_name, digits_of, mask_significant
from .spec import PERSONAL, EntityType
from .specdata import column_headers, context_words

NAME = "CN_LANDLINE"
LABEL = "固定电话"


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """Keep the area code (it names a city, not a household): ``0791-********``."""
    first, last = keep if keep is not None else (len(area_code(value)), 0)
    return mask_significant(value, first, last, char)


def generalize(value: str) -> str:
    """The area and its city: ``0791(江西省南昌市)``."""
    area = area_code(value)
    if not area:
        return f"[{LABEL}]"
    return f"{area}({area_name(digits_of(value)) or '固话'})"


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.landline_number(rng)


SPEC = EntityType(
    name=NAME,
    label=LABEL,
    description="Chinese landline number",
    details="A landline number with a valid area code.",
    category=PERSONAL,
    normal=digits_of,
    allow_form=landline.compact,
    mask=mask,
    generalize=generalize,
    fake=fake,
    column_headers=column_headers("PHONE"),
    context_words=context_words(NAME),
    detector="piiscan.detectors.numbers:NumberDetector",
    detector_priority=20,
    numeric=True,
)
