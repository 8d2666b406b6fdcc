"""Plain text in any common encoding, detected rather than assumed."""
from __future__ import annotations

import codecs
import io
from pathlib import Path
from typing import IO, Iterator

import regex

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

#: Line breaks as piiscan counts lines everywhere (files.locate, stream, gate):
#: ``\r\n`` is one break, a lone ``\r`` or ``\n`` another.
NEWLINE = regex.compile(r"\r\n|\r|\n")

# <meta charset="gbk"> and <meta http-equiv="Content-Type" content="text/html; charset=gbk">.
_META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", regex.IGNORECASE)

_SAMPLE = 16384  # bytes judged by the UTF-16 rule


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in a ``<meta>`` tag in its first 4 KB, as written.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gbk">')
    'gbk'
    >>> declared_charset(b"<meta charset='UTF-8'>"), declared_charset(b'<p>no meta</p>')
    ('UTF-8', None)
    """
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


_PLAIN = regex.compile(r"[\x20-\x7e\t\n\r\f\u3000-\u303f\uff00-\uffef\u2000-\u206f\u00a0-\u00ff]")
_HAN = regex.compile(r"\p{Han}")
_ASCII = regex.compile(r"[\x00-\x7f]")
_CJK_PUNCT = regex.compile(r"[\u3000-\u303f\uff00-\uffef]")


def _plausible_text(text: str) -> bool:
    """Text a person wrote: ASCII, common ideographs and punctuation, almost nothing else.

    Ideographs count only when they are common (in GB2312): ASCII or GBK bytes
    read as UTF-16 pair up into ideographs too ("xx" -> U+7878 硸), but into
    rare ones, while a real Chinese text uses common characters.

    >>> _plausible_text('乐安县农机购置补贴公示，电话 13800138000'), _plausible_text('硸' * 40)
    (True, False)
    """
    if not text:
        return False
    plain = len(_PLAIN.findall(text))
    han = "".join(_HAN.findall(text))
    common = len(han.encode("gb2312", errors="ignore")) // 2
    return (plain + common) * 10 >= len(text) * 9


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters that are common (GB2312 ideographs, CJK punctuation).

    >>> _common_share('abc 乐安县，'), _common_share('abc')
    (1.0, 1.0)
    """
    non_ascii = len(text) - len(_ASCII.findall(text))
    if not non_ascii:
        return 1.0
    han = "".join(_HAN.findall(text))
    common = len(han.encode("gb2312", errors="ignore")) // 2 + len(_CJK_PUNCT.findall(text))
    return common / non_ascii


def utf16_without_bom(data: bytes) -> str | None:
    """``'utf-16-le'`` or ``'utf-16-be'`` when ``data`` (no BOM) is UTF-16 text, else None.

    The one UTF-16 rule of piiscan, used by :func:`detect_encoding` and
    :func:`looks_binary`. NULs, when there are any, say which byte order to try
    first (ASCII characters put theirs in the odd bytes for little endian);
    a byte order is accepted when the first 16 KB decode as UTF-16 into
    plausible text (see :func:`_plausible_text`). So a mostly Chinese text,
    with a NUL only for each digit or Latin letter, is text, and so is one
    without any NUL.

    >>> utf16_without_bom('公示：张三，电话 13800138000'.encode('utf-16-be'))
    'utf-16-be'
    >>> utf16_without_bom('乐安县农机购置补贴公示'.encode('utf-16-le'))
    'utf-16-le'
    >>> utf16_without_bom(b'\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR') is None
    True
    """
    sample = data[:_SAMPLE]
    sample = sample[: len(sample) & ~1]
    if len(sample) < 4:
        return None
    odd_nuls, even_nuls = sample[1::2].count(0), sample[0::2].count(0)
    order = ("utf-16-le", "utf-16-be") if odd_nuls >= even_nuls else ("utf-16-be", "utf-16-le")
    for codec in order:
        text = sample.decode(codec, errors="replace")
        if len(data) > len(sample) and text.endswith("\ufffd"):
            text = text[:-1]  # the sample may end inside a surrogate pair
        if _plausible_text(text):
            return codec
    return None


def detect_encoding(data: bytes, *, complete: bool = True) -> str:
    """The encoding of ``data``: BOM, then UTF-16 without BOM (when there are NULs),
    then strict UTF-8, then UTF-16 without BOM and without NULs, then GB18030,
    then the best Chinese encoding charset-normalizer finds.

    ``complete=False`` says ``data`` is the head of a longer text (a stream
    sample): it may end inside a multi-byte character.

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
    has_nuls = 0 in data[:_SAMPLE]
    if has_nuls:
        utf16 = utf16_without_bom(data)
        if utf16:
            return utf16
    try:
        # A sample may end inside a multi-byte character: a decoder that is
        # not told it is final accepts that.
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if mostly_utf8(data, complete=complete):
        # One stray byte (a truncated copy, a Latin-1 é) must not flip a UTF-8
        # file to GB18030: every name and address would turn to mojibake.
        return "utf-8"
    if not has_nuls:
        utf16 = utf16_without_bom(data)
        # Without NULs both readings may decode; UTF-16 wins only where the
        # GB18030 reading is gibberish (UTF-16 Chinese read as GBK lands on
        # rare characters, GBK read as UTF-16 on ASCII pairs).
        if utf16 and _common_share(data[:_SAMPLE].decode("gb18030", errors="replace")) < 0.5:
            return utf16
    # GB18030 decodes most byte strings; mainland documents that are not
    # UTF-8 are GBK/GB18030, and charset-normalizer mistakes short GBK text
    # for Big5 or cp949, so strict GB18030 wins when it decodes. The head of
    # a longer text may end inside a two- or four-byte character.
    for cut in (range(4) if not complete else (0,)):
        try:
            data[: len(data) - cut].decode("gb18030")
            return "gb18030"
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536], cp_isolation=_CANDIDATES).best()
    return best.encoding if best is not None else "gb18030"


_NON_ASCII = regex.compile(rb"[\x80-\xff]")


def mostly_utf8(data: bytes, *, complete: bool = True) -> bool:
    r"""Whether ``data`` is UTF-8 text with a few bad bytes: at most one bad sequence for every 20 good non-ASCII characters.

    Text in another encoding read as UTF-8 is mostly bad sequences: GBK
    forms a valid UTF-8 sequence only for about one character in ten. So a
    UTF-8 document with a stray byte is still read as UTF-8 (the bad byte
    becomes U+FFFD) instead of being decoded as GB18030 from start to end.

    >>> text = '户主：张三，住址：江西省抚州市乐安县'
    >>> mostly_utf8(text.encode('utf-8') + b'\xff' + text.encode('utf-8'))
    True
    >>> mostly_utf8(text.encode('gbk')), mostly_utf8(b'plain ascii \xff')
    (False, False)
    """
    sample = data[:_SAMPLE * 4]
    if not complete or len(data) > len(sample):
        sample = sample[:len(sample) - 3] if len(sample) > 3 else sample  # may end inside a character
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - sample.count(b"\xef\xbf\xbd")  # U+FFFD written in the file is good
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return good > 0 and bad * 20 <= good


def decode(data: bytes) -> tuple[str, str]:
    """Decoded text and the encoding used; undecodable bytes become U+FFFD."""
    encoding = detect_encoding(data)
    return data.decode(encoding, errors="replace"), encoding


def text_stream(raw: IO[bytes], encoding: str | None = None) -> IO[str]:
    """A binary stream decoded as it is read: for files too big to decode at once.

    The encoding is ``encoding`` or detected from a peek at the first
    megabyte (:func:`detect_stream_encoding`). Undecodable bytes become
    U+FFFD and ``\r\n`` stays two characters, as with :func:`decode`, so
    offsets agree with a whole-file read.
    """
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
    if encoding is None:
        encoding = detect_stream_encoding(buffered)  # type: ignore[arg-type]
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")  # type: ignore[arg-type]


def detect_stream_encoding(stream: io.BufferedReader, sample_size: int = 1 << 20) -> str:
    """The encoding of a binary stream, judged on its first ``sample_size`` bytes without consuming them.

    The judging is :func:`detect_encoding`'s, told that the sample may end
    inside a character when the stream goes on.
    """
    sample = stream.peek(sample_size)[:sample_size]
    # peek() may return less than asked even before EOF; read more only if needed.
    if len(sample) < min(sample_size, 65536):
        pos = stream.tell() if stream.seekable() else None
        if pos is not None:
            sample = stream.read(sample_size)
            stream.seek(pos)
    return detect_encoding(sample, complete=len(sample) < sample_size)


def looks_binary(data: bytes) -> bool:
    """NULs in a text that has no BOM, does not decode as UTF-16 and is not text with a stray NUL: a binary file.

    One NUL byte (a bad export, a truncated write) in a UTF-8 or GB18030 text
    does not make it binary: the gate would skip, and so pass, a file it did
    not read. A text is one where NULs are rare (one, or at most 1 in 100 bytes) and
    the rest decodes to plausible text.

    >>> looks_binary('手机 13800138000'.encode('utf-16-le')), looks_binary(b'GIF89a\\x01\\x00\\x01\\x00\\x80\\x00\\x00')
    (False, True)
    >>> looks_binary('户主 张三\\x00 手机 13800138000'.encode('utf-8'))
    False
    """
    sample = data[:_SAMPLE]
    if not sample or any(sample.startswith(bom) for bom, _, _ in _BOMS):
        return False
    nuls = sample.count(0)
    if not nuls:
        return False
    if utf16_without_bom(data) is not None:
        return False
    return not (nuls <= 1 + len(sample) // 100 and _text_with_stray_nuls(sample.replace(b"\0", b"")))


def _text_with_stray_nuls(rest: bytes) -> bool:
    """``rest`` (a sample with its NULs taken out) is text: UTF-8 (a few bad bytes allowed) or GB18030."""
    if rest.isascii() or mostly_utf8(rest, complete=False):
        text = rest.decode("utf-8", errors="replace")
    else:
        for cut in range(4):  # the sample may end inside a character
            try:
                text = rest[:len(rest) - cut].decode("gb18030")
                break
            except UnicodeDecodeError:
                continue
        else:
            return False
    return _plausible_text(text)


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
