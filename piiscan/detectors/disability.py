"""CN_DISABILITY_CERT: the 20-character disability certificate number (残疾人证号).

It is the holder's resident ID followed by the category (1–7) and grade (1–4),
so the number detector never reports the ID inside it (a number is never taken
from inside a longer run of digits): this detector reports the whole number,
and so the ID in it is masked.

>>> [(f.type, f.value) for f in DisabilityCertDetector().detect("残疾人证号：11010519491231002X41")]
[('CN_DISABILITY_CERT', '11010519491231002X41')]
>>> [f.value for f in DisabilityCertDetector().detect("11010519491231002X81 11010519491231002X4")]
[]
"""
from __future__ import annotations

import regex

from ..validators import disability_cert
from .shaped import ShapedDetector

CERT = regex.compile(r"(?<![A-Za-z0-9])[0-9]{17}[0-9Xx][1-7][1-4](?![A-Za-z0-9])")
_DIGIT = regex.compile(r"[0-9]")


class DisabilityCertDetector(ShapedDetector):
    def __init__(self) -> None:
        super().__init__("CN_DISABILITY_CERT", "cn_disability_cert", CERT, disability_cert.is_valid,
                         requires=_DIGIT, with_context=0.95, alone=0.9, evidence="checksum")
