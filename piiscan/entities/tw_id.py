"""TW_ID: Taiwan identity card or resident certificate number (台湾身份证号).

Found by :mod:`piiscan.detectors.identity_documents`; headers and context words in
``patterns/types/TW_ID.toml``.
"""
from __future__ import annotations

import random

from ..validators import tw_id
from .identifier import identifier_spec
from .spec import SENSITIVE


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.tw_id_number(rng)


SPEC = identifier_spec(
    "TW_ID", "台湾身份证号", "Taiwan identity card or resident certificate number",
    "A letter and nine digits with a valid weighted check digit, after a label or under a column (product "
    "codes share the shape).",
    category=SENSITIVE,
    compact=tw_id.compact,
    detector="piiscan.detectors.identity_documents:IdentityDocumentDetectors.tw_id",
    keep=(1, 0),
    fake=fake,
)
