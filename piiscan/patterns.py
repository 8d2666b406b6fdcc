"""Load the data in ``patterns/`` (shipped in the wheel as ``piiscan/_patterns``)."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def data_dir() -> Path:
    """The patterns folder: inside the installed wheel, else the source tree's."""
    for candidate in (_HERE / "_patterns", _HERE.parent / "patterns"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("piiscan's patterns/ data folder is missing from this install")


def path(name: str) -> Path:
    return data_dir() / name


@functools.lru_cache(maxsize=None)
def lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a data file, stripped."""
    out = []
    for raw in path(name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return tuple(out)


@functools.lru_cache(maxsize=None)
def toml(name: str) -> dict:
    with path(name).open("rb") as fh:
        return tomllib.load(fh)
