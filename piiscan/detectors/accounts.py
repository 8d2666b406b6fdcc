"""Online accounts: QQ numbers and WeChat IDs, only after their label or under their column.

>>> [(f.type, f.value) for f in AccountDetectors.qq().detect("联系QQ：12345678，QQ群：87654321")]
[('QQ_NUMBER', '12345678')]
>>> [f.value for f in AccountDetectors.wechat().detect("微信号：zhang_san-88，公众号：gov_news")]
['zhang_san-88']
"""
from __future__ import annotations

import regex

from .shaped import ShapedDetector

QQ = regex.compile(r"(?<![A-Za-z0-9])[1-9][0-9]{4,11}(?![A-Za-z0-9])")
WECHAT = regex.compile(r"(?<![A-Za-z0-9_\-@.])[A-Za-z][A-Za-z0-9_\-]{5,19}(?![A-Za-z0-9_\-@])")
_DIGIT = regex.compile(r"[0-9]")
_LETTER = regex.compile(r"[A-Za-z]")


def _any(value: str) -> bool:
    return True


class AccountDetectors:
    @staticmethod
    def qq() -> ShapedDetector:
        return ShapedDetector("QQ_NUMBER", "qq_number", QQ, _any, requires=_DIGIT)

    @staticmethod
    def wechat() -> ShapedDetector:
        return ShapedDetector("WECHAT_ID", "wechat_id", WECHAT, _any, requires=_LETTER)
