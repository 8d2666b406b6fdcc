"""Painting over the pixels of an image under redacted text (a searchable scan), then writing it back.

A searchable scan is a picture of the page with the OCR text drawn
invisibly on top. Removing the invisible glyphs leaves the value in the
picture, and a black box drawn over the picture leaves the picture in the
file. So the picture itself is changed: every box of a removed character is
mapped from page space to the image's pixels through the inverse of the
matrix the image was drawn with (turned and scaled images included), padded
(OCR boxes are approximate), filled with ink, and the image is compressed
again — JPEG stays JPEG, everything else becomes Flate — and put back in the
page's (private) resources.

An image that cannot be decoded (JBIG2 without a decoder, an odd colour
space) makes the page refused: :class:`~piiscan.pdf.content.CutError`.
"""
from __future__ import annotations

import io
import zlib
from collections import defaultdict

import numpy as np
import pikepdf

from .. import limits
from .content import CutError, ImageUse, _unit_box, overlapping
from .objects import Matrix

#: Padding around each character box, as a share of its height (OCR boxes are loose).
PAD = 0.15
JPEG_QUALITY = 90


def paint(pdf: pikepdf.Pdf, uses: list[ImageUse], boxes: np.ndarray,
          heights: np.ndarray | None = None) -> list[tuple[ImageUse, list]]:
    """Paint ``boxes`` (page space) into every image of ``uses`` they overlap; returns the painted
    images with the pixel polygons painted (for the verification).

    Each box is padded by :data:`PAD` of ``heights[i]`` (default: its own height; 0 for a box that carries
    its margin already, as OCR's do: a cell two lines high padded by its height would reach the ruling
    lines, and OCR would no longer see the table)."""
    groups: dict[tuple[int, str], list[ImageUse]] = defaultdict(list)
    for use in uses:
        groups[(id(use.resources.get("/XObject")), str(use.name))].append(use)
    done = []
    for group in groups.values():
        first = group[0]
        image = _decode(first.image)
        width, height = image.size
        polygons = []
        for use in group:
            for i in overlapping(boxes, _unit_box(use.ctm)):
                pad = None if heights is None else float(heights[i]) * PAD
                polygons.append(_to_pixels(boxes[i], use.ctm, width, height, pad))
        if not polygons:
            continue
        from PIL import ImageDraw

        draw = ImageDraw.Draw(image)
        ink = _ink(first.image, image.mode)
        for poly in polygons:
            draw.polygon(poly, fill=ink, outline=ink)
        new = _encode(pdf, first.image, image)
        for use in group:
            use.resources.XObject[use.name] = new
            done.append((use, polygons))
    return done


def _to_pixels(box, ctm: Matrix, width: int, height: int, pad: float | None = None) -> list[tuple[float, float]]:
    """The corners of a page-space box (padded) in the image's pixels (row 0 at the top)."""
    x0, y0, x1, y1 = (float(v) for v in box)
    pad = (y1 - y0) * PAD if pad is None else pad
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    a, b, c, d, e, f = ctm
    det = a * d - b * c
    if abs(det) < 1e-12:
        raise CutError("an image drawn with a degenerate matrix lies under a value")
    out = []
    for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
        px, py = x - e, y - f
        u = (d * px - c * py) / det
        v = (-b * px + a * py) / det
        out.append((u * width, (1 - v) * height))
    return out


def _decode(stream: pikepdf.Stream):
    w, h = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
    bpc = int(stream.get("/BitsPerComponent", 8) or 8)
    limits.check("part_bytes", w * h * max(1, bpc * 4 // 8), "an image to paint over (decoded)")
    try:
        image = pikepdf.PdfImage(stream).as_pil_image()
    except Exception as exc:  # noqa: BLE001 - unsupported filter or colour space
        raise CutError(f"an image under a value cannot be decoded to paint over it ({type(exc).__name__})") from None
    if image.mode not in ("1", "L", "RGB", "CMYK"):
        image = image.convert("RGB")
    return image


def _ink(stream: pikepdf.Stream, mode: str):
    """The sample value that shows as black (or, for a stencil mask, as painted)."""
    decode = stream.get("/Decode")
    inverted = decode is not None and len(decode) >= 2 and float(decode[0]) > float(decode[1])
    if stream.get("/ImageMask"):
        return 1 if inverted else 0
    if mode == "1":
        return 1 if inverted else 0
    if mode == "L":
        return 255 if inverted else 0
    if mode == "CMYK":
        return (0, 0, 0, 255)
    return (0, 0, 0)


def _encode(pdf: pikepdf.Pdf, old: pikepdf.Stream, image) -> pikepdf.Stream:
    keep = {k: v for k, v in old.items() if k not in ("/Length", "/Filter", "/DecodeParms", "/BitsPerComponent",
                                                          "/ColorSpace", "/Decode")}
    space = {"1": pikepdf.Name.DeviceGray, "L": pikepdf.Name.DeviceGray, "RGB": pikepdf.Name.DeviceRGB,
             "CMYK": pikepdf.Name.DeviceCMYK}[image.mode]
    old_space = old.get("/ColorSpace")
    if old_space is not None and _components(old_space) == len(image.getbands()) and image.mode != "1":
        space = old_space  # keep an ICC profile or calibrated space of the same components
    if old.get("/Decode") is not None and (image.mode == "1" or old.get("/ImageMask")):
        keep["/Decode"] = old.Decode
    if old.get("/ImageMask"):
        new = pdf.make_stream(zlib.compress(image.tobytes()), **_names(keep))
        new.Filter = pikepdf.Name.FlateDecode
        new.BitsPerComponent = 1
        return new
    if old.get("/Filter") == pikepdf.Name.DCTDecode and image.mode in ("L", "RGB"):
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=JPEG_QUALITY)
        new = pdf.make_stream(buf.getvalue(), **_names(keep))
        new.Filter = pikepdf.Name.DCTDecode
        new.BitsPerComponent = 8
    else:
        new = pdf.make_stream(zlib.compress(image.tobytes()), **_names(keep))
        new.Filter = pikepdf.Name.FlateDecode
        new.BitsPerComponent = 1 if image.mode == "1" else 8
    new.ColorSpace = space
    return new


def _names(d: dict) -> dict:
    return {k.lstrip("/"): v for k, v in d.items()}


def _components(space) -> int:
    if isinstance(space, pikepdf.Name):
        return {"/DeviceGray": 1, "/CalGray": 1, "/DeviceRGB": 3, "/CalRGB": 3, "/DeviceCMYK": 4}.get(str(space), 0)
    if isinstance(space, pikepdf.Array) and len(space) >= 2 and space[0] == "/ICCBased":
        return int(space[1].get("/N", 0))
    return 0
