"""MAC_ADDRESS: MAC address (MAC地址).

Found by :mod:`piiscan.detectors.devices`; headers and context words in
``patterns/types/MAC_ADDRESS.toml``.
"""
from __future__ import annotations

from ..validators import network
from .identifier import identifier_spec
from .spec import PERSONAL


def compact(value: str) -> str:
    """The canonical form when the value validates, else the value without white space."""
    try:
        return network.validate_mac(value)
    except ValueError:
        return "".join(value.split())


SPEC = identifier_spec(
    "MAC_ADDRESS", "MAC地址", "MAC address",
    "A hardware address (six hex pairs with : or -, or three dot-separated groups of four), more "
    "confidently after a MAC label.",
    category=PERSONAL,
    compact=compact,
    detector="piiscan.detectors.devices:DeviceDetectors.mac",
    keep=(2, 0),
)
