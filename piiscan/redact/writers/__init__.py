"""Writers put replacements back into a file of the same format.

Each writer is ``write(src: Path, dst: Path, redactor, report, **opts) -> None``
and must (1) change only the redacted text, (2) write ``dst`` atomically with
:func:`atomic_output`, (3) record its changes in ``report``.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from ...atomic import atomic_output, write_bytes_atomic  # noqa: F401  (the writers' shared output path)

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
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image", ".bmp": "image",
    ".webp": "image",
}

#: Formats that cannot be redacted in place and must not be copied through unredacted.
_UNSUPPORTED = {".doc", ".ppt", ".pptx", ".7z", ".rar", ".gz", ".tar", ".odt", ".ods", ".rtf", ".wps", ".et",
                ".gif"}


class UnsupportedFormat(ValueError):
    """No writer can redact this format."""


def writer_for(path: Path) -> Callable[..., None]:
    """The writer for ``path``: by extension; for a text or CSV file too big to hold in
    memory, the streaming writer (:mod:`piiscan.redact.stream`), as the scanner streams it."""
    ext = path.suffix.lower()
    if ext in _UNSUPPORTED:
        raise UnsupportedFormat(f"{path}: cannot redact {ext} files (convert to a supported format first)")
    name = _BY_EXTENSION.get(ext, "text")
    if name in ("text", "csv"):
        from .. import stream

        if stream.streams(path):
            return stream.write
    module = importlib.import_module(f"{__name__}.{name}")
    return module.write


