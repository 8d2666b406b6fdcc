"""CN_EXIT_ENTRY_PERMIT: Exit-entry permit to Hong Kong, Macao or Taiwan (通行证号).

Found by :mod:`piiscan.detectors.identity_documents`; headers and context words in
``patterns/types/CN_EXIT_ENTRY_PERMIT.toml``.
"""
from __future__ import annotations

from ..validators import exit_entry_permit
from .identifier import identifier_spec
from .spec import SENSITIVE


SPEC = identifier_spec(
    "CN_EXIT_ENTRY_PERMIT", "通行证号", "Exit-entry permit to Hong Kong, Macao or Taiwan",
    "A mainland resident's 往来港澳/台湾通行证 number (C/W/L/T + 8 digits, C + letter + 7 digits) after its label "
    "or under its column.",
    category=SENSITIVE,
    compact=exit_entry_permit.compact,
    detector="piiscan.detectors.identity_documents:IdentityDocumentDetectors.exit_entry_permit",
    keep=(1, 2),
)
