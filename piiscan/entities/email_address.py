"""EMAIL_ADDRESS: a personal e-mail address."""
from __future__ import annotations

import random

from .spec import PERSONAL, EntityType, default_mask
from .specdata import column_headers, context_words

NAME = "EMAIL_ADDRESS"


def normal(value: str) -> str:
    return value.strip().lower()


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """First character and a fixed number of stars (the length is not revealed): ``z***@qq.com``."""
    if "@" not in value:
        return default_mask(value, keep, char)
    local, domain = value.rsplit("@", 1)
    return local[:1] + char * 3 + "@" + domain


def generalize(value: str) -> str:
    """The domain: ``*@qq.com``."""
    return "*@" + value.rsplit("@", 1)[1] if "@" in value else "[电子邮箱]"


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.email_address(rng)


SPEC = EntityType(
    name=NAME,
    label="电子邮箱",
    description="E-mail address",
    details="A personal e-mail address.",
    category=PERSONAL,
    normal=normal,
    mask=mask,
    generalize=generalize,
    fake=fake,
    column_headers=column_headers(NAME),
    context_words=context_words(NAME),
    detector="piiscan.detectors.email:EmailDetector",
    detector_priority=10,
)
