"""Disclosure profiles: which fields a kind of published document may show, and how.

No one mask fits every document. What binds a publisher is which fields may
appear at all, and that differs by kind: a student-aid list may show a
student's name, school and class but not the ID number, home address, phone,
birth date or bank card (教财厅函〔2017〕28号: deleted, not masked); a published
judgment keeps a party's surname and replaces the given name with 某 (法释〔2016〕
19号 第九条); a subsidy notice may name the farmer but never show an ID number
or bank account. A profile is that rule set as data — ``patterns/profiles/*.toml``
for the bundled ones, or a user's own file — each rule citing the document it
rests on and how far that document was verified.

>>> p = load_profile("student-aid")
>>> p.rule_for("CN_RESIDENT_ID").action, p.rule_for("PERSON_NAME").action
('drop-column', 'allow')
>>> p.column_rule("出生年月").requirement()
'出生日期 列：删除整列'
>>> sorted(builtin_names())
['court-judgment', 'default', 'housing', 'low-income', 'student-aid', 'subsidy-notice']

* :func:`load_profile` reads and checks one (:class:`ProfileError` on any mistake);
* :class:`ProfileJudge` judges scan results: violations with their rule and source;
* :class:`ProfileRedactor` applies a profile (``piiscan redact --profile``);
* :func:`scanner_for` adds the masking audit's detector (``UNDER_MASKED``).
"""
from __future__ import annotations

from .judge import ProfileFinding, ProfileJudge, Violation, judge_finding, rule_for
from .load import ProfileError, builtin_names, from_dict, load_profile, parse_keep
from .model import Profile, QuasiIdentifiers, Rule, Source
from .redactor import ProfileRedactor, allowances, detectors_for, leftovers, prepare_document, scanner_for

__all__ = [
    "Profile", "ProfileError", "ProfileFinding", "ProfileJudge", "ProfileRedactor", "QuasiIdentifiers", "Rule",
    "Source", "Violation", "allowances", "builtin_names", "detectors_for", "from_dict", "judge_finding",
    "leftovers", "load_profile", "parse_keep", "prepare_document", "rule_for", "scanner_for",
]
