"""Zip archives: every member redacted with the writer for its own format, into a new zip.

Member order, timestamps and compression are kept. A member that no
writer can redact (an image, a nested format we do not support) fails the
whole archive: copying it through unredacted could publish what it holds.
Encrypted or corrupt members are refused for the same reason.

Before anything is written, the archive is read once through
:func:`piiscan.readers.archive.iter_members` under the limits in force
(:mod:`piiscan.limits`: member count, inflated sizes, compression ratio,
nesting depth): an archive ``piiscan scan`` refuses to open is refused here
too, and the second, writing pass only inflates what that check has bounded.

What the new archive never carries over:

* member names that leave the extraction folder (``../../x``, ``/etc/x``,
  ``C:\\x``): they are normalised (:func:`~piiscan.readers.archive.safe_name`),
  and two members that end up with one name are numbered (``x~2.txt``);
* symlink members: written as regular files holding the link text;
* personal information in member names: redacted like the file names
  ``piiscan redact`` writes (:mod:`piiscan.redact.filenames`);
* the archive and member comments and the extra fields (which can hold a
  second, raw copy of a name), since they have no place in a published copy.

Members are redacted through a scratch folder inside the output's own
folder (:func:`piiscan.atomic.work_dir`), removed afterwards, and by the next
run if this one is killed: nothing is left in the system temporary folder.
"""
from __future__ import annotations

import contextlib
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from ... import limits as _limits
from ...atomic import remove_stale, work_dir
from ...readers import ReadError
from ...readers.archive import iter_members, safe_name
from ..filenames import redact_path
from ..stream import writer_for
from . import atomic_output

_COPY_CHUNK = 1 << 20


def check_limits(src: Path, limits: _limits.Limits | None = None) -> None:
    """Raise ValueError if ``src`` (nested zips included) is over a limit or has an unreadable member."""
    try:
        with src.open("rb") as fh:
            for name, data in iter_members(fh, limits):
                if isinstance(data, ReadError):
                    raise ValueError(f"{src}: member {name!r}: {data}")
    except ReadError as exc:
        raise ValueError(f"{src}: {exc}") from None


def write(src: Path, dst: Path, redactor, report, *, zip_limits: _limits.Limits | None = None,
          _zip_checked: bool = False, **opts) -> None:
    with _limits.using(zip_limits) if zip_limits is not None else contextlib.nullcontext():
        if not _zip_checked:  # nested zips were checked with their parent (shared budget, depth)
            check_limits(src)
            remove_stale(dst.parent)
        _write(src, dst, redactor, report, opts)


def _write(src: Path, dst: Path, redactor, report, opts: dict) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    with zipfile.ZipFile(src) as zin, atomic_output(dst, src) as tmp, zipfile.ZipFile(tmp, "w") as zout, \
            work_dir(dst.parent) as work:
        for i, info in enumerate(zin.infolist()):
            if info.flag_bits & 0x1:
                raise ValueError(f"{src}: member {i + 1} is encrypted: cannot redact it")
            name, changes = redact_path(safe_name(info.filename), redactor)
            report.add(changes)
            name = _unique(name, used, info.is_dir())
            out_info = _clean_info(info, name)
            if info.is_dir():
                zout.writestr(out_info, b"")
                continue
            # One folder per member, named by its position: the extension picks the writer,
            # and no name from the archive (which may hold a value) reaches the disk.
            suffix = PurePosixPath(name).suffix
            member_in = Path(work, "in", str(i), f"member{suffix}")
            member_out = Path(work, "out", str(i), f"member{suffix}")
            member_in.parent.mkdir(parents=True)
            with zin.open(info) as fin, member_in.open("wb") as fout:
                shutil.copyfileobj(fin, fout, _COPY_CHUNK)
            writer_for(member_in)(member_in, member_out, redactor, report, _zip_checked=True, **opts)
            member_in.unlink()
            size = member_out.stat().st_size
            with member_out.open("rb") as fin, zout.open(out_info, "w", force_zip64=size > 0x7FFF0000) as fout:
                shutil.copyfileobj(fin, fout, _COPY_CHUNK)
            member_out.unlink()


def _unique(name: str, used: set[str], is_dir: bool) -> str:
    """``name``, or ``name~2``… when an earlier member already took it (after normalising)."""
    key = name.rstrip("/") + ("/" if is_dir else "")
    if key not in used:
        used.add(key)
        return key
    path = PurePosixPath(name.rstrip("/"))
    k = 2
    while True:
        candidate = path.with_name(f"{path.stem}~{k}{path.suffix}").as_posix() + ("/" if is_dir else "")
        if candidate not in used:
            used.add(candidate)
            return candidate
        k += 1


def _clean_info(info: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    """A fresh entry for ``name``: the member's date and compression, a plain file or folder mode,
    and none of its comment or extra fields."""
    out = zipfile.ZipInfo(name, date_time=info.date_time)
    out.compress_type = info.compress_type
    mode = info.external_attr >> 16
    perms = stat.S_IMODE(mode) if mode and (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) else 0
    if info.is_dir():
        out.external_attr = ((stat.S_IFDIR | (perms or 0o755)) << 16) | 0x10
    else:
        out.external_attr = (stat.S_IFREG | (perms or 0o644)) << 16
    out.create_system = 3  # the mode bits above are Unix ones
    return out
