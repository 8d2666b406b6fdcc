"""The audit of a folder under one profile: violations, under-masked values, joinable fragments, small groups.

:func:`audit_paths` scans every file with the profile's scanner (the built-in
detectors plus :class:`~piiscan.audit.masked.UnderMaskedDetector`), judges
the findings (:class:`~piiscan.profiles.ProfileJudge`: violations with their
rule, forbidden columns), then reads each file once more for what findings do
not carry: every masked value with the names on its row or line (for
:func:`~piiscan.audit.joins.find_joins`) and every table's quasi-identifier
columns (for :func:`~piiscan.audit.kanon.assess_table`). The result is an
:class:`AuditReport`, rendered by :mod:`piiscan.audit.report`.
"""
from __future__ import annotations

import bisect
import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..files import FileResult, iter_files, scan_results
from ..finding import PERSON_NAME
from ..profiles import Profile, ProfileFinding, ProfileJudge, ProfileRedactor, load_profile, scanner_for
from ..profiles.reading import iter_items, table_parts
from ..profiles.redactor import allowances
from ..readers import Segment
from ..scanner import Scanner
from ..tables import Table, cell_text, scan_table
from .joins import Join, Located, find_joins
from .kanon import TableRisk, assess_table
from .masked import find_fragments


@dataclass
class FileAudit:
    """One file's part of the audit."""

    path: str
    violations: list[ProfileFinding] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None
    unread: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class AuditReport:
    """Everything :mod:`piiscan.audit.report` renders. Holds no joined value and no unmasked value
    beyond the findings' own (which every rendering masks)."""

    profile: Profile
    paths: list[str]
    files: list[FileAudit]
    joins: list[Join]
    tables: list[TableRisk]
    threshold: int
    generated: datetime.datetime = field(default_factory=lambda: datetime.datetime.now().replace(microsecond=0))

    @property
    def risky_tables(self) -> list[TableRisk]:
        return [t for t in self.tables if t.at_risk]

    @property
    def incomplete(self) -> list[FileAudit]:
        return [f for f in self.files if f.error or f.unread]

    @property
    def violations(self) -> int:
        return sum(len(f.violations) for f in self.files)

    @property
    def exit_code(self) -> int:
        """0 nothing to rectify, 1 something to rectify, 2 some file could not be checked in full."""
        if self.incomplete:
            return 2
        return 1 if self.violations or self.joins or self.risky_tables else 0


def audit_paths(paths: Sequence[str | os.PathLike], profile: Profile | str | None = None, *,
                threshold: int | None = None, include: Sequence[str] = (), exclude: Sequence[str] = (),
                max_file_size: int | None = None, jobs: int = 1, follow_symlinks: bool = False) -> AuditReport:
    """Audit files and folders under ``profile`` (a :class:`Profile`, a name or file; default ``default``)."""
    if not isinstance(profile, Profile):
        profile = load_profile(profile or "default")
    threshold = threshold or profile.quasi.k
    files = list(iter_files(paths, include=include, exclude=exclude, follow_symlinks=follow_symlinks))
    judge = ProfileJudge(profile)
    audits: list[FileAudit] = []
    readable: list[tuple[Path, str]] = []
    for r in scan_results(files, scanner_for(profile), max_file_size=max_file_size, jobs=jobs):
        real = Path(r.path.split("!", 1)[0])
        judged = judge.result(r, real, keep_allowed=False)
        audits.append(_file_audit(judged))
        if not (r.error or r.skipped) and (not readable or readable[-1][0] != real):
            readable.append((real, str(real)))
    # One more read per file: fragments with the names beside them, and the tables' quasi-identifiers.
    redactor = ProfileRedactor(profile, key=os.urandom(32))  # a throw-away key: tokens only group rows here
    names = Scanner(types=[PERSON_NAME])
    located: list[Located] = []
    risks: list[TableRisk] = []
    for real, shown in readable:
        for n, (disp, item) in enumerate(iter_items(real, shown)):
            if isinstance(item, Table):
                rows, risk = _table_pass(disp, n, item, names, profile, redactor, threshold)
                located += rows
                if risk is not None:
                    risks.append(risk)
            elif isinstance(item, Segment):
                located += _segment_fragments(disp, n, item, names)
    joins = find_joins(located, allowances(profile))
    located.clear()
    return AuditReport(profile, [str(p) for p in paths], audits, joins, risks, threshold)


def _file_audit(r: FileResult) -> FileAudit:
    return FileAudit(r.path, [f for f in r.findings if isinstance(f, ProfileFinding) and f.violation is not None],
                     r.error, r.skipped, list(r.unread), list(r.notes))


def _segment_fragments(path: str, index: int, seg: Segment, names: Scanner) -> list[Located]:
    frags = list(find_fragments(seg.text, seg.label))
    if not frags:
        return []
    starts = [0] + [i + 1 for i, ch in enumerate(seg.text) if ch == "\n"]
    by_line: dict[int, set[str]] = {}
    for f in names.scan(seg.text, label=seg.label):
        by_line.setdefault(bisect.bisect_right(starts, f.start), set()).add(_name_key(f.value))
    loc = tuple(sorted(seg.location.items()))
    out = []
    for frag in frags:
        line = bisect.bisect_right(starts, frag.start)
        where = loc + ((("line", line),) if seg.line_offsets else ())
        out.append(Located(frag, path, where, (path, index, line), frozenset(by_line.get(line, ()))))
    return out


def _table_pass(path: str, index: int, table: Table, names: Scanner, profile: Profile, redactor: ProfileRedactor,
                threshold: int) -> tuple[list[Located], TableRisk | None]:
    header, rows_iter, first = table_parts(table)
    rows = list(rows_iter)
    risk = assess_table(path, Table(rows, table.location, header, first), profile, redactor, threshold)
    name_findings, _classes = scan_table(Table(rows, header=header, first_row=first), names)
    by_row: dict[int, set[str]] = {}
    for f in name_findings:
        by_row.setdefault(f.row or 0, set()).add(_name_key(f.value))
    loc = tuple(sorted(table.location.items()))
    out = []
    for r, row in enumerate(rows, first):
        for c, raw in enumerate(row):
            text, _ = cell_text(raw)
            if not text:
                continue
            label = header[c] if c < len(header) else None
            for frag in find_fragments(text, label):
                out.append(Located(frag, path, loc + (("row", r), ("column", label or f"列{c + 1}")),
                                   (path, index, r), frozenset(by_row.get(r, ()))))
    return out, risk


def _name_key(name: str) -> str:
    return "".join(name.split())


def describe(report: AuditReport) -> dict[str, Any]:
    """Counts for a summary line."""
    return {
        "files": len(report.files),
        "files_to_rectify": sum(1 for f in report.files if f.violations)
        + len({p for j in report.joins for p in j.paths} - {f.path for f in report.files if f.violations}),
        "violations": report.violations,
        "joins": len(report.joins),
        "tables_below_k": len(report.risky_tables),
        "incomplete": len(report.incomplete),
    }


__all__: Iterable[str] = ("AuditReport", "FileAudit", "audit_paths", "describe")
