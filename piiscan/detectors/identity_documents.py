"""Identity and travel documents other than the resident ID, by shape, validator and context.

Passports and the permits (回乡证, 台胞证, 往来港澳/台湾通行证) carry no check
character and share their shapes with serial numbers: they are reported only
after a word that names them or under such a column. The Hong Kong, Taiwan and
Macao ID cards have a check character, but product codes share the Taiwan and
Macao shapes; a Hong Kong ID written with its bracketed check (A123456(3)) is
distinctive enough to stand alone.

>>> [(f.type, f.value) for f in IdentityDocumentDetectors.passport().detect("护照号码：E12345678，订单E87654321")]
[('CN_PASSPORT', 'E12345678')]
>>> [f.value for f in IdentityDocumentDetectors.hk_id().detect("A123456(3) A123456(4) A1234563")]
['A123456(3)']
"""
from __future__ import annotations

import regex

from ..validators import (exit_entry_permit, hk_id, home_return_permit, macau_id, passport, tw_compatriot_permit,
                          tw_id)
from .shaped import ShapedDetector

_B, _E = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
_UPPER_OR_DIGIT = regex.compile(r"[A-Z0-9]")
_DIGIT = regex.compile(r"[0-9]")

PASSPORT = regex.compile(rf"{_B}(?:[EG][0-9]{{8}}|E[A-HJ-NP-Z][0-9]{{7}}|1[45][0-9]{{7}}|[DSP]E?[0-9]{{7}}){_E}")
HOME_RETURN = regex.compile(rf"{_B}[HM][0-9]{{8}}(?:[0-9]{{2}})?{_E}")
TW_COMPATRIOT = regex.compile(rf"{_B}[0-9]{{8}}(?:[0-9]{{2}}(?:[(（][A-Z][)）]|[A-Z])?)?{_E}")
EXIT_ENTRY = regex.compile(rf"{_B}(?:[CWLT][0-9]{{8}}|C[A-HJ-NP-Z][0-9]{{7}}){_E}")
HK = regex.compile(rf"{_B}[A-Z]{{1,2}}[0-9]{{6}} ?(?:[(（][0-9A][)）]|[0-9A]){_E}")
TW = regex.compile(rf"{_B}[A-Z](?:[1289][0-9]{{8}}|[A-D][0-9]{{8}}){_E}")
MACAU = regex.compile(rf"{_B}[157](?:[0-9]{{6}} ?[(（][0-9][)）]|/[0-9]{{6}}/[0-9]|[0-9]{{7}}){_E}")


def _bracketed(value: str) -> bool:
    return value.endswith((")", "）"))


class IdentityDocumentDetectors:
    """Factories, one detector per type (the registry builds one of each)."""

    @staticmethod
    def passport() -> ShapedDetector:
        return ShapedDetector("CN_PASSPORT", "cn_passport", PASSPORT, passport.is_valid, requires=_UPPER_OR_DIGIT)

    @staticmethod
    def home_return_permit() -> ShapedDetector:
        return ShapedDetector("CN_HOME_RETURN_PERMIT", "cn_home_return_permit", HOME_RETURN,
                              home_return_permit.is_valid, requires=_UPPER_OR_DIGIT)

    @staticmethod
    def tw_compatriot_permit() -> ShapedDetector:
        return ShapedDetector("CN_TW_COMPATRIOT_PERMIT", "cn_tw_compatriot_permit", TW_COMPATRIOT,
                              tw_compatriot_permit.is_valid, requires=_DIGIT)

    @staticmethod
    def exit_entry_permit() -> ShapedDetector:
        return ShapedDetector("CN_EXIT_ENTRY_PERMIT", "cn_exit_entry_permit", EXIT_ENTRY, exit_entry_permit.is_valid,
                              requires=_UPPER_OR_DIGIT)

    @staticmethod
    def hk_id() -> ShapedDetector:
        return ShapedDetector("HK_ID", "hk_id", HK, hk_id.is_valid, requires=_UPPER_OR_DIGIT, alone=0.7,
                              alone_if=_bracketed, evidence="checksum")

    @staticmethod
    def tw_id() -> ShapedDetector:
        return ShapedDetector("TW_ID", "tw_id", TW, tw_id.is_valid, requires=_UPPER_OR_DIGIT, evidence="checksum")

    @staticmethod
    def macau_id() -> ShapedDetector:
        return ShapedDetector("MO_ID", "mo_id", MACAU, macau_id.is_valid, requires=_DIGIT)
