"""OCR for scans and photos: read page images as tables and text, and redact them by painting pixels.

An optional extra: ``pip install "piiscan-cn[ocr]"`` (RapidOCR 3.x on
onnxruntime, PP-OCRv6 models inside the wheel; nothing is downloaded at run
time, see :mod:`piiscan.ocr.engine`). When it is installed, image files are
read automatically; without it (or with ``--no-ocr``) an image is an
:class:`~piiscan.readers.registry.Unread` and ``scan``/``check``/``redact``
exit 2 for that file — never "nothing found".

The switch is process-wide and inherited by worker processes (``--jobs``,
a local Dask cluster) through the environment variable ``PIISCAN_OCR``
(``1`` on, ``0`` off, unset: on when installed)::

    with piiscan.ocr.using(False):
        [r] = piiscan.scan_results(["notice.png"])   # r.unread: ['image: not read, OCR is turned off …']

What a page becomes (:mod:`piiscan.ocr.page`): the engine reads the lines
with a box per character; digits misread as letters are repaired where safe
(:mod:`piiscan.ocr.digits`); ruled tables are rebuilt from their lines
(:mod:`piiscan.ocr.grid`) into :class:`OcrTable` (a
:class:`piiscan.tables.Table`, so columns are classified by header as for
every other format) and the rest into :class:`OcrSegment` text. Findings
from them carry ``page``, ``row``, ``column``, ``box`` (pixels of the image
as given, upright) and evidence ``ocr:<score>`` (plus ``ocr-corrected``
when a repaired digit is part of the value).

PDF pages and Office pictures
-----------------------------
``piiscan/readers/pdf.py`` reads the pages that need it through
:func:`piiscan.pdf.ocr_seam.read_page` (rendered at :data:`DPI`, marks mapped
to PDF points) and ``piiscan/redact/writers/pdf.py`` paints the pictures under
the findings' boxes and verifies the written pages with a fresh OCR pass.
Pictures inside .docx/.xlsx are read by
:func:`piiscan.readers.ooxml.picture_items` and redacted with
:func:`piiscan.redact.writers.image.redact_bytes`. Without OCR, pictures that
cannot show a value (seals, logos, blank or tiny ones) are noted, not unread
(:mod:`piiscan.ocr.decor`). :func:`drop_doubles` reports once a value both
OCR and a text layer read.

For one image, :func:`read_image` is ``PageReader().read(...)``.
"""
from __future__ import annotations

import contextlib
import os
from typing import Any, Iterable, Iterator

from .engine import INSTALL_HINT, OcrUnavailable
from .paint import paint, painted

#: Resolution at which PDF pages are rendered for OCR (measured: benchmarks/README.md, "OCR").
DPI = 200
ENV_VAR = "PIISCAN_OCR"

__all__ = ["DPI", "ENV_VAR", "INSTALL_HINT", "OcrSegment", "OcrTable", "OcrUnavailable", "Page", "PageReader",
           "PageScan", "available", "drop_doubles", "enabled", "paint", "painted", "read_image", "scan_items", "set_enabled",
           "to_points", "unavailable_reason", "using"]


def __getattr__(name: str) -> Any:
    # The page machinery imports piiscan.tables and OpenCV-backed helpers: load it when used.
    if name in ("OcrSegment", "OcrTable", "Page", "PageReader", "PageScan"):
        from . import page

        return getattr(page, name)
    raise AttributeError(name)


def available() -> bool:
    """Whether the OCR extra is installed and its engine can load here (regardless of the switch)."""
    from .engine import problem

    return problem() is None


def enabled() -> bool | None:
    """The switch: True (``--ocr``), False (``--no-ocr``) or None (on when installed)."""
    v = os.environ.get(ENV_VAR, "").strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    return None


def set_enabled(value: bool | None) -> None:
    """Set the switch for this process and the worker processes it starts."""
    if value is None:
        os.environ.pop(ENV_VAR, None)
    else:
        os.environ[ENV_VAR] = "1" if value else "0"


@contextlib.contextmanager
def using(value: bool | None) -> Iterator[None]:
    """The switch set inside a ``with`` block (tests, the API), restored after."""
    before = os.environ.get(ENV_VAR)
    set_enabled(value)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = before


def unavailable_reason() -> str | None:
    """Why an image will not be read (the text of the :class:`Unread`), or None when OCR runs."""
    if enabled() is False:
        return "image: not read, OCR is turned off (--no-ocr)"
    from .engine import problem

    return problem()


def read_image(image: Any, *, dpi: float | None = None, page: int | None = None) -> Any:
    """One page image (Pillow image, or a BGR/grey numpy array) as a :class:`~piiscan.ocr.page.Page`:
    ``.items`` are :class:`OcrSegment` and :class:`OcrTable` for any scanner. Raises
    :class:`OcrUnavailable` when the extra is missing."""
    from .page import PageReader

    return PageReader().read(image, dpi=dpi, page=page)


def scan_items(items: Any, scanner: Any, path: str | None = None) -> Any:
    """Findings of a page's items (located, with boxes) and the cells of its personal columns:
    a :class:`~piiscan.ocr.page.PageScan`, whose ``boxes(types)`` is what to paint."""
    from .page import scan_items as _scan

    return _scan(items, scanner, path)


def to_points(box: tuple[float, float, float, float], dpi: float, page_height: float) -> tuple[float, float, float, float]:
    """A box in pixels of a page rendered at ``dpi`` as PDF points ``(x0, y0, x1, y1)``, origin bottom left.

    >>> to_points((200, 100, 400, 150), 200, 842)
    (72.0, 788.0, 144.0, 806.0)
    """
    k = 72 / dpi
    x0, y0, x1, y1 = box
    return (x0 * k, page_height - y1 * k, x1 * k, page_height - y0 * k)


def drop_doubles(findings: list[Any]) -> list[Any]:
    """``findings`` without the OCR findings another reader gave as well: a searchable scan's text layer and
    OCR of its picture read the same value (OCR perhaps one character otherwise: 韩靜 for 韩静) — reported once.

    Same file part, page and type; the same value, or for a value without digits one character read
    otherwise (a digit OCR misread is a different number, and its own finding must stay).
    """
    if not any(_by_ocr(f) for f in findings):
        return findings

    def where(f: Any) -> tuple:
        return (f.path, f.part, f.sheet, f.page, f.type)

    other: dict[tuple, set[str]] = {}
    for f in findings:
        if not _by_ocr(f):
            other.setdefault(where(f), set()).add("".join(f.value.split()))
    out = []
    for f in findings:
        if _by_ocr(f) and _near(f.value, other.get(where(f), ())):
            continue
        out.append(f)
    return out


def _near(value: str, known: Iterable[str]) -> bool:
    v = "".join(value.split())
    for k in known:
        if k == v:
            return True
        if len(k) == len(v) >= 2 and not any(ch.isdigit() for ch in v) and sum(a != b for a, b in zip(k, v)) <= 1:
            return True
    return False


def _by_ocr(f: Any) -> bool:
    return any(e.startswith("ocr:") for e in f.evidence)
