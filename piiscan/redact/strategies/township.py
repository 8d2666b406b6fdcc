"""``township``: an address kept down to its township (乡、镇、街道); other types generalized.

永安市人民政府办公室 (2023-01-04): "上网信息中的个人家庭地址只保留到乡（镇）、街道"
(a local rule, seen second-hand). The Beijing 低保 notices publish "所在区县和
街道名称". Both keep one level more than the courts' county rule
(:mod:`.generalize`).

A township-level address is still an address to the detector, rightly: it is
one, only a coarse one (a township has thousands of households). So this
strategy is ``LOOKS_REAL``: the redaction engine's re-scan exempts the values
it wrote, as it does for ``fake``, and a disclosure profile that keeps
addresses to the township accepts such findings (see
:func:`address_level`). An address with no township in it keeps its county
(:func:`~.places.region_prefix`), or becomes ``[地址]``.

>>> from piiscan.redact.strategies import Context
>>> replace('CN_ADDRESS', '江西省抚州市乐安县鳌溪镇湖坪村3组', Context())
'江西省抚州市乐安县鳌溪镇'
>>> replace('CN_ADDRESS', '北京市朝阳区建外街道建国路88号', Context())
'北京市朝阳区建外街道'
>>> replace('CN_ADDRESS', '北京市朝阳区建国路88号', Context()), replace('CN_ADDRESS', '人民路12号', Context())
('北京市朝阳区', '[地址]')
"""
from __future__ import annotations

import functools

import regex

from ... import patterns
from ...entities import registry
from ...finding import CN_ADDRESS
from . import Context
from . import generalize
from .places import region_prefix

NAME = "township"
NEEDS_KEY = False
LOOKS_REAL = True

#: Address levels from coarse to fine, as :func:`address_level` names them.
LEVELS = ("county", "township", "below")


@functools.lru_cache(maxsize=1)
def _town() -> "regex.Pattern[str]":
    suffixes = sorted(patterns.toml("address.toml")["components"]["town"], key=len, reverse=True)
    # A township name: a few Han characters, none of them a digit or the suffix
    # of a finer component (村, 组, 号 …), then a township suffix.
    return regex.compile(r"[\p{Han}--[村组号室栋幢社队屯弄巷]]{1,10}?(?:" + "|".join(map(regex.escape, suffixes)) + ")",
                         regex.V1)


def township_prefix(address: str) -> str:
    """The address down to its township, or "" when it names none right after its region part.

    >>> township_prefix('乐安县鳌溪镇湖坪村3组'), township_prefix('鳌溪镇湖坪村'), township_prefix('湖坪村3组')
    ('乐安县鳌溪镇', '鳌溪镇', '')
    """
    region = region_prefix(address)
    m = _town().match(address, len(region))
    return address[:m.end()] if m else ""


def address_level(address: str) -> str:
    """How precise an address is: ``county`` (region names only), ``township`` or ``below``.

    >>> address_level('江西省抚州市乐安县'), address_level('乐安县鳌溪镇'), address_level('鳌溪镇湖坪村3组')
    ('county', 'township', 'below')
    """
    address = "".join(address.split())
    region = region_prefix(address)
    if len(region) == len(address):
        return "county"
    if len(township_prefix(address)) == len(address):
        return "township"
    return "below"


def replace(etype: str, value: str, ctx: Context) -> str:
    if etype != CN_ADDRESS:
        return generalize.replace(etype, value, ctx)
    return township_prefix(value) or region_prefix(value) or f"[{registry.label(etype)}]"
