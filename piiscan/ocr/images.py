"""Image files as pages: decode within limits, one upright page per frame, and the text hidden in metadata.

Needs only Pillow (in the default install), so an image is opened, checked
and its metadata scanned even without the OCR extra.

* **Limits**: the decoded size (width × height × bands) is checked against
  ``part_bytes`` before any pixel is decoded, and a multi-page TIFF's page
  count against ``pages`` (:mod:`piiscan.limits`): a 50 KB PNG can declare
  a 100 000 × 100 000 canvas.
* **Orientation**: a phone photo stores its pixels sideways plus an EXIF
  ``Orientation`` tag; every frame is turned upright first, so OCR reads
  lines and findings' boxes are in the picture as people see it (and as the
  redacted copy, which has no EXIF any more, is stored).
* **Metadata**: EXIF descriptions, comments and authors, PNG text chunks,
  JPEG comments and XMP can hold text a publisher never sees; they are
  yielded for scanning as ``part: metadata`` (and never copied into a
  redacted image).
"""
from __future__ import annotations

import io
import re
from typing import Any, Iterator

from .. import limits
from ..readers import ReadError

#: Extension -> Pillow format name, for the formats piiscan reads and writes back.
FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF", ".bmp": "BMP",
           ".webp": "WEBP"}

_BANDS = {"1": 1, "L": 1, "P": 1, "LA": 2, "RGB": 3, "RGBA": 4, "CMYK": 4, "YCbCr": 3, "I;16": 2, "I": 4, "F": 4}
# EXIF tags that hold free text: ImageDescription, Make, Model, Artist, Copyright, UserComment, and Windows' XP* tags.
_EXIF_TEXT = {0x010E: "ImageDescription", 0x013B: "Artist", 0x8298: "Copyright", 0x9286: "UserComment",
              0x9C9B: "XPTitle", 0x9C9C: "XPComment", 0x9C9D: "XPAuthor", 0x9C9E: "XPKeywords", 0x9C9F: "XPSubject"}
_EXIF_IFD = 0x8769
_XML_TAG = re.compile(r"<[^>]+>")


def open_image(data: bytes, name: str = "") -> Any:
    """A Pillow image of ``data`` (not yet decoded), after the size and page limits are checked."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ReadError("empty image file")
    try:
        img = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ReadError("corrupt or not a supported image (PNG, JPEG, TIFF, BMP, WebP)") from None
    except Image.DecompressionBombError as exc:
        raise ReadError(f"image too large: {exc}") from None
    except Exception as exc:  # a broken header
        raise ReadError(f"corrupt image: {type(exc).__name__}: {str(exc)[:160]}") from None
    w, h = img.size
    limits.check("part_bytes", w * h * _BANDS.get(img.mode, 4), "decoded image")
    limits.check("pages", getattr(img, "n_frames", 1), "image pages")
    return img


def frames(img: Any) -> Iterator[tuple[int, Any]]:
    """(page number from 1, the frame decoded and turned upright as its EXIF orientation says)."""
    from PIL import ImageOps

    for n in range(getattr(img, "n_frames", 1)):
        try:
            img.seek(n)
            img.load()
            frame = ImageOps.exif_transpose(img)  # a new image, upright
            if frame is img:
                frame = img.copy()
        except Exception as exc:  # truncated data, a bad strip
            raise ReadError(f"corrupt image (page {n + 1}): {type(exc).__name__}: {str(exc)[:160]}") from None
        yield n + 1, frame


def dpi_of(img: Any) -> float | None:
    dpi = img.info.get("dpi")
    try:
        return float(dpi[0]) if dpi and float(dpi[0]) > 1 else None
    except (TypeError, ValueError, IndexError):
        return None


def metadata_texts(img: Any) -> list[tuple[str, str]]:
    """(where, text) for every piece of text the file carries besides its pixels."""
    out: list[tuple[str, str]] = []
    for key, value in img.info.items():
        if key in ("exif", "icc_profile", "dpi", "transparency", "gamma", "interlace", "jfif", "jfif_version",
                   "jfif_density", "jfif_unit", "progressive", "progression", "compression", "adobe",
                   "adobe_transform", "loop", "duration", "background", "srgb", "chromaticity", "aspect"):
            continue
        text = _text(value)
        if key in ("xmp", "XML:com.adobe.xmp"):
            text = _XML_TAG.sub(" ", text)
        if text.strip():
            out.append((f"metadata:{key}", text))
    try:
        exif = img.getexif()
    except Exception:  # noqa: BLE001 - unreadable EXIF holds nothing we can scan
        exif = {}
    if exif:
        tags = dict(exif)
        try:
            tags.update(exif.get_ifd(_EXIF_IFD))
        except Exception:  # noqa: BLE001
            pass
        for tag, name in _EXIF_TEXT.items():
            if tag in tags:
                text = _text(tags[tag], utf16=name.startswith("XP"))
                if text.strip():
                    out.append((f"metadata:EXIF {name}", text))
    return out


def _text(value: Any, utf16: bool = False) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        value = bytes(value)
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        if data[:8] in (b"ASCII\0\0\0", b"UNICODE\0", b"JIS\0\0\0\0\0", b"\0" * 8):  # EXIF UserComment prefix
            utf16 = data[:8] == b"UNICODE\0"
            data = data[8:]
        if utf16:
            return data.decode("utf-16-le", "replace").rstrip("\0")
        for enc in ("utf-8", "gb18030"):
            try:
                return data.decode(enc).rstrip("\0")
            except UnicodeDecodeError:
                continue
        return data.decode("latin-1").rstrip("\0")
    return ""
