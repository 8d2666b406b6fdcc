"""Rewrite an Office Open XML package part by part: redact what the readers read, remove what has no place.

Shared by the Word and Excel writers. For every part of the package:

* the units :func:`piiscan.readers.ooxml.units` finds (properties, link
  targets, alt text, charts, SmartArt, text boxes, pivot caches,
  customXml …) are redacted as the reader scans them, each replacement
  put back into the text node or attribute its characters came from
  (:mod:`.spans`); a format's own body (Word paragraphs) goes through the
  ``body`` hook first;
* embedded .docx/.xlsx packages are redacted with their own writer;
* parts a published copy does without are removed, with the relationships,
  content types and elements that point to them: the thumbnail (a picture
  of page 1), embedded objects piiscan cannot read (OLE ``.bin``),
  imported content it cannot rewrite;
* pictures are read by OCR when the extra is installed, and redacted as
  image files are (values painted over, the picture re-encoded from its
  pixels without metadata, then read by OCR again: a value still legible
  refuses the file); one that cannot be decoded (EMF, WMF) or any picture
  without OCR is kept and noted (the CLI's re-scan then reports it unread
  unless it is a seal, logo or too small to show a value).

Parts that did not change keep their bytes; the zip keeps its order.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from typing import Any, Callable, Iterable

from ...readers import ooxml
from ...readers.html import url_pieces
from .spans import View, apply, by_container, redact_view

_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Wrappers left empty when the only element in them pointed to a removed part.
_EMPTY_WRAPPERS = frozenset({"oleObjects", "Choice", "AlternateContent", "Fallback", "controls", "oleObject"})
_URL_SAFE = ";/?:@&=+$,-_.!~*'()#[]%"

Body = Callable[[str, Any], bool]  # (part name, root) -> changed


def redact_units(units: Iterable[ooxml.Unit], redactor, report) -> bool:
    """Redact each unit in place (its slots get the new text); whether anything changed."""
    from urllib.parse import quote

    changed = False
    for unit in units:
        view = View()
        slots = []
        for i, piece in enumerate(unit.pieces):
            if isinstance(piece, str):
                view.separator(piece)
                slots.append(None)
                continue
            slots.append(piece)
            text = piece.get()
            if piece.url:
                for s, e, t in url_pieces(text):
                    (view.verbatim(i, s, t) if text[s:e] == t else view.decoded(i, s, e, t))
            else:
                view.verbatim(i, 0, text)

        def fix(rep: str, _change: Any, cont: Any) -> str:
            slot = slots[cont]
            return quote(rep, safe=_URL_SAFE) if slot is not None and slot.url else rep

        found = redact_view(view, redactor, report, fix, label=unit.label)
        for cont, edits in by_container(found).items():
            slot = slots[cont]
            slot.set(apply(slot.get(), edits))
            changed = True
    return changed


def rewrite(pkg: ooxml.Package, redactor, report, *, body: Body | None = None,
            skip: frozenset[str] = frozenset(), extra_removed: Iterable[str] = (), depth: int = 0,
            own: Callable[[str], bool] | None = None, transform: dict[str, Callable[[bytes], bytes]] | None = None,
            ) -> bytes:
    """The redacted package as bytes.

    ``body(name, root)`` redacts a format's own text in a part (Word
    paragraphs) and says whether it changed anything; ``skip`` names
    elements :func:`~piiscan.readers.ooxml.units` leaves to it. ``own(name)``
    marks parts the caller has redacted already (a sheet openpyxl wrote):
    they are copied. ``transform`` maps part names to functions that give
    their new bytes (an altChunk page). ``extra_removed`` are more parts to
    remove.
    """
    removed = set(extra_removed)
    for name in pkg.names():
        if ooxml.is_thumbnail(pkg, name):
            removed.add(name)
        elif ooxml.is_embedding(name) and ooxml.extension(name) not in ooxml.PACKAGE_EXTENSIONS:
            removed.add(name)
    if removed:
        report.notes.append("removed: " + ", ".join(sorted(removed)))
    pictures = [n for n in pkg.names() if ooxml.is_picture(n) and n not in removed and not ooxml.is_embedding(n)]
    painted = _pictures(pkg, pictures, redactor, report)
    removed_ids = _removed_rel_ids(pkg, removed)
    out: dict[str, bytes] = {}
    for name in pkg.names():
        if name in removed:
            continue
        if transform and name in transform:
            out[name] = transform[name](pkg.read(name))
        elif name in painted:
            out[name] = painted[name]
        elif ooxml.is_embedding(name):
            out[name] = _redact_embedded(pkg.read(name), name, redactor, report, depth, pkg.budget)
        elif name == "[Content_Types].xml":
            out[name] = _content_types(pkg, name, removed)
        elif own is not None and own(name):
            out[name] = pkg.read(name)
        elif ooxml.scanned(name):
            data = pkg.read(name)
            root = ooxml.parse_xml(data, name, recover=name.endswith(".vml"))
            changed = body(name, root) if body is not None else False
            changed |= redact_units(ooxml.units(name, root, skip=skip), redactor, report)
            changed |= _drop_removed(name, root, removed, removed_ids.get(name, set()))
            out[name] = _serialise(root) if changed else data
        else:
            out[name] = pkg.read(name)
    return _zip(pkg, out)


def _pictures(pkg: ooxml.Package, names: list[str], redactor, report) -> dict[str, bytes]:
    """New bytes of the pictures OCR read and painted (unchanged ones are not listed)."""
    from ... import ocr
    from ...ocr import images
    from ...readers import ReadError
    from .image import redact_bytes

    if not names:
        return {}
    if ocr.unavailable_reason():
        report.notes.append(f"{len(names)} picture(s) kept, not read (no OCR): check them by eye")
        return {}
    out: dict[str, bytes] = {}
    kept = 0
    for name in names:
        data = pkg.read(name)
        try:
            img = images.open_image(data, name)
        except ReadError:
            kept += 1
            continue
        new, painted = redact_bytes(data, name, redactor, report, part=name)
        if painted or images.metadata_texts(img) or img.info.get("exif") or img.info.get("icc_profile"):
            out[name] = new  # otherwise the picture keeps its bytes: nothing in it to remove
    if kept:
        report.notes.append(f"{kept} picture(s) OCR cannot decode (EMF, WMF, SVG …) kept: check them by eye")
    return out


def _removed_rel_ids(pkg: ooxml.Package, removed: set[str]) -> dict[str, set[str]]:
    """For each part, the ids of its relationships that point to a removed part."""
    ids: dict[str, set[str]] = {}
    if not removed:
        return ids
    for name in pkg.names():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))
        source = posixpath.join(folder, posixpath.basename(name)[:-len(".rels")])
        for rel in pkg.rels(source.lstrip("/")):
            if rel["TargetMode"] != "External" and pkg.find(rel["Target"]) in removed:
                ids.setdefault(source, set()).add(rel["Id"])
                ids.setdefault(name, set()).add(rel["Id"])
    return ids


def _drop_removed(name: str, root: Any, removed: set[str], ids: set[str]) -> bool:
    """Relationships to removed parts (in a .rels) and the elements that use them (elsewhere)."""
    if not ids:
        return False
    changed = False
    if name.endswith(".rels"):
        for rel in list(root.iter(f"{_REL_NS}Relationship")):
            if rel.get("Id") in ids:
                rel.getparent().remove(rel)
                changed = True
        return changed
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if any(k.startswith(_R_NS) and v in ids for k, v in el.attrib.items()):
            parent = el.getparent()
            if parent is None:
                continue
            parent.remove(el)
            changed = True
            while parent is not None and len(parent) == 0 and ooxml._local(parent.tag) in _EMPTY_WRAPPERS:
                grand = parent.getparent()
                if grand is None:
                    break
                grand.remove(parent)
                parent = grand
    return changed


def _content_types(pkg: ooxml.Package, name: str, removed: set[str]) -> bytes:
    data = pkg.read(name)
    if not removed:
        return data
    root = ooxml.parse_xml(data, name)
    gone = {"/" + r.lower() for r in removed}
    changed = False
    for el in list(root.iter(f"{_CT_NS}Override")):
        if (el.get("PartName") or "").lower() in gone:
            root.remove(el)
            changed = True
    return _serialise(root) if changed else data


def _redact_embedded(data: bytes, name: str, redactor, report, depth: int, budget: list[int]) -> bytes:
    import importlib

    from ... import limits

    kind = ooxml.PACKAGE_EXTENSIONS[ooxml.extension(name)]
    limits.check("depth", depth + 1, "packages embedded in packages")
    module = importlib.import_module(f"{__package__}.{'docx' if kind == 'docx' else 'xlsx'}")
    return module.redact_bytes(data, name, redactor, report, depth=depth + 1, budget=budget)


def _serialise(root: Any) -> bytes:
    import lxml.etree

    return lxml.etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip(pkg: ooxml.Package, parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            old = pkg.infos[name]
            info = zipfile.ZipInfo(name, date_time=old.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = old.external_attr
            z.writestr(info, data)
    return buf.getvalue()
