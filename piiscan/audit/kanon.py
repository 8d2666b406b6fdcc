"""Re-identification risk of a published table: the smallest group its quasi-identifiers leave (k).

GB/T 37964-2019 (个人信息去标识化指南) splits identifiers into direct ones
(直接标识符: a name, an ID number) and quasi-identifiers (准标识符: attributes
that single a person out in combination). A list of 特困 recipients with
names removed can still name a household: in a village of 300 people "3组,
女, 90岁以上" may be one woman, and the list then says she lives on 特困 support.
k-anonymity asks that every combination of quasi-identifier values the table
publishes be shared by at least k rows.

:func:`assess_table` takes a profile's quasi-identifier columns (matched by
header words, ``[quasi-identifiers]`` in the profile), their values *as the
profile would publish them* (a column the profile removes does not count; an
address generalized to the township counts as the township), groups the rows
by those values and reports the smallest group size and every row in a group
smaller than the threshold (default 5). Summary rows (合计, 小计) are left out.
A table that publishes names the profile allows (a 低保 list under the Beijing
practice) is not assessed: its rows are identified by name by design, and k
measures nothing there.

The k-anonymity model is the standard one; that GB/T 37964's annex describes
it in these terms, and the threshold 5, were not verified here (see
``docs/profiles.md``).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..finding import PERSON_NAME
from ..tables import cell_text, header_kind
from ..profiles.model import Profile
from ..profiles.reading import table_parts
from ..profiles.redactor import ProfileRedactor, generalize_date

_TOTAL = re.compile(r"^\s*(?:合\s*计|总\s*计|小\s*计|共\s*计|总数)\s*$")


@dataclass(frozen=True)
class SmallGroup:
    """Rows sharing one combination of published quasi-identifier values, fewer than the threshold."""

    values: tuple[tuple[str, str], ...]  # (header, value as published)
    rows: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class TableRisk:
    """The k-anonymity of one table under a profile."""

    path: str
    location: tuple[tuple[str, Any], ...]
    columns: tuple[str, ...]  # quasi-identifier columns as published
    excluded: tuple[str, ...]  # quasi-identifier columns the profile removes
    rows: int
    k: int
    threshold: int
    small: tuple[SmallGroup, ...] = field(default=())

    @property
    def at_risk(self) -> bool:
        return self.k < self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, **dict(self.location), "quasi_identifiers": list(self.columns),
            "removed_by_profile": list(self.excluded), "rows": self.rows, "k": self.k, "threshold": self.threshold,
            "small_groups": [{"values": dict(g.values), "size": g.size, "rows": list(g.rows)} for g in self.small],
        }


def assess_table(path: str, table, profile: Profile, redactor: ProfileRedactor,
                 threshold: int | None = None) -> TableRisk | None:
    """The k of ``table`` under ``profile`` (None when it has no quasi-identifier column)."""
    threshold = threshold or profile.quasi.k
    header, rows, first = table_parts(table)
    qi = [(i, h) for i, h in enumerate(header) if profile.is_quasi(h)]
    if not qi:
        return None
    used, excluded = [], []
    for i, h in qi:
        rule = profile.column_rule(h)
        (excluded if rule is not None and rule.action in ("delete", "drop-column") else used).append((i, h))
    if not used:
        return None
    if PERSON_NAME not in redactor.types and any(header_kind(h) == PERSON_NAME for h in header):
        return None  # names are published by design: every row is identified anyway
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    n = 0
    for r, row in enumerate(rows, first):
        cells = [cell_text(c)[0] for c in row]
        if not any(cells) or any(_TOTAL.match(c) for c in cells if c):
            continue
        key = tuple(_published(profile, redactor, h, cells[i] if i < len(cells) else "") for i, h in used)
        if not any(key):
            continue
        groups[key].append(r)
        n += 1
    if not groups:
        return None
    k = min(len(v) for v in groups.values())
    small = tuple(SmallGroup(tuple(zip((h for _, h in used), key)), tuple(rs))
                  for key, rs in sorted(groups.items(), key=lambda kv: (len(kv[1]), kv[1][0]))
                  if len(rs) < threshold)
    return TableRisk(path, tuple(sorted(table.location.items())), tuple(h for _, h in used),
                     tuple(h for _, h in excluded), n, k, threshold, small)


def _published(profile: Profile, redactor: ProfileRedactor, header: str, text: str) -> str:
    """A cell as the profile publishes it."""
    if not text:
        return ""
    rule = profile.column_rule(header)
    if rule is not None and rule.action == "generalize":
        return generalize_date(text, rule.level or "year")
    if rule is not None and rule.action == "allow":
        return text
    return redactor.text(text, label=header)


def smallest(risks: Sequence[TableRisk]) -> int | None:
    return min((r.k for r in risks), default=None)
