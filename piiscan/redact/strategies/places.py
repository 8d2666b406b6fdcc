"""The administrative-region prefix of an address (province, city, county) from GB/T 2260 names.

Keeping an address "down to the county" means keeping this prefix: it names
an area of tens of thousands of people, not a household.
"""
from __future__ import annotations

import functools

from ... import regions

# Names GB/T 2260 uses for grouping rows, never written in an address.
_GROUPING = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"}
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")


@functools.lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], int]:
    """Every province, city and county name (full and common short forms), and the longest length."""
    names: set[str] = set()
    for code, entries in regions.regions().items():
        for r in entries:
            name = r.name
            if name in _GROUPING or len(name) < 2:
                continue
            names.add(name)
            if code.endswith("0000"):
                for suffix in _PROVINCE_SUFFIXES:
                    if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                        names.add(name[: -len(suffix)])
                        break
            elif code.endswith("00") and name.endswith(("市", "地区", "盟")):
                short = name[:-2] if name.endswith("地区") else name[:-1]
                if len(short) >= 2:
                    names.add(short)
    return frozenset(names), max(map(len, names))


def region_prefix(address: str) -> str:
    """The leading run of region names in ``address`` (longest name at each step; at most 3 levels).

    >>> region_prefix('江西省抚州市乐安县鳌溪镇湖坪村3组')
    '江西省抚州市乐安县'
    >>> region_prefix('北京市朝阳区建国路88号')
    '北京市朝阳区'
    >>> region_prefix('人民路12号')
    ''
    """
    names, longest = _names()
    pos = 0
    for _level in range(4):
        for n in range(min(longest, len(address) - pos), 1, -1):
            if address[pos:pos + n] in names:
                pos += n
                break
        else:
            break
    return address[:pos]
