"""Writers put replacements back into a file of the same format.

Each writer is ``write(src: Path, dst: Path, redactor, report, **opts) -> None``
and must (1) change only the redacted text, (2) write ``dst`` atomically with
:func:`atomic_output`, (3) record its changes in ``report``.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from ... import formats
from ...atomic import atomic_output, write_bytes_atomic  # noqa: F401  (the writers' shared output path)

#: extension -> writer module, from the one table of formats (piiscan.formats) the readers read too.
#: Anything else is treated as text.
_BY_EXTENSION = {ext: f.writer for ext, f in formats.BY_EXTENSION.items()}

#: Formats that cannot be redacted in place and must not be copied through unredacted.
_UNSUPPORTED = frozenset(formats.UNSUPPORTED)


class UnsupportedFormat(ValueError):
    """No writer can redact this format."""


def writer_for(path: Path) -> Callable[..., None]:
    """The writer of ``path``'s format, by extension (text for anything not listed).

    A text or CSV file too big to hold in memory is written by the streaming writer
    instead: :func:`piiscan.redact.stream.writer_for` chooses, and is what callers use.
    """
    ext = path.suffix.lower()
    if ext in _UNSUPPORTED:
        raise UnsupportedFormat(f"{path}: cannot redact {ext} files (convert to a supported format first)")
    module = importlib.import_module(f"{__name__}.{_BY_EXTENSION.get(ext, 'text')}")
    return module.write
