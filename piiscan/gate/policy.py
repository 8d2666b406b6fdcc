"""Turn scan results into a gate verdict: what blocks, what is accepted and why."""
from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Sequence

from ..files import (SKIP_SYMLINK, STREAM_THRESHOLD, FileResult, IgnoreRules, SkippedPath, iter_files, scan_results,
                     skipped_path)
from ..finding import Finding
from ..masking import mask_text
from ..profiles.judge import ProfileFinding
from ..readers import registry
from ..readers.text import NEWLINE as _NEWLINE  # the same line split files.locate uses
from ..scanner import Scanner
from . import git
from .baseline import Baseline
from .config import GateConfig, model_only, path_matches

BLOCKING, WARNING, BASELINED, ALLOWED = "blocking", "warning", "baselined", "allowed"
INLINE_MARKER = "piiscan:allow"
NEXT_LINE_MARKER = "piiscan:allow-next-line"
#: Text files up to this size are read whole for inline markers; larger ones are
#: streamed, as the scanner streams them (never loaded whole).
INLINE_READ_CAP = STREAM_THRESHOLD
_STREAM_CHUNK = 1 << 20  # characters per read when streaming for markers


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
    #: files left out for ``.piiscanignore`` rules: :attr:`Scanned.ignored`
    ignored: int = 0
    #: ``accept-unsupported``: files of formats piiscan cannot read pass the gate (listed as skipped)
    accept_unsupported: bool = False
    #: the baseline applied, for the reports: its path and hash mode (``secret`` or ``salt-only``)
    baseline: dict | None = None

    def with_status(self, *statuses: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.status in statuses]

    @property
    def errors(self) -> list[FileResult]:
        return [r for r in self.files if r.error]

    @property
    def unread(self) -> list[FileResult]:
        """Files read only in part: a page or picture the readers could not read."""
        return [r for r in self.files if r.unread and not r.error]

    @property
    def unchecked(self) -> list[FileResult]:
        """Files skipped that may hold personal information: formats piiscan cannot read
        (``.doc``, ``.pptx``, binary). They fail the gate unless ``accept-unsupported``."""
        return [r for r in self.files if r.unchecked]

    @property
    def blocked(self) -> bool:
        return any(v.status == BLOCKING for v in self.verdicts)

    @property
    def incomplete(self) -> bool:
        """Whether some file could not be checked: the gate cannot vouch for the release."""
        return bool(self.errors or self.unread or (self.unchecked and not self.accept_unsupported))

    @property
    def exit_code(self) -> int:
        """2 when a file could not be checked in full (the gate cannot vouch for it), else 1 when something blocks."""
        if self.incomplete:
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
            "unread": len(self.unread),
            "skipped": sum(1 for r in self.files if r.skipped),
            "unchecked": len(self.unchecked),
            "ignored": self.ignored,
            "blocking_by_type": dict(sorted(Counter(f.type for f in blocking).items())),
            # Paths as reports show them: a file named after a phone is masked like the phone.
            "blocking_by_file": dict(sorted(Counter(mask_text(f.path or "") for f in blocking).items())),
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
        # A symlink the walk did not follow is reported where it sits, not where it points.
        where = path.parent.resolve() / path.name if isinstance(path, SkippedPath) else path.resolve()
        try:
            rel = os.path.relpath(where, root.resolve())
        except ValueError:  # another drive on Windows
            return path.as_posix()
        if not rel.startswith(".."):
            return Path(rel).as_posix()
    return path.as_posix()


def selected(rel: str | Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether ``include``/``exclude`` keep a file.

    ``rel`` is the file's path, or several spellings of it (repository-relative,
    relative to the folder named on the command line): a pattern matches when it
    matches any of them or the file name, the rule ``piiscan scan`` applies.
    """
    forms = [rel] if isinstance(rel, str) else list(rel)
    if include and not any(path_matches(r, g) for r in forms for g in include):
        return False
    return not any(path_matches(r, g) for r in forms for g in exclude)


def _local(rel: str, folders: Sequence[str]) -> str | None:
    """``rel`` relative to the first of ``folders`` (repo-relative) that holds it."""
    for folder in folders:
        folder = folder.strip("/")
        if folder in ("", "."):
            continue  # the repository root: the same as rel
        if rel.startswith(folder + "/"):
            return rel[len(folder) + 1:]
    return None


def path_targets(paths: Sequence[str], root: Path | None, *, include: Sequence[str], exclude: Sequence[str],
                 follow_symlinks: bool = False) -> list[Target]:
    """Files under ``paths``. Patterns match the repository-relative path, the path
    relative to the folder given (as with ``piiscan scan``) or the file name. Unlike
    ``piiscan scan``, a file named explicitly is filtered too: pre-commit passes file
    names, and the configured ``exclude`` must still apply to them."""
    out = []
    for arg in paths:
        base = Path(arg)
        is_dir = base.is_dir()
        for p in iter_files([arg], follow_symlinks=follow_symlinks):
            rel = relative(p, root)
            forms = [rel]
            if is_dir:
                forms.append(p.relative_to(base).as_posix())
            if selected(forms, include, exclude):
                out.append(Target(p, rel))
    return out


def scan_targets(targets: Sequence[Target], scanner: Scanner, *, max_file_size: int | None = None,
                 jobs: int = 1, markers: Callable[[str], bool] | None = None,
                 profile=None, types=None) -> list[tuple[Target, FileResult]]:
    """Scan each target; findings and results carry the repository path.

    ``markers(rel)`` says whether inline markers count for a path (default: yes);
    only then, and only for a text file with line-numbered findings, is the
    file read again for ``piiscan:allow`` lines. With a disclosure ``profile``
    every finding is judged by it, and the cells of columns it forbids are added
    (read while the files are still there: ``--staged`` blobs live in a temporary folder).
    """
    from ..profiles import ProfileJudge

    judge = ProfileJudge(profile, types) if profile is not None else None
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
        if judge is not None:
            judge.result(r, t.real)
        if (any(f.line is not None for f in r.findings) and "!" not in shown
                and (markers is None or markers(shown))):
            t = Target(t.real, t.rel, frozenset(inline_allowed_lines(t.real)))
        out.append((t, r))
    return out


# ---------------------------------------------------------------- evaluate

def inline_allowed_lines(path: Path, name: str | None = None) -> set[int]:
    """1-based lines a ``piiscan:allow`` marker covers (its own, and the next for ``-next-line``).

    Only files the text reader reads (by ``name``, default the file's own) can
    carry markers; Office files, PDFs, tables and archives are not read at all.
    Files up to :data:`INLINE_READ_CAP` are read whole and decoded as the text
    reader decodes them; larger ones are streamed as the scanner streams them.
    """
    name = name or path.name
    if registry.is_archive(name) or registry.unsupported_reason(name) \
            or not registry.module_for(name).__name__.endswith(".text"):
        return set()
    try:
        size = path.stat().st_size
        if size > INLINE_READ_CAP:
            from ..readers.text import text_stream

            with path.open("rb") as raw:
                return _marked_lines(text_stream(raw))
        data = path.read_bytes()
    except OSError:
        return set()
    if not any(m in data for m in _MARKER_BYTES):
        return set()
    from ..readers.text import decode

    text, _ = decode(data)
    return _marked_lines(io.StringIO(text))


_MARKER_BYTES = tuple(INLINE_MARKER.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))


def _marked_lines(stream: IO[str]) -> set[int]:
    """Marked lines of a text read in chunks: flat memory however long the text or a line."""
    keep = len(NEXT_LINE_MARKER) - 1  # enough of a line's tail to find a marker cut by a chunk boundary
    lines: set[int] = set()
    line, carry = 1, ""
    while True:
        chunk = stream.read(_STREAM_CHUNK)
        buf = carry + chunk
        hold = ""
        if chunk and buf.endswith("\r"):  # may be the first half of "\r\n": decide next round
            buf, hold = buf[:-1], "\r"
        pos = 0
        for m in _NEWLINE.finditer(buf):
            _mark(buf[pos:m.start()], line, lines)
            line += 1
            pos = m.end()
        rest = buf[pos:]
        _mark(rest, line, lines)
        if not chunk:
            return lines
        carry = rest[-keep:] + hold if keep else hold


def _mark(text: str, line: int, lines: set[int]) -> None:
    if NEXT_LINE_MARKER in text:
        lines.add(line + 1)
    if INLINE_MARKER in text:
        lines.add(line)


def evaluate(scanned: Iterable[tuple[Target, FileResult]], config: GateConfig,
             baseline: Baseline | None = None, root: Path | None = None, *, ignored: int = 0) -> GateResult:
    """Classify every finding. Order of precedence: policy threshold and skip
    (finding dropped), allowlist and inline markers, baseline, then type.
    ``ignored`` is :attr:`Scanned.ignored`, passed on for the reports."""
    matcher = baseline.matcher() if baseline else None
    # A skipped path is not checked at all: no findings, and no read error can fail the gate.
    # (collect drops skipped files before scanning; this catches archive members and
    # results scanned by other front ends.)
    pairs = [(t, r) for t, r in scanned if not config.policy_for(r.path).skip]
    result = GateResult(files=[r for _, r in pairs], root=root, ignored=ignored,
                        accept_unsupported=config.accept_unsupported,
                        baseline=baseline.describe() if baseline is not None else None)
    for target, r in pairs:
        policy = config.policy_for(r.path)
        r.findings = [f for f in r.findings if f.confidence >= policy.min_confidence]
        marked = target.marked_lines if policy.inline_markers else frozenset()
        for f in r.findings:
            if policy.allows(f.type, f.value):
                result.verdicts.append(Verdict(f, ALLOWED, "allowlist"))
            elif f.line is not None and f.line in marked:
                result.verdicts.append(Verdict(f, ALLOWED, INLINE_MARKER))
            elif matcher is not None and matcher.accepts(f):
                result.verdicts.append(Verdict(f, BASELINED, "baseline"))
            elif isinstance(f, ProfileFinding):  # a disclosure profile decides: its rule, its source
                if f.violation is None:
                    result.verdicts.append(Verdict(f, ALLOWED, f"profile rule {f.allowed_by}"))
                elif policy.block_model_names or not model_only(f):
                    result.verdicts.append(Verdict(f, BLOCKING))
                else:
                    result.verdicts.append(Verdict(f, WARNING, "a name only the learned stage found"))
            elif policy.blocks_finding(f):
                result.verdicts.append(Verdict(f, BLOCKING))
            else:
                result.verdicts.append(Verdict(f, WARNING, "type does not block" if not policy.blocks(f.type)
                                               else "name found by the model alone (model-names = \"block\" to block)"))
    return result


def scanner_for(config: GateConfig) -> Scanner:
    if config.profile is not None:
        from ..profiles import scanner_for as profile_scanner

        return profile_scanner(config.profile, types=config.types, min_confidence=config.scanner_min_confidence(),
                               ner=config.ner)
    return Scanner(types=config.types, min_confidence=config.scanner_min_confidence(), ner=config.ner)


class Scanned(list):
    """What :func:`collect` scanned, ``(target, result)`` pairs, and how many files it
    was given (staged, changed, named, or listed by a walk) that ``.piiscanignore``
    rules then kept out; a walk does not list the files it ignores itself."""

    ignored: int = 0


def collect(config: GateConfig, *, root: Path | None, paths: Sequence[str] = (), staged: bool = False,
            since: str | None = None, follow_symlinks: bool = False, max_file_size: int | None = None,
            jobs: int = 1, scanner: Scanner | None = None) -> Scanned:
    """Scan what the gate should see: the index (``staged``), a branch's changes
    (``since``), or ``paths`` in the work tree."""
    scanner = scanner or scanner_for(config)

    def wanted(rel: str) -> bool:  # `skip = true` overrides: never scanned, never read
        return not config.policy_for(rel).skip

    def markers(rel: str) -> bool:
        return config.policy_for(rel).inline_markers

    if staged or since:
        if root is None:
            raise git.GitError("--staged/--since need a git repository")
        specs = [relative(Path(p), root) for p in paths]
        if staged:
            blobs = git.index_blobs(root, git.staged_paths(root, specs))
        else:
            blobs = git.tree_blobs(root, git.changed_since(root, since or "", specs))
        blobs = [b for b in blobs if wanted(b.path)
                 and selected([b.path] + [x for x in [_local(b.path, specs)] if x], config.include, config.exclude)]
        # The .piiscanignore rules come from the same snapshot as the files: the index for
        # --staged, HEAD for --since. The work tree's copy may differ from what is committed
        # (an edit not staged yet, a file deleted but still in the index), and the rules that
        # ship with a commit are the ones `piiscan check .` applies on a checkout of it, so a
        # commit that adds a fixture and the rule ignoring it passes as a whole, and an
        # unstaged edit cannot wave a staged file through. Rules are the whole repository's,
        # as for `piiscan check` run at its root, whatever pathspecs narrow the check.
        rules = IgnoreRules.from_texts(git.ignore_files(root, None if staged else "HEAD"))
        kept = [b for b in blobs if not rules.ignored(b.path)]
        with git.temp_dir() as tmp:
            links = {b.path for b in kept if b.symlink}
            targets = [Target(real, rel) for real, rel in git.materialize(root, [b for b in kept if not b.symlink],
                                                                           Path(tmp))]
            # Symlinks in the commit are listed as skipped, where they sit, never followed.
            targets += [Target(skipped_path(root / rel, SKIP_SYMLINK, "symbolic link, not followed"), rel)
                        for rel in links]
            targets.sort(key=lambda t: t.rel)
            out = Scanned(scan_targets(targets, scanner, max_file_size=max_file_size, jobs=jobs, markers=markers,
                                       profile=config.profile, types=config.types))
        out.ignored = len(blobs) - len(kept)
        return out
    targets = path_targets(list(paths) or ["."], root, include=config.include, exclude=config.exclude,
                           follow_symlinks=follow_symlinks)
    targets = [t for t in targets if wanted(t.rel)]
    # The walk applies the .piiscanignore files of the folders it walks, but a file named
    # explicitly is always listed, and pre-commit passes file names: apply the work tree's
    # rules from the repository root here, so the hook agrees with `piiscan check .` there.
    rules = IgnoreRules.for_folder(root) if root is not None else None
    kept = [t for t in targets if rules is None or not _inside(t.rel) or not rules.ignored(t.rel)]
    out = Scanned(scan_targets(kept, scanner, max_file_size=max_file_size, jobs=jobs, markers=markers,
                               profile=config.profile, types=config.types))
    out.ignored = len(targets) - len(kept)
    return out


def _inside(rel: str) -> bool:
    """Whether :func:`relative` gave a path inside the root (not ``../x`` or absolute)."""
    return not Path(rel).is_absolute() and rel.split("/", 1)[0] != ".."
