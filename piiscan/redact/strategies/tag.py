"""``tag``: replace the value with its type's label, e.g. ``[身份证号]``.

>>> from piiscan.redact.strategies import Context
>>> replace('CN_RESIDENT_ID', '36102519800101123X', Context())
'[身份证号]'
"""
from __future__ import annotations

from ...entities import registry
from . import Context

NAME = "tag"
NEEDS_KEY = False
LOOKS_REAL = False


def replace(etype: str, value: str, ctx: Context) -> str:
    template = ctx.options.get("tag_format", "[{label}]")
    return template.format(label=registry.label(etype), type=etype)
