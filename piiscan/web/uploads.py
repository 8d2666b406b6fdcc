"""Uploads held in memory, file names that never reach the file system, and private work folders.

Nothing a client sends is used as a path. An upload's name is cleaned for
display (:func:`display_name`) and only its extension picks a reader
(:func:`safe_extension`); on disk the bytes are ``upload<ext>`` inside a
fresh folder of mode 0700 (:func:`private_dir`) that is removed when the
request's work ends — on success, on an error, and when the client has gone.

Multipart bodies are parsed here, in memory, rather than by the framework:
Starlette spools uploaded parts over 1 MB to the system's temporary folder,
which would write a citizen's data outside the private folder. The body is
read with a hard byte limit first (:func:`read_limited`), so memory is
bounded by the configured upload size.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterable, Iterator
from urllib.parse import quote, unquote

#: Longest file name shown back to the user (characters); longer names are shortened in the middle.
MAX_NAME = 120
#: Parts a form may hold: the page sends a few files and a few choices.
MAX_PARTS = 64

_EXT = re.compile(r"\.[a-z0-9]{1,8}")


class TooLarge(Exception):
    """The request body is over the upload limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit


class BadForm(ValueError):
    """A body that is not the multipart form it claims to be."""


@dataclass(frozen=True)
class Part:
    """One form field: a file (``filename`` set, possibly empty) or a plain value."""

    name: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None

    @property
    def is_file(self) -> bool:
        return self.filename is not None

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


async def read_limited(chunks: AsyncIterable[bytes], limit: int, declared: str | None = None) -> bytes:
    """The whole body, or :class:`TooLarge` as soon as it passes ``limit`` bytes.

    A declared ``Content-Length`` over the limit is refused before a byte is
    read; a body without one (chunked) is counted as it arrives.
    """
    if declared is not None:
        try:
            if int(declared) > limit:
                raise TooLarge(limit)
        except ValueError:
            raise BadForm("invalid Content-Length") from None
    buf = bytearray()
    async for chunk in chunks:
        buf += chunk
        if len(buf) > limit:
            raise TooLarge(limit)
    return bytes(buf)


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """The parts of a ``multipart/form-data`` body, all in memory."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadForm("expected multipart/form-data with a boundary")
    parts: list[Part] = []
    state: dict = {}

    def on_part_begin() -> None:
        if len(parts) >= MAX_PARTS:
            raise BadForm(f"more than {MAX_PARTS} form fields")
        state.update(headers={}, field=bytearray(), value=bytearray(), data=[])

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][bytes(state["field"]).lower()] = bytes(state["value"])
        state["field"], state["value"] = bytearray(), bytearray()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        state["data"].append(data[start:end])

    def on_part_end() -> None:
        disposition, opts = parse_options_header(state["headers"].get(b"content-disposition", b""))
        if disposition != b"form-data" or b"name" not in opts:
            raise BadForm("a form part without a name")
        filename = _filename(opts)
        ctype_raw = state["headers"].get(b"content-type")
        parts.append(Part(
            name=opts[b"name"].decode("utf-8", errors="replace"),
            data=b"".join(state["data"]),
            filename=filename,
            content_type=ctype_raw.decode("latin-1") if ctype_raw else None,
        ))

    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_part_data": on_part_data, "on_part_end": on_part_end,
    })
    try:
        parser.write(body)
        parser.finalize()
    except BadForm:
        raise
    except Exception as exc:  # the parser's own errors: the body is malformed
        raise BadForm(f"malformed multipart body ({type(exc).__name__})") from None
    return parts


def _filename(opts: dict[bytes, bytes]) -> str | None:
    """The part's file name: RFC 5987 ``filename*`` first, else ``filename`` (browsers send raw UTF-8)."""
    star = opts.get(b"filename*")
    if star is not None:
        charset, _, rest = star.decode("latin-1").partition("'")
        _lang, _, encoded = rest.partition("'")
        try:
            return unquote(encoded, encoding=charset or "utf-8", errors="replace")
        except LookupError:
            return unquote(encoded, errors="replace")
    raw = opts.get(b"filename")
    return None if raw is None else raw.decode("utf-8", errors="replace")


def display_name(raw: str | None, fallback: str = "upload") -> str:
    """A client's file name made fit to show: its last path component, no control characters, not too long.

    It is only ever shown (escaped) or put in a download's header; it is never a path.

    >>> display_name("C:\\\\Users\\\\张三\\\\..\\\\公示.xlsx")
    '公示.xlsx'
    >>> display_name("../../etc/passwd")
    'passwd'
    >>> display_name("a\\x00b\\r\\n.csv")
    'ab.csv'
    >>> display_name("..")
    'upload'
    """
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = unicodedata.normalize("NFC", name).strip().strip(".").strip()
    if not name:
        return fallback
    if len(name) > MAX_NAME:
        stem, ext = _split_ext(name)
        name = stem[: MAX_NAME - len(ext) - 1] + "…" + ext
    return name


def safe_extension(name: str) -> str:
    """The extension that picks a reader: lower case, letters and digits only, else none.

    >>> safe_extension("公示名单.XLSX"), safe_extension("x.tar.gz"), safe_extension("a.c$v"), safe_extension("noext")
    ('.xlsx', '.gz', '', '')
    """
    ext = os.path.splitext(name)[1].lower()
    return ext if _EXT.fullmatch(ext) else ""


def _split_ext(name: str) -> tuple[str, str]:
    ext = safe_extension(name)
    return (name[: -len(ext)], name[-len(ext):]) if ext else (name, "")


def redacted_name(name: str) -> str:
    """The download name of a redacted copy: ``公示.xlsx`` → ``公示_脱敏.xlsx``."""
    stem, ext = _split_ext(name)
    return f"{stem}_脱敏{ext}"


def content_disposition(name: str) -> str:
    """An ``attachment`` header for ``name``: an ASCII fallback and the UTF-8 name (RFC 6266/5987).

    >>> content_disposition('公示_脱敏.xlsx')
    'attachment; filename="_.xlsx"; filename*=UTF-8\\'\\'%E5%85%AC%E7%A4%BA_%E8%84%B1%E6%95%8F.xlsx'
    >>> content_disposition('a"b\\r\\n.csv')
    'attachment; filename="ab.csv"; filename*=UTF-8\\'\\'ab.csv'
    """
    name = display_name(name).replace('"', "")
    ascii_ = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    ascii_ = re.sub(r"_+", "_", ascii_).strip("_") or "download"
    if ascii_.startswith("."):
        ascii_ = "_" + ascii_
    return f"attachment; filename=\"{ascii_}\"; filename*=UTF-8''{quote(name, safe='')}"


@contextlib.contextmanager
def private_dir(root: str | os.PathLike | None = None) -> Iterator[Path]:
    """A fresh folder only this user can enter (0700), removed with everything in it on leaving the block."""
    path = Path(tempfile.mkdtemp(prefix="piiscan-web-", dir=root))
    try:
        os.chmod(path, 0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def write_private(folder: Path, ext: str, data: bytes, stem: str = "upload") -> Path:
    """``data`` as ``folder/<stem><ext>``, mode 0600; the name is ours, only ``ext`` came from the client."""
    if ext and not _EXT.fullmatch(ext):
        raise ValueError(f"not a safe extension: {ext!r}")
    path = folder / f"{stem}{ext}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path
