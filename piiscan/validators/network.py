"""IP and MAC addresses — the identifiers of a device on a network.

Standard-library parsing for IP addresses (:mod:`ipaddress`); a MAC address is
six bytes in hexadecimal, separated by ``:`` or ``-`` (``00:1A:2B:3C:4D:5E``)
or in Cisco's dotted form (``001a.2b3c.4d5e``). Private, loopback and
documentation ranges are valid addresses but rarely personal: the detector
lowers their confidence, and ``0.0.0.0``-style version strings need a label.

>>> validate_ip('192.168.1.20'), validate_ip('2001:db8::1')
('192.168.1.20', '2001:db8::1')
>>> validate_mac('00-1a-2b-3c-4d-5e')
'00:1A:2B:3C:4D:5E'
>>> validate_ip('256.1.1.1')
Traceback (most recent call last):
    ...
piiscan.validators.InvalidNumber: not an IPv4 or IPv6 address
"""
from __future__ import annotations

import ipaddress
import re

from . import InvalidNumber, passes, to_ascii

_MAC = re.compile(r"([0-9A-F]{2})([:-])([0-9A-F]{2})\2([0-9A-F]{2})\2([0-9A-F]{2})\2([0-9A-F]{2})\2([0-9A-F]{2})"
                  r"|([0-9A-F]{4})\.([0-9A-F]{4})\.([0-9A-F]{4})")


def validate_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(to_ascii(value).strip()))
    except ValueError:
        raise InvalidNumber("not an IPv4 or IPv6 address") from None


def is_public_ip(value: str) -> bool:
    """Whether an address is globally routable (not private, loopback, link-local or documentation).

    >>> is_public_ip('8.8.8.8'), is_public_ip('10.0.0.1'), is_public_ip('2001:db8::1')
    (True, False, False)
    """
    return ipaddress.ip_address(validate_ip(value)).is_global


def validate_mac(value: str) -> str:
    m = _MAC.fullmatch(to_ascii(value).strip().upper())
    if not m:
        raise InvalidNumber("not a MAC address")
    hexdigits = "".join(g for i, g in enumerate(m.groups()) if g and i != 1)
    if hexdigits in ("000000000000", "FFFFFFFFFFFF"):
        raise InvalidNumber("not a device address")
    return ":".join(hexdigits[i:i + 2] for i in range(0, 12, 2))


def is_valid_ip(value: str) -> bool:
    return passes(validate_ip, value)


def is_valid_mac(value: str) -> bool:
    return passes(validate_mac, value)
