"""Zip archives: every member redacted with the writer for its own format, into a new zip.

Member names, order, timestamps and compression are kept. A member that no
writer can redact (an image, a nested format we do not support) fails the
whole archive: copying it through unredacted could publish what it holds.
Encrypted or corrupt members are refused for the same reason.

Before anything is written, the archive is read once through
:func:`piiscan.readers.archive.iter_members` with the scanner's zip-bomb
limits (member count, inflated sizes, compression ratio, nesting depth):
an archive ``piiscan scan`` refuses to open is refused here too, and the
second, writing pass only inflates what that check has bounded.
"""
from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ...readers import ReadError
from ...readers.archive import DEFAULT_LIMITS, Limits, iter_members
from . import atomic_output, writer_for


def check_limits(src: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise ValueError if ``src`` (nested zips included) is over a limit or has an unreadable member."""
    try:
        with src.open("rb") as fh:
            for name, data in iter_members(fh, limits):
                if isinstance(data, ReadError):
                    raise ValueError(f"{src}: member {name!r}: {data}")
    except ReadError as exc:
        raise ValueError(f"{src}: {exc}") from None


def write(src: Path, dst: Path, redactor, report, *, zip_limits: Limits | None = None,
          _zip_checked: bool = False, **opts) -> None:
    if not _zip_checked:  # nested zips were checked with their parent (shared budget, depth)
        check_limits(src, zip_limits or DEFAULT_LIMITS)
    with zipfile.ZipFile(src) as zin, atomic_output(dst, src) as tmp, zipfile.ZipFile(tmp, "w") as zout, \
            tempfile.TemporaryDirectory(prefix="piiscan-zip-") as work:
        for i, info in enumerate(zin.infolist()):
            if info.flag_bits & 0x1:
                raise ValueError(f"{src}: member {info.filename!r} is encrypted: cannot redact it")
            if info.is_dir():
                zout.writestr(info, b"")
                continue
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            if name in ("", ".", ".."):
                name = "member"
            # One folder per member: the name (its extension) picks the writer; it never leaves ``work``.
            member_in = Path(work, "in", str(i), name)
            member_out = Path(work, "out", str(i), name)
            member_in.parent.mkdir(parents=True)
            member_in.write_bytes(zin.read(info))
            writer_for(member_in)(member_in, member_out, redactor, report, _zip_checked=True, **opts)
            zout.writestr(info, member_out.read_bytes(), compress_type=info.compress_type)
            member_in.unlink()
            member_out.unlink()
