"""MO_ID: Macao resident identity card number (澳门身份证号).

Found by :mod:`piiscan.detectors.identity_documents`; headers and context words in
``patterns/types/MO_ID.toml``.
"""
from __future__ import annotations

from ..validators import macau_id
from .identifier import identifier_spec
from .spec import SENSITIVE


SPEC = identifier_spec(
    "MO_ID", "澳门身份证号", "Macao resident identity card number",
    "1, 5 or 7 and seven digits, written 1234567(8) or 5/215673/2, after a label or under a column.",
    category=SENSITIVE,
    compact=macau_id.compact,
    detector="piiscan.detectors.identity_documents:IdentityDocumentDetectors.macau_id",
    keep=(1, 0),
)
