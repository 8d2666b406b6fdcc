"""Chinese postal / home addresses (``CN_ADDRESS``).

An address is a chain of components that reaches *below the county*::

    [province][prefecture][county]  town? village? group? road? house-no? estate? building-units*
    江西省抚州市乐安县               鳌溪镇 湖溪村  3组                           (rural)
                  乐安县             公溪镇 坪溪村委会 上坪组  12号                 (rural)
    浙江省杭州市西湖区                             文三路 123号 阳光花园 3栋2单元301室 (urban)

Administrative names (province to county, every name GB/T 2260 ever used,
plus short forms such as 江西/抚州) come from :mod:`piiscan.gazetteer`; the
levels below are recognised by their suffixes (``patterns/address.toml``).
Administrative names alone (浙江省杭州市余杭区人民检察院, 在江西省乐安县) are
places or organisations, not someone's home, and never match.

How sure a match is depends on its shape and on context:

* a county (or higher) name plus a village, a second component or a house
  number: high;
* no county: the more components and numbers, the likelier, but a
  township-level address on its own counts only after an address word
  (住址, 家住, 户籍地, 收货地址 …) or in an address column (``label``);
* a span followed by 人民政府, 村委, 派出所, 局 … names an organisation and is
  dropped unless it carries a house number.

Performance: the grammar is compiled once and matched **right to left**
(``regex.REVERSE``). Every address ends in a suffix character (村, 组, 号,
室 …), so the engine can skip straight to those few characters instead of
trying the grammar at every position; a greedy left extension also finds an
address's whole extent from its end.

>>> d = AddressDetector()
>>> [(f.value, f.confidence) for f in d.detect("户主家庭住址：江西省抚州市乐安县鳌溪镇湖溪村3组，电话略")]
[('江西省抚州市乐安县鳌溪镇湖溪村3组', 0.95)]
>>> [f.value for f in d.detect("平凉市邮政管理局与浙江省杭州市余杭区人民检察院在江西省乐安县召开会议")]
[]
>>> [f.value for f in d.detect("鳌溪镇湖溪村3组", label="家庭住址")]
['鳌溪镇湖溪村3组']
"""
from __future__ import annotations

import functools
import re
from typing import Iterable, Iterator

import regex

from .. import gazetteer, patterns
from ..finding import CN_ADDRESS, Finding
from ..context import label_mentions
from . import HAN, HAN_RANGES

_HAN = HAN_RANGES
# Kept simple on purpose: optional letters or prefixes at the right end of a
# component stop the reverse search from skipping ahead (measured: 1 MB/s
# instead of several hundred).
_NUM = r"(?:第?(?:[0-9０-９]{1,5}|[一二三四五六七八九十百零〇两]{1,4}))"
_DASHNUM = r"(?:[0-9]{1,4}(?:[-－][0-9]{1,4}){1,2}[室号])"
# Word-forming neighbours that make a suffix character part of an ordinary
# word: 城乡/乡村/城镇/农村/道路/思路/上街 are not place components.
_TOWN_GUARD = {"镇": r"(?<![城乡集重])", "乡": r"(?<![城家故老返下])"}
_TOWN_AHEAD = {"乡": r"(?![村镇])"}
# 马村区, 新村镇, 孟村回族自治县: a 村 inside an administrative name.
_VILLAGE_AHEAD = {"村": r"(?![区县市]|[\u4e00-\u9fff]{1,3}族自治)"}
_VILLAGE_GUARD = {"村": r"(?<![乡农渔])", "社区": ""}
_ROAD_GUARD = {"路": r"(?<![道公铁马思线出网套电管退门销水陆一之进来回走])", "街": r"(?<![上逛老商步])"}
_COMMITTEE = regex.compile(r"(?:委员会|村委会|居委会)$")


def _alternation(words: Iterable[str], guard: dict[str, str] | None = None, ahead: dict[str, str] | None = None) -> str:
    guard, ahead = guard or {}, ahead or {}
    ordered = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(guard.get(w, "") + regex.escape(w) + ahead.get(w, "") for w in ordered) + ")"


@functools.lru_cache(maxsize=None)
def _compiled() -> tuple:
    data = patterns.toml("address.toml")
    comp = data["components"]
    stop = regex.escape(data["components"]["stop_chars"]) if "stop_chars" in comp else ""
    name = rf"[[{_HAN}]--[{stop}]]"  # a character that can sit inside a place name
    function = regex.escape(comp["stop_chars"].replace("省", "").replace("县", ""))

    town = rf"{name}{{1,6}}?{_alternation(comp['town'], _TOWN_GUARD, _TOWN_AHEAD)}"
    village = rf"{name}{{1,6}}?{_alternation(comp['village'], _VILLAGE_GUARD, _VILLAGE_AHEAD)}"
    group = rf"(?:{_NUM}{_alternation(comp['group'])}|{name}{{1,3}}?(?:村民小组|组|屯))"
    road = rf"{name}{{1,8}}?{_alternation(comp['road'], _ROAD_GUARD)}"
    house = rf"附?{_NUM}(?:号院|号|弄|巷)"
    estate = rf"{name}{{2,10}}?{_alternation(comp['estate'])}"
    unit = rf"(?:{_NUM}{_alternation(comp['unit'])}|{_DASHNUM})"

    # Components in order, each optional, but the first one below the county
    # has a name (town, village, road or estate; not a bare group or house
    # number). Written as one chain whose shared tail is matched once:
    # spelling out one alternative per first component made the engine
    # re-match and re-backtrack the same tail (units, estate, house number,
    # road) for every alternative that then failed for want of a town or a
    # village (measured: 24 us -> 11 us for an urban address).
    head = rf"(?:(?:{town}(?:{village})?|{village})(?:{group})?(?:{road})?|{road})"
    sub = rf"(?:{head}(?:{house})?(?:{estate})?|{estate})(?:{unit}){{0,4}}"
    admin = gazetteer.trie_pattern(gazetteer.load().all_names, suffix=True)
    # Prefer the administrative chain that starts after a non-word character
    # (：河南信阳新县… must not become 阳新县…, another county), then any
    # chain (户籍地江西省…), then none: an address that starts at the township.
    edge = rf"(?<![[{_HAN}]--[{function}]])"
    grammar = (
        rf"(?:{edge}(?P<admin>(?:{admin}){{1,4}})|(?P<admin>(?:{admin}){{1,4}})|(?<!{name}))"
        rf"(?P<sub>{sub})"
    )
    pattern = regex.compile(grammar, regex.V1 | regex.REVERSE)
    # Every address has a named component below the county. Their suffixes
    # are found first with the standard library's ``re`` (a literal
    # alternation: ~500 MB/s here), and the full grammar then runs only
    # around them. A suffix opens a window only if it passes the grammar's
    # guards (道路, 乡村 and 城镇 do not: 40 % fewer windows, each ~15 us when
    # nothing matches); the guards are tested apart, at each suffix found,
    # because a lookbehind in the search pattern keeps ``re`` from skipping
    # to the suffix characters (measured: 7x slower).
    anchor = re.compile(_alternation(comp["town"] + comp["village"] + comp["road"] + comp["estate"]))
    guarded = re.compile("|".join([
        _alternation(comp["town"], _TOWN_GUARD, _TOWN_AHEAD),
        _alternation(comp["village"], _VILLAGE_GUARD, _VILLAGE_AHEAD),
        _alternation(comp["road"], _ROAD_GUARD),
        _alternation(comp["estate"]),
    ]))
    ctx = data["context"]
    context = regex.compile(_alternation(ctx["words"]))
    labels = frozenset(ctx["labels"])
    org = regex.compile(_alternation(data["organisation"]["after"]))
    numbered = regex.compile(rf"{_NUM}(?:{_alternation(comp['unit'] + comp['group'] + ['弄', '巷'])})|{_DASHNUM}", regex.V1)
    markers = regex.compile(
        _alternation(comp["town"] + comp["village"] + comp["road"] + comp["estate"])
        + rf"|{_NUM}{_alternation(comp['group'] + comp['unit'])}|{_DASHNUM}",
        regex.V1,
    )
    house = regex.compile(rf"{_NUM}(?:号楼|单元|号|室|栋|幢|层|户)|{_DASHNUM}", regex.V1)
    return pattern, (anchor, guarded), context, org, labels, numbered, markers, house


# Characters between an address word and the address itself (家庭住址：, 住在 …).
_GAP = regex.compile(r"[\s:：是为在于]*")
_FULL_ADMIN_END = frozenset("省市县区州旗盟")
# How far an address reaches around one of its named components: the longest
# administrative prefix (新疆维吾尔自治区伊犁哈萨克自治州…) before, and the
# village/group/house/building tail after.
_BEFORE, _AFTER = 40, 48


class AddressDetector:
    """Finds ``CN_ADDRESS`` spans; see the module docstring for the rules."""

    name = "cn_address"
    requires = HAN
    types = frozenset({CN_ADDRESS})

    def __init__(self) -> None:
        (self._pattern, (self._anchor, self._guarded), self._context, self._org, self._labels,
         self._numbered, self._markers, self._house) = _compiled()

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        """Address findings in ``text`` (in no particular order).

        ``label`` is a column header: under 住址/家庭住址/户籍地 … every
        address-shaped span counts as an address.
        """
        label_says = bool(label) and label_mentions(label, self._labels)
        n = len(text)
        for lo, hi in self._windows(text):
            for m in self._pattern.finditer(text, lo, hi):
                if m.end() == hi < n:
                    # Lookaheads cannot see past a window's end: in 各乡|镇 or
                    # 农业乡|村 the cut hides what makes 乡 an ordinary word.
                    continue
                finding = self._judge(text, m, label_says)
                if finding is not None:
                    yield finding

    def _windows(self, text: str) -> list[tuple[int, int]]:
        """Merged stretches of text around component suffixes."""
        windows: list[tuple[int, int]] = []
        n = len(text)
        guarded = self._guarded.match
        for a in self._anchor.finditer(text):
            if guarded(text, a.start()) is None:
                continue
            lo, hi = max(0, a.start() - _BEFORE), min(n, a.end() + _AFTER)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
        return windows

    def _judge(self, text: str, m: "regex.Match[str]", label_says: bool) -> Finding | None:
        start, end = m.span()
        admin = m.group("admin") or ""
        sub = m.group("sub")
        numbered = self._numbered.search(sub) is not None
        n_parts = len(self._markers.findall(sub))

        context, start = self._context_before(text, start, m.start("sub"))
        context = context or label_says
        if start >= end:
            return None
        org_after = self._org.match(text, end) is not None
        if org_after and not numbered:
            return None
        if _COMMITTEE.search(sub) and not context:
            return None  # 湖溪村委会 on its own is the committee, not a home

        strong_admin = bool(admin) and (admin[-1] in _FULL_ADMIN_END or len(admin) >= 4)
        if strong_admin:
            if numbered or n_parts >= 2:
                confidence = 0.9
            elif not self._town_or_road_only(sub):
                confidence = 0.7
            else:
                confidence = 0.45  # 乐安县鳌溪镇, 杭州市文三路: a place, not a home
        elif self._house.search(sub) and n_parts >= 2:
            # 人民路123号阳光花园3栋2单元301室: down to the door, a home even without a county.
            confidence = 0.6
        else:
            # 鳌溪镇湖溪村3组 on its own may be a place talked about; context decides.
            confidence = 0.4
        if context:
            confidence = max(confidence + 0.05, 0.85)
        return Finding(CN_ADDRESS, start, end, text[start:end], round(min(confidence, 0.95), 2), self.name)

    def _context_before(self, text: str, start: int, sub_start: int) -> tuple[bool, int]:
        """Whether an address word stands right before ``start``; trims one
        that the match swallowed (户籍地鳌溪镇 → 鳌溪镇)."""
        lo = max(0, start - 12)
        last = None
        for c in self._context.finditer(text, lo, min(sub_start + 6, len(text))):
            if c.start() < start + 6:
                last = c
        if last is None:
            return False, start
        if last.end() > start:
            return True, last.end()
        gap = _GAP.match(text, last.end(), start)
        return gap is not None and gap.end() == start, start

    def _town_or_road_only(self, sub: str) -> bool:
        return len(self._markers.findall(sub)) <= 1 and not sub.endswith(("村", "社区", "组", "小区", "花园", "家园", "苑"))
