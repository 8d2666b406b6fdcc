"""What a disclosure profile holds once loaded: sources, a rule per entity type, column rules, quasi-identifiers.

A profile is data (``patterns/profiles/*.toml``, or a user's file): see
:mod:`piiscan.profiles.load` for the file format and its validation, and
``docs/profiles.md`` for every rule of the bundled profiles with its source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..entities.registry import builtin_names
from ..finding import (BANK_CARD, CN_ADDRESS, CN_LANDLINE, CN_MOBILE, CN_RESIDENT_ID, EMAIL_ADDRESS,
                       FORBIDDEN_FIELD, LABELS, PERSON_NAME, UNDER_MASKED)

#: Types a profile gives a rule for: the detectors' types (the audit's own types follow from them).
# Every type piiscan defines needs a rule in a profile (types registered from outside: see docs/extending.md).
RULE_TYPES: tuple[str, ...] = tuple(t for t in builtin_names() if t not in (UNDER_MASKED, FORBIDDEN_FIELD))

#: What a rule may ask, and in Chinese for reports.
ACTIONS: dict[str, str] = {
    "allow": "可以公开",
    "mask": "遮蔽",
    "pseudonymize": "假名化",
    "delete": "删除",
    "drop-column": "删除整列",
    "generalize": "泛化",
    "court-name": "保留姓氏，名字以“某”替代",
}

#: How far a source was checked (REFERENCE.md's ✓ / 2nd / (u)).
STATUSES: dict[str, str] = {
    "verified": "已核实原文",
    "secondhand": "经转载文本核实（二手来源）",
    "unverified": "未核实",
}

#: Which keep positions apply to which types (``mask``), and the levels ``generalize`` knows.
KEEP_TYPES = frozenset({CN_RESIDENT_ID, CN_MOBILE, BANK_CARD, CN_LANDLINE})
ADDRESS_LEVELS = {"county": "县级", "township": "乡镇、街道"}
DATE_LEVELS = {"year": "年份", "year-month": "年月"}
LEVEL_NAMES = {**ADDRESS_LEVELS, **DATE_LEVELS}


@dataclass(frozen=True)
class Source:
    """A document a rule rests on, and how far it was verified."""

    id: str
    cite: str  # 教育部办公厅 教财厅函〔2017〕28号
    status: str  # a key of STATUSES
    article: str = ""  # 第十条
    quote: str = ""
    url: str = ""
    note: str = ""

    def citation(self) -> str:
        """The cite and article, and a warning when the text was not verified.

        >>> Source("x", "法释〔2016〕19号", "unverified", article="第十条").citation()
        '法释〔2016〕19号 第十条（未核实）'
        """
        text = f"{self.cite} {self.article}".strip()
        return text + ("（未核实）" if self.status == "unverified" else "")


@dataclass(frozen=True)
class Rule:
    """One rule: for an entity type (``target`` = the type) or a column (``headers`` set)."""

    id: str  # "student-aid:CN_RESIDENT_ID", "student-aid:column:birth-date"
    target: str  # the type, or the column rule's id
    action: str
    sources: tuple[Source, ...]
    why: str = ""  # the requirement, in the source's words where possible
    keep: tuple[int, int] | None = None  # mask: significant characters kept at each end
    level: str | None = None  # generalize: county | township (addresses), year | year-month (date columns)
    headers: tuple[str, ...] = ()  # column rules: header words
    note: str = ""

    @property
    def is_column(self) -> bool:
        return bool(self.headers)

    def what(self) -> str:
        """The thing the rule is about, in Chinese: 身份证号, 出生日期 列."""
        if self.is_column:
            return f"{self.headers[0]} 列"
        return LABELS.get(self.target, self.target)

    def requirement(self) -> str:
        """What must be done, in Chinese, e.g. ``身份证号：遮蔽，只保留前6位和后4位``."""
        action = ACTIONS[self.action]
        if self.action == "mask" and self.keep:
            action += f"，只保留前{self.keep[0]}位和后{self.keep[1]}位" if self.keep[1] else f"，只保留前{self.keep[0]}位"
        if self.action == "generalize" and self.level:
            action += f"到{LEVEL_NAMES[self.level]}"
        return f"{self.what()}：{action}"

    def citation(self) -> str:
        return "；".join(s.citation() for s in self.sources)

    def status(self) -> str:
        """The weakest verification status of the rule's sources."""
        order = list(STATUSES)
        return max((s.status for s in self.sources), key=order.index, default="unverified")


@dataclass(frozen=True)
class QuasiIdentifiers:
    """Columns that identify a person in combination (GB/T 37964's 准标识符), and the smallest group size wanted."""

    headers: tuple[str, ...] = ()
    k: int = 5
    sources: tuple[Source, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Profile:
    """The rules for one kind of published document."""

    name: str
    title: str
    types: dict[str, Rule]
    columns: tuple[Rule, ...] = ()
    quasi: QuasiIdentifiers = QuasiIdentifiers()
    sources: dict[str, Source] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None
    #: per-profile memo (header → column rule, rule → violation record): judged once per distinct key
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def __hash__(self) -> int:  # profiles are used as cache keys; their files define them
        return hash((self.name, str(self.path)))

    def rule_for(self, etype: str) -> Rule:
        """The rule for ``etype``; a type the profile does not list (one registered outside the
        package after the profile was written) is masked whole: the strictest rule that keeps
        a value's place in the text, and what redaction does for it without a profile."""
        rule = self.types.get(etype)
        if rule is None:
            rule = Rule(id=f"{self.name}:{etype}:unlisted", target=etype, action="mask", sources=(),
                        why="本规则集未列出此类信息，按最严格的方式遮蔽",
                        note="a type this profile does not list (registered outside the package)")
        return rule

    def column_rule(self, header: str | None) -> Rule | None:
        """The column rule whose header words the (normalised) header matches: equal, or contained in it."""
        if not header or not self.columns:
            return None
        key = ("column", header)
        try:
            return self.memo[key]
        except KeyError:
            rule = self.memo[key] = _column_rule(self.columns, _norm(header))
            return rule

    def is_quasi(self, header: str) -> bool:
        h = _norm(header)
        return bool(h) and any(w and w in h for w in map(_norm, self.quasi.headers))

    def allowed_types(self) -> list[str]:
        return [t for t in RULE_TYPES if self.types[t].action == "allow"]

    def describe(self) -> dict:
        """A JSON-ready summary: name, title, file, every rule with its sources."""
        def rule(r: Rule) -> dict:
            d = {"id": r.id, "action": r.action, "requirement": r.requirement(), "why": r.why,
                 "sources": [s.citation() for s in r.sources], "status": r.status()}
            if r.keep:
                d["keep"] = list(r.keep)
            if r.level:
                d["level"] = r.level
            if r.headers:
                d["headers"] = list(r.headers)
            return d

        return {
            "name": self.name, "title": self.title, "file": str(self.path) if self.path else None,
            "types": [rule(self.types[t]) for t in RULE_TYPES],
            "columns": [rule(c) for c in self.columns],
            "quasi_identifiers": {"headers": list(self.quasi.headers), "k": self.quasi.k},
            "sources": {s.id: {"cite": s.cite, "article": s.article, "status": s.status, "url": s.url}
                        for s in self.sources.values()},
        }


def _norm(header: str) -> str:
    from ..tables import normalise_header

    return normalise_header(header)


def _column_rule(columns: tuple[Rule, ...], header: str) -> Rule | None:
    # Longest header word first: 出生年月日 before 出生年月, so a more specific rule wins.
    best: tuple[int, Rule] | None = None
    for rule in columns:
        for word in rule.headers:
            w = _norm(word)
            if w and (w == header or w in header) and (best is None or len(w) > best[0]):
                best = (len(w), rule)
    return best[1] if best else None


__all__ = ["ACTIONS", "ADDRESS_LEVELS", "DATE_LEVELS", "KEEP_TYPES", "Profile", "QuasiIdentifiers", "RULE_TYPES",
           "Rule", "STATUSES", "Source", "BANK_CARD", "CN_ADDRESS", "CN_LANDLINE", "CN_MOBILE", "CN_RESIDENT_ID",
           "EMAIL_ADDRESS", "PERSON_NAME"]
