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
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable, Union

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

#: extension (lower case, with dot) -> reader module (under piiscan.readers). Text is the fallback.
MODULES: dict[str, str] = {
    ".csv": "csvfile",
    ".tsv": "csvfile",
    ".tab": "csvfile",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    # Scans and photos: read by OCR when the extra is installed, else reported as unread.
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".bmp": "image",
    ".webp": "image",
}

ARCHIVES = frozenset({".zip"})

#: Formats users publish that piiscan cannot read yet: skipped with a reason, never guessed at as text.
UNSUPPORTED: dict[str, str] = {
    ".doc": "legacy Word .doc is not supported; save as .docx",
    ".wps": "WPS document is not supported; save as .docx",
    ".et": "WPS spreadsheet is not supported; save as .xlsx",
    ".ppt": "PowerPoint is not supported",
    ".pptx": "PowerPoint is not supported",
    ".odt": "OpenDocument is not supported",
    ".ods": "OpenDocument is not supported",
    ".rtf": "RTF is not supported",
    ".rar": "RAR archives are not supported; only .zip",
    ".7z": "7z archives are not supported; only .zip",
    ".gz": "gzip is not supported; only .zip",
    ".tar": "tar archives are not supported; only .zip",
    ".gif": "GIF images are not supported; convert to PNG",
}


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


def read_file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
