"""QQ_NUMBER: QQ account number (QQ号).

Found by :mod:`piiscan.detectors.accounts`; headers and context words in
``patterns/types/QQ_NUMBER.toml``.
"""
from __future__ import annotations

from .identifier import identifier_spec
from .spec import PERSONAL


SPEC = identifier_spec(
    "QQ_NUMBER", "QQ号", "QQ account number",
    "5 to 12 digits after a QQ label or under a QQ column (not a QQ group).",
    category=PERSONAL,
    compact=lambda value: "".join(value.split()),
    detector="piiscan.detectors.accounts:AccountDetectors.qq",
    keep=(1, 1),
)
