"""Zip archives: members read as files, under the limits of :mod:`piiscan.limits`.

Members are yielded as ``(name, bytes)`` in name order; :mod:`piiscan.files`
scans each with the reader its name calls for and reports it as
``archive.zip!inner/path.csv``. Nested zips are opened up to the ``depth``
limit.

One table governs every file, inside an archive or not (``--limit``,
``[tool.piiscan.limits]``): ``members`` per archive tree, ``part_bytes``
per inflated member, ``file_bytes`` for the whole tree, ``ratio`` for
members over 1 MiB and ``depth`` for archives in archives. A member's own
reader (a DOCX inside the zip) then applies the same limits to its parts.

Zip bombs end with a :class:`~piiscan.limits.LimitExceeded` (a
:class:`~piiscan.readers.ReadError`), never a hang or an out-of-memory: the
declared sizes are checked before anything is inflated, and every member
is inflated in chunks with a hard cap, because the sizes in the directory
can lie.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO, Iterator

from .. import limits as _limits
from . import ReadError

_CHUNK = 1 << 20


class _MemberError(Exception):
    """One member cannot be read; the rest of the archive can."""


class ZipBomb(_limits.LimitExceeded):
    """An archive over a limit: after it nothing in the archive is trusted."""

    def __init__(self, name: str, value: int | float, limit: int | float, what: str):
        super().__init__(name, value, limit, what)
        self.args = (f"zip bomb suspected: {what} (limit {name}={limit}); "
                     f"raise it with --limit {name}=N if the file is trusted",)


@dataclass
class _Budget:
    members: int = 0
    total: int = 0


def Limits(max_members: int | None = None, max_member_size: int | None = None, max_total_size: int | None = None,
           max_ratio: float | None = None, max_depth: int | None = None) -> _limits.Limits:
    """The current :class:`piiscan.limits.Limits` with the zip limits under their former names (compatibility).

    >>> Limits(max_members=2).members
    2
    """
    changes = {k: v for k, v in (("members", max_members), ("part_bytes", max_member_size),
                                 ("file_bytes", max_total_size), ("ratio", max_ratio), ("depth", max_depth))
               if v is not None}
    return _limits.replace(_limits.current(), **changes)


def iter_members(fh: BinaryIO | str, limits: _limits.Limits | None = None, *, prefix: str = "",
                 depth: int = 1, budget: _Budget | None = None) -> Iterator[tuple[str, bytes | ReadError]]:
    """``(member path, content)`` for every file in the archive, nested zips expanded.

    ``limits`` defaults to the limits in force (:func:`piiscan.limits.current`).
    A member that cannot be read (encrypted, corrupt) comes as ``(path, ReadError)``
    and the others go on. A corrupt archive or one over a limit raises ReadError:
    after a bomb nothing in the archive is trusted.
    """
    if limits is not None and depth == 1:
        with _limits.using(limits):
            yield from iter_members(fh, None, prefix=prefix, depth=depth, budget=budget)
        return
    lim = _limits.current()
    budget = budget or _Budget()
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(f"corrupt zip archive{_at(prefix)}: {type(exc).__name__}") from None
    with zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
        budget.members += len(infos)
        if budget.members > lim.members:
            raise ZipBomb("members", budget.members, lim.members, f"more than {lim.members} members{_at(prefix)}")
        declared = sum(i.file_size for i in infos)
        if budget.total + declared > lim.file_bytes:
            raise ZipBomb("file_bytes", budget.total + declared, lim.file_bytes,
                          f"members{_at(prefix)} expand to {declared} bytes")
        for info in infos:
            name = safe_name(info.filename)
            shown = f"{prefix}{name}"
            if info.flag_bits & 0x1:
                yield shown, ReadError("encrypted zip member (password required): cannot be scanned")
                continue
            _check_declared(info, shown, lim)
            try:
                data = _inflate(zf, info, shown, lim, budget)
            except _MemberError as exc:
                yield shown, ReadError(str(exc))
                continue
            if name.lower().endswith(".zip"):
                if depth >= lim.depth:
                    raise ZipBomb("depth", depth + 1, lim.depth, f"archives nested deeper than {lim.depth} at {shown}")
                yield from iter_members(io.BytesIO(data), None, prefix=f"{shown}!", depth=depth + 1, budget=budget)
            else:
                yield shown, data


def _at(prefix: str) -> str:
    return f" ({prefix.rstrip('!')})" if prefix else ""


def safe_name(name: str) -> str:
    """A member name that stays inside the folder it is extracted to: no ``..``, no root, no drive.

    Backslashes count as separators (Windows tools write them), and ``.``
    and ``..`` components are dropped, so ``../../x`` becomes ``x`` and
    ``C:\\\\Windows\\\\x`` becomes ``Windows/x``.

    >>> safe_name("../../etc/passwd"), safe_name("/abs/x.txt"), safe_name("C:\\\\w\\\\..\\\\x.txt"), safe_name("..")
    ('etc/passwd', 'abs/x.txt', 'w/x.txt', 'member')
    """
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if parts and len(parts[0]) == 2 and parts[0][1] == ":" and parts[0][0].isalpha():
        parts = parts[1:]  # a drive letter
    parts = [p.replace("\x00", "") for p in parts if p.replace("\x00", "")]
    return PurePosixPath(*parts).as_posix() if parts else "member"


def _check_declared(info: zipfile.ZipInfo, shown: str, lim: _limits.Limits) -> None:
    if info.file_size > lim.part_bytes:
        raise ZipBomb("part_bytes", info.file_size, lim.part_bytes, f"member {shown} expands to {info.file_size} bytes")
    if info.file_size > _CHUNK and info.compress_size and info.file_size / info.compress_size > lim.ratio:
        ratio = info.file_size / info.compress_size
        raise ZipBomb("ratio", round(ratio), lim.ratio, f"member {shown} compression ratio {ratio:.0f}:1")


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, lim: _limits.Limits, budget: _Budget) -> bytes:
    cap = min(lim.part_bytes, lim.file_bytes - budget.total)
    parts: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    name = "part_bytes" if cap == lim.part_bytes else "file_bytes"
                    raise ZipBomb(name, size, cap, f"member {shown} inflates past {cap} bytes")
                if size > _CHUNK and info.compress_size and size / info.compress_size > lim.ratio:
                    raise ZipBomb("ratio", round(size / info.compress_size), lim.ratio,
                                  f"member {shown} inflates more than {lim.ratio:.0f}:1")
                parts.append(chunk)
    except ReadError:
        raise
    except RuntimeError:  # zipfile: "File ... is encrypted, password required"
        raise _MemberError("encrypted zip member: cannot be scanned") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        raise _MemberError(f"corrupt zip member ({type(exc).__name__})") from None
    budget.total += size
    return b"".join(parts)
