"""WECHAT_ID: WeChat ID (微信号).

Found by :mod:`piiscan.detectors.accounts`; headers and context words in
``patterns/types/WECHAT_ID.toml``.
"""
from __future__ import annotations

from dataclasses import replace

from .identifier import identifier_spec
from .spec import PERSONAL, default_mask


SPEC = identifier_spec(
    "WECHAT_ID", "微信号", "WeChat ID",
    "A WeChat ID (a letter, then 5-19 letters, digits, _ or -) after a WeChat label or under a WeChat "
    "column (not an official account).",
    category=PERSONAL,
    compact=lambda value: "".join(value.split()),
    detector="piiscan.detectors.accounts:AccountDetectors.wechat",
    keep=(1, 1),
)
# Letters, digits, _ and - all belong to the ID: every character but the ends is hidden (z**********8).
SPEC = replace(SPEC, mask=lambda value, keep, char: default_mask(value, keep or (1, 1), char))
