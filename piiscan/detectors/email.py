"""E-mail addresses. ASCII only on both sides of the ``@``, so an address
never swallows the Chinese text around it (联系邮箱abc@qq.com。)."""
from __future__ import annotations

import regex

from ..finding import EMAIL_ADDRESS, Finding

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
PATTERN = (
    r"(?<![A-Za-z0-9._%+\-])"
    r"[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,63})"
    rf"@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,24}}"
    r"(?![A-Za-z0-9\-])"
)


class EmailDetector:
    name = "email"
    types = frozenset({EMAIL_ADDRESS})
    pattern = PATTERN

    def classify(self, m: "regex.Match[str]", text: str, label: str | None) -> Finding | None:
        value = m.group()
        if ".." in value.split("@", 1)[0]:
            return None
        return Finding(EMAIL_ADDRESS, m.start(), m.end(), value, 0.95, "email")
