"""CN_VIN: vehicle identification numbers (GB 16735), by shape and check character.

Seventeen characters with a valid check character and at least one letter stand
alone (a random code passes the check once in eleven times: hence the lower
confidence); after a VIN word or under a VIN column, more.

>>> [(f.value, f.confidence) for f in VinDetector().detect("车架号：LSVAU218XN2183294，编码1M8GDM9AXKP042788")]
[('LSVAU218XN2183294', 0.85), ('1M8GDM9AXKP042788', 0.6)]
>>> [f.value for f in VinDetector().detect("LSVAU2181N2183294 12345678901234567")]
[]
"""
from __future__ import annotations

import regex

from ..validators import vin
from .shaped import ShapedDetector

VIN = regex.compile(r"(?<![A-Za-z0-9])[0-9A-HJ-NPR-Z]{17}(?![A-Za-z0-9])")
_UPPER_OR_DIGIT = regex.compile(r"[A-Z0-9]")


def _has_letter(value: str) -> bool:
    return not value.isdigit()


class VinDetector(ShapedDetector):
    def __init__(self) -> None:
        super().__init__("CN_VIN", "cn_vin", VIN, vin.is_valid, requires=_UPPER_OR_DIGIT, alone=0.6,
                         alone_if=_has_letter, evidence="checksum")
