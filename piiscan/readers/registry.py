"""Which reader reads which file, and what readers may yield.

A reader module offers ``read(path)`` and ``read_bytes(data, name)`` (the
latter for zip members); both yield :class:`~piiscan.readers.Segment` (text),
:class:`~piiscan.tables.Table` (cells, scanned column by column) a
:class:`Note` (something the user should know) or an :class:`Unread` (content
that could not be read, such as an image-only PDF page without OCR: the file
then counts as not fully checked). Modules are imported on first use so that ``piiscan
scan notes.txt`` does not pay for pdfplumber.
"""
from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable, Union

from .. import formats
from . import ReadError, Segment


class Note(str):
    """A remark about a file for the report, e.g. ``column '身份证号': numbers lost digits``."""


class Unread(Note):
    """Content a reader saw but could not read, e.g. ``page 3: image only, no OCR``.

    The file's scan is incomplete: ``scan``, ``check`` and ``redact`` exit 2
    for it rather than report "nothing found" (see :attr:`FileResult.unread`).
    """


Item = Union[Segment, "Table", Note]  # noqa: F821 - Table lives in piiscan.tables
Reader = Callable[[Path], Iterable[Item]]

#: extension (lower case, with dot) -> reader module (under piiscan.readers), from the one table of
#: formats (piiscan.formats) the writers read too. Text is the fallback.
MODULES: dict[str, str] = {ext: f.reader for ext, f in formats.BY_EXTENSION.items() if f.reader != "archive"}

ARCHIVES = frozenset(ext for ext, f in formats.BY_EXTENSION.items() if f.reader == "archive")

#: Formats users publish that piiscan cannot read yet: skipped with a reason, never guessed at as text.
UNSUPPORTED: dict[str, str] = formats.UNSUPPORTED


def module_for(name: str) -> ModuleType:
    """The reader module for a file name (text is the fallback)."""
    mod = MODULES.get(Path(name).suffix.lower(), "text")
    return importlib.import_module(f"{__package__}.{mod}")


def reader_for(path: Path) -> Reader:
    return module_for(path.name).read


def unsupported_reason(name: str) -> str | None:
    return UNSUPPORTED.get(Path(name).suffix.lower())


def is_archive(name: str) -> bool:
    return Path(name).suffix.lower() in ARCHIVES


# Signatures of password-protected Office files: an OLE2 container holding an
# EncryptedPackage stream instead of the usual zip.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_office_zip(data: bytes, what: str) -> None:
    """Raise a precise ReadError when an .xlsx/.docx is encrypted or not a zip."""
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data[:1 << 20] or b"EncryptedPackage" in data[:1 << 20]:
            raise ReadError(f"encrypted (password-protected) {what}: cannot be scanned")
        raise ReadError(f"not a valid {what}: an OLE2 (legacy Office) file with a new-format extension")
    if not data.startswith(b"PK"):
        raise ReadError(f"corrupt or not a valid {what} (not a zip container)")


class NotRegularFile(ReadError):
    """A FIFO, device, socket or folder where a document was expected: never opened for reading."""


def file_kind(mode: int) -> str | None:
    """What a non-regular file is (``FIFO``, ``character device`` …), None for a regular file.

    >>> file_kind(stat.S_IFIFO), file_kind(stat.S_IFREG) is None
    ('FIFO', True)
    """
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def open_regular(path: str | os.PathLike):
    """``path`` opened for binary reading, refusing anything but a regular file.

    Opened non-blocking and checked on the open descriptor, so neither a FIFO
    swapped in after a check (which would block ``open`` until a writer comes)
    nor ``/dev/zero`` behind a symlink (which never ends) is ever read.
    """
    nonblock = getattr(os, "O_NONBLOCK", 0)  # POSIX only
    flags = os.O_RDONLY | nonblock | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFile(f"not a regular file ({kind}): not read")
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_file_bytes(path: Path, cap: int | None = None) -> bytes:
    """A regular file's bytes, at most ``cap`` (default: the ``file_bytes`` limit) or a clear error.

    The size on disk is checked first, then the read itself stops one byte past
    the cap (a file that grows while read, a ``/proc`` file that claims size 0).
    """
    from .. import limits

    if cap is None:
        cap = limits.current().file_bytes
    with open_regular(path) as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            if size > cap:
                raise limits.LimitExceeded("file_bytes", size, cap, "file size")
            want = size + 1  # read(n) allocates n bytes at once: ask for what the file holds
            data = fh.read(want)
            if len(data) == want:  # more than its size said (growing, or a /proc file): read on, up to the cap
                parts, total = [data], len(data)
                while total <= cap:
                    chunk = fh.read(min(1 << 20, cap + 1 - total))
                    if not chunk:
                        break
                    parts.append(chunk)
                    total += len(chunk)
                data = b"".join(parts)
        except OSError as exc:
            raise ReadError(exc.strerror or str(exc)) from None
    if len(data) > cap:
        raise limits.LimitExceeded("file_bytes", len(data), cap, "file size")
    return data


#: Formats read in a child process (:mod:`piiscan.isolate`): those read by native libraries that
#: can crash the interpreter on hostile input (calamine aborts on some workbooks, pdfium and
#: libxml2 are C), and those whose parse can take many times the file's size in memory (an
#: lxml tree of an HTML page with a 200 MB attribute). The child's memory is capped
#: (``memory_bytes``); the main process keeps only text and CSV, which stream past 64 MiB.
#: Zips too, since they may hold such files. Readers of other native formats add theirs.
ISOLATED: set[str] = {".xlsx", ".xlsm", ".xls", ".pdf", ".zip", ".docx", ".docm",
                      ".html", ".htm", ".xhtml", ".shtml"}


def needs_isolation(name: str) -> bool:
    """Whether a file is read in a child process, so that a crash there ends only that file.

    >>> needs_isolation("a.XLSX"), needs_isolation("a.docx"), needs_isolation("a.csv")
    (True, True, False)
    """
    return Path(name).suffix.lower() in ISOLATED
