"""Images (PNG, JPEG, TIFF, BMP, WebP): redaction paints the pixels, and OCR checks nothing is left.

For each page (frame), upright as its EXIF orientation says:

1. OCR reads it as :mod:`piiscan.readers.image` does (tables by column);
2. every finding of the redacted types is painted over solid black, with a
   margin (:func:`piiscan.ocr.paint`) — and so is every non-empty cell of a
   column classified as one of those types, because a value OCR misread
   (one wrong digit fails the checksum) is no finding, yet its pixels still
   show it;
3. the image is re-encoded in its own format from the pixels alone: EXIF
   (with its thumbnail of the unredacted page), ICC profiles, XMP, PNG text
   chunks and comments are not carried over;
4. the encoded bytes are decoded again and verified before anything is
   written: each painted box must still be solid (:func:`piiscan.ocr.painted`),
   and a fresh OCR pass must find no value of the redacted types and none of
   the redacted values anywhere in the page's text. Otherwise
   :class:`~piiscan.redact.RedactionError`, and no output is written.

Every strategy paints (a replacement text is not drawn: a drawn fake or
mask would be read back as text). Without the OCR extra an image cannot be
redacted: an error, never a copy.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ... import ocr
from ...ocr import images
from ..changes import Change, RedactionError
from . import write_bytes_atomic

JPEG_QUALITY = 90
WEBP_QUALITY = 90


def write(src: Path, dst: Path, redactor, report, **_opts: Any) -> None:
    reason = ocr.unavailable_reason()
    if reason:
        raise RedactionError(f"cannot redact an image without OCR ({reason})")
    out, _painted = redact_bytes(src.read_bytes(), src.name, redactor, report, path=str(src))
    write_bytes_atomic(dst, out, src)


def redact_bytes(data: bytes, name: str, redactor, report, path: str | None = None,
                 part: str | None = None) -> tuple[bytes, int]:
    """The picture ``data`` (its format from ``name``'s extension) redacted and verified, as bytes, and the
    number of boxes painted.

    Also used for the pictures inside Word and Excel packages (``part``: the media path, set on the
    findings reported). Raises :class:`~piiscan.redact.RedactionError` when it cannot vouch for it.
    """
    from ...ocr.page import PageReader, scan_items

    img = images.open_image(data, name)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    fmt = images.FORMATS.get(suffix) or img.format or "PNG"
    info = {"dpi": img.info.get("dpi"), "compression": img.info.get("compression")}
    where = f"{part}: " if part else ""
    if images.metadata_texts(img) or img.info.get("exif") or img.info.get("icc_profile"):
        report.notes.append(f"{where}metadata removed (EXIF, comments, text chunks, XMP, ICC profile)")
    dpi = images.dpi_of(img)
    reader = PageReader()
    pages: list[Any] = []
    painted_boxes: list[tuple[list[tuple[float, float, float, float]], int]] = []
    values: set[str] = set()
    changes: list[Change] = []
    extra_cells = 0
    for n, frame in images.frames(img):
        page = reader.read(frame, dpi=dpi, page=n)
        _refuse_weak(page, n)
        found = scan_items(page.items, redactor.scanner, path)
        hits = [f for f in found.findings if f.type in redactor.types]
        boxes = found.boxes(redactor.types)
        extra_cells += len(found.unvalidated(redactor.types))
        changes += [Change(f.with_location(part=part) if part else f, "", 0) for f in hits]
        values |= {_squeeze(f.value) for f in hits}
        pages.append(ocr.paint(frame, boxes, page.margin))
        painted_boxes.append((boxes, page.margin))
    out = _encode(pages, fmt, info)
    _verify(out, painted_boxes, values, redactor)
    report.add(changes)
    if extra_cells > 0:
        report.notes.append(f"{where}{extra_cells} cell(s) of personal columns painted whole although OCR read no "
                            "valid value in them")
    painted = sum(len(b) for b, _m in painted_boxes)
    if painted or not part:
        report.notes.append(f"{where}image: values painted over; replacement text is not drawn")
    return out, painted


def _refuse_weak(page: Any, n: int) -> None:
    from ...readers.image import WEAK_LINES, WEAK_SHARE

    if page.weak_lines >= WEAK_LINES and page.weak_lines >= WEAK_SHARE * page.lines:
        raise RedactionError(f"page {n}: {page.weak_lines} of {page.lines} text lines barely legible to OCR; "
                             "cannot vouch for a redaction of it")


def _clean(frame: Any) -> Any:
    """The pixels alone, in a new image that carries no metadata."""
    from PIL import Image

    if frame.mode not in ("1", "L", "LA", "RGB", "RGBA", "CMYK", "I;16", "I", "F"):
        frame = frame.convert("RGB")
    return Image.frombytes(frame.mode, frame.size, frame.tobytes())


def _encode(pages: list[Any], fmt: str, info: dict) -> bytes:
    clean = [_clean(p) for p in pages]
    first = clean[0]
    params: dict[str, Any] = {}
    if info.get("dpi"):
        params["dpi"] = info["dpi"]
    if fmt == "JPEG":
        clean = [p.convert("RGB") if p.mode not in ("L", "RGB", "CMYK") else p for p in clean]
        first = clean[0]
        params["quality"] = JPEG_QUALITY
    elif fmt == "WEBP":
        params["quality"] = WEBP_QUALITY
    elif fmt == "TIFF":
        comp = info.get("compression")
        if comp in ("group3", "group4") and not all(p.mode == "1" for p in clean):
            comp = "tiff_lzw"
        params["compression"] = comp if comp in ("group3", "group4", "tiff_lzw", "tiff_deflate", "packbits") else "tiff_lzw"
        if len(clean) > 1:
            params["save_all"] = True
            params["append_images"] = clean[1:]
    elif fmt == "BMP" and first.mode not in ("1", "L", "P", "RGB", "RGBA"):
        clean = [p.convert("RGB") for p in clean]
        first = clean[0]
    buf = io.BytesIO()
    first.save(buf, fmt, **params)
    return buf.getvalue()


def _squeeze(value: str) -> str:
    return "".join(value.split())


def _verify(data: bytes, boxes: list[tuple[list[tuple[float, float, float, float]], int]], values: set[str],
            redactor) -> None:
    """Decode what will be written; paint must hold and OCR must find nothing of what was redacted."""
    from ...ocr.page import OcrTable, PageReader, scan_items

    img = images.open_image(data)
    reader = PageReader()
    for n, frame in images.frames(img):
        if n > len(boxes):
            raise RedactionError("the redacted image has more pages than the original")
        if ocr.painted(frame, *boxes[n - 1]):
            raise RedactionError(f"page {n}: painted boxes did not survive re-encoding")
        page = reader.read(frame, page=n)
        left = [f for f in scan_items(page.items, redactor.scanner).findings if f.type in redactor.types]
        if left:
            raise RedactionError(f"page {n}: {len(left)} value(s) still readable by OCR after painting")
        text = []
        for item in page.items:
            if isinstance(item, OcrTable):
                text.extend(str(c) for row in item.rows for c in row if c)
            else:
                text.append(item.text)
        squeezed = _squeeze("".join(text))
        if any(v and v in squeezed for v in values):
            raise RedactionError(f"page {n}: a redacted value is still readable by OCR")
