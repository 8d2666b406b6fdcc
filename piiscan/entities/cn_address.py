"""CN_ADDRESS: an address precise enough to locate a household (to the village group or the room)."""
from __future__ import annotations

import random

from .forms import region_prefix
from .spec import PERSONAL, EntityType
from .specdata import column_headers, context_words

NAME = "CN_ADDRESS"
LABEL = "地址"


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """Keep down to the county (an area of tens of thousands): ``江西省抚州市乐安县********``."""
    prefix = region_prefix(value)
    return value[:len(prefix)] + char * (len(value) - len(prefix))


def generalize(value: str) -> str:
    """The county: ``江西省抚州市乐安县``."""
    return region_prefix(value) or f"[{LABEL}]"


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.address(rng)


SPEC = EntityType(
    name=NAME,
    label=LABEL,
    description="Chinese postal address",
    details="An address precise enough to locate a household.",
    category=PERSONAL,
    mask=mask,
    generalize=generalize,
    fake=fake,
    column_headers=column_headers(NAME),
    context_words=context_words(NAME),
    detector="piiscan.detectors.address:AddressDetector",
    detector_priority=30,
)
