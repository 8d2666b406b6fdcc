"""GB/T 2260 administrative division codes and names.

Read from python-stdnum's ``stdnum/cn/loc.dat`` (compiled upstream from
Wikipedia's 中华人民共和国行政区划代码 lists, with the years each code was in
use) rather than from a hand-typed copy. Every code that ever existed counts:
a resident ID keeps the county code current when it was issued.
"""
from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass

_ENTRY = re.compile(r'^(\s*)(\d+)\s+(\w+)="([^"]*)"')
# One entry may pack renames: "[-1991]东郊区,[1992-]东丽区".
_NAME = re.compile(r"(?:\[(\d*)-(\d*)\])?([^,\[]+)")


@dataclass(frozen=True)
class Region:
    code: str  # 6 digits
    name: str
    province: str
    first_year: int | None
    last_year: int | None

    @property
    def current(self) -> bool:
        return self.last_year is None


@functools.lru_cache(maxsize=None)
def regions() -> dict[str, tuple[Region, ...]]:
    """All codes with every name they have carried (a code can be reused)."""
    text = importlib.resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    table: dict[str, list[Region]] = {}
    province_code = province_name = ""
    for line in text.splitlines():
        m = _ENTRY.match(line)
        if not m:
            continue
        indent, code, _kind, names = m.groups()
        parsed = [(first, last, name) for first, last, name in _NAME.findall(names)]
        if not indent:
            province_code, province_name = code, parsed[-1][2]
            code = code + "0000"
        else:
            code = province_code + code
        for first, last, name in parsed:
            region = Region(code, name, province_name, int(first) if first else None, int(last) if last else None)
            table.setdefault(code, []).append(region)
    return {code: tuple(rs) for code, rs in table.items()}


@functools.lru_cache(maxsize=None)
def province_codes() -> frozenset[str]:
    """Two-digit province codes (11 北京 … 82 澳门; 71 台湾 included)."""
    return frozenset(code[:2] for code in regions())


def is_known_code(code: str) -> bool:
    """True if the 6-digit code ever existed in GB/T 2260.

    >>> is_known_code('110105'), is_known_code('361025'), is_known_code('119999')
    (True, True, False)
    """
    return code in regions()


def province_of(code: str) -> str | None:
    """Name of the province a region code belongs to.

    >>> province_of('361025')
    '江西省'
    """
    entry = regions().get(code[:2] + "0000")
    return entry[0].name if entry else None


def name_of(code: str) -> str | None:
    """Latest name carried by a 6-digit code.

    >>> name_of('361025')
    '乐安县'
    """
    entry = regions().get(code)
    return entry[-1].name if entry else None
