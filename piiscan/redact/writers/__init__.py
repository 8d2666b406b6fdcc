"""Writers put replacements back into a file of the same format.

Each writer is ``write(src: Path, dst: Path, redactor, report, **opts) -> None``
and must (1) change only the redacted text, (2) write ``dst`` atomically with
:func:`atomic_output`, (3) record its changes in ``report``.
"""
from __future__ import annotations

import contextlib
import importlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterator

#: extension -> writer module. Anything else is treated as text.
_BY_EXTENSION = {
    ".csv": "csv", ".tsv": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".xls": "xls",
    ".docx": "docx",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".zip": "archive",
    ".tab": "csv",
    ".docm": "docx",
    ".shtml": "html",
}

#: Formats that cannot be redacted in place and must not be copied through unredacted.
_UNSUPPORTED = {".doc", ".ppt", ".pptx", ".7z", ".rar", ".gz", ".tar", ".odt", ".ods", ".rtf", ".wps", ".et",
                ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif"}


class UnsupportedFormat(ValueError):
    """No writer can redact this format."""


def writer_for(path: Path) -> Callable[..., None]:
    ext = path.suffix.lower()
    if ext in _UNSUPPORTED:
        raise UnsupportedFormat(f"{path}: cannot redact {ext} files (convert to a supported format first)")
    module = importlib.import_module(f"{__name__}.{_BY_EXTENSION.get(ext, 'text')}")
    return module.write


@contextlib.contextmanager
def atomic_output(dst: Path, src: Path | None = None) -> Iterator[Path]:
    """A temporary path next to ``dst``; moved over ``dst`` only if the block succeeds.

    The output gets the permissions of ``src`` (``mkstemp`` makes files 0600,
    and ``--in-place`` must not change the input's mode); without a source,
    those of the file it replaces, else what ``open()`` would give (0666 & ~umask).
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_of(src) if src is not None else None
    if mode is None:
        mode = _mode_of(dst)
    if mode is None:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _mode_of(path: Path) -> int | None:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (threads may be writing files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomic(dst: Path, data: bytes, src: Path | None = None) -> None:
    with atomic_output(dst, src) as tmp:
        tmp.write_bytes(data)
