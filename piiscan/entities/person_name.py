"""PERSON_NAME: a Chinese personal name in a name context (column header, label, title, a record)."""
from __future__ import annotations

import random
import re

from .forms import mask_name, split_name
from .spec import PERSONAL, EntityType, default_allow_form
from .specdata import column_headers, context_words

NAME = "PERSON_NAME"

_NAME_DOTS = re.compile(r"[·・•‧]")


def allow_form(value: str) -> str:
    """Also without the middle dot: 买买提·艾力 = 买买提艾力."""
    return _NAME_DOTS.sub("", default_allow_form(value))


def mask(value: str, keep: tuple[int, int] | None, char: str) -> str:
    """The surname, and the last character of a 3+ character name: ``张*``, ``欧阳**``, ``张*兰``."""
    return mask_name(value, char)


def generalize(value: str) -> str:
    """Surname + 某: ``欧阳某``."""
    return split_name(value)[0] + "某"


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.person_name(rng)


SPEC = EntityType(
    name=NAME,
    label="姓名",
    description="Person's name",
    details="A Chinese personal name in a name context (column header or nearby words).",
    category=PERSONAL,
    allow_form=allow_form,
    mask=mask,
    generalize=generalize,
    fake=fake,
    column_headers=column_headers(NAME),
    context_words=context_words(NAME),
    detector="piiscan.detectors.person_name:PersonNameDetector",
    detector_priority=40,
)
