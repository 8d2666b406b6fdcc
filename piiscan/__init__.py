"""piiscan — find and mask Chinese personal information before it is published.

>>> import piiscan
>>> [(f.type, f.value) for f in piiscan.scan_text("户主手机 13800138000，邮箱 nongji@example.com")]
[('CN_MOBILE', '13800138000'), ('EMAIL_ADDRESS', 'nongji@example.com')]
"""
from __future__ import annotations

from typing import Iterable

from .entities import EntityType, register
from .entities import registry as _registry
from .files import FileResult, scan_dataframe, scan_file, scan_file_results, scan_path, scan_results
from .finding import ENTITY_TYPES, LABELS, Finding
from .masking import mask_value
from .readers import ReadError, Segment
from .redact import (RedactionError, Redactor, UnverifiedRedaction, redact_dataframe, redact_file, redact_text,
                     restore_text)
from .scanner import Scanner
from .stream import scan_csv_stream, scan_stream
from .tables import ColumnClass, Table

from ._version import __version__  # noqa: E402,F401

__all__ = [
    "ColumnClass",
    "ENTITY_TYPES",
    "EntityType",
    "LABELS",
    "FileResult",
    "Finding",
    "ReadError",
    "RedactionError",
    "Redactor",
    "Scanner",
    "Segment",
    "Table",
    "mask_value",
    "redact_dataframe",
    "redact_file",
    "redact_text",
    "register",
    "restore_text",
    "scan_csv_stream",
    "scan_dataframe",
    "scan_file",
    "scan_file_results",
    "scan_path",
    "scan_results",
    "scan_stream",
    "scan_text",
    "check",
    "UnverifiedRedaction",
]

_scanners: dict[tuple, Scanner] = {}


def scan_text(
    text: str,
    *,
    types: Iterable[str] | None = None,
    min_confidence: float | None = None,
) -> list[Finding]:
    """Personal information in ``text``, sorted by position.

    Scanners are cached per (types, min_confidence, registered types), so calling this in a
    loop does not recompile anything.
    """
    # Per set of registered types too: a type registered later is scanned for.
    key = (frozenset(types) if types is not None else None, min_confidence, _registry.version())
    scanner = _scanners.get(key)
    if scanner is None:
        scanner = _scanners[key] = Scanner(types=types, min_confidence=min_confidence)
    return scanner.scan(text)


def check(
    paths: Iterable[str] = (".",),
    *,
    staged: bool = False,
    since: str | None = None,
    config: str | None = None,
    baseline: str | None = None,
    no_baseline: bool = False,
    types: Iterable[str] | None = None,
    min_confidence: float | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    jobs: int | None = None,
):
    """The release gate, as ``piiscan check`` runs it: a :class:`~piiscan.gate.policy.GateResult`
    (``blocked``, ``exit_code``, ``verdicts`` …) for ``paths`` in the working directory's repository,
    the config (``.piiscan.toml`` / ``[tool.piiscan]``, or ``config``) and its baseline applied.

    Render it with :func:`piiscan.report.render` (``json``, ``jsonl``, ``sarif``, ``html``).
    Raises :class:`~piiscan.gate.run.GateUsageError`, ``ConfigError``, ``BaselineError`` or
    ``GitError`` when the gate cannot run.
    """
    from .gate.run import run_gate

    paths = list(paths) if not (staged or since) else []
    result, _baseline = run_gate(paths, staged=staged, since=since, config_path=config, baseline_path=baseline,
                                 no_baseline=no_baseline, types=list(types) if types is not None else None,
                                 min_confidence=min_confidence, include=tuple(include), exclude=tuple(exclude),
                                 jobs=jobs)
    return result
