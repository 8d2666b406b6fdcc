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
from ..finding import ENTITY_TYPES, FORBIDDEN_FIELD, UNDER_MASKED, Finding
from ..redact import Change, Redactor, learn_names
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
        # Every registered type: one the profile does not list gets its strictest rule (rule_for).
        rules = {t: profile.rule_for(t) for t in ENTITY_TYPES if t not in (UNDER_MASKED, FORBIDDEN_FIELD)}
        names = {t: strategy_name(r) for t, r in rules.items() if r.action != "allow"}
        keep = {t: r.keep for t, r in rules.items() if r.action == "mask" and r.keep}
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


def prepare_document(redactor: Redactor, src: Path) -> None:
    """Before redacting ``src``: learn the names the document holds (:func:`piiscan.redact.learn_names`).

    Per-document strategies (``court-name``) are told every name in order, the
    learned stage's included, so that two people with one surname become 张某甲
    and 张某乙 everywhere in it.
    """
    per_document = {mod for t, mod in redactor.strategies.items()
                    if t in redactor.types and getattr(mod, "PER_DOCUMENT", False)}
    found = learn_names(redactor, src, ner=bool(per_document))
    for mod in per_document:
        mod.begin_document([f.value for f in found], redactor.context)


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
