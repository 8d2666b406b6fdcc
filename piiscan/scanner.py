"""The scanner: detectors compiled once and composed, overlaps resolved once.

Each detector finds its own candidates with the fastest search its
patterns allow (``re`` skipping to digits for numbers, ``regex`` jumping to
``@`` for e-mail, suffix anchors for addresses, label, title and token
patterns for names); sharing one alternation made every search as slow as
its slowest member.

Behind the rules, the learned stage (:mod:`piiscan.ner`, the ``ner`` extra)
reads prose for the names no rule can confirm. It runs on texts given
without a ``label``: a table cell under its column header is the column's
to decide.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable, Sequence

from .detectors import HAN as _HAN, Detector
from .entities import registry
from .finding import CN_ADDRESS, PERSON_NAME, Finding

DEFAULT_MIN_CONFIDENCE = 0.5


def default_detectors() -> list:
    """The detectors of the registered types, in priority order (earlier wins a tie): the built-in
    e-mail, number, address and name detectors, then those registered with :func:`piiscan.register`."""
    return [make() for make in registry.detector_factories()]


_DEFAULT: "tuple[int, Scanner] | None" = None


def default_scanner() -> "Scanner":
    """A scanner of every registered type, built once (again after a type is registered)."""
    global _DEFAULT
    version = registry.version()
    if _DEFAULT is None or _DEFAULT[0] != version:
        _DEFAULT = (version, Scanner())
    return _DEFAULT[1]


class Scanner:
    """Finds personal information in text. Build once, reuse: compiling is the costly part.

    ``ner`` chooses the learned stage: ``None`` uses it when its extra is
    installed, ``True`` requires it (:class:`piiscan.ner.NotInstalled` if
    missing), ``False`` gives exactly the rules' findings.

    >>> s = Scanner(types=["CN_MOBILE"])
    >>> [(f.type, f.value) for f in s.scan("联系电话：13800138000，订单号：13900139000")]
    [('CN_MOBILE', '13800138000')]
    """

    def __init__(
        self,
        types: Iterable[str] | None = None,
        min_confidence: float | None = None,
        detectors: Sequence | None = None,
        ner: bool | None = None,
    ) -> None:
        known = registry.names()
        self.types = frozenset(types) if types is not None else frozenset(known)
        unknown = self.types - set(known)
        if unknown:
            raise ValueError(f"unknown entity type(s): {', '.join(sorted(unknown))}; known: {', '.join(known)} "
                             "(a new type is registered with piiscan.register)")
        self.min_confidence = DEFAULT_MIN_CONFIDENCE if min_confidence is None else float(min_confidence)
        if detectors is not None:
            # A detector given explicitly must report registered types: otherwise its findings would
            # be dropped without a word (what Scanner(detectors=[MyPlate()]) used to do).
            for d in detectors:
                strangers = frozenset(d.types) - set(known)
                if strangers:
                    raise ValueError(f"detector {getattr(d, 'name', type(d).__name__)!r} reports unregistered "
                                     f"type(s) {', '.join(sorted(strangers))}: register them first "
                                     "(piiscan.register(EntityType(...)))")
        self._detectors: list[Detector] = [
            d for d in (detectors if detectors is not None else default_detectors()) if d.types & self.types
        ]
        # Detectors that read only table cells under their header (needs_label) are skipped for prose.
        self._prose_detectors = [d for d in self._detectors if not getattr(d, "needs_label", False)]
        self._ner = None
        if ner is not False and (PERSON_NAME in self.types or CN_ADDRESS in self.types):
            from . import ner as ner_stage

            if ner or ner_stage.available():
                self._ner = ner_stage.LearnedStage()  # the model itself loads on first use

    @property
    def ner(self) -> bool:
        """Whether the learned stage runs."""
        return self._ner is not None

    def scan(self, text: str, *, label: str | None = None) -> list[Finding]:
        """Findings in ``text``, sorted by position, without overlaps.

        ``label`` is context that applies to the whole text, such as the
        header of the table column a cell sits in.
        """
        found = self._detect(text, label)
        if self._ner is not None and label is None and _HAN.search(text):
            found = self._ner.apply(text, found, self.min_confidence, self.types)
        return self._finish(found)

    def scan_many(self, texts: Sequence[tuple[str, str | None]]) -> list[list[Finding]]:
        """:meth:`scan` for each ``(text, label)`` of one document, the learned
        stage reading all of them in one pass (its batches fill up across
        paragraphs); the findings are the same as text by text.
        """
        founds = [self._detect(text, label) for text, label in texts]
        if self._ner is not None:
            prose = [i for i, (text, label) in enumerate(texts) if label is None and _HAN.search(text)]
            if prose:
                read = self._ner.apply_many([texts[i][0] for i in prose], [founds[i] for i in prose],
                                            self.min_confidence, self.types)
                for i, found in zip(prose, read):
                    founds[i] = found
        return [self._finish(found) for found in founds]

    def _detect(self, text: str, label: str | None) -> list[Finding]:
        found: list[Finding] = []
        for det in self._detectors if label is not None else self._prose_detectors:
            requires = getattr(det, "requires", None)
            if requires is None or requires.search(text):
                found.extend(det.detect(text, label))
        return found

    def _finish(self, found: list[Finding]) -> list[Finding]:
        return _resolve([f for f in found if f.type in self.types and f.confidence >= self.min_confidence])


def known_names(findings: Iterable[Finding]) -> dict[str, Finding]:
    """The names among ``findings`` worth looking for again (two or more Han characters),
    each with the finding it was confirmed by."""
    names: dict[str, Finding] = {}
    for f in findings:
        if f.type == PERSON_NAME and len(f.value) >= 2 and _ALL_HAN.fullmatch(f.value):
            best = names.get(f.value)
            if best is None or f.confidence > best.confidence:
                names[f.value] = f
    return names


def with_known_names(text: str, found: list[Finding], names: dict[str, Finding]) -> list[Finding]:
    """``found`` plus every other occurrence in ``text`` of a name in ``names`` (see :func:`known_names`).

    The rules need context (a label, a title, an ID on the line): a judgment
    writes 原告张小明，男 once and then 原告张小明与被告… without any. One
    person keeps one name throughout a document, so a name confirmed once is
    a name wherever it recurs. Redaction learns a document's names first
    (:func:`piiscan.profiles.prepare_document`) and replaces every occurrence;
    the scanner itself reports what each text shows (a text file scanned
    whole or in chunks gives the same findings).

    >>> from piiscan.finding import Finding
    >>> seed = Finding("PERSON_NAME", 2, 5, "张小明", 0.8, "person_name", evidence=("role:原告",))
    >>> [(f.start, f.value, f.evidence) for f in with_known_names("原告张小明与被告", [], known_names([seed]))]
    [(2, '张小明', ('role:原告', 'known-name'))]
    """
    if not names:
        return found
    extra = []
    for m in _names_pattern(tuple(sorted(names, key=len, reverse=True))).finditer(text):
        start, end = m.span()
        if any(f.start < end and start < f.end for f in found):
            continue
        seed = names[m.group()]
        evidence = seed.evidence + ("known-name",) if "known-name" not in seed.evidence else seed.evidence
        extra.append(Finding(PERSON_NAME, start, end, m.group(), seed.confidence, seed.detector, evidence=evidence))
    if not extra:
        return found
    return sorted(found + extra, key=lambda f: f.start)


@functools.lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> "re.Pattern[str]":
    return re.compile("|".join(map(re.escape, names)))


_ALL_HAN = re.compile(r"[\u3400-\u9fff]+")


def _resolve(findings: list[Finding]) -> list[Finding]:
    """Keep the best of overlapping findings: higher confidence, then longer span."""
    if len(findings) < 2:
        return sorted(findings, key=lambda f: f.start)
    findings.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for f in findings:
        if kept and f.start < kept[-1].end:
            prev = kept[-1]
            if (f.confidence, f.end - f.start) > (prev.confidence, prev.end - prev.start):
                kept[-1] = f
            continue
        kept.append(f)
    return kept
