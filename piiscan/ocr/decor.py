"""Pictures that cannot show a personal value: tiny pictures, blank ones, and seals and logos.

Without OCR every picture counts as *unread* (``scan``/``check`` exit 2),
because a picture can show an ID card or a table. But a born-digital notice
carries its office's red seal and an emblem: counting those made every such
notice fail ``check``. This is the rule (Pillow and numpy only, so it holds
without the OCR extra), conservative on purpose — a picture that could
hold one table row still counts:

* **too small**: shorter side under :data:`MIN_SHORT_PX` or longer side
  under :data:`MIN_LONG_PX` pixels. An 11-digit mobile needs about 6 px a
  digit and 10 px of height to be legible, so it cannot be shown smaller;
* **blank**: no ink at all (every pixel near white, or fully transparent);
* **a seal or a logo**: roughly square (aspect :data:`SEAL_ASPECT`), at most
  :data:`SEAL_MAX_SIDE` px a side, and with no dark neutral ink — under
  :data:`DARK_INK_SHARE` of its pixels dark grey or black. Seals are red,
  emblems red and gold; printed values are black. A wide strip (a table
  row) is never a seal, whatever its colours.

Anything else — or a picture Pillow cannot decode (EMF, WMF, SVG) — is
unread without OCR. With OCR every picture is read, decoration or not.
"""
from __future__ import annotations

from typing import Any

#: Below these sizes (pixels: shorter side, longer side) a picture cannot show a legible value.
MIN_SHORT_PX = 10
MIN_LONG_PX = 60
#: A seal or logo: width / height within this range, and no side longer than SEAL_MAX_SIDE pixels.
SEAL_ASPECT = (0.5, 2.0)
SEAL_MAX_SIDE = 800
#: Share of pixels that may be dark and neutral (black/grey text) for a picture to count as a seal or logo.
DARK_INK_SHARE = 0.002


def decoration(image: Any) -> str | None:
    """Why the Pillow ``image`` cannot show a value (tiny, blank, a seal or logo), or None when it may."""
    w, h = image.size
    if min(w, h) < MIN_SHORT_PX or max(w, h) < MIN_LONG_PX:
        return f"{w}×{h} px: too small to show a value"
    if not SEAL_ASPECT[0] <= w / h <= SEAL_ASPECT[1] or max(w, h) > SEAL_MAX_SIDE:
        return None
    import numpy as np

    # Full resolution (at most SEAL_MAX_SIDE² pixels here): shrinking first would grey a thin black stroke
    # into "no dark ink".
    a = np.asarray(_on_white(image), dtype=np.int32)
    hi, lo = a.max(axis=2), a.min(axis=2)
    sat = (hi - lo) / np.maximum(hi, 1)
    luma = (a[..., 0] * 299 + a[..., 1] * 587 + a[..., 2] * 114) // 1000
    ink = ~((luma > 200) & (sat < 0.2))
    if not ink.any():
        return f"{w}×{h} px: blank"
    dark = (luma < 128) & (sat < 0.3)
    if dark.mean() <= DARK_INK_SHARE:
        return f"{w}×{h} px: a seal or logo (coloured ink, no dark text)"
    return None


def _on_white(image: Any) -> Any:
    """The picture as RGB, transparent parts white (a seal is often a PNG with alpha)."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")
