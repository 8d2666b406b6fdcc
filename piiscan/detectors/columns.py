"""Attributes of a person read from a table column: ethnicity, religion, health, disability, relief
status, criminal record (their types' data: ``patterns/types/<TYPE>.toml``).

Reported only where the column header names the attribute *and* the cell
holds a value of it (汉族 under 民族, 肢体二级 under 残疾类别): never from
prose words alone (a notice titled 低保公示, a sentence about 高血压), and
never for 无/否/— in such a column.

>>> d = ColumnDetectors.ethnicity()
>>> [(f.type, f.value) for f in d.detect("汉族", "民族")], list(d.detect("汉族")), list(d.detect("无", "民族"))
([('CN_ETHNICITY', '汉族')], [], [])
>>> [f.value for f in ColumnDetectors.health().detect(" 2型糖尿病 ", "主要病情")]
['2型糖尿病']
"""
from __future__ import annotations

import functools
from typing import Iterator

import regex

from ..entities.specdata import type_data
from ..finding import Finding
from ..headers import header_kind

#: Cells that say "nothing" under any such header.
NOTHING = frozenset({"无", "否", "没有", "未", "不详", "未知", "—", "——", "-", "--", "/", "／", "－", "空", "暂无",
                     "n/a", "na", "none"})
_ANY = regex.compile(r"\S")


@functools.lru_cache(maxsize=4096)
def _names_type(label: str, etype: str) -> bool:
    return header_kind(label) == etype or any(header_kind(part) == etype for part in label.split())


class ColumnValueDetector:
    """One attribute type: reported when ``label`` (the column header) classifies as it and the cell's
    text is one of its ``values`` (optionally with its ``suffix``) or contains one of its ``value_words``."""

    def __init__(self, etype: str, name: str, confidence: float = 0.9) -> None:
        data = type_data(etype)
        self.name = name
        self.types = frozenset({etype})
        self.requires = _ANY
        self.needs_label = True  # only a table cell under its header: the scanner skips it for prose
        self.etype = etype
        self.confidence = confidence
        self.values = frozenset(data.get("values", ()))
        self.suffix = data.get("suffix", "")
        words = tuple(data.get("value_words", ()))
        self.words = regex.compile("|".join(map(regex.escape, sorted(words, key=len, reverse=True)))) if words else None

    def detect(self, text: str, label: str | None = None) -> Iterator[Finding]:
        if not label or not _names_type(label, self.etype):
            return
        value = text.strip()
        if not value or value.lower() in NOTHING or len(value) > 60:
            return
        if not self._holds(value):
            return
        start = text.index(value)
        yield Finding(self.etype, start, start + len(value), value, self.confidence, self.name,
                      evidence=(f"column:{label}", "value"))

    def _holds(self, value: str) -> bool:
        if value in self.values:
            return True
        if self.suffix and value.endswith(self.suffix) and value[:-len(self.suffix)] in self.values:
            return True
        return self.words is not None and self.words.search(value) is not None


class ColumnDetectors:
    """Factories, one detector per type (the registry builds one of each)."""

    @staticmethod
    def ethnicity() -> ColumnValueDetector:
        return ColumnValueDetector("CN_ETHNICITY", "cn_ethnicity")

    @staticmethod
    def religion() -> ColumnValueDetector:
        return ColumnValueDetector("CN_RELIGION", "cn_religion")

    @staticmethod
    def health() -> ColumnValueDetector:
        return ColumnValueDetector("HEALTH_INFO", "health_info")

    @staticmethod
    def disability() -> ColumnValueDetector:
        return ColumnValueDetector("DISABILITY_INFO", "disability_info")

    @staticmethod
    def relief() -> ColumnValueDetector:
        return ColumnValueDetector("RELIEF_STATUS", "relief_status")

    @staticmethod
    def criminal_record() -> ColumnValueDetector:
        return ColumnValueDetector("CRIMINAL_RECORD", "criminal_record")
