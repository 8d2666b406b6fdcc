"""CN_PLATE: licence plates by shape (:mod:`piiscan.validators.plate`), confirmed by context.

The shape is written with an optional middle dot or space after the city
letter (粤B·12345) and never runs on into letters or digits: 粤B123456 (six
digits) or 粤B12345X7 are codes, not plates.

>>> [(f.value, f.confidence) for f in PlateDetector().detect("肇事车辆粤B·12345逃逸。停车场另有粤BD12345")]
[('粤B·12345', 0.85), ('粤BD12345', 0.6)]
>>> [f.value for f in PlateDetector().detect("编号粤B123456，型号苏A12345")]
[]
"""
from __future__ import annotations

import regex

from ..validators import plate
from .shaped import ShapedDetector

_PLATE = regex.compile(
    rf"(?<![A-Za-z0-9])[{plate.PROVINCES}][A-HJ-NP-Z][·•\u00b7 ]?"
    r"[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳领使试超][A-HJ-NP-Z0-9]?(?![A-Za-z0-9])"
)
_PROVINCE = regex.compile(f"[{plate.PROVINCES}]")


class PlateDetector(ShapedDetector):
    def __init__(self) -> None:
        super().__init__("CN_PLATE", "cn_plate", _PLATE, plate.is_valid, requires=_PROVINCE,
                         with_context=0.85, alone=0.6)
