"""IMEI: Mobile device identity (IMEI) (设备识别码).

Found by :mod:`piiscan.detectors.devices`; headers and context words in
``patterns/types/IMEI.toml``.
"""
from __future__ import annotations

import random

from ..validators import imei
from .identifier import identifier_spec
from .spec import PERSONAL


def fake(normal: str, rng: random.Random) -> str:
    from .. import synth

    return synth.imei_number(rng)


SPEC = identifier_spec(
    "IMEI", "设备识别码", "Mobile device identity (IMEI)",
    "15 digits passing Luhn after an IMEI label (IMEI, 串号) or under its column.",
    category=PERSONAL,
    compact=imei.compact,
    detector="piiscan.detectors.devices:DeviceDetectors.imei",
    keep=(2, 0),
    fake=fake,
)
