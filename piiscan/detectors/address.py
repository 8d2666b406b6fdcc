"""Chinese postal / home addresses (``CN_ADDRESS``).

An address is a chain of components that reaches *below the county*::

    [province][prefecture][county] [devzone] town? village? group? road? house-no? estate?  tail
    江西省抚州市乐安县                        鳌溪镇 湖溪村  3组                                  (rural)
    浙江省杭州市西湖区                                          文三路 123号 阳光花园 3栋2单元301室 (urban)
    杭州              经济技术开发区          白杨街道                6号大街 100号               (zone)
              镇海区                                                        金色水岸 12幢306室  (estate only)

Administrative names (province to county, every name GB/T 2260 ever used,
plus short forms such as 江西/抚州) come from :mod:`piiscan.gazetteer`; the
levels below are recognised by their suffixes (``patterns/address.toml``).
Administrative names alone (浙江省杭州市余杭区人民检察院, 在江西省乐安县) are
places or organisations, not someone's home, and never match.

Finding an address takes three steps:

1. **core**: the named components and the administrative chain before them,
   matched right to left from a component suffix (村, 镇, 路, 小区 …), or,
   for an estate written without a suffix (金色水岸12幢306室, 世纪天成7-9-707),
   from a building or unit number;
2. **tail**: what follows the core — house, building, unit, floor and room
   numbers in every written form (12幢306室, 8-2-1101, A座四楼, 1439) and the
   named places people add (…1564号美保工具电商中心), so that redaction leaves
   nothing of the address readable;
3. **clause**: an address that stands on its own — a table cell, a line,
   the value after 住址：, a cell under an address column — runs to the end
   of its clause, over whatever landmark closes it (…村庙坝, …超市对面),
   unless that clause reads as prose (乐安县鳌溪镇召开会议).

How sure a match is depends on its shape and on context:

* a county (or higher) name plus a village, a second component or a house
  number: high; plus one town or road only: a place (乐安县鳌溪镇) unless it
  stands on its own;
* no county: the more components and numbers, the likelier, but a
  township-level address on its own counts only after an address word
  (住址, 家住, 户籍地, 收货地址 …), in an address column (``label``) or
  standing alone;
* a span followed by 人民政府, 村委, 派出所, 局 … names an organisation and is
  dropped unless it carries a house number; 湖溪村委会 on its own is the
  committee, after an address word or with a group or number it is an address.

Every finding says why in :attr:`~piiscan.finding.Finding.evidence`:
``grammar`` (the component grammar matched), ``gazetteer`` (it opens with a
GB/T 2260 name), ``label:住址`` (an address word before it), ``column:家庭住址``
(the table column), ``standalone`` (the address is its clause).

Performance: the core grammar is compiled once and matched **right to left**
(``regex.REVERSE``). Every core ends in a suffix character (村, 组, 号,
室 …), so the engine can skip straight to those few characters instead of
trying the grammar at every position; a greedy left extension also finds an
address's whole administrative prefix from its end. The tail and clause
steps run forward from each core's end, a handful of times per address.

>>> d = AddressDetector()
>>> [(f.value, f.confidence) for f in d.detect("户主家庭住址：江西省抚州市乐安县鳌溪镇湖溪村3组，电话略")]
[('江西省抚州市乐安县鳌溪镇湖溪村3组', 0.95)]
>>> [f.value for f in d.detect("平凉市邮政管理局与浙江省杭州市余杭区人民检察院在江西省乐安县召开会议")]
[]
>>> [f.value for f in d.detect("鳌溪镇湖溪村3组", label="家庭住址")]
['鳌溪镇湖溪村3组']
>>> [(f.value, f.evidence) for f in d.detect("浙江省杭州市滨江区缤纷北苑47-6-746")]
[('浙江省杭州市滨江区缤纷北苑47-6-746', ('grammar', 'gazetteer', 'standalone'))]
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

import regex

from .. import gazetteer, patterns
from ..finding import CN_ADDRESS, Finding
from ..context import label_mentions, label_not_personal
from . import HAN, HAN_RANGES

_HAN = HAN_RANGES
_LATIN = "A-Za-zＡ-Ｚａ-ｚ"
# Kept simple on purpose: optional letters or prefixes at the right end of a
# component stop the reverse search from skipping ahead (measured: 1 MB/s
# instead of several hundred).
_NUM = r"(?:第?(?:[0-9０-９]{1,5}|[一二三四五六七八九十百零〇两]{1,4}))"
_DASHNUM = r"(?:[0-9]{1,4}(?:[-－][0-9]{1,4}){1,2}[室号])"
# A date written with dashes or dots (2024-09-19, 2020.5.1) is not a building, unit and room.
_DATE = r"(?:19|20)[0-9]{2}[-－./](?:0?[1-9]|1[0-2])(?:[-－./](?:0?[1-9]|[12][0-9]|3[01]))?(?![0-9])"
# Word-forming neighbours that make a suffix character part of an ordinary
# word: 城乡/乡村/城镇/农村/道路/思路/上街 are not place components.
_TOWN_GUARD = {"镇": r"(?<![城乡集重小古])", "乡": r"(?<![城家故老返下异水])"}
_TOWN_AHEAD = {"乡": r"(?![村镇亲土音愁情])", "镇": r"(?![长委政党])"}
# 马村区, 新村镇, 孟村回族自治县: a 村 inside an administrative name.
_VILLAGE_AHEAD = {"村": r"(?![区县市长委民干]|[\u4e00-\u9fff]{1,3}族自治)"}
_VILLAGE_GUARD = {"村": r"(?<![乡农渔全本该各每驻进])", "社区": ""}
_ROAD_GUARD = {"路": r"(?<![道公铁马思线出网套电管退销水陆进来回走熟边盘正主开条])", "街": r"(?<![上逛老商步购])",
               "公路": r"(?<![速道级省国县乡村])"}
_ROAD_AHEAD = {"路": r"(?![线径程费面透演况子数])", "街": r"(?![头坊拍舞区])"}
_COMMITTEE = re.compile(r"(?:委员会|村委会|居委会)$")
# Clause boundaries: punctuation, white space, a long digit run (a phone
# number glued to the address) or a field label that opens the next value.
_CLAUSE_STOP = re.compile(
    r"[\s，。；;,、!?！？:：()（）【】\[\]{}\"“”‘’《》<>|]|[0-9０-９]{7,}"
    r"|电话|手机|联系人|联系方式|收件人|收货人|邮编|邮政编码|姓名|身份证|[Tt][Ee][Ll]"
)
_BOUNDARY = " \t\r\n\u3000，。；;,、!?！？:：()（）【】[]{}\"“”‘’《》<>|"
_BOUNDARY_BEFORE = frozenset(_BOUNDARY)
# What separates fields rather than clauses of a sentence: the ends of a line
# or cell, white space, ASCII , ; | and tabs. Chinese prose separates its
# clauses with full-width marks (，。；、), so an address "stands alone" —
# a cell, a list entry, a field of a line — only between field separators
# (and then only if the rest of its clause is no sentence, see _clause_close).
_FIELD = " \t\r\n\u3000,;|"
_FIELD_BEFORE = frozenset(_FIELD)
# A line short enough to be a table row, a list entry or a form field rather
# than a paragraph: its fields are tried as addresses standing alone.
_SHORT_LINE = 64
_SHORT_TEXT = 160  # a text of one line: a table cell, a field, a heading
# Where the clause step tries an address that opens a field: after white
# space, | or ; — not after every ASCII comma, which some Chinese prose uses
# between its clauses (an address found by its components after one still
# stands alone).
_FIELD_START = re.compile(r"[ \t\u3000;|]+")
_DIGIT_SOON = re.compile(r"[0-9０-９]")
_SENTENCE_MARK = re.compile("[，。；！？、]")
_BLANKS = re.compile(r"[ \t\u3000]*")
_DIGITS = frozenset("0123456789０１２３４５６７８９")
_THREE_PART = re.compile(
    rf"(?!{_DATE})[0-9０-９]{{1,4}}[-－][0-9０-９]{{1,4}}[-－][0-9０-９]{{1,5}}(?![0-9０-９平米元万%])")
# Confidence by shape (see the module docstring); named so the rules read.
LABELLED, LABELLED_RICH = 0.9, 0.95
FULL, PLACE_STANDALONE, ADMIN_VILLAGE, ADMIN_PLACE = 0.9, 0.75, 0.7, 0.45
DOWN_TO_DOOR, STANDALONE, NAMED_ONLY, ALONE, WHOLE_CELL = 0.6, 0.7, 0.6, 0.4, 0.85
# How far an address reaches around one of its named components: the longest
# administrative prefix (新疆维吾尔自治区伊犁哈萨克自治州…) before, and the
# village/group/house/building tail after.
_BEFORE, _AFTER = 40, 48
_TAIL_MAX = 48  # characters a tail may add after its core
_CLAUSE_MAX = 24  # characters of landmark a standing-alone address may close with
_LABEL_CLAUSE_MAX = 60
_FREE_NAME_MAX = 10  # characters of an unrecognised name after an administrative chain


def _alternation(words: Iterable[str], guard: dict[str, str] | None = None, ahead: dict[str, str] | None = None) -> str:
    guard, ahead = guard or {}, ahead or {}
    ordered = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(guard.get(w, "") + regex.escape(w) + ahead.get(w, "") for w in ordered) + ")"


@dataclass(frozen=True)
class _Grammar:
    core: "regex.Pattern[str]"  # right to left: admin chain + named components
    building: "regex.Pattern[str]"  # right to left: admin chain + estate name before a unit number
    admin_before: "regex.Pattern[str]"  # right to left: an administrative chain ending at a position
    anchor: "re.Pattern[str]"
    guarded: "re.Pattern[str]"
    unit_anchor: "re.Pattern[str]"
    quick: "re.Pattern[str]"
    unit_check: "regex.Pattern[str]"
    tail: "regex.Pattern[str]"
    estate_name: "regex.Pattern[str]"  # a name right before a number: an estate without a suffix
    context: "regex.Pattern[str]"
    strong_label: "regex.Pattern[str]"
    label_colon: "re.Pattern[str]"
    labels: frozenset[str]
    org: "regex.Pattern[str]"
    public_end: "regex.Pattern[str]"
    numbered: "regex.Pattern[str]"
    markers: "regex.Pattern[str]"
    house: "regex.Pattern[str]"
    assist: "regex.Pattern[str]"
    prose: "regex.Pattern[str]"
    tail_stop: "regex.Pattern[str]"
    openers: frozenset[str]
    empty: frozenset[str]
    not_a_name: "re.Pattern[str]"  # characters no estate name holds: 该小区共有12栋 is a count
    town_end: "re.Pattern[str]"  # a township suffix ending a value


@functools.lru_cache(maxsize=None)
def _compiled() -> _Grammar:
    data = patterns.toml("address.toml")
    comp, tail_data = data["components"], data["tail"]
    stop_chars = comp["stop_chars"]
    stop = regex.escape(stop_chars)
    name = rf"[[{_HAN}]--[{stop}]]"  # a character that can open a place name
    inner = rf"[[{_HAN}]--[{regex.escape(comp['inner_stop_chars'])}]]"  # one that can sit inside it
    function = regex.escape(stop_chars.replace("省", "").replace("县", ""))

    def named(least: int, most: int) -> str:
        # Right to left and lazy: the fewest inner characters, then an opening one.
        return rf"(?:{inner}{{{max(least - 1, 0)},{most - 1}}}?{name})"

    town = rf"{named(1, 6)}{_alternation(comp['town'], _TOWN_GUARD, _TOWN_AHEAD)}"
    village = rf"{named(1, 6)}{_alternation(comp['village'], _VILLAGE_GUARD, _VILLAGE_AHEAD)}"
    group = rf"(?:{_NUM}{_alternation(comp['group'])}|{named(1, 3)}(?:村民小组|组|屯))"
    road = rf"(?:{_NUM}号?|{named(1, 8)}){_alternation(comp['road'], _ROAD_GUARD, _ROAD_AHEAD)}"
    house = rf"附?{_NUM}(?:号院|号|弄|巷)"
    estate = rf"{named(2, 10)}{_alternation(comp['estate'])}"
    devzone = rf"(?:{named(1, 8)})?{_alternation(comp['devzone'])}"

    # Components in order, each optional, but the first one below the county
    # has a name (town, village, road, estate or zone; not a bare group or
    # house number). Written as one chain whose shared tail is matched once:
    # spelling out one alternative per first component made the engine
    # re-match and re-backtrack the same tail for every alternative that then
    # failed for want of a town or a village (measured: 24 us -> 11 us for an
    # urban address).
    head = rf"(?:(?:{devzone})?(?:(?:{town}(?:{village})?|{village})(?:{group})?(?:{road})?|{road})|{devzone})"
    sub = rf"(?:{head}(?:{house})?(?:{estate})?|{estate})"
    names = gazetteer.load().all_names
    admin = gazetteer.trie_pattern(names, suffix=True)
    # A chain of names, repeated or separated as people type them
    # (浙江省-台州市-路桥区, 中国浙江省…); 中国 only before a real name.
    chain = rf"(?:(?:{admin}|中国)[-－_]?){{0,7}}(?:{admin})"
    # Prefer the administrative chain that starts after a non-word character
    # (：河南信阳新县… must not become 阳新县…, another county), then any
    # chain (户籍地江西省…), then none: an address that starts at the township.
    edge = rf"(?<![[{_HAN}]--[{function}]])"
    left = rf"(?:{edge}(?P<admin>{chain})[-－_]?|(?P<admin>{chain})[-－_]?|(?<!{name}))"
    core = regex.compile(rf"{left}(?P<sub>{sub})", regex.V1 | regex.REVERSE)
    # An estate named without a suffix is recognised by the building or unit
    # number after it (镇海区金色水岸12幢306室): matched leftwards from that number.
    building = regex.compile(
        rf"{left}(?P<sub>{named(2, 12)}(?:{_NUM}(?:号院|号|弄|巷|期|区|座))?)",
        regex.V1 | regex.REVERSE)
    admin_before = regex.compile(rf"(?:{edge}{chain}|{chain})", regex.V1 | regex.REVERSE)

    # Every address core has a named component below the county. Their
    # suffixes are found first with the standard library's ``re`` (a literal
    # alternation: ~500 MB/s here), and the full grammar then runs only
    # around them. A suffix opens a window only if it passes the grammar's
    # guards (道路, 乡村 and 城镇 do not: 40 % fewer windows, each ~15 us when
    # nothing matches); the guards are tested apart, at each suffix found,
    # because a lookbehind in the search pattern keeps ``re`` from skipping
    # to the suffix characters (measured: 7x slower).
    # Development zones are left out: their names end in 区/园/城, far too
    # common to anchor on, and a zone without a township, road or estate
    # after it is found as a clause standing alone, if at all.
    named = comp["town"] + comp["village"] + comp["road"] + comp["estate"]
    anchor = re.compile(_alternation(named))
    guarded = re.compile("|".join([
        _alternation(comp["town"], _TOWN_GUARD, _TOWN_AHEAD),
        _alternation(comp["village"], _VILLAGE_GUARD, _VILLAGE_AHEAD),
        _alternation(comp["road"], _ROAD_GUARD, _ROAD_AHEAD),
        _alternation(comp["estate"]),
    ]))
    # Building and unit numbers that only an address has: 12幢, 3号楼, 2单元,
    # 301室. Found by their last character (a one-character class is
    # what ``re`` skips to fastest; a pattern opening with digits it tries at
    # every position: 14 MB/s), then checked right to left.
    # (An estate numbered 7-9-707 with no suffix at all is left to the clause
    # step: it stands alone in practice, and dashes are everywhere in text.)
    unit_anchor = re.compile(r"[栋幢元室楼\-－]")
    # Any character an address needs somewhere: a component's last character, a
    # unit's, a digit or a field's colon. A short text without one is skipped.
    quick = re.compile("[" + re.escape("".join(sorted({w[-1] for w in named + comp["devzone"]})))
                       + "栋幢元室楼号0-9０-９:：]")
    unit_check = regex.compile(
        r"(?<![0-9０-９])(?:[0-9０-９]{1,4}(?:号楼|栋|幢|单元)|[0-9０-９]{2,5}室)", regex.V1 | regex.REVERSE)

    # The tail, forward: one token after another, each optionally after a separator.
    tail_stop = regex.escape(comp["tail_stop_chars"])
    tname = rf"[[{_HAN}{_LATIN}]--[{tail_stop}]]"
    alnum = rf"(?:[{_LATIN}]?[0-9０-９]{{1,6}}[{_LATIN}]?)"
    cn = "[一二三四五六七八九十百零〇两]{1,4}"
    units = r"(?:号楼|单元|号院|号门|栋|幢|座|楼|层|室|号|户|房|间|排|门|区|期|弄|巷|铺|街|[Ff](?![A-Za-z]))"
    # What follows a count, not a house number: years, money, people, things (3000多万元, 3项).
    measure = r"[年月日时分秒元角万亿千米岁次个名人天周辆台家条吨克斤亩项件位张套批例起多余来倍只头匹本册篇首股%％.．·:：0-9０-９]"
    tokens = [
        rf"第?(?:{alnum}|{cn}){units}",  # 12幢, 3单元, 301室, 5楼, 三楼, 二期, 7F
        # 47-6-746, 9-1148, B6-37号; not a score (4-3), a date (2024-09-19) or its part (12-05)
        rf"{alnum}(?:[-－—_#]{{1,2}}{alnum}){{1,3}}(?:室|号|房|户|楼|层|栋|幢|单元)(?![0-9０-９])",
        rf"(?P<tri>(?!{_DATE}){alnum}(?:[-－—_#]{{1,2}}{alnum}){{2,3}}(?!{measure}))",  # building-unit-room
        rf"(?!{_DATE}){alnum}[-－—_#]{{1,2}}[{_LATIN}]?[0-9０-９]{{3,6}}[{_LATIN}]?(?!{measure})",
        rf"[{_LATIN}](?:座|栋|幢|区|楼|单元)",  # A座
        # a cross road (…北路与新芜路交汇处)
        rf"[与和]?(?:{_NUM}号?|{tname}{{1,8}}?){_alternation(comp['road'])}(?P<roadno>{_NUM}(?:号院|号|弄|巷)?)?",
        rf"{tname}{{1,12}}?{_alternation(tail_data['place_suffixes'])}",  # 美保工具电商中心
    ]
    # Shops and offices (…工业区超达阀门厂), landmark words (…超市对面) and bare
    # numbers (…12号楼1439) may continue a tail but do not make an address:
    # 广州开发区某集团有限公司 is an employer, 10-28 a date.
    extends = [
        rf"{tname}{{1,12}}?{_alternation(tail_data['organisation_suffixes'])}",
        _alternation(tail_data["assist"]),
        rf"{alnum}(?!{measure})",
    ]
    tail = regex.compile(rf"(?:[-－—_#]?(?:(?P<tok>{'|'.join(tokens)})|{'|'.join(extends)}))+", regex.V1)
    estate_name = regex.compile(rf"{tname}{{2,12}}(?=[0-9０-９{_LATIN}])", regex.V1)

    ctx = data["context"]
    # 住 alone is an address word (户主王五住鳌溪镇…), not in 入住, 常住, 留住.
    context = regex.compile(_alternation(ctx["words"], {"住": r"(?<![入常留同租借保])"}))
    strong = [w for w in ctx["words"] if "址" in w or w.endswith(("地", "所", "籍贯"))]
    # An address field: 住址：, 收货地址: … found by its colon, then its word (right to left).
    strong_label = regex.compile(rf"{_alternation(strong)}[ \t\u3000]*", regex.V1 | regex.REVERSE)
    labels = frozenset(ctx["labels"])
    # The small patterns below are asked once or twice per address: the
    # standard library's ``re`` answers them with less overhead than ``regex``.
    org = re.compile(_alternation(data["organisation"]["after"]))
    public_end = re.compile(_alternation(data["organisation"]["public"]) + "$")
    # A number an address has: digits that do not count years, money or people
    # (乐安县2020年…公示 is a title), or a numbered unit or group (三组, 五号).
    numbered = re.compile(
        r"(?<![0-9０-９])[0-9０-９]+(?![0-9０-９年月日时分秒元角万亿千米岁次个名人天周辆台家条吨克斤亩项件位张套批例起多余来倍只头匹本册篇首股%％.．:：])|"
        + rf"{_NUM}(?:{_alternation(comp['unit'] + comp['group'] + ['弄', '巷'])})")
    # Components counted to weigh an address: named parts, numbered units, and a
    # three-part number (7-9-707: building, unit, room).
    markers = re.compile(
        _alternation(named + comp["devzone"]) + rf"|{_NUM}{_alternation(comp['group'] + comp['unit'])}|{_DASHNUM}"
        rf"|(?!{_DATE})[0-9]{{1,4}}[-－][0-9]{{1,4}}[-－][0-9]{{1,5}}"
    )
    # House, building and room numbers; a three-part 7-9-707 is building, unit and room.
    house_re = re.compile(rf"[0-9]+[-－][0-9]+(?:[-－][0-9]+)?|{_NUM}(?:号楼|单元|号|室|栋|幢|层|户)")
    return _Grammar(
        core=core, building=building, admin_before=admin_before, anchor=anchor, guarded=guarded,
        unit_anchor=unit_anchor, quick=quick, unit_check=unit_check, tail=tail, estate_name=estate_name, context=context, strong_label=strong_label,
        label_colon=re.compile(f"[{''.join(sorted({w[-1] for w in strong}))}][ \\t\u3000]*[:：]"), labels=labels, org=org,
        public_end=public_end, numbered=numbered, markers=markers, house=house_re,
        assist=re.compile(_alternation(tail_data["assist"])), prose=re.compile(_alternation(tail_data["prose"])),
        tail_stop=re.compile(f"[{tail_stop}]"), openers=frozenset(comp["name_openers"]),
        empty=frozenset(tail_data["empty"]), not_a_name=re.compile(f"[{re.escape(comp['not_estate_chars'])}]"),
        town_end=re.compile(_alternation(comp["town"]) + "$"),
    )


def _parts(tail: "regex.Match[str] | None") -> int:
    """Address parts a tail holds: its tokens, a building-unit-room number or a road
    with its number counting twice."""
    if tail is None:
        return 0
    return len(tail.captures("tok")) + len(tail.captures("tri")) + len(tail.captures("roadno"))


def _admin_names(chain: str) -> int:
    """How many administrative names a chain holds."""
    count = i = 0
    while i < len(chain):
        j = gazetteer.longest_name_at(chain, i)
        if j == i:
            i += 1
            continue
        count, i = count + 1, j
    return count


def _admin_chain_end(text: str, pos: int, end: int) -> int:
    """End of the administrative chain opening at ``pos`` (浙江省-台州市-路桥区, 中国浙江省…), or ``pos``."""
    chain_end = i = pos
    for _ in range(8):
        j = gazetteer.longest_name_at(text, i, end)
        if j == i:
            if text.startswith("中国", i):
                i += 2  # the country, before a real name only
                continue
            break
        chain_end = i = j
        if i < end and text[i] in "-－_":
            i += 1
    return chain_end


def township_only(value: str) -> bool:
    """Whether an address candidate names nothing below a township: 乐安县鳌溪镇, 鳌溪镇.

    A township is a region of tens of thousands of people, written where
    something happens there (会议在乐安县鳌溪镇召开); a village, road, estate or
    building in it is a place someone can live. The learned stage confirms
    only the latter (:mod:`piiscan.ner`).

    >>> [township_only(v) for v in ("乐安县鳌溪镇", "鳌溪镇", "和义街道", "鳌溪镇湖溪村", "文三路", "湖溪村")]
    [True, True, True, False, False, False]
    """
    g = _compiled()
    rest = value[_admin_chain_end(value, 0, len(value)):]
    return bool(rest) and g.town_end.search(rest) is not None and len(g.markers.findall(rest)) <= 1


def where_something_happens(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` names where something happens rather than where someone lives.

    Two shapes: a word of running prose right after it makes it the modifier
    of an event or a campaign (创建平安小区活动, 社区工作会议); and a township
    whose clause goes on with one (会议在乐安县鳌溪镇召开, 深入南华县柳小镇开展走访),
    unlike 他出生在鳌溪镇，….

    >>> t = "工作组深入乐安县鳌溪镇开展走访调研。他出生在鳌溪镇，后来去了县城。"
    >>> where_something_happens(t, 5, 11), where_something_happens(t, 23, 26)
    (True, False)
    >>> where_something_happens("创建平安小区活动", 2, 6)
    True
    """
    if _compiled().prose.match(text, end) is not None:
        return True
    if not township_only(text[start:end]):
        return False
    stop = _CLAUSE_STOP.search(text, end, min(len(text), end + _CLAUSE_MAX))
    return _compiled().prose.search(text, end, stop.start() if stop else min(len(text), end + _CLAUSE_MAX)) is not None


# Characters between an address word and the address itself (家庭住址：, 住在 …).
_GAP = re.compile(r"[\s:：是为在于]*")
_FULL_ADMIN_END = frozenset("省市县区州旗盟")


@dataclass
class _Span:
    """One address being put together: where it is and what it is made of."""

    start: int
    end: int
    admin: str
    named: bool = True  # a named component (town, road, estate …) was recognised
    building: bool = False  # the core is an estate named only by the number after it
    core_end: int = -1  # where the named core ends and its tail begins
    tokens: int = 0  # tail tokens (units, rooms, named places) after the core

    @property
    def strong_admin(self) -> bool:
        return bool(self.admin) and (self.admin[-1] in _FULL_ADMIN_END or len(self.admin) >= 4)


class AddressDetector:
    """Finds ``CN_ADDRESS`` spans; see the module docstring for the rules."""

    name = "cn_address"
    requires = HAN
    types = frozenset({CN_ADDRESS})

    def __init__(self) -> None:
        self._g = _compiled()

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        """Address findings in ``text`` (in no particular order).

        ``label`` is a column header: under 住址/家庭住址/户籍地 … the cell is
        an address (and any address-shaped span in it counts as one).
        """
        column = bool(label) and label_mentions(label, self._g.labels)
        if not column and len(text) <= _SHORT_TEXT and self._g.quick.search(text) is None \
                and _admin_chain_end(text, 0, len(text)) == 0:
            return  # a table cell (张三, 轮式拖拉机) with nothing an address could be made of
        # A cell under 备注 or 编号 is free text, not an address field: nothing
        # in it stands alone as an address (an address word inside still counts).
        fielded = not (label and not column and label_not_personal(label))
        cores = self._cores(text)
        # A one-line text with the marks of a sentence and no field separator
        # (most prose) has no clause that could stand alone.
        if fielded and not column and not ("\n" not in text and _SENTENCE_MARK.search(text) is not None
                                           and _FIELD_START.search(text) is None):
            # (Under an address column the whole cell is taken when nothing is named.)
            cores += self._clauses(text, cores)
        found = [f for f in (self._judge(text, s, column, label, fielded) for s in self._merged(cores, text))
                 if f is not None] if cores else []
        if column:
            yield from self._whole_cell(text, found, label)
            return
        yield from found
        yield from self._after_labels(text, found)

    # --- finding the parts ------------------------------------------------

    def _windows(self, text: str) -> list[tuple[int, int]]:
        """Merged stretches of text around component suffixes."""
        windows: list[tuple[int, int]] = []
        n = len(text)
        guarded = self._g.guarded.match
        for a in self._g.anchor.finditer(text):
            if guarded(text, a.start()) is None:
                continue
            lo, hi = max(0, a.start() - _BEFORE), min(n, a.end() + _AFTER)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
        return windows

    def _cores(self, text: str) -> list[_Span]:
        """Named cores (right to left from component suffixes), then estates named by their numbers."""
        g, n = self._g, len(text)
        cores: list[_Span] = []
        for lo, hi in self._windows(text):
            for m in g.core.finditer(text, lo, hi):
                if m.end() == hi < n:
                    # Lookaheads cannot see past a window's end: in 各乡|镇 or
                    # 农业乡|村 the cut hides what makes 乡 an ordinary word.
                    continue
                cores.append(self._left_edge(text, _Span(m.start(), m.end(), m.group("admin") or "")))
        # Unit numbers left to right against the named cores sorted by start:
        # a number right after a core (or after the unit before it, 3幢|2单元)
        # is the tail's, not a new estate's.
        named = sorted((c.start, c.end) for c in cores)
        n_named = len(named)
        i, reach = 0, -2
        for pos, u_end in self._unit_numbers(text):
            while i < n_named and named[i][0] <= pos:
                reach = max(reach, named[i][1])
                i += 1
            if pos <= reach + 1:
                reach = max(reach, u_end)
                continue
            m = g.building.match(text, max(0, pos - _BEFORE), pos)
            if m is not None and m.start("sub") < m.end("sub") and not g.not_a_name.search(m.group("sub")):
                cores.append(self._left_edge(text, _Span(m.start(), m.end(), m.group("admin") or "", building=True)))
                reach = u_end
        return cores

    def _unit_numbers(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the building and unit numbers in ``text``, left to right:
        12幢, 3号楼, 2单元, 301室 and the three-part 7-9-707 (not a date).

        One pass over a one-character class (what ``re`` skips to fastest)
        finds their last characters and the dashes; each hit is checked there.
        """
        g = self._g
        check = g.unit_check.match
        found = []
        last = -1
        for a in g.unit_anchor.finditer(text):
            at = a.start()
            ch = text[at]
            if ch == "-" or ch == "－":
                s = at
                while s > 0 and s > at - 4 and text[s - 1] in _DIGITS:
                    s -= 1
                if s <= last or s == at or (s and text[s - 1] in _DIGITS):
                    continue
                m = _THREE_PART.match(text, s)
                if m is not None:
                    found.append((s, m.end()))
                    last = m.end()
                continue
            # 元 and 楼 count only in 单元 and 号楼 (not 万元, 大楼): tested before the regex.
            if (ch == "元" and text[at - 1:at] != "单") or (ch == "楼" and text[at - 1:at] != "号"):
                continue
            u = check(text, max(0, at - 6), at + 1)
            if u is not None:
                found.append((u.start(), u.end()))
        return found

    def _clauses(self, text: str, cores: list[_Span]) -> list[_Span]:
        """Clauses of short lines that open with an administrative name or hold a number.

        A table row, a list of addresses or a form field puts an address on
        its own, often with nothing the grammar names (浙江省杭州市江干区天气晴
        烘焙, 北六区一楼2648-117); :meth:`_judge` keeps such a clause only if
        it closes as an address would.
        """
        g = self._g
        first = gazetteer.first_characters() | {"中"}
        out: list[_Span] = []
        taken = {c.start for c in cores} | {c.start - 1 for c in cores}
        starts = sorted(c.start for c in cores)
        lo = 0
        # Faster than a multiline regex over the whole text; a cell is one line.
        lines = text.split("\n") if "\n" in text else [text]
        longest = _SHORT_LINE if len(lines) > 1 else _SHORT_TEXT
        for line in lines:
            hi = lo + len(line)
            if not 2 <= hi - lo <= longest:
                lo = hi + 1
                continue
            if " " in line or "\t" in line or "\u3000" in line or ";" in line or "|" in line:
                positions = [lo] + [m.end() for m in _FIELD_START.finditer(text, lo, hi)]
            else:
                positions = [lo]
            digits = _DIGIT_SOON.search(text, lo, hi) is not None
            lo = hi + 1
            for pos in positions:
                if pos >= hi or pos in taken:
                    continue
                if _SENTENCE_MARK.search(text, pos, hi) is not None:
                    continue  # a clause of a sentence (…，…。) never stands alone as a field
                rest = _admin_chain_end(text, pos, hi) if text[pos] in first else pos
                if rest == pos and not (digits and _DIGIT_SOON.search(text, pos, min(hi, pos + _CLAUSE_MAX))):
                    continue
                t = g.tail.match(text, rest, min(hi, rest + _TAIL_MAX))
                if t is None:
                    # An estate named without a suffix before its numbers (世纪天成7-9-707).
                    name = g.estate_name.match(text, rest, min(hi, rest + _TAIL_MAX))
                    if name is not None and not (g.prose.search(name.group()) or g.not_a_name.search(name.group())):
                        t = g.tail.match(text, name.end(), min(hi, name.end() + _TAIL_MAX))
                end = t.end() if t is not None else rest
                k = bisect.bisect_left(starts, pos)
                if rest == pos and k < len(starts) and starts[k] < end:
                    continue  # a named core inside finds its own start (户主王五现住于鳌溪镇…)
                if end > pos:
                    out.append(_Span(pos, end, text[pos:rest], named=False,
                                     core_end=rest, tokens=_parts(t)))
        return out

    def _left_edge(self, text: str, span: _Span) -> _Span:
        """Give back a name's first character when it is also a function word.

        Place-name characters exclude 于, 所, 在, 和 … so that 住在 or 位于 never
        join the address after them; but 于都县, 所前镇 and 和平乡 are names.
        The character joins when what stands before it is a clause boundary,
        an address word (户籍地所前镇) or an administrative name (萧山区所前镇).
        """
        s = span.start
        if span.admin or s == 0 or text[s - 1] not in self._g.openers:
            return span
        f = s - 1
        if self._label_ends_at(text, s):
            return span  # 住在 / 住于: the character belongs to the address word
        admin = self._g.admin_before.match(text, max(0, f - _BEFORE), f)
        if admin is not None:
            return _Span(admin.start(), span.end, admin.group(), building=span.building)
        if f == 0 or text[f - 1] in _BOUNDARY_BEFORE or self._label_ends_at(text, f):
            return _Span(f, span.end, "", building=span.building)
        return span

    def _label_ends_at(self, text: str, pos: int) -> bool:
        for c in self._g.context.finditer(text, max(0, pos - 6), pos, overlapped=True):
            if c.end() == pos:
                return True
        return False

    def _merged(self, cores: list[_Span], text: str) -> list[_Span]:
        """Cores extended by their tails, overlapping ones joined (left to right)."""
        out: list[_Span] = []
        tail = self._g.tail.match
        for span in sorted(cores, key=lambda s: (s.start, -s.end)):
            end, tokens = span.end, span.tokens
            if span.named:
                t = tail(text, span.end, min(len(text), span.end + _TAIL_MAX))
                if t is not None:
                    end, tokens = t.end(), _parts(t)
            if out and span.start <= out[-1].end:
                prev = out[-1]
                prev.end = max(prev.end, end)
                prev.tokens += tokens
                if span.named and not prev.named:
                    prev.named, prev.core_end = True, span.end
                prev.building = prev.building and span.building
                continue
            out.append(_Span(span.start, end, span.admin, span.named, span.building,
                             span.end if span.named else span.core_end, tokens))
        return out

    # --- judging ----------------------------------------------------------

    def _judge(self, text: str, span: _Span, column: bool, label: str | None, fielded: bool = True) -> Finding | None:
        g = self._g
        start, end = span.start, span.end
        core_end = span.core_end if span.core_end >= 0 else end
        context_word, start = self._context_before(text, start, start + len(span.admin))
        if start >= end:
            return None
        context = context_word is not None or column
        value = text[start:end]
        below = value[len(span.admin):] if value.startswith(span.admin) else value
        numbered = g.numbered.search(below) is not None
        if g.org.match(text, core_end) is not None and not numbered and not context:
            return None  # 鳌溪镇人民政府, 乐安县公溪镇卫生院: an organisation
        left_free = fielded and (start == 0 or text[start - 1] in _FIELD_BEFORE)
        standalone = False
        if left_free or context:
            closed = self._clause_close(text, end, fields_only=not context)
            if closed is not None:
                standalone, end = True, closed
                value = text[start:end]
                below = value[len(span.admin):] if value.startswith(span.admin) else value
                numbered = g.numbered.search(below) is not None
        # Parts: components the grammar named in the core, and the tail's tokens
        # (a clause standing alone has only those).
        n_parts = len(g.markers.findall(text, start + len(span.admin), max(core_end, start))) + span.tokens
        if _COMMITTEE.search(text, start, core_end) and core_end == span.end and not (context or standalone):
            return None  # 湖溪村委会 in a sentence is the committee, not a home
        if (span.building and not (span.admin or context or standalone)
                and len(g.house.findall(value)) + value.count("-") < 3):
            # 该小区共有12栋: a number after a word is not yet an estate and its building.
            return None
        if not span.named:
            # A clause that opened with an administrative name or held a number.
            if not (standalone or context) or len(below) < 2:
                return None
            if g.public_end.search(below) and not numbered:
                return None  # 江西省乐安县农业农村局: an office
            if not span.admin and not (numbered and n_parts >= 2) and not context:
                return None
            if span.admin and not span.strong_admin and not numbered and not context:
                return None
            if not span.tokens and not numbered and not context:
                # 浙江省杭州市江干区天气晴烘焙: only a name after two or more
                # administrative names, and a short one; 平凉市邮政管理局就… is a sentence.
                if len(below) > _FREE_NAME_MAX or _admin_names(span.admin) < 2:
                    return None

        if context:
            rich = bool(span.admin) or numbered
            confidence = LABELLED_RICH if rich else LABELLED
        elif span.strong_admin:
            if numbered or n_parts >= 2:
                confidence = FULL
            elif standalone:
                # 浙江省温州市鹿城区新田路 as a line or a cell; a name the grammar does not know less so.
                confidence = PLACE_STANDALONE if span.named or n_parts else NAMED_ONLY
            elif not self._town_or_road_only(below):
                confidence = ADMIN_VILLAGE
            else:
                confidence = ADMIN_PLACE  # 乐安县鳌溪镇, 杭州市文三路: a place, not a home
        elif standalone and (numbered or n_parts >= 2 or span.admin):
            confidence = STANDALONE
        elif g.house.search(value) and n_parts >= 2:
            # 人民路123号阳光花园3栋2单元301室: down to the door, a home even without a county.
            confidence = DOWN_TO_DOOR
        else:
            # 鳌溪镇湖溪村3组 on its own may be a place talked about; context decides.
            confidence = ALONE
        evidence = ["grammar"] if span.named or n_parts else []
        if span.admin:
            evidence.append("gazetteer")
        if context_word is not None:
            evidence.append(f"label:{context_word}")
        if column:
            evidence.append(f"column:{label}")
        if standalone and not context:
            evidence.append("standalone")
        return Finding(CN_ADDRESS, start, end, value, confidence, self.name, evidence=tuple(evidence))

    def _clause_close(self, text: str, end: int, fields_only: bool) -> int | None:
        """Where the clause an address opens ends, if what is left of it is a landmark, not prose.

        None when the clause goes on as a sentence (…鳌溪镇召开会议), for
        longer than an address's closing landmark would, or (``fields_only``)
        when it ends in a mark that separates the clauses of a sentence.
        """
        g = self._g
        stop = _CLAUSE_STOP.search(text, end, min(len(text), end + _CLAUSE_MAX + 1))
        close = stop.start() if stop is not None else len(text)
        if close - end > _CLAUSE_MAX:
            return None
        if fields_only and close < len(text) and text[close] not in _FIELD_BEFORE and not text[close].isdigit() and text[close] not in "电手联收邮姓身Tt":
            return None
        rest = text[end:close]
        if not rest:
            return end
        if g.prose.search(rest) or g.tail_stop.search(g.assist.sub("", rest)):
            return None
        return close

    def _context_before(self, text: str, start: int, sub_start: int) -> tuple[str | None, int]:
        """The address word right before ``start``, if any; trims one
        that the match swallowed (户籍地鳌溪镇 → 鳌溪镇)."""
        lo = max(0, start - 12)
        last = None
        for c in self._g.context.finditer(text, lo, min(sub_start + 6, len(text))):
            if c.start() < start + 6:
                last = c
        if last is None:
            return None, start
        if last.end() > start:
            if len(last.group()) == 1:
                return None, start  # 区住保部门: a one-character word inside a name is no label
            return last.group(), last.end()
        gap = _GAP.match(text, last.end(), start)
        return (last.group(), start) if gap is not None and gap.end() == start else (None, start)

    def _town_or_road_only(self, sub: str) -> bool:
        return len(self._g.markers.findall(sub)) <= 1 and not sub.endswith(("村", "社区", "组", "小区", "花园", "家园", "苑"))

    # --- values that are addresses by where they stand -----------------------

    def _whole_cell(self, text: str, found: list[Finding], label: str | None) -> Iterator[Finding]:
        """Under an address column the cell is the address.

        What the grammar found there is already taken to the end of its
        clause (the column is context); a cell it found nothing in is one
        finding from its first character to its end, or to a phone number or
        the next field (宁围佳境天城, 北六区一楼2648-117).
        """
        if found:
            yield from found
            return
        lead = len(text) - len(text.lstrip())
        stop = _CLAUSE_STOP.search(text, lead)
        while stop is not None and stop.group().isspace() and stop.start() < len(text.rstrip()):
            # Blanks inside a cell separate the parts of one address (浙江省 杭州市 …).
            stop = _CLAUSE_STOP.search(text, stop.end())
        end = stop.start() if stop is not None else len(text.rstrip())
        value = text[lead:end].rstrip()
        if self._worth_a_cell(value) and self._g.context.fullmatch(value) is None:
            yield Finding(CN_ADDRESS, lead, lead + len(value), value, WHOLE_CELL, self.name,
                          evidence=(f"column:{label}",))

    def _worth_a_cell(self, value: str) -> bool:
        """A cell value that can be someone's address: not empty, not 无/不详, not only a county."""
        g = self._g
        if len(value) < 2 or value in g.empty or value.startswith(("详见", "见附")):
            return False
        if not HAN.search(value):
            return False
        return _admin_chain_end(value, 0, len(value)) != len(value)

    def _after_labels(self, text: str, found: list[Finding]) -> Iterator[Finding]:
        """The value after 住址：/ 收货地址 … where no component was recognised (住址：宁围佳境天城)."""
        g = self._g
        starts: list[int] | None = None
        for colon in g.label_colon.finditer(text):
            if starts is None:
                ordered = sorted((f.start, f.end) for f in found)
                starts = [a for a, _ in ordered]
                ends = list(itertools.accumulate((b for _, b in ordered), max))
            m = g.strong_label.match(text, max(0, colon.start() - 12), colon.start() + 1)
            if m is None:
                continue
            start = _BLANKS.match(text, colon.end()).end()
            k = bisect.bisect_right(starts, start + 3)
            if k and (starts[k - 1] >= start or ends[k - 1] > start):
                continue  # the grammar found the address after this label
            stop = _CLAUSE_STOP.search(text, start, min(len(text), start + _LABEL_CLAUSE_MAX + 1))
            end = stop.start() if stop is not None else min(len(text), start + _LABEL_CLAUSE_MAX + 1)
            if end - start > _LABEL_CLAUSE_MAX:
                continue
            value = text[start:end]
            if not self._worth_a_cell(value) or g.tail_stop.search(g.assist.sub("", value)) or g.prose.search(value):
                continue
            label = m.group().rstrip(" \t\u3000")
            yield Finding(CN_ADDRESS, start, end, value, LABELLED, self.name, evidence=(f"label:{label}",))
