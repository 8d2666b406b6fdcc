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

from ... import regions
from ...finding import BANK_CARD, CN_ADDRESS, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID, EMAIL_ADDRESS, LABELS, PERSON_NAME
from ...validators import resident_id
from . import Context, digits_of, normalise
from .mask import area_code
from .names import split_name
from .places import region_prefix

NAME = "generalize"
NEEDS_KEY = False
LOOKS_REAL = False

_GROUPING = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def region_path(code: str) -> str:
    """Province + city + county names for a 6-digit code, e.g. 江西省抚州市乐安县."""
    parts = []
    for c in (code[:2] + "0000", code[:4] + "00", code):
        name = regions.name_of(c)
        if name and name not in _GROUPING and name not in parts:
            parts.append(name)
    return "".join(parts)


def replace(etype: str, value: str, ctx: Context) -> str:
    if etype == CN_RESIDENT_ID:
        digits = normalise(etype, value)
        try:
            year = str(resident_id.birth_date(digits).year)
        except ValueError:
            year = ""
        place = region_path(digits[:6]) or (regions.province_of(digits[:6]) or "")
        return f"{place}{year}年生" if year else (place or f"[{LABELS[etype]}]")
    if etype == CN_ADDRESS:
        return region_prefix(value) or f"[{LABELS[etype]}]"
    if etype == CN_MOBILE:
        return f"{normalise(etype, value)[:3]}号段"
    if etype == CN_LANDLINE:
        digits = digits_of(value)
        area = area_code(value)
        if not area:
            return f"[{LABELS[etype]}]"
        return f"{area}({_area_name(digits) or '固话'})"
    if etype == BANK_CARD:
        return f"银行卡({digits_of(value)[:6]})"
    if etype == PERSON_NAME:
        return split_name(value)[0] + "某"
    if etype == EMAIL_ADDRESS and "@" in value:
        return "*@" + value.rsplit("@", 1)[1]
    return f"[{LABELS.get(etype, etype)}]"


def _area_name(digits: str) -> str:
    try:
        import phonenumbers
        from phonenumbers import geocoder

        return geocoder.description_for_number(phonenumbers.parse(digits, "CN"), "zh")
    except Exception:  # noqa: BLE001 - a missing description only loses detail
        return ""
