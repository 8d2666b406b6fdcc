"""The administrative-region prefix of an address (province, city, county) from GB/T 2260 names.

Keeping an address "down to the county" means keeping this prefix: it names
an area of tens of thousands of people, not a household.
"""
from __future__ import annotations

import functools

from ... import gazetteer


@functools.lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], int]:
    """Every province, city and county name (full and short forms, as the address detector knows
    them: :func:`piiscan.gazetteer.load`), and the longest length."""
    names = gazetteer.load().all_names
    return names, max(map(len, names))


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
