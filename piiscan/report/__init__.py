"""Reports of findings, for ``piiscan check`` and ``piiscan scan`` alike: JSON, JSONL, SARIF, HTML.

One interface: a :class:`~piiscan.gate.policy.GateResult` in, a document out
(:func:`render`). The gate makes its result from policy and baseline; a scan's
results become one with :func:`from_results` (every finding reported). Values
are always masked.
"""
from __future__ import annotations

import json
from typing import Any, Iterable

from ..files import FileResult
from ..gate.baseline import Hasher
from ..gate.policy import BLOCKING, GateResult, Verdict
from ..masking import mask_text

FORMATS = ("json", "jsonl", "sarif", "html")


def from_results(results: Iterable[FileResult]) -> GateResult:
    """A scan's results as a report's input: every finding reported (no policy, no baseline); files of
    formats piiscan cannot read are listed as skipped, as ``piiscan scan`` lists them."""
    files = list(results)
    verdicts = [Verdict(f, BLOCKING) for r in files for f in r.findings]
    return GateResult(files=files, verdicts=verdicts, accept_unsupported=True)


def fingerprint_hasher(baseline=None) -> Hasher | None:
    """The hasher for SARIF fingerprints: the baseline's, else one keyed with the baseline secret
    (``PIISCAN_BASELINE_KEY`` or the key file), else None (no fingerprints from values).
    Fingerprints must be stable across runs and never an unkeyed hash of a value."""
    from ..gate import baseline as baseline_mod

    if baseline is not None:
        return baseline.hasher
    try:
        secret = baseline_mod.load_secret()
    except baseline_mod.BaselineError:
        return None
    return Hasher("", secret) if secret else None


def verdict_record(v) -> dict[str, Any]:
    d = v.finding.to_dict(show_value=False)
    d["status"] = v.status
    if v.reason:
        d["reason"] = v.reason
    return d


def render(result: GateResult, fmt: str, *, hasher: Hasher | None = None, title: str = "piiscan report") -> str:
    """The report of ``result`` in ``fmt`` (one of :data:`FORMATS`), always masked.

    ``hasher`` keys the SARIF fingerprints (never an unkeyed hash of a value).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")
    if fmt == "sarif":
        from .sarif import to_sarif

        return json.dumps(to_sarif(result, hasher=hasher), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from .html import to_html

        return to_html(result, title=title)
    if fmt == "json":
        doc = {
            "blocked": result.blocked,
            "exit_code": result.exit_code,
            "findings": [verdict_record(v) for v in result.verdicts],
            "errors": [{"path": mask_text(r.path), "error": r.error} for r in result.files if r.error],
            "unread": [{"path": mask_text(r.path), "unread": u} for r in result.unread for u in r.unread],
            "skipped": [{"path": mask_text(r.path), "reason": r.skipped, "kind": r.skip_kind,
                         **({"fails_gate": True} if r.unchecked and not result.accept_unsupported else {})}
                        for r in result.files if r.skipped],
            "baseline": result.baseline,
            "summary": result.counts(),
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        lines = [json.dumps(verdict_record(v), ensure_ascii=False) for v in result.verdicts]
        lines += [json.dumps({"path": mask_text(r.path), "error": r.error}, ensure_ascii=False) for r in result.errors]
        lines += [json.dumps({"path": mask_text(r.path), "unread": u}, ensure_ascii=False)
                  for r in result.unread for u in r.unread]
        if not result.accept_unsupported:
            lines += [json.dumps({"path": mask_text(r.path), "unchecked": r.skipped}, ensure_ascii=False)
                      for r in result.unchecked]
        return "".join(line + "\n" for line in lines)
    raise AssertionError(fmt)
