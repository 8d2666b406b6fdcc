"""Atomic file output, shared by every writer (redacted copies, reports, baselines).

Output goes to a temporary file in the destination's folder and is renamed
over it (``os.replace``) only when complete, so a reader sees the old file or
the new one, never half of one, and a crash or a full disk leaves the old file
as it was.

``mkstemp`` creates files with mode 0600; before the rename the file gets the
mode an ordinary ``open()`` would give it (the source's, when a copy of one
is written, else the replaced file's, else ``0o666 & ~umask``), so
``--in-place`` never changes an input's permissions.
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def atomic_output(dst: str | os.PathLike, src: str | os.PathLike | None = None) -> Iterator[Path]:
    """A temporary path next to ``dst``, moved over it only if the block succeeds.

    A symlinked ``dst`` is written through (its target is replaced), as
    ``open(dst, "w")`` would.
    """
    dst = Path(dst)
    if dst.is_symlink():
        dst = Path(os.path.realpath(dst))
    dst.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_of(src) if src is not None else None
    if mode is None:
        mode = _mode_of(dst)
    if mode is None:
        mode = 0o666 & ~current_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
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
    """Write ``text`` atomically; returns the path written (a symlink's target)."""
    target = Path(dst)
    target = Path(os.path.realpath(target)) if target.is_symlink() else target
    with atomic_output(target) as tmp:
        tmp.write_text(text, encoding=encoding)
    return target


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
