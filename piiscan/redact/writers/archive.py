"""Zip archives: every member redacted with the writer for its own format, into a new zip.

Member names, order, timestamps and compression are kept. A member that no
writer can redact (an image, a nested format we do not support) fails the
whole archive: copying it through unredacted could publish what it holds.
Encrypted members are refused for the same reason.
"""
from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from . import atomic_output, writer_for


def write(src: Path, dst: Path, redactor, report, **opts) -> None:
    with zipfile.ZipFile(src) as zin, atomic_output(dst, src) as tmp, zipfile.ZipFile(tmp, "w") as zout, \
            tempfile.TemporaryDirectory(prefix="piiscan-zip-") as work:
        for info in zin.infolist():
            if info.flag_bits & 0x1:
                raise ValueError(f"{src}: member {info.filename!r} is encrypted: cannot redact it")
            if info.is_dir():
                zout.writestr(info, b"")
                continue
            name = PurePosixPath(info.filename).name or "member"
            member_in = Path(work, "in", name)
            member_out = Path(work, "out", name)
            member_in.parent.mkdir(exist_ok=True)
            member_in.write_bytes(zin.read(info))
            writer_for(member_in)(member_in, member_out, redactor, report, **opts)
            zout.writestr(info, member_out.read_bytes(), compress_type=info.compress_type)
            member_in.unlink()
            member_out.unlink()
