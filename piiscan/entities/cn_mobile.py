"""CN_MOBILE: an 11-digit mainland mobile number in an allocated segment."""
from __future__ import annotations

import random

from ..validators import mobile
from .forms import digits_of, mask_significant
from .spec import PERSONAL, EntityType
from .specdata import column_headers, context_words

NAME = "CN_MOBILE"


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """The national 3 + 4 convention: ``138-****-8000``."""
    first, last = keep or (3, 4)
    # A +86 / 0086 country code is not part of the 11 digits the policy counts.
    extra = max(0, len(digits_of(value)) - 11)
    return mask_significant(value, first + extra, last, char)


def generalize(value: str) -> str:
    """The segment: ``138号段``."""
    return f"{mobile.compact(value)[:3]}号段"


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.mobile_number(rng)


SPEC = EntityType(
    name=NAME,
    label="手机号",
    description="Chinese mobile phone number",
    details="An 11-digit mainland mobile number in an allocated segment.",
    category=PERSONAL,
    normal=mobile.compact,
    allow_form=mobile.compact,
    mask=mask,
    generalize=generalize,
    fake=fake,
    column_headers=column_headers("PHONE"),
    context_words=context_words(NAME),
    detector="piiscan.detectors.numbers:NumberDetector",
    detector_priority=20,
    numeric=True,
)
