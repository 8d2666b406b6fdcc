"""The re-scan of a redacted output: what is still found in it, or why it could not be checked.

``piiscan redact`` runs it on every output, and so does ``redact_file(..., verify=True)``:
an output in which anything is still found is a failed redaction.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..files import FileResult, _stream_findings, name_findings, scan_file_results
from ..finding import Finding
from . import strategies as _strategies

#: At most this many findings left in an output are kept to show (the rest are counted).
LEFT_SHOWN = 10


class Leftovers(list):
    """Findings left in an output: the first few (the list), and how many there were in all."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def add(self, finding: Finding) -> None:
        self.count += 1
        if len(self) < LEFT_SHOWN:
            self.append(finding)


class Unverified(str):
    """Why an output could not be verified: a part of it (a zip member, an image page, a picture
    without OCR) could not be read back or was not scanned. Unverified is not clean."""


def why_unverified(result) -> Unverified | None:
    if result.error:
        return Unverified(f"cannot be read back ({result.error})")
    if result.skipped:
        return Unverified(f"not scanned ({result.skipped})")
    if result.unread:
        return Unverified(f"{len(result.unread)} part(s) not read: {result.unread[0]}")
    return None


def rescan(dst: Path, redactor, report) -> Leftovers | Unverified:
    """Findings left in ``dst`` (fakes the run wrote are expected), or :class:`Unverified` if any
    part of it could not be read or was not scanned.

    A big text or CSV output is scanned as it is read, and only the first findings are kept,
    so verifying a huge output never holds it, nor every value a broken redaction left."""
    from .stream import streams

    left = Leftovers()

    def keep(findings: Iterable[Finding]) -> None:
        for f in findings:
            if f.type in redactor.types and _strategies.normalise(f.type, f.value) not in report.exempt_values:
                left.add(f)

    if streams(dst):
        result = FileResult(str(dst))
        keep(name_findings(dst.name, redactor.scanner, str(dst)))
        keep(_stream_findings(dst, redactor.scanner, result))  # the file is read here, as it is scanned
        return why_unverified(result) or left
    for result in scan_file_results(dst, redactor.scanner):
        why = why_unverified(result)
        if why:
            return why
        keep(result.findings)
    return left
