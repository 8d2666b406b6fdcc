"""Applying a profile: a :class:`~piiscan.redact.Redactor` whose strategies, masks and column rules come from it.

Each type's rule picks a strategy (``mask`` with the rule's kept positions,
``delete``, ``drop-column``, ``pseudonymize``, ``generalize`` — ``township``
for addresses kept to the township —, ``court-name``); allowed types are not
redacted at all. Column rules apply by header: in CSV and XLSX (through
:mod:`piiscan.redact.writers.table`) a column is emptied, rewritten (a birth
date kept to its year) or removed; in Word and HTML tables, whose writers pass
the column header as the label of each cell, the cell is emptied or rewritten.
PDF tables are redacted by findings only: a forbidden column in a PDF stays,
and ``piiscan redact --profile`` then fails its verification (see
:func:`leftovers`) rather than publish it.

Masked values that show too much (``UNDER_MASKED``) are masked further to what
the rule of their type allows (:func:`piiscan.audit.masked.remask`), or
deleted where the type must not appear.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ..audit.masked import FRAGMENT_TYPES, Allowance, UnderMaskedDetector, allowance_for, masked_type, remask
from ..detectors import Detector
from ..files import scan_file_results
from ..finding import FORBIDDEN_FIELD, PERSON_NAME, UNDER_MASKED, Finding
from ..redact import Change, Redactor
from ..redact.writers.table import ColumnEdit
from ..scanner import Scanner, default_detectors
from .judge import PROFILE_COLUMN, ProfileJudge
from .model import Profile, Rule

_STRATEGY = {"mask": "mask", "delete": "delete", "drop-column": "drop-column", "pseudonymize": "pseudonymize",
             "court-name": "court-name"}


def strategy_name(rule: Rule) -> str:
    """The redaction strategy a type rule asks for.

    >>> from piiscan.profiles import load_profile
    >>> [strategy_name(r) for r in load_profile("court-judgment").types.values()][:3]
    ['delete', 'delete', 'delete']
    """
    if rule.action == "generalize":
        return "township" if rule.level == "township" else "generalize"
    return _STRATEGY[rule.action]


def allowances(profile: Profile) -> dict[str, Allowance]:
    """What each type's rule lets a masked form show (see :mod:`piiscan.audit.masked`)."""
    return {t: allowance_for(t, r.action, r.keep) for t, r in profile.types.items() if t in FRAGMENT_TYPES}


def detectors_for(profile: Profile, *, conform: bool = False) -> list[Detector]:
    """The built-in detectors plus the masking audit's, judging masked values by this profile
    (``conform``: masks of another shape too, see :func:`piiscan.audit.masked.judge`)."""
    return default_detectors() + [UnderMaskedDetector(allowances(profile), conform=conform)]


def scanner_for(profile: Profile, *, types=None, min_confidence: float | None = None,
                conform: bool = False, ner: bool | None = None) -> Scanner:
    return Scanner(types=types, min_confidence=min_confidence, detectors=detectors_for(profile, conform=conform),
                   ner=ner)


class ProfileRedactor(Redactor):
    """A :class:`~piiscan.redact.Redactor` that applies ``profile``: build once, reuse for many files.

    ``key`` is needed only when a rule pseudonymizes.
    """

    def __init__(self, profile: Profile, *, key: bytes | str | None = None, min_confidence: float | None = None,
                 scanner: Scanner | None = None, **options: Any) -> None:
        names = {t: strategy_name(r) for t, r in profile.types.items() if r.action != "allow"}
        keep = {t: r.keep for t, r in profile.types.items() if r.action == "mask" and r.keep}
        types = list(names) + [UNDER_MASKED]
        names[UNDER_MASKED] = "delete"  # never used: replacement() masks further by the masked type's rule
        if keep:
            options["keep"] = {**keep, **options.get("keep", {})}
        # Masks of another shape than the rule's are masked into it: the output then cannot
        # be joined with the rule's own form of the same value elsewhere.
        super().__init__(names, types=types, key=key,
                         scanner=scanner or scanner_for(profile, min_confidence=min_confidence, conform=True),
                         **options)
        self.profile = profile
        self.allowances = allowances(profile)
        #: Names found in the current document (see :func:`prepare_document`): redacted wherever they recur.
        self.known_names: frozenset[str] = frozenset()

    def replacement(self, finding: Finding) -> str:
        if finding.type == UNDER_MASKED:
            etype = masked_type(finding)
            column = self.profile.column_rule(finding.column) if isinstance(finding.column, str) else None
            if column is not None and column.action in ("delete", "drop-column"):
                return ""
            return remask(finding.value, etype, self.allowances.get(etype or "", Allowance(nothing=True)))
        return super().replacement(finding)

    def column_edit(self, header: str) -> ColumnEdit | None:
        """What the profile's column rule for ``header`` does to the column (see :class:`ColumnEdit`)."""
        return _column_edit(self.profile, header)

    def redact(self, text: str, *, label: str | None = None, findings: list[Finding] | None = None):
        # Word and HTML table cells arrive one by one with their column header as the label.
        edit = self.column_edit(label) if label else None
        if edit is None or edit.cell is None:
            if edit is not None:
                return text, []  # a column the profile allows as it is
            if self.known_names and PERSON_NAME in self.types:
                if findings is None:
                    findings = self.scanner.scan(text, label=label)
                findings = _with_known_names(text, findings, self.known_names)
            return super().redact(text, label=label, findings=findings)
        new = edit.cell(text)
        if new == text:
            return text, []
        cleared = Finding(FORBIDDEN_FIELD, 0, len(text), text, 1.0, PROFILE_COLUMN, evidence=(f"rule:{edit.rule}",))
        return new, [Change(cleared, new, 0)]


@functools.lru_cache(maxsize=4096)
def _column_edit(profile: Profile, header: str) -> ColumnEdit | None:
    rule = profile.column_rule(header)
    if rule is None:
        return None
    if rule.action == "allow":
        return ColumnEdit(rule=rule.id)
    if rule.action in ("delete", "drop-column"):
        return ColumnEdit(drop=rule.action == "drop-column", cell=_empty, rule=rule.id)
    return ColumnEdit(cell=functools.partial(generalize_date, level=rule.level or "year"), rule=rule.id)


def _empty(_text: str) -> str:
    return ""


_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:[年\-/.．]\s*(\d{1,2})|(0[1-9]|1[0-2])(?=\d{2}\b|$))?")


def generalize_date(text: str, level: str = "year") -> str:
    """A date kept to its year (or year and month); "" when no year can be read.

    >>> generalize_date("2005-03-07"), generalize_date("2005年3月7日", "year-month"), generalize_date("20050307")
    ('2005年', '2005年3月', '2005年')
    >>> generalize_date("不详")
    ''
    """
    m = _YEAR.search(text)
    if m is None:
        return ""
    if level == "year-month":
        month = m.group(2) or m.group(3)
        if month:
            return f"{m.group(1)}年{int(month)}月"
    return f"{m.group(1)}年"


def _with_known_names(text: str, findings: list[Finding], names: frozenset[str]) -> list[Finding]:
    """``findings`` plus every other occurrence of a name the document named elsewhere.

    The name detector needs context (a label, a title, an ID on the line); a
    judgment names 原告张三 once and then writes 张三诉称 without one. One person
    keeps one form throughout the document, so a name found once is replaced
    wherever it recurs.
    """
    extra = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(f.start < end and start < f.end for f in findings):
                extra.append(Finding(PERSON_NAME, start, end, name, 0.6, "profile_known_name",
                                     evidence=("known-name",)))
            start = text.find(name, end)
    if not extra:
        return findings
    merged = sorted(findings + extra, key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for f in merged:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def prepare_document(redactor: Redactor, src: Path) -> None:
    """Before redacting ``src``: learn the names the document holds.

    Per-document strategies (``court-name``) are told them in order, so that
    two people with one surname become 张某甲 and 张某乙 everywhere in it; a
    :class:`ProfileRedactor` also replaces every later occurrence of a name
    found once (see :func:`_with_known_names`). Replacements cached for the
    previous document are dropped: they depended on its names.
    """
    per_document = {mod for t, mod in redactor.strategies.items()
                    if t in redactor.types and getattr(mod, "PER_DOCUMENT", False)}
    profiled = isinstance(redactor, ProfileRedactor) and PERSON_NAME in redactor.types
    if not per_document and not profiled:
        return
    names_only = Scanner(types=[PERSON_NAME], min_confidence=redactor.scanner.min_confidence)
    names = [f.value for r in scan_file_results(Path(src), names_only) for f in r.findings]
    for mod in per_document:
        mod.begin_document(names, redactor.context)
    if profiled:
        redactor.known_names = frozenset(n for n in names if len(n) >= 2)
    redactor._cache.clear()  # noqa: SLF001 - the replacements of the last document no longer hold


def leftovers(redactor: ProfileRedactor, dst: Path) -> list[Finding]:
    """Violations of the profile still in a written output: values the scan finds (under-masked
    included) and cells of forbidden columns a writer could not touch (PDF tables)."""
    judge = ProfileJudge(redactor.profile)
    out = []
    for r in scan_file_results(Path(dst), redactor.scanner):
        if r.error or r.skipped:
            continue
        judged = judge.result(r, Path(dst), keep_allowed=False)
        out += [f for f in judged.findings if f.type == FORBIDDEN_FIELD]
    return out
