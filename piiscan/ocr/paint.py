"""Redacting pixels: solid boxes painted into the image itself, and a check that they are there.

A rectangle drawn *over* an image (a PDF annotation, a layer) is not
redaction: the picture stays in the file underneath. These functions change
the pixels, and :func:`painted` reads them back from the re-encoded file to
confirm that every box is still solid (JPEG's ringing at the edges is why
the check looks at the box's inside and allows a little noise).
"""
from __future__ import annotations

from typing import Any, Iterable

Box = tuple[float, float, float, float]

#: Margin around each box: this share of the box's height, at least :data:`MIN_MARGIN` pixels. Character
#: boxes come from the recogniser's alignment and can be a few pixels short of the ink.
MARGIN_SHARE = 0.25
MIN_MARGIN = 3


def margin_for(box: Box) -> int:
    return max(MIN_MARGIN, round((box[3] - box[1]) * MARGIN_SHARE))


def grow(box: Box, margin: float, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``box`` grown by ``margin`` on every side, in whole pixels, clipped to an image of ``size``."""
    w, h = size
    x0, y0, x1, y1 = box
    return (max(0, int(x0 - margin)), max(0, int(y0 - margin)),
            min(w, int(x1 + margin + 0.999)), min(h, int(y1 + margin + 0.999)))


def fill_for(mode: str) -> Any:
    """Black in the image's own mode."""
    return {"1": 0, "L": 0, "LA": (0, 255), "RGB": (0, 0, 0), "RGBA": (0, 0, 0, 255), "CMYK": (0, 0, 0, 255),
            "I;16": 0, "I": 0, "F": 0.0}.get(mode, 0)


def paint(image: Any, boxes: Iterable[Box], margin: float | None = None) -> Any:
    """A copy of a Pillow image with every box (plus its margin) filled solid black.

    A palette image is painted in RGB (the palette may have no black).

    >>> from PIL import Image
    >>> img = paint(Image.new("L", (40, 20), 255), [(10, 5, 20, 10)], margin=2)
    >>> img.getpixel((9, 4)), img.getpixel((25, 15))
    (0, 255)
    """
    from PIL import ImageDraw

    out = image.convert("RGBA" if "transparency" in image.info else "RGB") if image.mode == "P" else image.copy()
    draw = ImageDraw.Draw(out)
    fill = fill_for(out.mode)
    for b in boxes:
        x0, y0, x1, y1 = grow(b, margin_for(b) if margin is None else margin, out.size)
        if x1 > x0 and y1 > y0:
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=fill)
    return out


def painted(image: Any, boxes: Iterable[Box], margin: float | None = None) -> list[Box]:
    """The boxes that are *not* solid black in ``image`` (as decoded from the written file); [] when all are.

    The inside of each painted rectangle, two pixels in from its edge, must
    be dark: mean under 40 and at most 2 % of pixels over 96 (JPEG noise).
    """
    import numpy as np

    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    bad = []
    for b in boxes:
        x0, y0, x1, y1 = grow(b, (margin_for(b) if margin is None else margin) - 2, image.size)
        if x1 - x0 < 1 or y1 - y0 < 1:
            continue
        inside = gray[y0:y1, x0:x1]
        if inside.size and (float(inside.mean()) >= 40 or float((inside > 96).mean()) > 0.02):
            bad.append(b)
    return bad
