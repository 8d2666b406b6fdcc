"""Atomic file output, shared by every writer (redacted copies, reports, baselines).

Output goes to a temporary file in the destination's folder and is renamed
over it (``os.replace``) only when complete, so a reader sees the old file or
the new one, never half of one, and a crash or a full disk leaves the old file
as it was.

Temporary names start with ``.piiscan-<pid>-``: a run killed mid-write
(SIGKILL, power loss) leaves one behind, and :func:`remove_stale` (called by
``piiscan redact`` on every folder it writes to) removes those whose process
is gone. Scratch folders for formats that need them (a zip's members) are
made the same way in the target's own folder with :func:`work_dir`, never in
the system temporary folder, where a crashed run would leave raw values.

A symlink at the destination is never written through: :func:`atomic_output`
refuses it (:class:`SymlinkOutput`) unless ``follow_symlinks=True`` asks to
replace the link's target.

``mkstemp`` creates files with mode 0600; before the rename the file gets the
mode an ordinary ``open()`` would give it (the source's, when a copy of one
is written, else the replaced file's, else ``0o666 & ~umask``), so
``--in-place`` never changes an input's permissions.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Iterator


#: Prefix of every temporary file and scratch folder piiscan makes beside an output.
TEMP_PREFIX = ".piiscan-"
_TEMP_NAME = re.compile(r"^\.piiscan-(?:work-)?(\d+)-")


class SymlinkOutput(OSError):
    """The output path is a symbolic link: writing would change a file somewhere else."""


@contextlib.contextmanager
def atomic_output(dst: str | os.PathLike, src: str | os.PathLike | None = None, *,
                  follow_symlinks: bool = False) -> Iterator[Path]:
    """A temporary path next to ``dst``, moved over it only if the block succeeds.

    A symlink at ``dst`` raises :class:`SymlinkOutput`; with
    ``follow_symlinks=True`` its target is replaced instead (written
    atomically beside the target).
    """
    dst = Path(dst)
    if dst.is_symlink():
        if not follow_symlinks:
            raise SymlinkOutput(f"{dst} is a symbolic link: refusing to write through it")
        dst = Path(os.path.realpath(dst))
    dst.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_of(src) if src is not None else None
    if mode is None:
        mode = _mode_of(dst)
    if mode is None:
        mode = 0o666 & ~current_umask()
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(dst.parent)


def write_bytes_atomic(dst: str | os.PathLike, data: bytes, src: str | os.PathLike | None = None) -> None:
    with atomic_output(dst, src) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(dst: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically; returns the path written (a symlink's target).

    For reports and baselines, whose path the user names: a symlink there is
    the user's own choice and its target is replaced.
    """
    target = Path(dst)
    target = Path(os.path.realpath(target)) if target.is_symlink() else target
    with atomic_output(target, follow_symlinks=True) as tmp:
        tmp.write_text(text, encoding=encoding)
    return target


@contextlib.contextmanager
def work_dir(folder: str | os.PathLike) -> Iterator[Path]:
    """A private scratch folder (mode 0700) inside ``folder``, removed with everything in it afterwards.

    Inside the output's own folder rather than the system temporary folder:
    a run killed before the clean-up leaves it where :func:`remove_stale`
    finds it on the next run, on the same file system as the output.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}work-{os.getpid()}-", dir=folder))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_stale(folder: str | os.PathLike) -> list[Path]:
    """Remove temporary files and scratch folders left in ``folder`` by piiscan runs that died.

    Only names piiscan makes (``.piiscan-<pid>-….tmp``, ``.piiscan-work-<pid>-…``)
    whose process no longer exists are touched. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP_NAME.match(entry.name)
        if not m or _alive(int(m.group(1))):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or a pid we cannot judge: leave its files alone
    try:  # a killed process nobody has reaped yet (a zombie) still answers kill(0)
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows (threads may be writing files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # the only portable way: set and restore at once
    os.umask(mask)
    return mask


def _mode_of(path: str | os.PathLike) -> int | None:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
