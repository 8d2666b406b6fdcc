"""Atomic file writes for reports and baselines.

A report or baseline is written to a temporary file in the destination's
folder and renamed over it (``os.replace``), so a reader (a CI step uploading
the SARIF, a reviewer opening the HTML, ``piiscan check`` loading the
baseline) sees the old file or the new one, never half of one; a crash or a
full disk leaves the old file as it was.

The temporary file is created by ``mkstemp`` with mode 0600. These files are
shared (committed, uploaded), so before the rename it gets the mode an
ordinary ``open()`` would give it: the existing file's mode when replacing
one, else ``0o666 & ~umask``. (The baseline key file is written elsewhere,
with ``O_EXCL`` and 0600, and stays private.)
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows."""
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


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def write_text_atomic(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; returns the path written.

    A symlink is followed (its target is replaced, as ``Path.write_text``
    would write through it).
    """
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    return target


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
