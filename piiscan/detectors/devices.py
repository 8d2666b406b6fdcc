"""Devices and networks: IMEI (Luhn), IP and MAC addresses, by shape and context.

>>> [f.value for f in DeviceDetectors.imei().detect("手机串号：352099001761481；流水号352099001761481")]
['352099001761481']
>>> [f.value for f in DeviceDetectors.ip().detect("登录IP：202.96.134.133，版本 1.2.3.4")]
['202.96.134.133']
>>> [f.value for f in DeviceDetectors.mac().detect("网卡 00:1A:2B:3C:4D:5E")]
['00:1A:2B:3C:4D:5E']
"""
from __future__ import annotations

import regex

from ..validators import imei, network
from .shaped import ShapedDetector

IMEI = regex.compile(r"(?<![A-Za-z0-9\-])(?:[0-9]{15}|[0-9]{2}-[0-9]{6}-[0-9]{6}-[0-9])(?![A-Za-z0-9\-])")
IPV4 = r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
IPV6 = r"(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
IP = regex.compile(rf"(?<![0-9A-Za-z.:])(?:{IPV4}|{IPV6})(?![0-9A-Za-z.:])")
MAC = regex.compile(r"(?<![0-9A-Fa-f:\-.])(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}"
                    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Fa-f:\-.])")
_DIGIT = regex.compile(r"[0-9]")
_HEX_SEP = regex.compile(r"[0-9A-Fa-f][:.\-]")


class DeviceDetectors:
    @staticmethod
    def imei() -> ShapedDetector:
        return ShapedDetector("IMEI", "imei", IMEI, imei.is_valid, requires=_DIGIT, evidence="luhn")

    @staticmethod
    def ip() -> ShapedDetector:
        return ShapedDetector("IP_ADDRESS", "ip_address", IP, network.is_valid_ip, requires=_HEX_SEP)

    @staticmethod
    def mac() -> ShapedDetector:
        return ShapedDetector("MAC_ADDRESS", "mac_address", MAC, network.is_valid_mac, requires=_HEX_SEP, alone=0.6)
