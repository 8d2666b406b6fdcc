"""Which fonts of a page may not map their codes to Unicode (pikepdf: pdfium does not say).

pdfium flags each character whose code it could not map (``HasUnicodeMapError``),
but asking costs a call per character. Fonts decide it: most office exports
embed a ``ToUnicode`` map and then nothing needs asking. The pages that use a
font that may fail are asked character by character.
"""
from __future__ import annotations

import functools
from typing import Any

import pikepdf

_STANDARD_ENCODINGS = {"/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding", "/PDFDocEncoding",
                       "/MacExpertEncoding"}
_MAX_FORMS = 200


@functools.lru_cache(maxsize=1)
def _glyph_names() -> frozenset[str]:
    from pdfminer.glyphlist import glyphname2unicode

    return frozenset(glyphname2unicode)


def _standard_name(name: str) -> bool:
    n = name.lstrip("/")
    if n in _glyph_names():
        return True
    base = n.split(".", 1)[0].split("_", 1)[0]
    return (base in _glyph_names()
            or (base.startswith("uni") and len(base) >= 7 and all(c in "0123456789ABCDEFabcdef" for c in base[3:7]))
            or (base.startswith("u") and 5 <= len(base) <= 7 and all(c in "0123456789ABCDEFabcdef" for c in base[1:])))


def font_may_fail(font: Any) -> bool:
    """Whether pdfium may fail to map this font's codes to Unicode."""
    if not isinstance(font, pikepdf.Dictionary):
        return False
    if "/ToUnicode" in font:
        return False
    subtype = str(font.get("/Subtype", ""))
    if subtype == "/Type0":
        enc = font.get("/Encoding")
        if isinstance(enc, pikepdf.Name):
            name = str(enc)
            # Unicode CMaps (UniGB-UCS2-H …) map by themselves; Identity needs a ToUnicode.
            return "Identity" in name
        return True  # an embedded CMap stream: codes to CIDs, not to Unicode
    if subtype == "/Type3":
        return True
    enc = font.get("/Encoding")
    if enc is None:
        fd = font.get("/FontDescriptor")
        flags = int(fd.get("/Flags", 0)) if isinstance(fd, pikepdf.Dictionary) else 0
        return bool(flags & 4) and "/FontFile2" in (fd or {})  # a symbolic TrueType: codes are glyph ids
    if isinstance(enc, pikepdf.Name):
        return str(enc) not in _STANDARD_ENCODINGS
    if isinstance(enc, pikepdf.Dictionary):
        for item in enc.get("/Differences", []):
            if isinstance(item, pikepdf.Name) and not _standard_name(str(item)):
                return True
    return False


def page_has_undecodable_font(page: pikepdf.Page, cache: dict) -> bool:
    res = _resources(page.obj)
    seen: set = set()
    return _resources_may_fail(res, cache, seen)


def _resources(obj: Any) -> Any:
    node = obj
    for _ in range(64):
        res = node.get("/Resources")
        if res is not None:
            return res
        node = node.get("/Parent")
        if node is None:
            return None
    return None


def _key(obj: Any):
    try:
        return obj.objgen if obj.is_indirect else id(obj)
    except Exception:  # noqa: BLE001
        return id(obj)


def _resources_may_fail(res: Any, cache: dict, seen: set) -> bool:
    if not isinstance(res, pikepdf.Dictionary) or len(seen) > _MAX_FORMS:
        return False
    fonts = res.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for _name, font in fonts.items():
            k = _key(font)
            bad = cache.get(k)
            if bad is None:
                bad = cache[k] = font_may_fail(font)
            if bad:
                return True
    xobjects = res.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for _name, x in xobjects.items():
            if not isinstance(x, pikepdf.Stream) or x.get("/Subtype") != "/Form":
                continue
            k = _key(x)
            if k in seen:
                continue
            seen.add(k)
            if _resources_may_fail(x.get("/Resources"), cache, seen):
                return True
    return False
