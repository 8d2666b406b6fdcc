"""The one table of file formats: which reader reads a format and which writer redacts it.

Readers (:mod:`piiscan.readers.registry`) and writers (:mod:`piiscan.redact.writers`) both
derive their extension tables from here, so a format piiscan scans is one it can redact, and
a format it refuses is refused by both, with the same reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    reader: str  # module under piiscan.readers
    writer: str  # module under piiscan.redact.writers


#: Every format read other than as plain text (the fallback: :data:`TEXT`).
FORMATS: tuple[Format, ...] = (
    Format("csv", (".csv", ".tsv", ".tab"), "csvfile", "csv"),
    Format("xlsx", (".xlsx", ".xlsm"), "excel", "xlsx"),
    Format("xls", (".xls",), "excel", "xls"),
    Format("docx", (".docx", ".docm"), "docx", "docx"),
    Format("html", (".html", ".htm", ".xhtml", ".shtml"), "html", "html"),
    Format("pdf", (".pdf",), "pdf", "pdf"),
    # Scans and photos: read by OCR when the extra is installed, else reported as unread.
    Format("image", (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"), "image", "image"),
    Format("zip", (".zip",), "archive", "archive"),
)
TEXT = Format("text", (), "text", "text")

#: Formats users publish that piiscan can neither read nor redact yet: skipped with a reason, never
#: guessed at as text (and never copied through unredacted).
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

BY_EXTENSION: dict[str, Format] = {ext: f for f in FORMATS for ext in f.extensions}


def format_of(name: str | Path) -> Format:
    """The format of a file name by its extension; :data:`TEXT` for anything not listed.

    >>> format_of("公示.XLSX").writer, format_of("名单.tsv").reader, format_of("readme").name
    ('xlsx', 'csvfile', 'text')
    """
    return BY_EXTENSION.get(Path(name).suffix.lower(), TEXT)
