"""Redaction: replace personal information in text, tables and files, in the same format.

A :class:`Redactor` combines a :class:`~piiscan.scanner.Scanner` with a
strategy per entity type (see :mod:`piiscan.redact.strategies`). Writers in
:mod:`piiscan.redact.writers` put the replacements back into each format.

Every redaction is verified: the redacted text is scanned again, and any
span that still trips a detector (a mask that happens to form a new number,
an address prefix the address detector still likes) is masked completely
with ``*``. Values the ``fake`` strategy produced look real on purpose and
are exempt from that check.

>>> redact_text("户主 张三 身份证 11010519491231002X 手机 13800138000", types=["CN_RESIDENT_ID", "CN_MOBILE"])
'户主 张三 身份证 110105********002X 手机 138****8000'
>>> redact_text("手机 13800138000", strategy="tag")
'手机 [手机号]'
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..entities import registry
from ..finding import ENTITY_TYPES, PERSON_NAME, Finding
from ..scanner import Scanner, known_names, with_known_names
from . import strategies as _strategies
from .changes import Change, RedactionError
from .keys import ENV_VAR, KeyMissingError, coerce_key, load_key, require_key

__all__ = [
    "Change",
    "KeyMissingError",
    "RedactionError",
    "UnverifiedRedaction",
    "Redactor",
    "FileReport",
    "load_key",
    "redact_dataframe",
    "redact_file",
    "redact_text",
    "restore_text",
]

#: How many times the engine re-scans its own output before giving up on a span.
_VERIFY_ROUNDS = 3


@dataclass
class FileReport:
    """What :func:`redact_file` did to one file."""

    src: str
    dst: str
    changes: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    exempt_values: set[str] = field(default_factory=set)  # fakes written (normalised), for re-scans
    notes: list[str] = field(default_factory=list)
    #: ``verify=True``: what the re-scan of the output found (the first few; ``left_count`` in all),
    #: or why the output could not be verified (a part not read back). None: not verified.
    left: list[Finding] | None = None
    left_count: int = 0
    unverified: str | None = None

    @property
    def verified(self) -> bool:
        """Whether the output was scanned again and nothing was left in it."""
        return self.left is not None and not self.left_count and self.unverified is None

    def add(self, changes: Iterable[Change]) -> None:
        for c in changes:
            self.changes += 1
            self.by_type[c.finding.type] = self.by_type.get(c.finding.type, 0) + 1
            if c.exempt:
                self.exempt_values.add(_strategies.normalise(c.finding.type, c.replacement))


class Redactor:
    """Scanner + a strategy per type. Build once and reuse (the scanner compile is the costly part).

    ``strategy`` is a strategy name for every type, or a mapping type → name
    (types not in the mapping use ``"mask"``). ``key`` (bytes or str) is
    needed by ``pseudonymize``, ``encrypt`` and ``fake``; when omitted it is
    read from ``$PIISCAN_KEY``. ``options`` go to the strategies (e.g.
    ``keep={"CN_RESIDENT_ID": (1, 1)}`` for ``mask``).
    """

    def __init__(
        self,
        strategy: str | Mapping[str, str] = "mask",
        *,
        types: Iterable[str] | None = None,
        key: bytes | str | None = None,
        scanner: Scanner | None = None,
        min_confidence: float | None = None,
        **options: Any,
    ) -> None:
        self.scanner = scanner or Scanner(types=types, min_confidence=min_confidence)
        if types is not None and scanner is not None:
            self.types = frozenset(types) & scanner.types
        else:
            self.types = self.scanner.types
        if isinstance(strategy, str):
            names = {t: strategy for t in ENTITY_TYPES}
        else:
            names = {t: "mask" for t in ENTITY_TYPES} | {t.upper(): s for t, s in strategy.items()}
        self.strategies = {t: _strategies.get(names[t]) for t in ENTITY_TYPES}
        k = coerce_key(key) if key is not None else load_key()
        for t in self.types:
            mod = self.strategies[t]
            if mod.NEEDS_KEY:
                require_key(k, mod.NAME)
        self.context = _strategies.Context(key=k, options=options)
        # Replacements are pure functions of (type, value): cache them, since
        # tables repeat values (the same village, the same bank) many times.
        self._cache: dict[tuple[str, str], str] = {}
        self._full_mask = _strategies.get("mask")
        #: Names the current document confirmed somewhere (:func:`learn_names`): replaced wherever
        #: they recur, context or not; ``names_of`` is the file they were learned from.
        self.known_names: dict[str, Finding] = {}
        self.names_of: str | None = None

    def __getstate__(self) -> dict:
        # Strategies are modules and the context caches ciphers: neither pickles. A redactor
        # crosses to a worker process (an isolated native reader) by strategy name.
        state = dict(self.__dict__)
        state["strategies"] = {t: m.NAME for t, m in self.strategies.items()}
        state["_full_mask"] = None
        state["_cache"] = {}
        state["context"] = _strategies.Context(key=self.context.key, options=self.context.options)
        return state

    def __setstate__(self, state: dict) -> None:
        state["strategies"] = {t: _strategies.get(n) for t, n in state["strategies"].items()}
        state["_full_mask"] = _strategies.get("mask")
        self.__dict__.update(state)

    def replacement(self, finding: Finding) -> str:
        key = (finding.type, finding.value)
        out = self._cache.get(key)
        if out is None:
            out = self.strategies[finding.type].replace(finding.type, finding.value, self.context)
            if len(self._cache) < 200_000:
                self._cache[key] = out
        return out

    def redact(
        self, text: str, *, label: str | None = None, findings: list[Finding] | None = None
    ) -> tuple[str, list[Change]]:
        """``text`` with every finding replaced, and the changes made (input offsets).

        ``findings`` (offsets into ``text``, no overlaps) may come from elsewhere,
        e.g. :func:`piiscan.tables.scan_table`; by default the text is scanned here.
        """
        if findings is None:
            findings = self.scanner.scan(text, label=label)
        if self.known_names and PERSON_NAME in self.types:
            findings = with_known_names(text, list(findings), self.known_names)
        findings = sorted((f for f in findings if f.type in self.types), key=lambda f: f.start)
        if not findings:
            return text, []
        out, changes = self._apply(text, findings)
        return self._verify(out, changes, label), changes

    def _apply(self, text: str, findings: list[Finding]) -> tuple[str, list[Change]]:
        parts: list[str] = []
        changes: list[Change] = []
        pos = 0
        length = 0
        for f in findings:
            rep = self.replacement(f)
            parts.append(text[pos:f.start])
            length += f.start - pos
            changes.append(Change(f, rep, length, self.strategies[f.type].LOOKS_REAL))
            parts.append(rep)
            length += len(rep)
            pos = f.end
        parts.append(text[pos:])
        return "".join(parts), changes

    def _verify(self, out: str, changes: list[Change], label: str | None) -> str:
        exempt = [(c.new_start, c.new_end) for c in changes if c.exempt]
        for _round in range(_VERIFY_ROUNDS):
            left = [
                f for f in self.scanner.scan(out, label=label)
                if f.type in self.types and not any(s <= f.start and f.end <= e for s, e in exempt)
            ]
            if not left:
                return out
            # A replacement (or its join with the text around it) still looks
            # like PII: hide every significant character of the span.
            parts, pos = [], 0
            for f in left:
                parts.append(out[pos:f.start])
                parts.append(_hide_all(f.value))
                pos = f.end
            parts.append(out[pos:])
            out = "".join(parts)
        raise RedactionError("redacted text still contains personal information after full masking")

    def text(self, text: str, *, label: str | None = None) -> str:
        return self.redact(text, label=label)[0]


def _hide_all(value: str) -> str:
    return "".join("*" if not ch.isspace() else ch for ch in value)


def redact_text(
    text: str,
    *,
    strategy: str | Mapping[str, str] = "mask",
    types: Iterable[str] | None = None,
    key: bytes | str | None = None,
    scanner: Scanner | None = None,
    label: str | None = None,
    **opts: Any,
) -> str:
    """``text`` with the personal information of ``types`` replaced by ``strategy``.

    Offsets outside the replaced spans are untouched: the text before, between
    and after findings is copied verbatim.
    """
    return _redactor(strategy, types, key, scanner, opts).text(text, label=label)


_REDACTORS: dict[tuple, Redactor] = {}


def _redactor(strategy, types, key, scanner, opts) -> Redactor:
    if scanner is not None or opts or not isinstance(strategy, str):
        return Redactor(strategy, types=types, key=key, scanner=scanner, **opts)
    k = coerce_key(key) if key is not None else os.environ.get(ENV_VAR)
    # Per set of registered types too: a type registered later is redacted.
    cache_key = (strategy, frozenset(types) if types is not None else None, k, registry.version())
    r = _REDACTORS.get(cache_key)
    if r is None:
        if len(_REDACTORS) > 32:
            _REDACTORS.clear()
        r = _REDACTORS[cache_key] = Redactor(strategy, types=types, key=key)
    return r


def restore_text(text: str, *, key: bytes | str | None = None) -> str:
    """Undo the ``encrypt`` strategy: every ``RID…``/``MOB…``/``TEL…``/``BNK…`` token decrypted."""
    from .strategies import encrypt

    k = coerce_key(key) if key is not None else load_key()
    ctx = _strategies.Context(key=require_key(k, "restore"))
    return encrypt.restore_text(text, ctx)[0]


def redact_dataframe(
    df: "Any",
    *,
    strategy: str | Mapping[str, str] = "mask",
    types: Iterable[str] | None = None,
    key: bytes | str | None = None,
    scanner: Scanner | None = None,
    redactor: Redactor | None = None,
    **opts: Any,
) -> "Any":
    """A copy of a pandas DataFrame with every string cell redacted; shape, index and dtypes of
    untouched columns are kept. Each cell is scanned with its column header as context."""
    from .writers.table import redact_frame

    r = redactor or Redactor(strategy, types=types, key=key, scanner=scanner, **opts)
    return redact_frame(df, r)


def redact_file(
    src: str | os.PathLike,
    dst: str | os.PathLike | None = None,
    *,
    strategy: str | Mapping[str, str] = "mask",
    types: Iterable[str] | None = None,
    key: bytes | str | None = None,
    scanner: Scanner | None = None,
    redactor: Redactor | None = None,
    in_place: bool = False,
    verify: bool = False,
    **opts: Any,
) -> FileReport:
    """Write a redacted copy of ``src`` to ``dst`` in the same format.

    ``verify=True`` scans the output again, as ``piiscan redact`` does: if anything is still
    found in it, or a part of it cannot be read back, :class:`UnverifiedRedaction` is raised
    (its ``report`` says what: masked values only) and the output is removed unless
    ``in_place``; otherwise ``report.verified`` is True.

    ``dst`` must differ from ``src`` unless ``in_place=True``. The output is
    written to a temporary file next to ``dst`` and moved into place, so a
    crash never leaves a half-written file. Writer options (e.g.
    ``pdf_mode="image"``, ``zip_limits=Limits(...)``) pass through ``opts``.
    """
    from .stream import writer_for

    src_p = Path(src)
    dst_p = Path(dst) if dst is not None else None
    if dst_p is None:
        if not in_place:
            raise ValueError("no destination: give dst, or in_place=True to overwrite the input")
        dst_p = src_p
    elif not in_place and dst_p.exists() and dst_p.resolve() == src_p.resolve():
        raise ValueError(f"{dst_p} is the input file: refusing to overwrite it without in_place=True")
    writer_opts = {k: opts.pop(k) for k in list(opts) if k.startswith(("pdf_", "zip_"))}
    r = redactor or Redactor(strategy, types=types, key=key, scanner=scanner, **opts)
    if r.names_of != str(src_p):
        learn_names(r, src_p)
    report = FileReport(str(src_p), str(dst_p))
    writer_for(src_p)(src_p, dst_p, r, report, **writer_opts)
    if verify:
        _verify(dst_p, r, report, remove=not in_place)
    return report


def learn_names(redactor: Redactor, src: str | os.PathLike, *, ner: bool = False) -> list[Finding]:
    """Read ``src`` once for names and have ``redactor`` replace each of them wherever it recurs.

    The rules need context (a label, a role, an ID on the line): a judgment writes
    原告张小明，男 once and 原告张小明与被告… later without any, and the second one
    stayed in the copy. The names are the rules' unless ``ner`` (the learned stage
    reads every occurrence in its own context anyway, at ~30k characters a second).
    A file too big to be read whole is not read twice for this. Returns the names
    found, in document order; :func:`redact_file` calls this for each new ``src``.
    """
    from ..files import STREAM_THRESHOLD, scan_file_results

    src_p = Path(src)
    redactor.known_names, redactor.names_of = {}, str(src_p)
    redactor._cache.clear()  # replacements may depend on the document's names (court-name)
    if PERSON_NAME not in redactor.types:
        return []
    try:
        if not ner and src_p.stat().st_size > STREAM_THRESHOLD:
            return []
    except OSError:
        return []
    names_only = Scanner(types=[PERSON_NAME], min_confidence=redactor.scanner.min_confidence,
                         ner=redactor.scanner.ner if ner else False)
    found = [f for r in scan_file_results(src_p, names_only) for f in r.findings]
    redactor.known_names = known_names(found)
    return found


class UnverifiedRedaction(RedactionError):
    """``redact_file(..., verify=True)``: the output still holds personal information, or could not be
    read back; ``report`` says what (values masked)."""

    def __init__(self, message: str, report: FileReport):
        super().__init__(message)
        self.report = report


def _verify(dst: Path, redactor: Redactor, report: FileReport, *, remove: bool) -> None:
    from ..masking import mask_text, mask_value
    from .verify import Unverified, rescan

    left = rescan(dst, redactor, report)
    if isinstance(left, Unverified):
        report.left, report.unverified = [], str(left)
        problem = f"could not be verified: {mask_text(str(left))}"
    else:
        report.left, report.left_count = list(left), left.count
        if not left.count:
            return
        shown = ", ".join(f"{f.type} {mask_value(f.type, f.value)}" for f in left[:3])
        problem = f"{left.count} value(s) still found after redaction ({shown})"
    if remove:
        dst.unlink(missing_ok=True)
    raise UnverifiedRedaction(f"{mask_text(str(dst))}: {problem}" + ("; output removed" if remove else ""), report)
