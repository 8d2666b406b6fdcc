"""What the web routes do, without the web: scan an upload, redact it, verify the copy.

Every function takes the upload's bytes and its (cleaned) name, writes the
bytes to a private folder (:func:`piiscan.web.uploads.private_dir`) as
``upload<ext>``, works there through the public API (``scan_file_results``,
``redact_file``, ``Redactor``) and returns plain data; the folder is gone
when the function returns or raises. Nothing here knows HTTP, so the
routes stay thin and the behaviour is tested without a server.
"""
from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..files import FileResult, scan_file_results
from ..finding import ENTITY_TYPES, LABELS, Finding
from ..readers import ReadError
from ..redact import FileReport, KeyMissingError, RedactionError, Redactor, redact_file
from ..redact.strategies import STRATEGIES, get as get_strategy, normalise
from ..scanner import Scanner
from . import texts
from .uploads import private_dir, safe_extension, write_private
from .view import build_view, finding_entry

#: Exit codes of ``piiscan scan``, also sent by the REST API (header ``X-Piiscan-Exit``).
EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class Problem(Exception):
    """Why an upload could not be checked or redacted: an HTTP status, a code for clients, plain words.

    ``detail`` is the reader's own (English) reason; like every reader message
    it names what went wrong, never a value found in the document.
    """

    def __init__(self, status: int, code: str, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail

    def to_dict(self) -> dict[str, Any]:
        d = {"code": self.code, "message": self.message}
        if self.detail:
            d["detail"] = self.detail
        return d


@dataclass
class Settings:
    """How a server runs; ``piiscan serve`` fills it from its options."""

    max_upload: int = 64 * 1024 * 1024  # bytes per request
    tmp_root: str | None = None  # where private work folders go (default: the system's)
    api_token: str | None = None  # if set, /api/v1 POST routes need "Authorization: Bearer <token>"
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
    jobs: int = 2  # uploads worked on at once; others wait (memory and cores are bounded)
    scanner: Scanner = field(default_factory=Scanner)

    def __post_init__(self) -> None:
        self.slots = threading.BoundedSemaphore(self.jobs)


# --- the JSON document of ``piiscan scan --format json`` ----------------------

def scan_document(results: Iterable[FileResult], show_values: bool = False) -> dict[str, Any]:
    """``{"findings", "errors", "unread", "skipped", "notes", "summary"}`` as ``piiscan scan --format json`` writes it.

    Each finding is :meth:`Finding.to_dict`, the CLI's record; the keys and
    the summary follow the CLI (tests compare the two on the same file).
    """
    doc: dict[str, Any] = {"findings": [], "errors": [], "unread": [], "skipped": [], "notes": []}
    by_type: Counter[str] = Counter()
    files = with_findings = 0
    for r in results:
        files += 1
        with_findings += bool(r.findings)
        for f in r.findings:
            by_type[f.type] += 1
            doc["findings"].append(f.to_dict(show_value=show_values))
        if r.error:
            doc["errors"].append({"path": r.path, "error": r.error})
        if r.skipped:
            doc["skipped"].append({"path": r.path, "reason": r.skipped})
        doc["notes"].extend({"path": r.path, "note": n} for n in r.notes)
        doc["unread"].extend({"path": r.path, "unread": u} for u in r.unread)
    doc["summary"] = {
        "files": files,
        "files_with_findings": with_findings,
        "findings": sum(by_type.values()),
        "by_type": dict(sorted(by_type.items())),
        "errors": len(doc["errors"]),
        "unread": len(doc["unread"]),
        "skipped": len(doc["skipped"]),
    }
    return doc


def exit_code(doc: Mapping[str, Any]) -> int:
    s = doc["summary"]
    if s["errors"] or s["unread"]:
        return EXIT_ERROR
    return EXIT_FOUND if s["files_with_findings"] else EXIT_CLEAN


# --- scanning -----------------------------------------------------------------

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _scan(path: Path, name: str, scanner: Scanner) -> list[FileResult]:
    return scan_file_results(path, scanner, None, name)


def refusal(results: list[FileResult], name: str) -> Problem | None:
    """The problem that stops a single file (not a zip member) from being checked at all, if any."""
    if len(results) != 1 or results[0].path != name:
        return None  # an archive whose members were read: their problems are listed, not fatal
    r = results[0]
    if r.skipped:
        status = 413 if r.skipped.startswith("too large") else 415
        return Problem(status, "unsupported" if status == 415 else "too_large", texts.reason_zh(r.skipped), r.skipped)
    if r.error:
        return Problem(422, "unreadable", texts.reason_zh(r.error), r.error)
    return None


def scan_text(text: str, scanner: Scanner, show_values: bool) -> dict[str, Any]:
    """The CLI's JSON document for a text given inline (findings located by line and column, no path)."""
    from ..files import locate
    from ..readers import Segment

    found = list(locate(scanner.scan(text), Segment(text, line_offsets=True), None))
    doc = scan_document([FileResult("<text>", findings=found, size=len(text.encode("utf-8")))], show_values)
    for d in doc["findings"]:
        d.pop("path", None)
    return doc


def scan_upload(data: bytes, name: str, settings: Settings, *, show_values: bool = False) -> dict[str, Any]:
    """The CLI's JSON document for one uploaded file; :class:`Problem` if it cannot be checked at all."""
    with settings.slots, private_dir(settings.tmp_root) as folder:
        path = write_private(folder, safe_extension(name), data)
        results = _scan(path, name, settings.scanner)
        problem = refusal(results, name)
        if problem:
            raise problem
        return scan_document(results, show_values)


def page_scan(data: bytes, name: str, settings: Settings, *, reveal: bool = False) -> dict[str, Any]:
    """What the page shows of one file: counts, findings in the document's own text, problems in plain words."""
    card: dict[str, Any] = {"name": name, "size": len(data), "sha256": sha256(data)}
    with settings.slots, private_dir(settings.tmp_root) as folder:
        path = write_private(folder, safe_extension(name), data)
        results = _scan(path, name, settings.scanner)
        findings = [f for r in results for f in r.findings]
        card["problems"] = problems_zh(results, name)
        is_archive = not (len(results) == 1 and results[0].path == name)
        view = None
        if findings and not is_archive and not results[0].error:
            try:
                view = build_view(path, findings, reveal)
            except Exception:  # noqa: BLE001 - the view is a convenience; the list below is complete
                view = None
    placed = set(view["placed"]) if view else set()
    card["counts"] = counts(findings)
    card["findings"] = [finding_entry(i, f, reveal, i in placed, with_path=is_archive) for i, f in enumerate(findings)]
    card["view"] = view
    card["archive"] = is_archive
    card["status"] = status_of(results, findings)
    card["revealed"] = reveal
    return card


def counts(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    c = Counter(f.type for f in findings)
    return [{"type": t, "label": LABELS[t], "count": c[t]} for t in ENTITY_TYPES if c[t]]


def status_of(results: list[FileResult], findings: list[Finding]) -> str:
    """``unsupported`` or ``error`` (nothing checked), ``incomplete`` (part not read), ``found`` or ``clean``."""
    top = results[0] if len(results) == 1 else None
    if top is not None and top.skipped:
        return "unsupported"
    if top is not None and top.error:
        return "error"
    if any(r.error or r.unread or r.skipped for r in results):
        return "incomplete"
    return "found" if findings else "clean"


def problems_zh(results: list[FileResult], name: str) -> list[dict[str, str]]:
    """Errors, skips, unread parts and notes of a file's results, each in plain words with the reader's detail."""
    out = []
    for r in results:
        member = r.path.split("!", 1)[1] if "!" in r.path else ""
        for kind, reason in (("error", r.error), ("skipped", r.skipped)):
            if reason:
                out.append({"kind": kind, "member": member, "text": texts.reason_zh(reason), "detail": reason})
        for u in r.unread:
            out.append({"kind": "unread", "member": member, "text": texts.unread_zh(u), "detail": u})
        for n in r.notes:
            out.append({"kind": "note", "member": member, "text": "提示：" + texts.note_zh(n), "detail": n})
    return out


# --- redaction ------------------------------------------------------------------

def parse_strategy(value: str | None) -> dict[str, str]:
    """``mask`` for every type, or ``CN_RESIDENT_ID=encrypt,PERSON_NAME=tag`` (the rest: mask).

    >>> parse_strategy("tag")["CN_MOBILE"], parse_strategy("CN_MOBILE=generalize")["CN_MOBILE"]
    ('tag', 'generalize')
    """
    value = (value or "mask").strip()
    if "=" not in value:
        if value not in STRATEGIES:
            raise Problem(400, "bad_strategy", f"未知的脱敏方式 {value!r}", f"choose from {', '.join(STRATEGIES)}")
        return {t: value for t in ENTITY_TYPES}
    chosen = {t: "mask" for t in ENTITY_TYPES}
    for item in filter(None, (i.strip() for i in value.split(","))):
        etype, _, name = item.partition("=")
        etype, name = etype.strip().upper(), name.strip()
        if etype not in ENTITY_TYPES or name not in STRATEGIES:
            raise Problem(400, "bad_strategy", f"无法理解的脱敏方式 {item!r}",
                          f"expected TYPE=STRATEGY, TYPE in {', '.join(ENTITY_TYPES)}, "
                          f"STRATEGY in {', '.join(STRATEGIES)}")
        chosen[etype] = name
    return chosen


def make_redactor(strategy: Mapping[str, str], key: str | None, scanner: Scanner) -> Redactor:
    """A redactor for one request. The key is the request's own: a server's ``$PIISCAN_KEY`` is never used
    for a page visitor who gave none."""
    needs = sorted({s for s in strategy.values() if get_strategy(s).NEEDS_KEY})
    key = key.strip() if key else None
    if needs and not key:
        names = "、".join(texts.strategy_name(s) for s in needs)
        raise Problem(400, "key_missing", f"「{names}」需要密钥：请填写至少 16 个字符的密钥，或点“生成随机密钥”。")
    # Without a key (none is needed) a placeholder stops Redactor from reading $PIISCAN_KEY; no
    # strategy chosen uses it.
    try:
        return Redactor(dict(strategy), key=key if key else _NO_KEY, scanner=scanner)
    except KeyMissingError as exc:  # pragma: no cover - guarded above
        raise Problem(400, "key_missing", "需要密钥", str(exc)) from None
    except ValueError as exc:
        raise Problem(400, "bad_key", "密钥太短：至少需要 16 个字符。", str(exc)) from None


_NO_KEY = "unused-placeholder-key"


@dataclass
class Redacted:
    """One file's redaction: the copy (only when verified clean), the original's scan, and the verdict."""

    name: str
    sha256: str
    size: int
    findings: list[Finding]
    problems: list[dict[str, str]]
    strategy: dict[str, str]
    verdict: str  # "clean", "leak", "unverified", "error", "incomplete"
    message: str  # the verdict in plain words
    output: bytes | None = None
    output_sha256: str | None = None
    changes: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    left: list[Finding] = field(default_factory=list)
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "clean" and self.output is not None

    def problem(self) -> Problem:
        """Why the download is refused, as an HTTP problem."""
        status = {"error": 422, "leak": 422, "unverified": 422, "incomplete": 422}.get(self.verdict, 500)
        if self.detail and ("unsupported" in self.detail or "cannot redact" in self.detail):
            status = 415
        return Problem(status, self.verdict, self.message, self.detail)


def redact_upload(data: bytes, name: str, redactor: Redactor, strategy: Mapping[str, str],
                  settings: Settings) -> Redacted:
    """Scan the upload, write its redacted copy, scan the copy again; the copy is returned only if nothing is left.

    The verdict ``leak`` (something still found in the copy), ``unverified``
    (the copy could not be read back) or ``incomplete`` (part of the original
    was never read, e.g. a scanned page) refuses the download: an honest
    refusal is better than a silent pass.
    """
    with settings.slots, private_dir(settings.tmp_root) as folder:
        ext = safe_extension(name)
        src = write_private(folder, ext, data)
        out = Redacted(name, sha256(data), len(data), [], [], dict(strategy), "error", "")
        results = _scan(src, name, redactor.scanner)
        out.findings = [f for r in results for f in r.findings]
        out.problems = problems_zh(results, name)
        problem = refusal(results, name)
        if problem:
            out.message, out.detail = problem.message, problem.detail
            return out
        incomplete = [r for r in results if r.error or r.skipped or r.unread]
        if incomplete:
            out.verdict = "incomplete"
            out.message = "原文件有未能读取的部分（见上方说明），无法保证脱敏完整，因此不提供下载。"
            out.detail = "; ".join(filter(None, (r.error or r.skipped or "; ".join(r.unread) for r in incomplete)))
            return out
        dst = folder / "out" / f"redacted{ext}"
        try:
            report = redact_file(src, dst, redactor=redactor)
        except (RedactionError, ReadError, ValueError, OSError) as exc:
            out.message = texts.reason_zh(str(exc))
            out.detail = _scrub(str(exc), folder)
            return out
        except Exception as exc:  # noqa: BLE001 - a writer failing on hostile input is this file's error
            out.message = "生成脱敏文件时出错。"
            out.detail = type(exc).__name__
            return out
        out.changes, out.by_type = report.changes, dict(report.by_type)
        left = verify(dst, name, redactor, report)
        if left is None:
            out.verdict = "unverified"
            out.message = "脱敏后的文件无法重新读取以复查，因此不提供下载。"
            return out
        if left:
            out.verdict, out.left = "leak", left
            out.message = f"脱敏后复查仍发现 {len(left)} 项个人信息，因此拒绝下载。请改用“遮盖”或“标签”方式后重试。"
            return out
        out.output = dst.read_bytes()
        out.output_sha256 = sha256(out.output)
        out.verdict = "clean"
        out.message = "脱敏后的文件已重新检查，未发现个人信息。"
        return out


def verify(dst: Path, name: str, redactor: Redactor, report: FileReport) -> list[Finding] | None:
    """Findings left in the copy (fakes the run wrote are expected), or None if any part could not be read.

    The copy is read back from disk by the readers, independently of the writer that produced it.
    """
    left: list[Finding] = []
    for r in scan_file_results(dst, redactor.scanner, None, name):
        if r.error or r.skipped or r.unread:
            return None
        left += [f for f in r.findings
                 if f.type in redactor.types and normalise(f.type, f.value) not in report.exempt_values]
    return left


def _scrub(message: str, folder: Path) -> str:
    """A library's message without our private folder's path in it."""
    return message.replace(str(folder) + "/", "").replace(str(folder), "")[:300]
