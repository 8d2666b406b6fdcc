"""Glyph codes and advances of a PDF font, to place every glyph of a content stream.

The writer finds the glyphs to cut by *position*: it walks the content
stream with the text state and computes where each glyph's origin lands on
the page, then compares with pdfium's character origins. That needs, per
font, how a string splits into codes and how far each code advances:

- simple fonts (Type 1, TrueType, Type 3): one byte a code; ``/Widths`` from
  ``/FirstChar`` (Type 3 through its ``/FontMatrix``), ``/MissingWidth``, or the
  standard 14 fonts' metrics (pdfminer's AFM tables);
- composite fonts (Type 0): codes by the CMap — Identity (two bytes), a
  predefined CMap (pdfminer's CMap tables) or an embedded one — then
  ``/W``/``/DW`` by CID (``/W2``/``/DW2`` when written vertically).
"""
from __future__ import annotations

import io
from typing import Any, Callable

import pikepdf

Code = tuple[bytes, float, float, bool]  # code, horizontal advance (em), vertical advance (em), is single-byte space


class FontMetrics:
    """How one font's strings split into codes, and each code's advance (text space units per unit of size)."""

    def __init__(self, font: Any) -> None:
        self.vertical = False
        self._split: Callable[[bytes], list[tuple[bytes, int]]] = _one_byte
        self._width: Callable[[int], float] = lambda _c: 0.0
        self._vwidth: Callable[[int], float] = lambda _c: -1.0
        if not isinstance(font, pikepdf.Dictionary):
            return
        subtype = str(font.get("/Subtype", ""))
        if subtype == "/Type0":
            self._composite(font)
        else:
            self._simple(font, subtype)

    def codes(self, data: bytes) -> list[Code]:
        out = []
        for code, cid in self._split(data):
            out.append((code, self._width(cid), self._vwidth(cid) if self.vertical else 0.0, code == b" "))
        return out

    # --- simple fonts ---------------------------------------------------------

    def _simple(self, font: pikepdf.Dictionary, subtype: str) -> None:
        scale = 0.001
        if subtype == "/Type3":
            fm = font.get("/FontMatrix")
            scale = float(fm[0]) if fm is not None else 0.001
        widths = font.get("/Widths")
        first = int(font.get("/FirstChar", 0))
        fd = font.get("/FontDescriptor")
        missing = float(fd.get("/MissingWidth", 0)) if isinstance(fd, pikepdf.Dictionary) else 0.0
        if widths is not None:
            table = [float(w) for w in widths]

            def width(code: int) -> float:
                i = code - first
                return (table[i] if 0 <= i < len(table) else missing) * scale

            self._width = width
            return
        afm = _standard_metrics(str(font.get("/BaseFont", "")))
        if afm is None:
            self._width = lambda _c: missing * scale
            return
        chars = _encoding(font)

        def std_width(code: int) -> float:
            ch = chars.get(code)
            return afm.get(ch, missing) * scale if ch is not None else missing * scale

        self._width = std_width

    # --- composite fonts ---------------------------------------------------------

    def _composite(self, font: pikepdf.Dictionary) -> None:
        enc = font.get("/Encoding")
        name = str(enc) if isinstance(enc, pikepdf.Name) else ""
        desc = font.get("/DescendantFonts")
        d = desc[0] if desc is not None and len(desc) else pikepdf.Dictionary()
        dw = float(d.get("/DW", 1000)) / 1000
        table = _cid_widths(d.get("/W"))
        self._width = lambda cid: table.get(cid, dw)
        if isinstance(enc, pikepdf.Stream):
            cmap = _embedded_cmap(enc)
            self.vertical = bool(int(enc.get("/WMode", 0)))
            self._split = _cmap_splitter(cmap)
        elif name in ("/Identity-H", "/Identity-V"):
            self.vertical = name.endswith("-V")
            self._split = _two_bytes
        else:
            self.vertical = name.endswith("-V")
            cmap = _predefined_cmap(name[1:])
            self._split = _cmap_splitter(cmap) if cmap is not None else _two_bytes
        if self.vertical:
            dw2 = d.get("/DW2")
            w1 = float(dw2[1]) if dw2 is not None and len(dw2) == 2 else -1000.0
            vtable = _cid_vwidths(d.get("/W2"))
            self._vwidth = lambda cid: vtable.get(cid, (w1 / 1000,))[0]


def _one_byte(data: bytes) -> list[tuple[bytes, int]]:
    return [(data[i:i + 1], data[i]) for i in range(len(data))]


def _two_bytes(data: bytes) -> list[tuple[bytes, int]]:
    return [(data[i:i + 2], int.from_bytes(data[i:i + 2], "big")) for i in range(0, len(data) - 1, 2)]


def _cmap_splitter(cmap: Any) -> Callable[[bytes], list[tuple[bytes, int]]]:
    """Codes by walking pdfminer's code-to-CID tree (a byte not in the tree is a one-byte code of CID 0)."""
    root = getattr(cmap, "code2cid", None)
    if not isinstance(root, dict) or not root:
        return _two_bytes

    def split(data: bytes) -> list[tuple[bytes, int]]:
        out = []
        node = root
        start = 0
        for i, b in enumerate(data):
            nxt = node.get(b)
            if isinstance(nxt, int):
                out.append((data[start:i + 1], nxt))
                node, start = root, i + 1
            elif isinstance(nxt, dict):
                node = nxt
            else:
                out.append((data[start:i + 1], 0))
                node, start = root, i + 1
        if start < len(data):
            out.append((data[start:], 0))
        return out

    return split


_CMAPS: dict[str, Any] = {}


def _predefined_cmap(name: str) -> Any:
    if name not in _CMAPS:
        from pdfminer.cmapdb import CMapDB

        try:
            _CMAPS[name] = CMapDB.get_cmap(name)
        except Exception:  # noqa: BLE001 - unknown CMap name
            _CMAPS[name] = None
    return _CMAPS[name]


def _embedded_cmap(stream: pikepdf.Stream) -> Any:
    from pdfminer.cmapdb import CMap, CMapParser

    cmap = CMap()
    try:
        CMapParser(cmap, io.BytesIO(stream.read_bytes())).run()
    except Exception:  # noqa: BLE001 - a broken CMap: fall back to two-byte codes
        return None
    return cmap


def _cid_widths(w: Any) -> dict[int, float]:
    """``/W``: ``c [w1 w2 …]`` or ``c_first c_last w`` (widths in thousandths of an em)."""
    out: dict[int, float] = {}
    if w is None:
        return out
    items = list(w)
    i = 0
    while i < len(items):
        first = int(items[i])
        nxt = items[i + 1] if i + 1 < len(items) else None
        if isinstance(nxt, pikepdf.Array):
            for k, v in enumerate(nxt):
                out[first + k] = float(v) / 1000
            i += 2
        elif i + 2 < len(items):
            last, v = int(items[i + 1]), float(items[i + 2]) / 1000
            if last - first > 100_000:
                break  # a hostile range: the default width serves
            for c in range(first, last + 1):
                out[c] = v
            i += 3
        else:
            break
    return out


def _cid_vwidths(w: Any) -> dict[int, tuple[float, float, float]]:
    """``/W2``: ``c [w1y vx vy …]`` or ``c_first c_last w1y vx vy`` (thousandths of an em)."""
    out: dict[int, tuple[float, float, float]] = {}
    if w is None:
        return out
    items = list(w)
    i = 0
    while i < len(items):
        first = int(items[i])
        nxt = items[i + 1] if i + 1 < len(items) else None
        if isinstance(nxt, pikepdf.Array):
            vals = [float(v) / 1000 for v in nxt]
            for k in range(0, len(vals) - 2, 3):
                out[first + k // 3] = (vals[k], vals[k + 1], vals[k + 2])
            i += 2
        elif i + 4 < len(items):
            last = int(items[i + 1])
            vals = (float(items[i + 2]) / 1000, float(items[i + 3]) / 1000, float(items[i + 4]) / 1000)
            for c in range(first, min(last, first + 100_000) + 1):
                out[c] = vals
            i += 5
        else:
            break
    return out


_ALIASES = {"arial": "Helvetica", "helvetica": "Helvetica", "timesnewroman": "Times", "times": "Times",
            "couriernew": "Courier", "courier": "Courier", "symbol": "Symbol", "zapfdingbats": "ZapfDingbats"}


def _standard_metrics(base_font: str) -> dict[str, float] | None:
    """AFM widths (by character) of a standard 14 font, by its /BaseFont name (subset prefix and aliases allowed)."""
    from pdfminer.fontmetrics import FONT_METRICS

    name = base_font.lstrip("/")
    if "+" in name[:7]:
        name = name.split("+", 1)[1]
    if name in FONT_METRICS:
        return FONT_METRICS[name][1]
    family, _, style = name.replace(",", "-").partition("-")
    fam = _ALIASES.get(family.lower().replace(" ", ""))
    if fam is None:
        return None
    style = style.lower()
    bold, italic = "bold" in style, "italic" in style or "oblique" in style
    if fam == "Times":
        key = "Times-" + ("BoldItalic" if bold and italic else "Bold" if bold else "Italic" if italic else "Roman")
    elif fam in ("Helvetica", "Courier"):
        key = fam + ("-BoldOblique" if bold and italic else "-Bold" if bold else "-Oblique" if italic else "")
    else:
        key = fam
    return FONT_METRICS.get(key, (None, None))[1]


def _encoding(font: pikepdf.Dictionary) -> dict[int, str]:
    from pdfminer.encodingdb import EncodingDB
    from pdfminer.psparser import LIT

    enc = font.get("/Encoding")
    base, diff = "StandardEncoding", None
    if isinstance(enc, pikepdf.Name):
        base = str(enc)[1:]
    elif isinstance(enc, pikepdf.Dictionary):
        if "/BaseEncoding" in enc:
            base = str(enc.BaseEncoding)[1:]
        diff = [int(x) if isinstance(x, (int, float)) or not isinstance(x, pikepdf.Name) else LIT(str(x)[1:])
                for x in enc.get("/Differences", [])]
    try:
        return dict(EncodingDB.get_encoding(base, diff))
    except Exception:  # noqa: BLE001
        return dict(EncodingDB.get_encoding("StandardEncoding"))
