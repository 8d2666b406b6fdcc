"""What a commit or a branch changes, read from git's objects rather than the work tree.

``git diff`` prints "Binary files differ" for xlsx/docx/pdf, so the gate
never scans diff text: it lists the changed paths, then writes each blob
(the staged version from the index, or the version at ``HEAD``) into a
temporary folder under the same relative path, so the reader chosen by
extension is the one a normal scan would use.
"""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ..files import IGNORE_FILE

# Regular files are read; symlinks (120000) point elsewhere and are reported as skipped;
# gitlinks (160000) are submodules, another repository's business.
_REGULAR_MODES = {"100644", "100755"}
_SYMLINK_MODE = "120000"


class GitError(RuntimeError):
    """A git command failed; the message carries git's own explanation."""


def _git(args: Sequence[str], cwd: Path, *, input: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def repo_root(start: Path | None = None) -> Path | None:
    """The top of the work tree containing ``start``, or None outside a repository."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], (start or Path.cwd()))
    except GitError:
        return None
    return Path(out.decode("utf-8").strip())


def _split_z(out: bytes) -> list[str]:
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def staged_paths(root: Path, pathspecs: Sequence[str] = ()) -> list[str]:
    """Paths added, copied, modified or renamed in the index (what ``git commit`` would record)."""
    args = ["-c", "core.quotepath=off", "diff", "--cached", "--name-only", "-z", "--no-renames",
            "--diff-filter=ACMR", "--"]
    return _split_z(_git([*args, *pathspecs], root))


def changed_since(root: Path, ref: str, pathspecs: Sequence[str] = ()) -> list[str]:
    """Paths a branch changes relative to ``ref``: ``ref...HEAD``, i.e. since the merge base,
    so commits that landed on ``ref`` meanwhile are not blamed on the branch."""
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    try:
        out = _git(["-c", "core.quotepath=off", "diff", "--name-only", "-z", "--no-renames",
                    "--diff-filter=ACMR", f"{ref}...HEAD", "--", *pathspecs], root)
    except GitError as exc:
        raise GitError(f"{exc} (in CI, fetch enough history: actions/checkout with fetch-depth: 0)") from None
    return _split_z(out)


@dataclass(frozen=True)
class Blob:
    path: str  # repository-relative, POSIX
    oid: str
    symlink: bool = False  # mode 120000: the gate lists it as skipped, never reads where it points


def index_blobs(root: Path, paths: Sequence[str]) -> list[Blob]:
    """The staged blob of each path (stage 0; conflicted entries are skipped)."""
    if not paths:
        return []
    return _index_listing(_git(["ls-files", "-s", "-z", "--", *(_literal(p) for p in paths)], root))


def tree_blobs(root: Path, paths: Sequence[str], rev: str = "HEAD") -> list[Blob]:
    """The blob of each path in commit ``rev``."""
    if not paths:
        return []
    return _tree_listing(_git(["ls-tree", "-r", "-z", "--full-tree", rev, "--", *(_literal(p) for p in paths)], root))


def _listing(out: bytes) -> Iterator[tuple[list[str], str]]:
    """``ls-files -s -z`` and ``ls-tree -z`` entries: three fields, a tab, the path."""
    for entry in _split_z(out):
        meta, path = entry.split("\t", 1)
        yield meta.split(), path


def _index_listing(out: bytes) -> list[Blob]:
    # <mode> <oid> <stage>
    return [Blob(path, oid, mode == _SYMLINK_MODE) for (mode, oid, stage), path in _listing(out)
            if stage == "0" and (mode in _REGULAR_MODES or mode == _SYMLINK_MODE)]


def _tree_listing(out: bytes) -> list[Blob]:
    # <mode> <type> <oid>
    return [Blob(path, oid, mode == _SYMLINK_MODE) for (mode, kind, oid), path in _listing(out)
            if kind == "blob" and (mode in _REGULAR_MODES or mode == _SYMLINK_MODE)]


def ignore_files(root: Path, rev: str | None = None) -> dict[str, str]:
    """Every ``.piiscanignore`` in the index (``rev`` None) or in commit ``rev``, as
    ``{repository path: text}``. All of them, whatever paths are checked: rules in a
    parent folder apply to files below it."""
    name = IGNORE_FILE
    if rev is None:
        blobs = _index_listing(_git(["ls-files", "-s", "-z", "--", f":(glob)**/{name}"], root))
    else:
        # ls-tree takes no glob pathspecs: list the tree and keep the ignore files.
        blobs = [b for b in _tree_listing(_git(["ls-tree", "-r", "-z", "--full-tree", rev], root))
                 if b.path.rpartition("/")[2] == name]
    return {b.path: data.decode("utf-8", "replace") for b, data in read_blobs(root, [b for b in blobs if not b.symlink])}


def _literal(path: str) -> str:
    # Pathspec magic: a file literally named "*.csv" must not glob.
    return f":(literal){path}"


def materialize(root: Path, blobs: Sequence[Blob], dest: Path) -> Iterator[tuple[Path, str]]:
    """Write each blob to ``dest/<path>`` and yield ``(temp file, repo path)``."""
    for blob, data in read_blobs(root, blobs):
        target = dest / blob.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        yield target, blob.path


def read_blobs(root: Path, blobs: Sequence[Blob]) -> Iterator[tuple[Blob, bytes]]:
    """Each blob with its content, in order.

    One ``git cat-file --batch`` process serves all blobs: spawning git per
    file costs more than scanning a small file.
    """
    if not blobs:
        return
    proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin and proc.stdout
    try:
        for blob in blobs:
            proc.stdin.write(blob.oid.encode("ascii") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise GitError(f"git cat-file: cannot read {blob.path} ({blob.oid})")
            data = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)  # the newline after each object
            yield blob, data
    finally:
        proc.stdin.close()
        proc.stdout.close()
        proc.wait()
        if proc.stderr:
            proc.stderr.close()


def temp_dir() -> tempfile.TemporaryDirectory:
    """A private temporary folder for blobs (they may hold personal information)."""
    return tempfile.TemporaryDirectory(prefix="piiscan-git-")
