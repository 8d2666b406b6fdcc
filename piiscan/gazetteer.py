"""The administrative-division gazetteer as data and as one compiled pattern.

Names come from :func:`piiscan.regions.regions` (GB/T 2260 as shipped in
python-stdnum's ``loc.dat``), every name a code ever carried, so an address
written with a pre-merger county name (吴县, 崇川区 …) is still recognised.
Short forms drop the level suffix (江西省 → 江西, 抚州市 → 抚州) because
addresses are often written that way (江西抚州乐安县…); autonomous areas are
also known without their peoples, with or without a plain level suffix
(隆林各族自治县 → 隆林县, 隆林; 延边朝鲜族自治州 → 延边州, 延边).

The names are turned into a *trie-shaped* regular expression: a plain
alternation of ~9,000 literals makes the regex engine try each in turn, while
a trie shares every common prefix (or, for patterns matched right to left,
every common suffix) so a failing position costs a few steps.

>>> trie_pattern(["乐安县", "乐平市", "安福县"])
'(?:乐(?:安县|平市)|安福县)'
>>> trie_pattern(["乐安县", "安福县", "乐平市"], suffix=True)
'(?:(?:乐安|安福)县|乐平市)'
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Iterable

import regex

from . import patterns
from .regions import regions


_RENAMES = regex.compile(r",?\[\d*-\d*\]|,")


@dataclass(frozen=True)
class Gazetteer:
    """Administrative names by level: each set holds full and short forms."""

    provinces: frozenset[str]
    prefectures: frozenset[str]
    counties: frozenset[str]

    @property
    def all_names(self) -> frozenset[str]:
        return self.provinces | self.prefectures | self.counties


@functools.lru_cache(maxsize=None)
def load() -> Gazetteer:
    """Every GB/T 2260 name (current and historical), plus short forms.

    >>> g = load()
    >>> {'江西省', '江西', '抚州市', '抚州', '乐安县', '乐安'} <= g.all_names
    True
    >>> '市辖区' in g.all_names, '东丽区' in g.all_names, '东郊区' in g.all_names
    (False, True, True)
    >>> {'隆林县', '隆林', '延边州', '延边', '广西省'} <= g.all_names
    True
    """
    conf = patterns.toml("address.toml")["gazetteer"]
    generic = frozenset(conf["generic_names"])
    ambiguous_short = frozenset(conf["ambiguous_short_forms"])
    # Longest suffix first: 壮族自治区 before 自治区 before 区.
    suffixes = sorted(conf["level_suffixes"], key=len, reverse=True)
    peoples = sorted(conf["peoples"], key=len, reverse=True)
    levels: dict[str, set[str]] = {"province": set(), "prefecture": set(), "county": set()}
    levels["province"].update(conf.get("extra_provinces", ()))
    for code, entries in regions().items():
        level = "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"
        for entry in entries:
            # loc.dat packs renames into one entry: "东郊区,[1992-]东丽区".
            for name in _RENAMES.split(entry.name):
                if name in generic or "直辖" in name or len(name) < 2:
                    continue
                levels[level].add(name)
                short = _short_form(name, suffixes)
                # Everyday-word short forms are kept for provinces and
                # prefectures only (辽宁朝阳…), where they are used in addresses.
                # A short form ending like a township or village (北镇 of 北镇市)
                # would read 瓯北镇 as a county and its township's tail.
                if (short and len(short) >= 2 and (level != "county" or short not in ambiguous_short)
                        and short[-1] not in _LOWER_LEVEL_END):
                    levels[level].add(short)
                everyday = _without_peoples(name, peoples)
                if everyday is not None:
                    base, plain = everyday
                    levels[level].add(base + plain)
                    if (level != "county" or base not in ambiguous_short) and base[-1] not in _LOWER_LEVEL_END:
                        levels[level].add(base)
    return Gazetteer(*(frozenset(levels[k]) for k in ("province", "prefecture", "county")))


_LOWER_LEVEL_END = frozenset("镇乡村街路")
_AUTONOMOUS = {"自治县": "县", "自治州": "州", "自治旗": "旗"}


def _without_peoples(name: str, peoples: list[str]) -> tuple[str, str] | None:
    """(place, plain level suffix) of an autonomous county, prefecture or banner.

    >>> _without_peoples("镇沅彝族哈尼族拉祜族自治县", ["哈尼族", "拉祜族", "彝族"])
    ('镇沅', '县')
    >>> _without_peoples("乐安县", ["彝族"]) is None
    True
    """
    for suffix, plain in _AUTONOMOUS.items():
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for people in peoples:
                    if base.endswith(people) and len(base) > len(people):
                        base, stripped = base[: -len(people)], True
                        break
            return (base, plain) if len(base) >= 2 and base != name[: -len(suffix)] else None
    return None


def _short_form(name: str, suffixes: list[str]) -> str | None:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


# ``regex`` tries the branches of an alternation one by one, even when each
# starts with a different literal: a failed match of the ~7,700 names (673
# different last characters at the root) cost ~6 µs, and the address grammar
# asks many times per address. Grouping the branches by their first-matched
# character behind one character-class test each cuts a failure to ~1 µs.
_BUCKET = 40


def _buckets(keys: list[str], alts: list[str], suffix: bool = True) -> list[str]:
    """The branches of one trie node, ``_BUCKET`` at a time behind a test of their character.

    In a ``regex.REVERSE`` pattern a lookbehind written *after* a group is
    tested first, on the character the group would consume next; matched
    left to right, a lookahead before the group does the same.
    """
    out = []
    for i in range(0, len(alts), _BUCKET):
        chars = "".join(regex.escape(k) for k in keys[i:i + _BUCKET])
        group = "(?:" + "|".join(alts[i:i + _BUCKET]) + ")"
        out.append(f"{group}(?<=[{chars}])" if suffix else f"(?=[{chars}]){group}")
    return out


def trie_pattern(words: Iterable[str], *, suffix: bool = False) -> str:
    """A regex fragment matching exactly ``words``, factored as a trie.

    With ``suffix=True`` common endings are shared instead of common
    beginnings: the right shape for a pattern compiled with ``regex.REVERSE``,
    which is matched from its last character backwards.
    """
    trie: dict = {}
    for word in set(words):
        node = trie
        for ch in reversed(word) if suffix else word:
            node = node.setdefault(ch, {})
        node[""] = {}  # end of a word

    def render(node: dict) -> str:
        # The alternatives that continue from this node; "" marks a word end.
        keys = sorted(k for k in node if k)
        alts = []
        for ch in keys:
            rest = render(node[ch])
            alts.append(rest + regex.escape(ch) if suffix else regex.escape(ch) + rest)
        if not alts:
            return ""
        if len(alts) > _BUCKET:
            alts = _buckets(keys, alts, suffix)
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            body = (body if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")") + "?"
        return body

    return render(trie)


@functools.lru_cache(maxsize=None)
def _prefix_trie() -> dict:
    trie: dict = {}
    for word in load().all_names:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True
    return trie


def longest_name_at(text: str, pos: int, end: int | None = None) -> int:
    """End of the longest administrative name starting at ``text[pos]``, or ``pos`` if none does.

    A walk down a dictionary trie: a few steps per character of the name,
    where a regular expression over ~8,000 names first tries its branches.

    >>> longest_name_at("江西省抚州市", 0), longest_name_at("江西省抚州市", 3), longest_name_at("会议", 0)
    (3, 6, 0)
    """
    node, best = _prefix_trie(), pos
    stop = len(text) if end is None else end
    i = pos
    while i < stop:
        node = node.get(text[i])
        if node is None:
            break
        i += 1
        if "" in node:
            best = i
    return best


@functools.lru_cache(maxsize=None)
def first_characters() -> frozenset[str]:
    """Characters an administrative name can start with: a cheap test before :func:`longest_name_at`."""
    return frozenset(_prefix_trie())

