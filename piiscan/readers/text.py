"""Plain text in any common encoding, detected rather than assumed."""
from __future__ import annotations

import codecs
from pathlib import Path
from typing import Iterator

from . import ReadError, Segment

# (BOM, codec that consumes it, codec for the bytes after it). UTF-32 LE
# comes first: its BOM starts with UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)


def split_bom(data: bytes) -> tuple[bytes, str | None]:
    """The byte order mark ``data`` starts with and the codec for what follows it.

    >>> split_bom(codecs.BOM_UTF8 + b'abc')
    (b'\\xef\\xbb\\xbf', 'utf-8')
    >>> split_bom(b'abc')
    (b'', None)
    """
    for bom, _, bare in _BOMS:
        if data.startswith(bom):
            return bom, bare
    return b"", None

# Chinese documents come in these; charset-normalizer picks among them only,
# which keeps it from calling short GBK text cp949 or latin-1.
_CANDIDATES = ["gb18030", "big5", "utf_16_le", "utf_16_be", "shift_jis"]


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data``: BOM, then UTF-16 without BOM (NUL-heavy),
    then strict UTF-8, then GB18030, then the best Chinese encoding charset-normalizer finds.

    >>> detect_encoding('身份证号码'.encode('gb18030'))
    'gb18030'
    >>> detect_encoding('身份证号码'.encode('utf-8'))
    'utf-8'
    >>> detect_encoding('手机 13800138000'.encode('utf-16-le'))
    'utf-16-le'
    """
    for bom, name, _ in _BOMS:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    if sample and sample.count(0) > len(sample) // 8:
        # ASCII-range characters put their NUL in the odd bytes for LE.
        odd_nuls = sample[1::2].count(0)
        even_nuls = sample[0::2].count(0)
        return "utf-16-le" if odd_nuls >= even_nuls else "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        # GB18030 decodes most byte strings; mainland documents that are not
        # UTF-8 are GBK/GB18030, and charset-normalizer mistakes short GBK
        # text for Big5 or cp949, so strict GB18030 wins when it decodes.
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536], cp_isolation=_CANDIDATES).best()
    return best.encoding if best is not None else "gb18030"


def decode(data: bytes) -> tuple[str, str]:
    """Decoded text and the encoding used; undecodable bytes become U+FFFD."""
    encoding = detect_encoding(data)
    return data.decode(encoding, errors="replace"), encoding


def looks_binary(data: bytes) -> bool:
    """NULs in a text with no UTF-16/32 BOM and no UTF-16 shape: a binary file."""
    sample = data[:8192]
    if not sample or any(sample.startswith(bom) for bom, _, _ in _BOMS):
        return False
    nuls = sample.count(0)
    if not nuls:
        return False
    # UTF-16 text without BOM has its NULs all on one byte parity.
    lopsided = min(sample[0::2].count(0), sample[1::2].count(0)) == 0
    return not (lopsided and nuls > len(sample) // 8)


def read(path: Path) -> Iterator[Segment]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
    if looks_binary(data):
        raise ReadError("binary file, not text")
    text, _ = decode(data)
    yield Segment(text, line_offsets=True)


def read_bytes(data: bytes, name: str = "") -> Iterator[Segment]:
    """Like :func:`read`, for content already in memory (zip members)."""
    if looks_binary(data):
        raise ReadError("binary file, not text")
    text, _ = decode(data)
    yield Segment(text, line_offsets=True)
