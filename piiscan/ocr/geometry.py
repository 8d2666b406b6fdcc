"""Straightening a page before its layout is read: a photo's perspective, a scan's skew.

* **Perspective** (a phone photo of a notice on a desk or a board): the page
  is the largest bright quadrilateral that does not fill the frame; it is
  warped to a rectangle so that the table's ruling lines are straight.
  OCR then reads the warped image, and every box is mapped back through the
  inverse homography (:meth:`Warp.to_source`) so findings and paint land on
  the pixels of the file as given.
* **Skew** (a flatbed scan a degree off): the recogniser reads slanted lines
  well, so the image itself is not rotated; the angle is measured from the
  detected text lines (:func:`skew_degrees`), and only the layout analysis
  (ruling lines, which cell a character falls in) works in the rotated frame.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

Box = tuple[float, float, float, float]

#: The page must cover at least this share of a photo, and leave at least this much of it as background.
MIN_PAGE_SHARE = 0.25
MAX_PAGE_SHARE = 0.92


@dataclass(frozen=True)
class Warp:
    """How the image OCR read relates to the source image: ``matrix`` maps source pixels to OCR pixels."""

    matrix: Any  # 3x3 numpy array, or None for the identity

    def to_source(self, box: Box) -> Box:
        """A box in OCR pixels as the bounding box of its four corners in source pixels."""
        if self.matrix is None:
            return box
        x0, y0, x1, y1 = box
        pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
        inv = np.linalg.inv(self.matrix)
        h = np.c_[pts, np.ones(4)] @ inv.T
        h = h[:, :2] / h[:, 2:3]
        return (float(h[:, 0].min()), float(h[:, 1].min()), float(h[:, 0].max()), float(h[:, 1].max()))


IDENTITY = Warp(None)


def flatten(bgr: Any) -> tuple[Any, Warp]:
    """``bgr`` with a photographed page warped flat (when one is found), and the warp applied."""
    import cv2

    quad = find_page(bgr)
    if quad is None:
        return bgr, IDENTITY
    tl, tr, br, bl = quad
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    dst = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    m = cv2.getPerspectiveTransform(np.float32(quad), dst)
    flat = cv2.warpPerspective(bgr, m, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return flat, Warp(m)


def find_page(bgr: Any) -> Any:
    """The corners (tl, tr, br, bl) of a bright page on a darker background, or None (a flat scan)."""
    import cv2

    gray = bgr if bgr.ndim == 2 else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    scale = 800 / max(h, w) if max(h, w) > 800 else 1.0
    small = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else gray
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c)
    total = small.shape[0] * small.shape[1]
    if not MIN_PAGE_SHARE * total <= area <= MAX_PAGE_SHARE * total:
        return None
    approx = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
    if len(approx) != 4 or not cv2.isContourConvex(approx):
        return None
    inside = np.zeros_like(small)
    cv2.drawContours(inside, [approx], -1, 255, -1)
    if float(small[inside > 0].mean()) - float(small[inside == 0].mean()) < 40:
        return None  # not a page standing out from its background
    pts = approx.reshape(4, 2).astype(np.float64) / scale
    return _order(pts)


def _order(pts: Any) -> Any:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s = pts.sum(axis=1)
    d = pts[:, 1] - pts[:, 0]
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]])


def skew_degrees(quads: Sequence[Sequence[tuple[float, float]]]) -> float:
    """The page's skew from its text lines' boxes (degrees; positive: lines fall to the right).

    The median slope of lines at least four times as long as they are high,
    weighted by their squared length (the detector boxes short lines, such as
    table cells, level whatever the page does); 0 when there are too few
    such lines to tell.
    """
    angles: list[tuple[float, float]] = []
    for q in quads:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q[:4]
        length = math.hypot(x1 - x0, y1 - y0)
        height = math.hypot(x3 - x0, y3 - y0)
        if length < 4 * max(height, 1):
            continue
        top = math.atan2(y1 - y0, x1 - x0)
        bottom = math.atan2(y2 - y3, x2 - x3)
        angles.append((math.degrees((top + bottom) / 2), length * length))
    if len(angles) < 2:
        return 0.0
    angles.sort()
    half = sum(w for _, w in angles) / 2
    acc = 0.0
    for a, wt in angles:
        acc += wt
        if acc >= half:
            return a if abs(a) <= 10 else 0.0
    return 0.0


class Rotation:
    """Rotates points about the image centre by ``-degrees``: into the frame where text lines are level."""

    def __init__(self, degrees: float, size: tuple[int, int]) -> None:
        import cv2

        w, h = size
        self.degrees = degrees
        self.matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)

    def image(self, img: Any, fill: int = 0) -> Any:
        import cv2

        if not self.degrees:
            return img
        h, w = img.shape[:2]
        return cv2.warpAffine(img, self.matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=fill)

    def point(self, x: float, y: float) -> tuple[float, float]:
        if not self.degrees:
            return x, y
        m = self.matrix
        return (m[0, 0] * x + m[0, 1] * y + m[0, 2], m[1, 0] * x + m[1, 1] * y + m[1, 2])
