"""CN_PASSPORT: PRC passport number (护照号).

Found by :mod:`piiscan.detectors.identity_documents`; headers and context words in
``patterns/types/CN_PASSPORT.toml``.
"""
from __future__ import annotations

import random

from ..validators import passport
from .identifier import identifier_spec
from .spec import SENSITIVE


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.passport_number(rng)


SPEC = identifier_spec(
    "CN_PASSPORT", "护照号", "PRC passport number",
    "A passport number (E/G + 8 digits, E + letter + 7 digits, older and official series) after a "
    "passport label or under a passport column; no check character.",
    category=SENSITIVE,
    compact=passport.compact,
    detector="piiscan.detectors.identity_documents:IdentityDocumentDetectors.passport",
    keep=(1, 2),
    fake=fake,
)
