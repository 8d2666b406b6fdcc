"""``generalize``: keep a coarse, statistically useful part and drop the rest.

ID → region + birth year, address → county, mobile → segment, landline →
area, card → issuer prefix (BIN), name → surname + 某, e-mail → domain.

>>> from piiscan.redact.strategies import Context
>>> c = Context()
>>> replace('CN_RESIDENT_ID', '36102519800101123X', c)
'江西省抚州市乐安县1980年生'
>>> replace('CN_ADDRESS', '江西省抚州市乐安县鳌溪镇湖坪村3组', c)
'江西省抚州市乐安县'
>>> replace('CN_MOBILE', '13800138000', c), replace('PERSON_NAME', '欧阳娜娜', c)
('138号段', '欧阳某')
>>> replace('CN_LANDLINE', '0791-86123456', c)
'0791(江西省南昌市)'
"""
from __future__ import annotations

from ...entities import registry
from ...entities.forms import region_path  # noqa: F401 - re-exported: callers use it from here
from . import Context

NAME = "generalize"
NEEDS_KEY = False
LOOKS_REAL = False


def replace(etype: str, value: str, ctx: Context) -> str:
    """The type's spec's ``generalize``; ``[label]`` for a type without one."""
    spec = registry.find(etype)
    return spec.generalized(value) if spec is not None else f"[{etype}]"
