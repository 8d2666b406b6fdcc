"""HK_ID: Hong Kong identity card number (香港身份证号).

Found by :mod:`piiscan.detectors.identity_documents`; headers and context words in
``patterns/types/HK_ID.toml``.
"""
from __future__ import annotations

import random

from ..validators import hk_id
from .identifier import identifier_spec
from .spec import SENSITIVE


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.hk_id_number(rng)


SPEC = identifier_spec(
    "HK_ID", "香港身份证号", "Hong Kong identity card number",
    "An HKID (one or two letters, six digits, a mod-11 check character): on its own when written with its "
    "bracketed check, A123456(3); otherwise after a label or under a column.",
    category=SENSITIVE,
    compact=hk_id.compact,
    detector="piiscan.detectors.identity_documents:IdentityDocumentDetectors.hk_id",
    keep=(1, 0),
    fake=fake,
)
