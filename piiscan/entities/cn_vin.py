"""CN_VIN: Vehicle identification number (VIN) (车辆识别代号).

Found by :mod:`piiscan.detectors.vehicles`; headers and context words in
``patterns/types/CN_VIN.toml``.
"""
from __future__ import annotations

import random

from ..validators import vin
from .identifier import identifier_spec
from .spec import PERSONAL


def generalize(value: str) -> str:
    """The world manufacturer identifier (first 3 characters): ``VIN(LSV…)``."""
    return f"VIN({vin.compact(value)[:3]}…)"


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.vin_number(rng)


SPEC = identifier_spec(
    "CN_VIN", "车辆识别代号", "Vehicle identification number (VIN)",
    "17 characters with a valid GB 16735 check character: on its own when it holds a letter, with more "
    "confidence after a VIN label or under its column.",
    category=PERSONAL,
    compact=vin.compact,
    detector="piiscan.detectors.vehicles:VinDetector",
    keep=(3, 0),
    generalize=generalize,
    fake=fake,
)
