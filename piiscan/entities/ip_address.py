"""IP_ADDRESS: IP address (IP地址).

Found by :mod:`piiscan.detectors.devices`; headers and context words in
``patterns/types/IP_ADDRESS.toml``.
"""
from __future__ import annotations

from dataclasses import replace

from ..validators import network
from .identifier import identifier_spec
from .spec import PERSONAL


def compact(value: str) -> str:
    """The canonical form when the value validates, else the value without white space."""
    try:
        return network.validate_ip(value)
    except ValueError:
        return "".join(value.split())


def generalize(value: str) -> str:
    """The network: an IPv4 /16 (``202.96.*.*``) or an IPv6 /32."""
    try:
        canonical = network.validate_ip(value)
    except ValueError:
        return "[IP地址]"
    if "." in canonical:
        return ".".join(canonical.split(".")[:2]) + ".*.*"
    return ":".join(canonical.split(":")[:2]) + "::/32"


def mask(value: str, keep, char: str) -> str:
    """Keep the first group (IPv4: the first octet): ``202.*.*.*``."""
    sep = "." if "." in value else ":"
    head, *rest = value.split(sep)
    return sep.join([head] + [char * max(len(p), 1) if p else p for p in rest])


SPEC = identifier_spec(
    "IP_ADDRESS", "IP地址", "IP address",
    "An IPv4 or IPv6 address after an IP label or under an IP column (version numbers share the shape).",
    category=PERSONAL,
    compact=compact,
    detector="piiscan.detectors.devices:DeviceDetectors.ip",
    generalize=generalize,
)
SPEC = replace(SPEC, mask=mask)
