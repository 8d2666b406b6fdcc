"""Scanning files and folders: pick a reader, scan its segments, locate findings."""
from __future__ import annotations

import bisect
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import regex

from .finding import Finding
from .readers import ReadError, Segment
from .readers import text as text_reader
from .scanner import Scanner

_NEWLINE = regex.compile(r"\r\n|\r|\n")


@dataclass
class FileResult:
    """What scanning one file gave: findings, or why it was not scanned."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # unreadable: corrupt, encrypted, I/O error
    skipped: str | None = None  # deliberately not scanned: binary, too large, unsupported
    size: int = 0


def reader_for(path: Path) -> Callable[[Path], Iterable[Segment]]:
    """The reader for a file, chosen by its extension; text is the fallback."""
    from .readers import registry

    return registry.reader_for(path)


def scan_file(path: str | os.PathLike, scanner: Scanner | None = None) -> list[Finding]:
    """Findings in one file, each carrying ``path`` and its location.

    Raises :class:`~piiscan.readers.ReadError` when the file cannot be read.
    """
    result = scan_file_result(Path(path), scanner or _default_scanner())
    if result.error:
        raise ReadError(f"{path}: {result.error}")
    return result.findings


def scan_file_result(path: Path, scanner: Scanner, display_path: str | None = None) -> FileResult:
    shown = display_path or str(path)
    result = FileResult(shown)
    try:
        result.size = path.stat().st_size
        read = reader_for(path)
        findings: list[Finding] = []
        for segment in read(path):
            findings.extend(locate(scanner.scan(segment.text, label=segment.label), segment, shown))
        result.findings = findings
    except ReadError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = exc.strerror or str(exc)
    return result


def locate(findings: list[Finding], segment: Segment, path: str) -> Iterator[Finding]:
    """Give findings their path and location within the file."""
    if not findings:
        return
    if segment.line_offsets:
        starts = [0] + [m.end() for m in _NEWLINE.finditer(segment.text)]
        for f in findings:
            line = bisect.bisect_right(starts, f.start)
            yield f.with_location(path=path, line=line, column=f.start - starts[line - 1] + 1, **segment.location)
    else:
        for f in findings:
            yield f.with_location(path=path, **segment.location)


def iter_files(
    paths: Iterable[str | os.PathLike],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
) -> Iterator[Path]:
    """Files under ``paths``: folders walked recursively in sorted order.

    ``include``/``exclude`` are glob patterns matched against the path
    relative to the folder given (``*.csv``, ``archive/**``). Symlinks are
    not followed unless asked; hidden folders (``.git``) are not entered.
    A path given explicitly is always yielded.
    """
    for p in paths:
        p = Path(p)
        if not p.is_dir():
            yield p
            continue
        for root, dirs, files in os.walk(p, followlinks=follow_symlinks):
            dirs[:] = sorted(
                d for d in dirs
                if not d.startswith(".") and (follow_symlinks or not os.path.islink(os.path.join(root, d)))
            )
            for name in sorted(files):
                full = Path(root, name)
                if full.is_symlink() and not follow_symlinks:
                    continue
                rel = full.relative_to(p).as_posix()
                if include and not any(_glob_match(rel, g) for g in include):
                    continue
                if any(_glob_match(rel, g) for g in exclude):
                    continue
                yield full


def _glob_match(rel: str, pattern: str) -> bool:
    return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pattern)


def scan_path(path: str | os.PathLike, scanner: Scanner | None = None) -> list[Finding]:
    """Findings in a file or, recursively, a folder; each carries its ``path``.

    Unreadable files are skipped here; use :func:`scan_results` to see why.
    """
    out: list[Finding] = []
    for result in scan_results([path], scanner):
        out.extend(result.findings)
    return out


def scan_results(
    paths: Iterable[str | os.PathLike],
    scanner: Scanner | None = None,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
    max_file_size: int | None = None,
    jobs: int = 1,
) -> Iterator[FileResult]:
    """One :class:`FileResult` per file, in a stable (sorted walk) order."""
    scanner = scanner or _default_scanner()
    for file in iter_files(paths, include=include, exclude=exclude, follow_symlinks=follow_symlinks):
        if max_file_size is not None:
            try:
                size = file.stat().st_size
            except OSError as exc:
                yield FileResult(str(file), error=exc.strerror or str(exc))
                continue
            if size > max_file_size:
                yield FileResult(str(file), skipped=f"too large ({size} bytes > {max_file_size})", size=size)
                continue
        yield scan_file_result(file, scanner)


_SCANNER: Scanner | None = None


def _default_scanner() -> Scanner:
    global _SCANNER
    if _SCANNER is None:
        _SCANNER = Scanner()
    return _SCANNER
