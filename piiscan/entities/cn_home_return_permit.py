"""CN_HOME_RETURN_PERMIT: Mainland travel permit for Hong Kong and Macao residents (回乡证号).

Found by :mod:`piiscan.detectors.identity_documents`; headers and context words in
``patterns/types/CN_HOME_RETURN_PERMIT.toml``.
"""
from __future__ import annotations

from ..validators import home_return_permit
from .identifier import identifier_spec
from .spec import SENSITIVE


SPEC = identifier_spec(
    "CN_HOME_RETURN_PERMIT", "回乡证号", "Mainland travel permit for Hong Kong and Macao residents",
    "A 回乡证 number (H or M + 8 or 10 digits) after its label or under its column; no check character.",
    category=SENSITIVE,
    compact=home_return_permit.compact,
    detector="piiscan.detectors.identity_documents:IdentityDocumentDetectors.home_return_permit",
    keep=(1, 2),
)
