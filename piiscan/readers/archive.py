"""Zip archives: members read as files, with limits that stop zip bombs early.

Members are yielded as ``(name, bytes)`` in name order; :mod:`piiscan.files`
scans each with the reader its name calls for and reports it as
``archive.zip!inner/path.csv``. Nested zips are opened up to ``max_depth``.

Zip bombs end with a :class:`~piiscan.readers.ReadError`, never a hang or an
out-of-memory: the declared sizes are checked before anything is inflated,
and every member is inflated in chunks with a hard cap, because the sizes in
the directory can lie.
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO, Iterator

from . import ReadError


@dataclass(frozen=True)
class Limits:
    max_members: int = 10_000
    max_member_size: int = 200 * 1024**2  # bytes, inflated
    max_total_size: int = 1024**3  # bytes, inflated, for the whole archive tree
    max_ratio: float = 200.0  # inflated / compressed, for members over 1 MiB
    max_depth: int = 3  # zips inside zips


DEFAULT_LIMITS = Limits()
_CHUNK = 1 << 20


class _MemberError(Exception):
    """One member cannot be read; the rest of the archive can."""


@dataclass
class _Budget:
    members: int = 0
    total: int = 0


def iter_members(fh: BinaryIO | str, limits: Limits = DEFAULT_LIMITS, *, prefix: str = "",
                 depth: int = 1, budget: _Budget | None = None) -> Iterator[tuple[str, bytes | ReadError]]:
    """``(member path, content)`` for every file in the archive, nested zips expanded.

    A member that cannot be read (encrypted, corrupt) comes as ``(path, ReadError)``
    and the others go on. A corrupt archive or one over a limit raises ReadError:
    after a bomb nothing in the archive is trusted.
    """
    budget = budget or _Budget()
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"corrupt zip archive{_at(prefix)}: {exc}") from None
    with zf:
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=lambda i: i.filename)
        budget.members += len(infos)
        if budget.members > limits.max_members:
            raise ReadError(f"zip bomb suspected{_at(prefix)}: more than {limits.max_members} members")
        declared = sum(i.file_size for i in infos)
        if budget.total + declared > limits.max_total_size:
            raise ReadError(f"zip bomb suspected{_at(prefix)}: members expand to {declared} bytes "
                            f"(limit {limits.max_total_size})")
        for info in infos:
            name = _safe_name(info.filename)
            shown = f"{prefix}{name}"
            if info.flag_bits & 0x1:
                yield shown, ReadError("encrypted zip member (password required): cannot be scanned")
                continue
            _check_declared(info, shown, limits)
            try:
                data = _inflate(zf, info, shown, limits, budget)
            except _MemberError as exc:
                yield shown, ReadError(str(exc))
                continue
            if name.lower().endswith(".zip"):
                if depth >= limits.max_depth:
                    raise ReadError(f"zip bomb suspected: archives nested deeper than {limits.max_depth} at {shown}")
                import io

                yield from iter_members(io.BytesIO(data), limits, prefix=f"{shown}!", depth=depth + 1, budget=budget)
            else:
                yield shown, data


def _at(prefix: str) -> str:
    return f" ({prefix.rstrip('!')})" if prefix else ""


def _safe_name(name: str) -> str:
    # Only used for display: never written to disk, but keep it tidy.
    return PurePosixPath(name.replace("\\", "/")).as_posix().lstrip("/")


def _check_declared(info: zipfile.ZipInfo, shown: str, limits: Limits) -> None:
    if info.file_size > limits.max_member_size:
        raise ReadError(f"zip bomb suspected: member {shown} expands to {info.file_size} bytes "
                        f"(limit {limits.max_member_size})")
    if info.file_size > _CHUNK and info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
        raise ReadError(f"zip bomb suspected: member {shown} compression ratio "
                        f"{info.file_size / info.compress_size:.0f}:1 (limit {limits.max_ratio:.0f}:1)")


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, limits: Limits, budget: _Budget) -> bytes:
    cap = min(limits.max_member_size, limits.max_total_size - budget.total)
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
                    raise ReadError(f"zip bomb suspected: member {shown} inflates past {cap} bytes")
                if size > _CHUNK and info.compress_size and size / info.compress_size > limits.max_ratio:
                    raise ReadError(f"zip bomb suspected: member {shown} inflates more than "
                                    f"{limits.max_ratio:.0f}:1")
                parts.append(chunk)
    except ReadError:
        raise
    except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
        raise _MemberError(f"encrypted zip member: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        raise _MemberError(f"corrupt zip member: {exc}") from None
    budget.total += size
    return b"".join(parts)
