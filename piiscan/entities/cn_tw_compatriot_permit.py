"""CN_TW_COMPATRIOT_PERMIT: Mainland travel permit for Taiwan residents (台胞证号).

Found by :mod:`piiscan.detectors.identity_documents`; headers and context words in
``patterns/types/CN_TW_COMPATRIOT_PERMIT.toml``.
"""
from __future__ import annotations

from ..validators import tw_compatriot_permit
from .identifier import identifier_spec
from .spec import SENSITIVE


SPEC = identifier_spec(
    "CN_TW_COMPATRIOT_PERMIT", "台胞证号", "Mainland travel permit for Taiwan residents",
    "A 台胞证 number (8 digits, or 10 digits and a letter) after its label or under its column; no check character.",
    category=SENSITIVE,
    compact=tw_compatriot_permit.compact,
    detector="piiscan.detectors.identity_documents:IdentityDocumentDetectors.tw_compatriot_permit",
    keep=(0, 2),
)
