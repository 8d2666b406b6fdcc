"""Plain text: decoded as the scanner decodes it, written back in the same encoding (and BOM).

Undecodable bytes survive the round trip (``surrogateescape``), line endings
are never touched, and only the redacted spans change.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from ...readers.text import detect_encoding, looks_binary, split_bom
from . import UnsupportedFormat, write_bytes_atomic

def decode_exact(data: bytes) -> tuple[str, bytes, str]:
    """(text, BOM, encoding) such that ``BOM + text.encode(encoding, 'surrogateescape') == data``
    for every encoding whose decoder is a bijection on the bytes it accepts."""
    bom, bare = split_bom(data)
    if bom:
        return data[len(bom):].decode(bare, "surrogateescape"), bom, bare
    encoding = codecs.lookup(detect_encoding(data)).name
    return data.decode(encoding, "surrogateescape"), b"", encoding


def encode_exact(text: str, bom: bytes, encoding: str) -> bytes:
    return bom + text.encode(encoding, "surrogateescape")


def redact_text_bytes(data: bytes, redactor, report, name: str = "text") -> bytes:
    """Redacted text in the encoding (and BOM) it came in; stray bytes survive as they were."""
    if looks_binary(data):
        raise UnsupportedFormat(f"{name}: binary file of an unsupported format")
    text, bom, encoding = decode_exact(data)
    out, changes = redactor.redact(text)
    report.add(changes)
    return encode_exact(out, bom, encoding)


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    write_bytes_atomic(dst, redact_text_bytes(src.read_bytes(), redactor, report, str(src)), src)
