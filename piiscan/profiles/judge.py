"""Findings judged against a profile: allowed by a rule, or a violation of one (with its source).

``piiscan scan --profile`` and ``piiscan check --profile`` see the same
judgement: every finding becomes a :class:`ProfileFinding`, a
:class:`~piiscan.finding.Finding` with either ``allowed_by`` (the id of the
rule that lets it be published: names on a subsidy notice) or ``violation``
(:class:`Violation`: the rule, what it requires and the document it rests
on). Both are dataclass fields, so every JSON and JSONL record carries them,
and the rule id is also in ``evidence`` (``rule:student-aid:CN_RESIDENT_ID``),
which SARIF and HTML reports show.

Columns a profile forbids (出生日期 under the student-aid rules) hold values no
detector reports, so :class:`ProfileJudge` reads the tables of each file again
and reports every non-empty cell of such a column as a ``FORBIDDEN_FIELD``
finding — unless a detector already reported that cell, whose finding is then
judged under the column's rule.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..audit.masked import masked_type
from ..files import FileResult
from ..entities import registry
from ..finding import CN_ADDRESS, FORBIDDEN_FIELD, UNDER_MASKED, Finding
from ..redact.strategies.township import LEVELS, address_level
from ..tables import Table, cell_text
from .model import ACTIONS, Profile, Rule
from .reading import has_tables, iter_items, table_parts

PROFILE_COLUMN = "profile_column"  # detector name of FORBIDDEN_FIELD findings


@dataclass(frozen=True)
class Violation:
    """Which rule a finding breaks, what it requires, and on what authority."""

    profile: str
    rule: str  # rule id, e.g. "student-aid:column:birth-date"
    action: str
    requirement: str  # 出生日期 列：删除整列
    source: str  # 教育部办公厅 教财厅函〔2017〕28号
    status: str  # verified | secondhand | unverified
    reason: str = ""  # for a masked value: why it shows too much


@dataclass(frozen=True)
class ProfileFinding(Finding):
    """A finding as a profile judged it: ``violation`` set, or ``allowed_by`` a rule."""

    violation: Violation | None = None
    allowed_by: str | None = None


def violation_for(profile: Profile, rule: Rule, reason: str = "") -> Violation:
    key = ("violation", rule.id, reason)
    v = profile.memo.get(key)
    if v is None:
        v = profile.memo[key] = Violation(profile.name, rule.id, rule.action, rule.requirement(), rule.citation(),
                                          rule.status(), reason)
    return v


def rule_for(profile: Profile, f: Finding) -> tuple[Rule, bool, str]:
    """(the rule that decides ``f``, whether ``f`` breaks it, why — for masked values)."""
    if f.type == FORBIDDEN_FIELD:
        rid = _evidence(f, "rule")
        rule = next((c for c in profile.columns if c.id == rid), None) or profile.column_rule(
            f.column if isinstance(f.column, str) else None)
        if rule is None:
            raise ValueError(f"FORBIDDEN_FIELD finding without a rule of profile {profile.name}")
        return rule, True, ""
    column = profile.column_rule(f.column) if isinstance(f.column, str) else None
    if column is not None and column.action in ("allow", "delete", "drop-column"):
        return column, column.action != "allow", _reasons(f)
    if f.type == UNDER_MASKED:
        etype = masked_type(f) or ""
        rule = profile.types.get(etype)
        if rule is None:
            raise ValueError(f"UNDER_MASKED finding of unknown type {etype!r}")
        return rule, True, _reasons(f)
    rule = profile.rule_for(f.type)
    if rule.action == "allow":
        return rule, False, ""
    if f.type == CN_ADDRESS and rule.action == "generalize" and rule.level:
        # An address no finer than the rule's level is what the rule asks to publish.
        if LEVELS.index(address_level(f.value)) <= LEVELS.index(rule.level):
            return rule, False, ""
    return rule, True, ""


def judge_finding(profile: Profile, f: Finding) -> ProfileFinding:
    rule, broken, reason = rule_for(profile, f)
    f = f.with_evidence(f"rule:{rule.id}")
    # As Finding.with_location does: copy the instance dict (a dense table has a finding per cell).
    judged = object.__new__(ProfileFinding)
    state = judged.__dict__
    state.update(f.__dict__)
    state["violation"] = violation_for(profile, rule, reason) if broken else None
    state["allowed_by"] = None if broken else rule.id
    return judged


def _evidence(f: Finding, kind: str) -> str | None:
    prefix = kind + ":"
    return next((e[len(prefix):] for e in f.evidence if e.startswith(prefix)), None)


def _reasons(f: Finding) -> str:
    return "；".join(e[4:] for e in f.evidence if e.startswith("why:"))


# ------------------------------------------------------------------ columns

_MONTH = re.compile(r"(?:19|20)\d{2}\s*[年\-/.．]\s*\d{1,2}|(?:19|20)\d{2}(?:0[1-9]|1[0-2])")
_DAY = re.compile(r"(?:19|20)\d{2}\s*[年\-/.．]\s*\d{1,2}\s*[月\-/.．]\s*\d{1,2}|(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}")


def exposes(rule: Rule, text: str) -> bool:
    """Whether a cell's text breaks a column rule: any text where the column must go, a month or day
    where it must be generalized to the year (a day where to the month).

    >>> from piiscan.profiles.model import Rule
    >>> r = Rule("p:column:dob", "dob", "generalize", (), level="year", headers=("出生日期",))
    >>> exposes(r, "2005-03-07"), exposes(r, "2005年"), exposes(r, "200503")
    (True, False, True)
    """
    if rule.action in ("delete", "drop-column"):
        return True
    if rule.action == "generalize":
        return bool((_MONTH if rule.level == "year" else _DAY).search(text))
    return False


def iter_column_findings(profile: Profile, path: Path, shown: str) -> Iterator[Finding]:
    """A ``FORBIDDEN_FIELD`` finding for each non-empty cell that breaks a column rule, in every table of
    ``path`` (shown as ``shown``; a zip's members as ``shown!member``)."""
    if not any(c.action != "allow" for c in profile.columns) or not has_tables(path.name):
        return
    for disp, item in iter_items(path, shown, tables_only=True):
        if not isinstance(item, Table):
            continue
        header, rows, first = table_parts(item)
        cols = [(i, h, r) for i, h in enumerate(header)
                for r in [profile.column_rule(h)] if r is not None and r.action != "allow"]
        if not cols:
            continue
        for n, row in enumerate(rows, first):
            for i, h, rule in cols:
                if i >= len(row):
                    continue
                text, _lost = cell_text(row[i])
                if text and exposes(rule, text):
                    yield Finding(FORBIDDEN_FIELD, 0, len(text), text, 1.0, PROFILE_COLUMN, path=disp, row=n,
                                  column=h, **item.location, evidence=(f"column:{h}", f"rule:{rule.id}"))


class ProfileJudge:
    """Judges scan results under one profile, adding the cells of forbidden columns.

    ``allowed`` counts the findings a rule allowed, by rule id. With ``types``
    (``--types``) not naming ``FORBIDDEN_FIELD``, forbidden columns are not read.
    """

    def __init__(self, profile: Profile, types: Iterable[str] | None = None) -> None:
        self.profile = profile
        self.columns = types is None or FORBIDDEN_FIELD in set(types)
        self.allowed: Counter[str] = Counter()
        self._archive: tuple[str, dict[str, list[Finding]]] | None = None

    def result(self, r: FileResult, real: Path | None = None, *, keep_allowed: bool = True) -> FileResult:
        """``r`` with its findings judged (in place) and the forbidden-column cells of ``real``
        (the file on disk; for a zip member, the archive) added. ``keep_allowed=False`` keeps
        only violations, counting the others in :attr:`allowed`."""
        if r.skipped or r.error or real is None or not self.columns:
            extra: Iterable[Finding] = ()
        else:
            extra = self._column_findings(r.path, real)
        # A streamed file's findings are an iterator: judged as they are read (and its columns after).
        r.findings = self._judged(r.findings, extra, keep_allowed)  # type: ignore[assignment]
        return r

    def results(self, results: Iterable[FileResult], *, keep_allowed: bool = False) -> Iterator[FileResult]:
        """Results of :func:`piiscan.files.scan_results` (paths on disk), judged."""
        for r in results:
            yield self.result(r, Path(r.path.split("!", 1)[0]), keep_allowed=keep_allowed)

    def _judged(self, findings: Iterable[Finding], extra: Iterable[Finding], keep_allowed: bool):
        lazy = not isinstance(findings, list)
        gen = self._judge_all(findings, extra, keep_allowed)
        return gen if lazy else list(gen)

    def _judge_all(self, findings: Iterable[Finding], extra: Iterable[Finding], keep_allowed: bool) -> Iterator[Finding]:
        profile = self.profile
        taken: set[tuple] = set()
        for f in findings:
            if isinstance(f.column, str) and f.row is not None and profile.column_rule(f.column) is not None:
                rule = profile.column_rule(f.column)
                if self.columns and rule.action != "allow" and _is_attribute(f.type):
                    continue  # a birth date in a forbidden 出生日期 column: the column's cell reports it
                taken.add((f.sheet, f.page, f.row, f.column))
            yield from self._keep(judge_finding(profile, f), keep_allowed)
        for f in extra:
            if (f.sheet, f.page, f.row, f.column) not in taken:
                yield from self._keep(judge_finding(profile, f), keep_allowed)

    def _keep(self, f: ProfileFinding, keep_allowed: bool) -> Iterator[ProfileFinding]:
        if f.violation is None:
            self.allowed[f.allowed_by or ""] += 1
            if not keep_allowed:
                return
        yield f

    def _column_findings(self, shown: str, real: Path) -> Iterable[Finding]:
        archive, sep, _member = shown.partition("!")
        if not sep:
            return iter_column_findings(self.profile, real, shown)
        # A zip's members come one result after another: read the archive once for all of them.
        if self._archive is None or self._archive[0] != f"{real}|{archive}":
            by_member: dict[str, list[Finding]] = {}
            for f in iter_column_findings(self.profile, real, archive):
                by_member.setdefault(f.path or "", []).append(f)
            self._archive = (f"{real}|{archive}", by_member)
        return self._archive[1].get(shown, [])


def _is_attribute(etype: str) -> bool:
    spec = registry.find(etype)
    return spec is not None and spec.attribute


def describe_rule(rule: Rule) -> str:
    """One line for terminals: ``student-aid:CN_RESIDENT_ID 身份证号：删除整列 — 教育部办公厅 …``."""
    return f"{rule.id} {rule.requirement()} — {rule.citation()}"


__all__ = ["ACTIONS", "PROFILE_COLUMN", "ProfileFinding", "ProfileJudge", "Violation", "describe_rule", "exposes",
           "iter_column_findings", "judge_finding", "rule_for"]
