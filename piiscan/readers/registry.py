"""Which reader reads which file."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from . import Segment
from . import text

Reader = Callable[[Path], Iterable[Segment]]

#: extension (lower case, with dot) -> reader. Text is the fallback.
READERS: dict[str, Reader] = {}


def reader_for(path: Path) -> Reader:
    return READERS.get(path.suffix.lower(), text.read)
