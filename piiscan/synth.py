"""Synthetic personal information for tests, samples, benchmarks and the
``fake`` redaction strategy. Every value is generated: valid check digits,
allocated segments, real region codes, invented people.

>>> import random
>>> from piiscan.validators import resident_id, mobile, bank_card
>>> rng = random.Random(7)
>>> resident_id.is_valid(resident_id_number(rng)), mobile.is_valid(mobile_number(rng)), bank_card.is_valid(bank_card_number(rng))
(True, True, True)
"""
from __future__ import annotations

import datetime
import random

from . import patterns, regions
from .validators import bank_card, hk_id, plate, resident_id, tw_id, vin

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_COMPOUND = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐"]
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志强文辉海燕红梅春生德福金凤小龙永红晓东国庆建华淑珍家豪子涵雨轩梓萱浩然欣怡思远"
_TOWN_SUFFIX = ["镇", "乡"]
_VILLAGE_WORDS = "湖溪坪上下东西南北大小石桥新塘岭坑田洲山头口源"
_ROADS = ["人民路", "解放路", "中山路", "建设路", "胜利路", "文化路", "和平街", "朝阳路", "新华街", "长江路"]
_ESTATES = ["阳光花园", "幸福家园", "金桂小区", "锦绣苑", "翠湖小区", "滨江花园"]


def resident_id_number(rng: random.Random, *, region: str | None = None, birth: datetime.date | None = None) -> str:
    """An 18-character ID with a real county code, a valid date and check digit."""
    if region is None:
        region = rng.choice(_county_codes())
    if birth is None:
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 65))
    body = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + resident_id.calc_check_digit(body)


def legacy_id_number(rng: random.Random) -> str:
    birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 50))
    return f"{rng.choice(_county_codes())}{birth:%y%m%d}{rng.randrange(0, 1000):03d}"


def mobile_number(rng: random.Random) -> str:
    segment = rng.choice([s for s in patterns.lines("mobile_segments.txt") if len(s) == 3])
    return segment + f"{rng.randrange(0, 10**8):08d}"


def landline_number(rng: random.Random) -> str:
    from .validators import landline

    while True:  # about one draw in a thousand (021-8003…) is a block the plan does not allocate
        area, local_len = rng.choice([("010", 8), ("021", 8), ("020", 8), ("0791", 8), ("0794", 7), ("0571", 8), ("0933", 7)])
        local = str(rng.randrange(2, 9)) + "".join(str(rng.randrange(10)) for _ in range(local_len - 1))
        if landline.is_valid(area + local):
            return f"{area}-{local}"


def bank_card_number(rng: random.Random, length: int = 19, prefix: str = "622848") -> str:
    partial = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return partial + bank_card.calc_check_digit(partial)


def bank_account_number(rng: random.Random, length: int = 18) -> str:
    """A passbook / rural credit style account number that fails Luhn on purpose."""
    digits = "1" + "".join(str(rng.randrange(10)) for _ in range(length - 1))
    if bank_card.luhn_checksum(digits) == 0:
        digits = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    return digits


def residence_permit_number(rng: random.Random, region: str = "830000") -> str:
    """A residence permit of a Hong Kong (810000), Macao (820000) or Taiwan (830000) resident."""
    return resident_id_number(rng, region=region)


def foreign_permanent_id_number(rng: random.Random) -> str:
    """The 2023 foreigner's permanent residence ID: 9, province of issue, nationality code, birth date."""
    province = rng.choice(sorted(c for c in regions.province_codes() if c not in ("71", "81", "82")))
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
    body = f"9{province}{rng.randrange(100, 900):03d}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + resident_id.calc_check_digit(body)


def disability_cert_number(rng: random.Random) -> str:
    """A disability certificate: the holder's ID, the category (1-7) and the grade (1-4)."""
    return resident_id_number(rng) + str(rng.randrange(1, 8)) + str(rng.randrange(1, 5))


def hk_id_number(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEGHKMPRVWYZ") for _ in range(rng.choice((1, 1, 2))))
    body = letters + f"{rng.randrange(10**6):06d}"
    return body + hk_id.calc_check_digit(body)


def tw_id_number(rng: random.Random, *, resident: bool = False) -> str:
    body = rng.choice("ABCDEFGHJKLMNPQRSTUVXYWZIO") + rng.choice("89" if resident else "12") + f"{rng.randrange(10**7):07d}"
    return body + tw_id.calc_check_digit(body)


def passport_number(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"E{rng.randrange(10**8):08d}"
    return "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + f"{rng.randrange(10**7):07d}"


def plate_number(rng: random.Random) -> str:
    city = rng.choice("ABCDEFGHJKLMN")
    chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    if rng.random() < 0.3:
        tail = rng.choice("DF") + rng.choice(chars) + f"{rng.randrange(10**4):04d}"
    else:
        tail = "".join(rng.choice("0123456789") if i else rng.choice(chars) for i in range(5))
    return rng.choice(plate.PROVINCES) + city + tail


def vin_number(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
    wmi = rng.choice(["LSV", "LFV", "LGB", "LHG", "LVS", "LDC"])
    body = wmi + "".join(rng.choice(chars) for _ in range(5)) + "0" + rng.choice("LMNPRS") + \
        rng.choice(chars) + f"{rng.randrange(10**6):06d}"
    return body[:8] + vin.calc_check_digit(body) + body[9:]


def imei_number(rng: random.Random) -> str:
    partial = "35" + "".join(str(rng.randrange(10)) for _ in range(12))
    return partial + bank_card.calc_check_digit(partial)


def email_address(rng: random.Random) -> str:
    user = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(4, 9)))
    return f"{user}{rng.randrange(10, 999)}@{rng.choice(['example.com', 'example.cn', 'mail.example.org'])}"


def person_name(rng: random.Random) -> str:
    surname = rng.choice(_COMPOUND) if rng.random() < 0.05 else rng.choice(_SURNAMES)
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return surname + given


def address(rng: random.Random, *, with_province: bool = True) -> str:
    """Province/city/county from GB/T 2260, then invented township, village and group."""
    county = rng.choice(_current_county_codes())
    parts = []
    if with_province:
        parts.append(regions.name_of(county[:2] + "0000") or "")
        city = regions.name_of(county[:4] + "00")
        # Placeholders of the table (市辖区, 省直辖县级行政单位 …) are not part of any address.
        if city and city not in ("市辖区", "县") and "直辖" not in city and not parts[0].endswith("市"):
            parts.append(city)
    parts.append(regions.name_of(county) or "")
    word = lambda n: "".join(rng.choice(_VILLAGE_WORDS) for _ in range(n))  # noqa: E731
    if rng.random() < 0.6:
        parts.append(word(2) + rng.choice(_TOWN_SUFFIX))
        parts.append(word(2) + "村")
        parts.append(f"{rng.randrange(1, 12)}组" + (f"{rng.randrange(1, 60)}号" if rng.random() < 0.5 else ""))
    else:
        parts.append(rng.choice(_ROADS) + f"{rng.randrange(1, 300)}号")
        parts.append(rng.choice(_ESTATES) + f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(1, 30)}0{rng.randrange(1, 5)}室")
    return "".join(parts)


_COUNTIES: list[str] = []
_CURRENT: list[str] = []


def _county_codes() -> list[str]:
    if not _COUNTIES:
        _COUNTIES.extend(sorted(c for c in regions.regions() if not c.endswith("00") and c[:2] not in ("71", "81", "82")))
    return _COUNTIES


def _current_county_codes() -> list[str]:
    if not _CURRENT:
        _CURRENT.extend(
            c for c in _county_codes()
            if regions.regions()[c][-1].current and regions.name_of(c) not in ("市辖区",) and regions.regions().get(c[:4] + "00")
        )
    return _CURRENT
