"""Turn scan results into a gate verdict: what blocks, what is accepted and why."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import regex

from ..files import FileResult, iter_files, scan_results
from ..finding import Finding
from ..scanner import Scanner
from . import git
from .baseline import Baseline
from .config import GateConfig, path_matches

BLOCKING, WARNING, BASELINED, ALLOWED = "blocking", "warning", "baselined", "allowed"
INLINE_MARKER = "piiscan:allow"
NEXT_LINE_MARKER = "piiscan:allow-next-line"
_NEWLINE = regex.compile(r"\r\n|\r|\n")  # the same line split files.locate uses


@dataclass(frozen=True)
class Verdict:
    finding: Finding
    status: str  # BLOCKING | WARNING (a type that does not block here) | BASELINED | ALLOWED
    reason: str = ""


@dataclass
class GateResult:
    """Everything a report needs. ``verdicts`` keep file order."""

    files: list[FileResult]
    verdicts: list[Verdict] = field(default_factory=list)
    root: Path | None = None

    def with_status(self, *statuses: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.status in statuses]

    @property
    def errors(self) -> list[FileResult]:
        return [r for r in self.files if r.error]

    @property
    def blocked(self) -> bool:
        return any(v.status == BLOCKING for v in self.verdicts)

    @property
    def exit_code(self) -> int:
        """2 when a file could not be checked (the gate cannot vouch for it), else 1 when something blocks."""
        if self.errors:
            return 2
        return 1 if self.blocked else 0

    def counts(self) -> dict:
        status = Counter(v.status for v in self.verdicts)
        blocking = [v.finding for v in self.verdicts if v.status == BLOCKING]
        return {
            "files": len(self.files),
            "blocking": status[BLOCKING],
            "warnings": status[WARNING],
            "baselined": status[BASELINED],
            "allowed": status[ALLOWED],
            "errors": len(self.errors),
            "skipped": sum(1 for r in self.files if r.skipped),
            "blocking_by_type": dict(sorted(Counter(f.type for f in blocking).items())),
            "blocking_by_file": dict(sorted(Counter(f.path or "" for f in blocking).items())),
        }


# ----------------------------------------------------------------- targets

@dataclass(frozen=True)
class Target:
    """A file to scan: where its bytes are, and the repository path reports show."""

    real: Path
    rel: str
    #: lines covered by inline ``piiscan:allow`` markers, read right after scanning
    #: (git blobs live in a temporary folder that is gone by evaluation time)
    marked_lines: frozenset[int] = frozenset()


def relative(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` in POSIX form; as given when outside it."""
    if root is not None:
        try:
            rel = os.path.relpath(path.resolve(), root.resolve())
        except ValueError:  # another drive on Windows
            return path.as_posix()
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return path.as_posix()


def selected(rel: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    if include and not any(path_matches(rel, g) for g in include):
        return False
    return not any(path_matches(rel, g) for g in exclude)


def path_targets(paths: Sequence[str], root: Path | None, *, include: Sequence[str], exclude: Sequence[str],
                 follow_symlinks: bool = False) -> list[Target]:
    out = []
    for p in iter_files(paths, follow_symlinks=follow_symlinks):
        rel = relative(p, root)
        if selected(rel, include, exclude):
            out.append(Target(p, rel))
    return out


def scan_targets(targets: Sequence[Target], scanner: Scanner, *, max_file_size: int | None = None,
                 jobs: int = 1) -> list[tuple[Target, FileResult]]:
    """Scan each target; findings and results carry the repository path."""
    by_real = {str(t.real): t for t in targets}
    out = []
    for r in scan_results([t.real for t in targets], scanner, max_file_size=max_file_size, jobs=jobs):
        t = by_real.get(r.path)
        if t is not None:
            shown = t.rel
        else:
            # Archive members come back as "<archive>!<member>": keep the member, show the repo path.
            archive, sep, member = r.path.partition("!")
            t = by_real.get(archive)
            if t is None or not sep:
                out.append((Target(Path(r.path), r.path), r))
                continue
            shown = f"{t.rel}!{member}"
            t = Target(t.real, shown)
        r.path = shown
        r.findings = [f.with_location(path=shown) for f in r.findings]
        _binary_is_skip(r, t)
        if any(f.line is not None for f in r.findings):
            t = Target(t.real, t.rel, frozenset(inline_allowed_lines(t.real)))
        out.append((t, r))
    return out


def _binary_is_skip(r: FileResult, t: Target) -> None:
    # An image or other binary with no reader of its own (the text reader was the
    # fallback) is not a failure to check a document: treat it as skipped, or every
    # repository with a PNG would exit 2. A real reader's errors (encrypted,
    # corrupt) stay errors: the gate cannot vouch for those files.
    if r.error and "binary" in r.error:
        from ..files import reader_for
        from ..readers import text as text_reader

        if reader_for(t.real) is text_reader.read:
            r.skipped, r.error = f"{r.error}; no reader for {t.real.suffix or 'this file'}", None


# ---------------------------------------------------------------- evaluate

def inline_allowed_lines(path: Path) -> set[int]:
    """1-based lines a ``piiscan:allow`` marker covers (its own, and the next for ``-next-line``)."""
    from ..readers.text import decode

    try:
        data = path.read_bytes()
    except OSError:
        return set()
    if INLINE_MARKER.encode() not in data and INLINE_MARKER.encode("utf-16-le") not in data:
        return set()
    text, _ = decode(data)
    lines: set[int] = set()
    for n, line in enumerate(_NEWLINE.split(text), 1):
        if NEXT_LINE_MARKER in line:
            lines.add(n + 1)
        if INLINE_MARKER in line:
            lines.add(n)
    return lines


def evaluate(scanned: Iterable[tuple[Target, FileResult]], config: GateConfig,
             baseline: Baseline | None = None, root: Path | None = None) -> GateResult:
    """Classify every finding. Order of precedence: policy threshold and skip
    (finding dropped), allowlist and inline markers, baseline, then type."""
    matcher = baseline.matcher() if baseline else None
    pairs = list(scanned)
    result = GateResult(files=[r for _, r in pairs], root=root)
    for target, r in pairs:
        policy = config.policy_for(r.path)
        if policy.skip:
            r.findings = []
            continue
        r.findings = [f for f in r.findings if f.confidence >= policy.min_confidence]
        marked = target.marked_lines if policy.inline_markers else frozenset()
        for f in r.findings:
            if policy.allows(f.type, f.value):
                result.verdicts.append(Verdict(f, ALLOWED, "allowlist"))
            elif f.line is not None and f.line in marked:
                result.verdicts.append(Verdict(f, ALLOWED, INLINE_MARKER))
            elif matcher is not None and matcher.accepts(f):
                result.verdicts.append(Verdict(f, BASELINED, "baseline"))
            elif policy.blocks(f.type):
                result.verdicts.append(Verdict(f, BLOCKING))
            else:
                result.verdicts.append(Verdict(f, WARNING, "type does not block"))
    return result


def scanner_for(config: GateConfig) -> Scanner:
    return Scanner(types=config.types, min_confidence=config.scanner_min_confidence())


def collect(config: GateConfig, *, root: Path | None, paths: Sequence[str] = (), staged: bool = False,
            since: str | None = None, follow_symlinks: bool = False, max_file_size: int | None = None,
            jobs: int = 1, scanner: Scanner | None = None) -> list[tuple[Target, FileResult]]:
    """Scan what the gate should see: the index (``staged``), a branch's changes
    (``since``), or ``paths`` in the work tree."""
    scanner = scanner or scanner_for(config)
    if staged or since:
        if root is None:
            raise git.GitError("--staged/--since need a git repository")
        specs = [relative(Path(p), root) for p in paths]
        if staged:
            blobs = git.index_blobs(root, git.staged_paths(root, specs))
        else:
            blobs = git.tree_blobs(root, git.changed_since(root, since or "", specs))
        blobs = [b for b in blobs if selected(b.path, config.include, config.exclude)]
        with git.temp_dir() as tmp:
            targets = [Target(real, rel) for real, rel in git.materialize(root, blobs, Path(tmp))]
            return scan_targets(targets, scanner, max_file_size=max_file_size, jobs=jobs)
    targets = path_targets(list(paths) or ["."], root, include=config.include, exclude=config.exclude,
                           follow_symlinks=follow_symlinks)
    return scan_targets(targets, scanner, max_file_size=max_file_size, jobs=jobs)
