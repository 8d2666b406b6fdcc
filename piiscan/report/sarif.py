"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Meets GitHub's extra requirements: every rule has ``id``,
``shortDescription``, ``fullDescription`` and ``help``; every result has a
message, a repository-relative ``artifactLocation.uri``, a ``region`` with
lines and columns, and ``partialFingerprints``. Findings in tables carry no
line: they point at line 1 and say sheet/page/row/column in the message.

Values are masked everywhere; there is no ``snippet`` (gitleaks puts the raw
secret there unless ``--redact``). Fingerprints come from the keyed hash (see
:mod:`piiscan.gate.baseline`), never from a plain hash of the value.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any, Callable
from urllib.parse import quote

from ..entities import registry
from ..finding import LABELS, Finding
from ..gate.baseline import Hasher
from ..gate.policy import BLOCKING, WARNING, GateResult
from ..masking import mask_location, mask_text, mask_value

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/piiscan/"
FINGERPRINT_KEY = "piiscanFinding/v1"

#: GitHub rejects runs with more results than this.
GITHUB_MAX_RESULTS = 25_000

_HELP = (
    "Personal information must be de-identified before a document is published (GB/T 35273 §7.2). "
    "Mask it (`piiscan redact`), remove the column, or, if the value is public by design "
    "(an office hotline), add it to the allowlist in `[tool.piiscan.allow]`. "
    "To accept existing findings and fail only on new ones, run `piiscan baseline create`."
)


def rules() -> list[dict[str, Any]]:
    out = []
    for spec in registry.specs():  # one rule per registered type, described by its spec
        etype, short, full = spec.name, spec.description, spec.details or spec.description
        out.append({
            "id": etype,
            "name": "".join(w.capitalize() for w in etype.lower().split("_")),
            "shortDescription": {"text": f"{short} ({spec.label})"},
            "fullDescription": {"text": full},
            "help": {"text": _HELP, "markdown": f"**{short}** — {full}\n\n{_HELP}"},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["privacy", "pii", "personal-information"]
                           + (["sensitive-personal-information"] if spec.sensitive else []),
                           "precision": "high"},
        })
    return out


def _split_member(path: str | None) -> tuple[str, str | None]:
    """``a.zip!inner/b.xlsx`` -> (``a.zip``, ``inner/b.xlsx``): code scanning can only point at the archive."""
    archive, sep, member = (path or "").partition("!")
    return archive, (member if sep else None)


def _where_text(f: Finding) -> str:
    member = _split_member(f.path)[1]
    return ", ".join(([f"in {member}"] if member else []) + f.place())


def _region(f: Finding) -> dict[str, int]:
    if f.line is not None and isinstance(f.column, int) and _split_member(f.path)[1] is None:
        # endColumn is exclusive in SARIF; columns count code points (see run.columnKind).
        return {"startLine": f.line, "startColumn": f.column, "endLine": f.line, "endColumn": f.column + len(f.value)}
    # No line (a table cell, a PDF page): GitHub still wants a region; the message says where.
    # A zip member's lines are not the archive's lines either.
    line = f.line if f.line is not None and _split_member(f.path)[1] is None else 1
    return {"startLine": line, "startColumn": 1, "endLine": line, "endColumn": 2}


def fingerprinter(hasher: Hasher | None) -> Callable[[Finding], str]:
    """Stable per-finding fingerprints. With a hasher (the baseline's or the
    secret key's), from the keyed hash; without one, from what the report
    already shows (path, type, masked value) so nothing new is revealed."""
    seen: Counter = Counter()

    def fp(f: Finding) -> str:
        ident = hasher.digest(f.type, f.value) if hasher else "masked:" + mask_value(f.type, f.value)
        key = (f.path, f.type, ident)
        seen[key] += 1  # the n-th occurrence of the same value in the same file
        return hashlib.sha256("\0".join([f.path or "", f.type, ident, str(seen[key])]).encode()).hexdigest()[:32]

    return fp


def to_sarif(result: GateResult, *, hasher: Hasher | None = None, version: str | None = None) -> dict[str, Any]:
    """A SARIF log with one run: blocking findings as errors, non-blocking types as warnings.

    Baselined and allowlisted findings are left out, as code scanning would
    otherwise reopen alerts the team has accepted.
    """
    if version is None:
        from .._version import __version__ as version
    rule_list = rules()
    index = {r["id"]: i for i, r in enumerate(rule_list)}
    fp = fingerprinter(hasher)
    results = []
    for v in result.with_status(BLOCKING, WARNING):
        f = mask_location(v.finding)  # a file or sheet named after a phone is shown masked, like the phone
        where = _where_text(f)
        masked = mask_value(f.type, f.value)
        text = f"{LABELS.get(f.type, f.type)} {masked}" + (f" ({where})" if where else "")
        if v.status == WARNING:
            text += " — reported, does not block"
        res: dict[str, Any] = {
            "ruleId": f.type,
            "ruleIndex": index[f.type],
            "level": "error" if v.status == BLOCKING else "warning",
            "message": {"text": text},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(_split_member(f.path)[0], safe="/"), "uriBaseId": "%SRCROOT%"},
                    "region": _region(f),
                },
            }],
            "partialFingerprints": {FINGERPRINT_KEY: fp(f)},
            "properties": {"maskedValue": masked, "confidence": round(f.confidence, 3), "detector": f.detector},
        }
        if f.evidence:
            res["properties"]["evidence"] = list(f.evidence)
        logical = [{"name": str(x), "kind": k} for k, x in (("sheet", f.sheet), ("page", f.page)) if x is not None]
        if logical:
            res["locations"][0]["logicalLocations"] = [
                {"name": f"{l['kind']} {l['name']}", "kind": "module"} for l in logical]
        results.append(res)
    truncated = len(results) > GITHUB_MAX_RESULTS
    def notice(level: str, path: str, text: str) -> dict[str, Any]:
        path = mask_text(path)
        return {"level": level, "message": {"text": f"{path}: {text}"},
                "locations": [{"physicalLocation": {"artifactLocation": {
                    "uri": quote(_split_member(path)[0], safe="/"), "uriBaseId": "%SRCROOT%"}}}]}

    notifications = [notice("error", r.path, r.error) for r in result.errors]
    notifications += [notice("error", r.path, f"not fully read: {u}") for r in result.unread for u in r.unread]
    notifications += [notice("warning" if result.accept_unsupported else "error", r.path, f"not checked: {r.skipped}")
                      for r in result.unchecked]
    if truncated:
        notifications.append({"level": "warning", "message": {
            "text": f"{len(results)} results; only the first {GITHUB_MAX_RESULTS} are included (GitHub's limit)"}})
    invocation: dict[str, Any] = {"executionSuccessful": not result.incomplete}
    if result.baseline is not None:
        invocation["properties"] = {"baseline": result.baseline}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "piiscan", "version": version, "semanticVersion": version,
                                "informationUri": INFO_URI, "rules": rule_list}},
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results[:GITHUB_MAX_RESULTS],
        }],
    }
