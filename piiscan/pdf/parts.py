"""What a PDF carries beyond its pages: read for the scan, cleaned for the published copy.

A value deleted from the page can still sit in the file's metadata, an
annotation, a bookmark, a form field, an attachment or an old revision, and
every PDF viewer or ``strings`` shows it. Each such part is either

- **scanned and redacted like text**, with ``part`` on the finding:
  document info and XMP ``metadata``; ``annotation`` text (``/Contents``,
  ``/T``, rich text …) and the text its appearance stream draws
  (``annotation appearance``); ``form field`` values with the field's name as
  context (a field called 身份证号 gives its value that label); ``outline``
  (bookmark) titles; ``page label`` prefixes; ``link`` URIs (percent-decoded:
  ``tel:%2B86…``); ``structure`` text (``/Alt``, ``/ActualText``);
  ``marked content`` properties; any other text string (``document``);
- or **removed on redaction**, having no place in a published copy:
  ``embedded file`` (scanned with the reader of its format first, so ``scan``
  reports what it holds), ``javascript`` (scanned, then removed), page
  thumbnails, XFA form data, private application data (``/PieceInfo``);
  old revisions go because the writer saves the file fresh (see
  :mod:`.revisions` for how they are scanned).

The same walk serves both sides, so what ``scan`` reports in a part is what
``redact`` changes there. Binary strings (IDs, keys) are left alone.
"""
from __future__ import annotations

import io
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pikepdf

from .. import limits
from ..readers import ReadError, Segment
from ..readers.registry import Note, Unread

#: String values under these keys are binary (keys, hashes, signatures), never text.
_BINARY_KEYS = frozenset({"/ID", "/O", "/U", "/OE", "/UE", "/Perms", "/Cert", "/ByteRange", "/Reference"})
#: Dictionaries and arrays under these keys are not walked: structure links (back to parents and pages),
#: page content, fonts and images, or streams read where their meaning is known.
_SKIP_LINKS = frozenset({"/Parent", "/P", "/Resources", "/Contents", "/Encrypt", "/CIDSystemInfo", "/Font",
                         "/XObject", "/Pg", "/Obj", "/Last", "/Prev", "/Thumb", "/Metadata", "/EF", "/AP", "/JS",
                         "/StructParents", "/ParentTree", "/IDTree", "/RoleMap", "/ClassMap"})
#: Document info entries that name a person: scanned with a name label, as a 姓名 column is.
_INFO_LABELS = {"/Author": "姓名", "/LastModifiedBy": "姓名"}
#: XMP elements that name a person.
_XMP_PERSON = re.compile(r"(creator|author|Author|lastModifiedBy|Owner)$")
_REMOVE_ANNOTS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/RichMedia", "/Screen", "/3D"})
_MAX_NODES = 2_000_000
_MAX_APPEARANCES = 5000
_PART_OF_ROOT_KEY = {"/Outlines": "outline", "/PageLabels": "page label", "/AcroForm": "form field",
                     "/StructTreeRoot": "structure", "/OpenAction": "action", "/AA": "action",
                     "/Dests": "destination", "/OCProperties": "document", "/Names": "document",
                     "/Collection": "embedded file", "/AF": "embedded file", "/URI": "link"}
_NAME_TREE_PART = {"/JavaScript": "javascript", "/EmbeddedFiles": "embedded file", "/Dests": "destination"}
_XML_TEXT = re.compile(r">([^<]+)<|=\s*\"([^\"]*)\"")


@dataclass
class TextSpot:
    """A text string somewhere in the object graph, and how to put a new text in its place."""

    text: str
    part: str
    page: int | None
    label: str | None
    set: Callable[[str], None]


# --- the walk ------------------------------------------------------------------------

def text_spots(pdf: pikepdf.Pdf) -> Iterator[TextSpot]:
    """Every text string outside the page content, with its part, page and label (form fields)."""
    seen: set = set()
    budget = [_MAX_NODES]
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary):
        for key, value in info.items():
            if isinstance(value, pikepdf.String):
                yield from _spot(info, key, value, "metadata", None, _INFO_LABELS.get(key))
    page_ids = set()
    for n, page in enumerate(pdf.pages, 1):
        page_ids.add(page.obj.objgen)
        for key in ("/Annots", "/AA", "/PieceInfo"):
            if key in page.obj:
                part = {"/Annots": "annotation", "/AA": "action", "/PieceInfo": "document"}[key]
                yield from _walk(page.obj[key], part, n, None, seen, budget, 0, annots=key == "/Annots")
        res = page.obj.get("/Resources")
        props = res.get("/Properties") if isinstance(res, pikepdf.Dictionary) else None
        if isinstance(props, pikepdf.Dictionary):
            yield from _walk(props, "marked content", n, None, seen, budget, 0)
    seen |= page_ids  # pages reached again through destinations or structure are not walked twice
    root = pdf.Root
    for key, value in root.items():
        if key in ("/Pages", "/Metadata", "/Type", "/Version", "/Lang", "/Perms"):
            continue
        part = _PART_OF_ROOT_KEY.get(key, "document")
        if key == "/Names" and isinstance(value, pikepdf.Dictionary):
            for sub, tree in value.items():
                yield from _walk(tree, _NAME_TREE_PART.get(sub, "document"), None, None, seen, budget, 0)
            continue
        yield from _walk(value, part, None, None, seen, budget, 0)


def _walk(obj: Any, part: str, page: int | None, label: str | None, seen: set, budget: list[int], depth: int,
          annots: bool = False) -> Iterator[TextSpot]:
    """Text strings under ``obj``, depth first, without recursion (outlines chain thousands of siblings)."""
    stack: list[tuple[Any, str, str | None, bool, int]] = [(obj, part, label, annots, depth)]
    while stack:
        obj, part, label, annots, depth = stack.pop()
        if depth > 256:
            raise limits.LimitExceeded("nesting", depth, 256, "PDF objects nested")
        budget[0] -= 1
        if budget[0] < 0:
            raise limits.LimitExceeded("nesting", _MAX_NODES, _MAX_NODES, "PDF objects outside the pages")
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Stream):
            continue  # streams are read where their meaning is known (XMP, JavaScript, appearances, files)
        if isinstance(obj, pikepdf.Array):
            for i, item in enumerate(obj):
                if isinstance(item, pikepdf.String):
                    yield from _spot(obj, i, item, part, page, label)
                elif isinstance(item, (pikepdf.Dictionary, pikepdf.Array)):
                    stack.append((item, part, label, annots, depth + 1))
            continue
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") in ("/Page", "/Pages"):
            continue
        here = part
        if annots or obj.get("/Type") == "/Annot":
            here = "link" if obj.get("/Subtype") == "/Link" else "annotation"
            if obj.get("/Subtype") == "/Widget" or "/FT" in obj:
                here = "form field"
        action = obj.get("/S")
        if action == "/JavaScript":
            here = "javascript"
        elif action == "/URI":
            here = "link"
        field_label = label
        if "/FT" in obj or ("/T" in obj and "/V" in obj):
            names = [str(obj[k]) for k in ("/TU", "/T") if isinstance(obj.get(k), pikepdf.String)]
            field_label = " ".join(names) or label
        for key, value in obj.items():
            if isinstance(value, pikepdf.String):
                if key in _BINARY_KEYS or (key == "/Contents" and obj.get("/Type") == "/Sig"):
                    continue
                sub = "javascript" if key == "/JS" else here
                yield from _spot(obj, key, value, sub, page, field_label if key in ("/V", "/DV") else None)
            elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and key not in _SKIP_LINKS:
                # A sibling (/Next) is not deeper than this node.
                stack.append((value, here, field_label, False, depth if key == "/Next" else depth + 1))


def _spot(container: Any, key: Any, value: pikepdf.String, part: str, page: int | None,
          label: str | None) -> Iterator[TextSpot]:
    text = _text_of(value)
    if text is None or not text.strip():
        return
    shown = urllib.parse.unquote(text) if part == "link" and "%" in text else text

    def put(new: str, container=container, key=key) -> None:
        container[key] = pikepdf.String(new)

    yield TextSpot(shown, part, page, label, put)


def _text_of(value: pikepdf.String) -> str | None:
    """The text of a PDF string, or None for binary data (keys, IDs, hashes)."""
    try:
        text = str(value)
    except Exception:  # noqa: BLE001
        return None
    if not text:
        return None
    junk = sum(1 for ch in text if ord(ch) < 0x20 and ch not in "\t\n\r")
    if junk * 5 > len(text):
        return None
    return text


# --- streams that hold text -----------------------------------------------------------

def _xmp_streams(pdf: pikepdf.Pdf) -> Iterator[tuple[Any, Any, int | None]]:
    """(container, stream, page) of every XMP metadata stream: the catalog's and the pages'."""
    meta = pdf.Root.get("/Metadata")
    if isinstance(meta, pikepdf.Stream):
        yield pdf.Root, meta, None
    for n, page in enumerate(pdf.pages, 1):
        meta = page.obj.get("/Metadata")
        if isinstance(meta, pikepdf.Stream):
            yield page.obj, meta, n


def xml_text(data: bytes) -> list[tuple[str, str | None]]:
    """(text, label) of the text nodes and attribute values of an XML packet (no entities resolved, no
    network); the label is 姓名 inside an element naming a person (dc:creator, pdf:Author)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except Exception:  # noqa: BLE001 - not XML at all: read the raw text between tags
        text = data.decode("utf-8", "replace")
        return [(a or b, None) for a, b in _XML_TEXT.findall(text) if (a or b).strip()]
    if root is None:
        return []
    out = []
    for el in root.iter():
        label = _xml_label(el)
        for k, v in el.attrib.items():
            if v.strip():
                out.append((v, "姓名" if _XMP_PERSON.search(str(k)) else label))
        if isinstance(el.text, str) and el.text.strip():
            out.append((el.text, label))
    return out


def _xml_label(el) -> str | None:
    node = el
    for _ in range(4):  # dc:creator/rdf:Seq/rdf:li
        if node is None:
            return None
        tag = node.tag if isinstance(node.tag, str) else ""
        if _XMP_PERSON.search(tag.rsplit("}", 1)[-1]):
            return "姓名"
        node = node.getparent()
    return None


def _javascript_streams(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Stream]:
    seen: set = set()

    def visit(obj: Any, depth: int) -> Iterator[pikepdf.Stream]:
        if depth > 50 or not isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
            return
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            for item in obj:
                yield from visit(item, depth + 1)
            return
        if obj.get("/Type") in ("/Page", "/Pages"):
            return
        js = obj.get("/JS")
        if isinstance(js, pikepdf.Stream):
            yield js
        for key in ("/Names", "/JavaScript", "/OpenAction", "/AA", "/A", "/Next", "/Kids") + tuple(
                k for k in obj.keys() if k in ("/O", "/C", "/K", "/F", "/V", "/Fo", "/Bl", "/PO", "/PC", "/WC",
                                               "/WS", "/DS", "/WP", "/DP", "/E", "/X", "/D", "/U")):
            if key in obj:
                yield from visit(obj[key], depth + 1)

    yield from visit(pdf.Root, 0)
    for page in pdf.pages:
        for key in ("/AA", "/Annots"):
            if key in page.obj:
                yield from visit(page.obj[key], 0)


def _embedded_files(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Stream, int | None]]:
    """(name, data stream, page) of every attachment: the EmbeddedFiles name tree, file attachment
    annotations, associated files (/AF)."""
    seen: set = set()

    def from_filespec(spec: Any, page: int | None) -> Iterator[tuple[str, pikepdf.Stream, int | None]]:
        if not isinstance(spec, pikepdf.Dictionary):
            return
        ef = spec.get("/EF")
        if not isinstance(ef, pikepdf.Dictionary):
            return
        name = next((str(spec[k]) for k in ("/UF", "/F") if isinstance(spec.get(k), pikepdf.String)), "attachment")
        for _k, stream in ef.items():
            if isinstance(stream, pikepdf.Stream) and stream.objgen not in seen:
                seen.add(stream.objgen)
                yield name, stream, page

    def tree(node: Any, depth: int) -> Iterator[tuple[str, pikepdf.Stream, int | None]]:
        if depth > 50 or not isinstance(node, pikepdf.Dictionary):
            return
        names = node.get("/Names")
        if isinstance(names, pikepdf.Array):
            for i in range(1, len(names), 2):
                yield from from_filespec(names[i], None)
        for kid in node.get("/Kids", []) or []:
            yield from tree(kid, depth + 1)

    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        yield from tree(names.get("/EmbeddedFiles"), 0)
    for spec in pdf.Root.get("/AF", []) or []:
        yield from from_filespec(spec, None)
    for n, page in enumerate(pdf.pages, 1):
        for annot in page.obj.get("/Annots", []) or []:
            if isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == "/FileAttachment":
                yield from from_filespec(annot.get("/FS"), n)
        for spec in page.obj.get("/AF", []) or []:
            yield from from_filespec(spec, n)


# --- reading ----------------------------------------------------------------------------

def read(doc, name: str = "") -> Iterator[Segment | Note]:
    """Segments (with ``part``) for everything outside the page content, and notes for what was not read."""
    from . import revisions

    pdf = doc.qpdf
    done: set[tuple[str, str]] = set()
    for spot in text_spots(pdf):
        if (spot.part, spot.text) in done:
            continue
        done.add((spot.part, spot.text))
        loc = {"part": spot.part} | ({"page": spot.page} if spot.page else {})
        yield Segment(spot.text, label=spot.label, location=loc)
    for _container, stream, page in _xmp_streams(pdf):
        loc = {"part": "metadata"} | ({"page": page} if page else {})
        plain = []
        for text, label in xml_text(_read(stream)):
            if label:
                yield Segment(text, label=label, location=dict(loc))
            else:
                plain.append(text)
        if plain:
            yield Segment("\n".join(plain), location=loc)
    for stream in _javascript_streams(pdf):
        yield Segment(_read(stream).decode("utf-8", "replace"), location={"part": "javascript"})
    yield from _appearances(pdf)
    yield from _attachments(pdf)
    yield from revisions.read(doc)


def _read(stream: pikepdf.Stream) -> bytes:
    raw = stream.read_raw_bytes()
    limits.check("part_bytes", len(raw), "a PDF stream")
    data = stream.read_bytes()
    limits.check("part_bytes", len(data), "a PDF stream inflated")
    return data


def _appearances(pdf: pikepdf.Pdf) -> Iterator[Segment | Note]:
    """The text annotation appearance streams draw, read with pdfium from a scratch PDF (one page each)."""
    streams = list(appearance_streams(pdf))
    if not streams:
        return
    for page_no, texts in read_appearances(pdf, streams).items():
        for text in texts:
            yield Segment(text, location={"part": "annotation appearance", "page": page_no})


def appearance_streams(pdf: pikepdf.Pdf) -> Iterator[tuple[int, Any, pikepdf.Stream]]:
    """(page, annotation, appearance form) for every annotation appearance (normal, rollover, down; every state)."""
    count = 0
    for n, page in enumerate(pdf.pages, 1):
        for annot in page.obj.get("/Annots", []) or []:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            ap = annot.get("/AP")
            if not isinstance(ap, pikepdf.Dictionary):
                continue
            for _kind, entry in ap.items():
                forms = [entry] if isinstance(entry, pikepdf.Stream) else (
                    [v for _k, v in entry.items() if isinstance(v, pikepdf.Stream)]
                    if isinstance(entry, pikepdf.Dictionary) else [])
                for form in forms:
                    count += 1
                    if count > _MAX_APPEARANCES:
                        raise limits.LimitExceeded("pages", count, _MAX_APPEARANCES, "PDF annotation appearances")
                    yield n, annot, form


def read_appearances(pdf: pikepdf.Pdf, streams: list[tuple[int, Any, pikepdf.Stream]]) -> dict[int, list[str]]:
    """page -> the texts the given appearance streams draw (pdfium on a scratch document)."""
    import pypdfium2

    from .chars import read_chars
    from .layout import lay_out
    from .objects import survey

    scratch = pikepdf.new()
    for _n, _annot, form in streams:
        bbox = [float(v) for v in form.get("/BBox", [0, 0, 612, 792])]
        x0, y0, x1, y1 = min(bbox[0], bbox[2]), min(bbox[1], bbox[3]), max(bbox[0], bbox[2]), max(bbox[1], bbox[3])
        page = scratch.add_blank_page(page_size=(max(1.0, x1 - x0) + 2, max(1.0, y1 - y0) + 2))
        xobj = scratch.copy_foreign(form)
        if "/Subtype" not in xobj:
            xobj.Subtype = pikepdf.Name.Form
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(A0=xobj))
        page.obj.Contents = scratch.make_stream(f"q 1 0 0 1 {1 - x0} {1 - y0} cm /A0 Do Q".encode())
    buf = io.BytesIO()
    scratch.save(buf)
    out: dict[int, list[str]] = {}
    doc = pypdfium2.PdfDocument(buf.getvalue())
    try:
        for (n, _annot, _form), page in zip(streams, doc):
            try:
                s = survey(page)
                chars = read_chars(page, upright=s.upright)
                text = lay_out(n, chars, s).text.text
                chars.textpage.close()
            finally:
                page.close()
            if text.strip():
                out.setdefault(n, []).append(text)
    finally:
        doc.close()
    return out


_DEPTH = [0]


def _attachments(pdf: pikepdf.Pdf) -> Iterator[Segment | Note]:
    """What each attachment holds, read with the reader of its format (found in it: part ``embedded file``)."""
    from ..readers import registry
    from ..readers.text import looks_binary
    from ..tables import Table

    for name, stream, page in _embedded_files(pdf):
        where = f"embedded file {name}"
        base = {"part": where} | ({"page": page} if page else {})
        if _DEPTH[0] >= limits.current().depth:
            yield Unread(f"{where}: attachments nested deeper than the limit depth={limits.current().depth}")
            continue
        reason = registry.unsupported_reason(name)
        if reason:
            yield Unread(f"{where}: not scanned ({reason}); redaction removes it")
            continue
        data = _read(stream)
        module = registry.module_for(name)
        if module.__name__.endswith(".text") and looks_binary(data):
            yield Unread(f"{where}: binary content not scanned; redaction removes it")
            continue
        _DEPTH[0] += 1
        try:
            for item in module.read_bytes(data, name):
                if isinstance(item, Note):
                    yield type(item)(f"{where}: {item}")
                elif isinstance(item, Table):
                    yield Table(item.rows, {**item.location, **base}, header=item.header, first_row=item.first_row)
                else:
                    yield Segment(item.text, label=item.label, location={**item.location, **base},
                                  line_offsets=False)
        except ReadError as exc:
            yield Unread(f"{where}: cannot be read ({exc}); redaction removes it")
        finally:
            _DEPTH[0] -= 1


# --- redaction ----------------------------------------------------------------------------

def redact(pdf: pikepdf.Pdf, redactor, report) -> None:
    """Redact every text part in place; remove what has no place in a published copy."""
    _remove_attachments(pdf, report)
    _remove_javascript(pdf, report)
    _drop_private(pdf, report)
    spots = list(text_spots(pdf))
    for spot in spots:
        new, changes = redactor.redact(spot.text, label=spot.label)
        if not changes:
            continue
        spot.set(new)
        report.add(changes)
        report.notes.append(f"{spot.part}: personal information redacted")
    _redact_xmp(pdf, redactor, report)
    _redact_appearances(pdf, redactor, report)
    _dedupe_notes(report)


def _redact_xmp(pdf: pikepdf.Pdf, redactor, report) -> None:
    for container, stream, _page in list(_xmp_streams(pdf)):
        data = _read(stream)
        if not any(redactor.redact(t, label=label)[1] for t, label in xml_text(data)):
            continue
        new = _redact_xml(data, redactor)
        if new is None:
            del container["/Metadata"]
            report.notes.append("metadata: XMP metadata holding personal information removed")
            continue
        container.Metadata = pdf.make_stream(new, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        report.notes.append("metadata: personal information redacted in XMP metadata")


def _redact_xml(data: bytes, redactor) -> bytes | None:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except Exception:  # noqa: BLE001
        return None
    for el in root.iter():
        label = _xml_label(el)
        for k, v in list(el.attrib.items()):
            new, changes = redactor.redact(v, label="姓名" if _XMP_PERSON.search(str(k)) else label)
            if changes:
                el.attrib[k] = new
        for attr in ("text", "tail"):
            v = getattr(el, attr)
            if isinstance(v, str) and v.strip():
                new, changes = redactor.redact(v, label=label if attr == "text" else None)
                if changes:
                    setattr(el, attr, new)
    out = etree.tostring(root, encoding="utf-8")
    if any(redactor.redact(t, label=label)[1] for t, label in xml_text(out)):
        return None
    return out


def _redact_appearances(pdf: pikepdf.Pdf, redactor, report) -> None:
    """Drop the appearance of every annotation whose drawn text holds personal information (viewers
    redraw form fields from their redacted value)."""
    streams = list(appearance_streams(pdf))
    if not streams:
        return
    bad_annots = []
    per_stream = read_appearances(pdf, streams)
    # read_appearances groups by page; test each stream alone to know which annotation holds what.
    if not any(redactor.redact(t)[1] for texts in per_stream.values() for t in texts):
        return
    for item in streams:
        texts = read_appearances(pdf, [item]).get(item[0], [])
        if any(redactor.redact(t)[1] for t in texts):
            bad_annots.append(item[1])
    widgets = False
    for annot in bad_annots:
        if "/AP" in annot:
            del annot["/AP"]
        widgets |= annot.get("/Subtype") == "/Widget"
        report.notes.append("annotation appearance: drawn personal information removed")
    if widgets and isinstance(pdf.Root.get("/AcroForm"), pikepdf.Dictionary):
        pdf.Root.AcroForm.NeedAppearances = True


def _remove_attachments(pdf: pikepdf.Pdf, report) -> None:
    found = False
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/EmbeddedFiles" in names:
        del names["/EmbeddedFiles"]
        found = True
    for key in ("/AF", "/Collection"):
        if key in pdf.Root:
            del pdf.Root[key]
            found = True
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            keep = [a for a in annots if not (isinstance(a, pikepdf.Dictionary)
                                              and a.get("/Subtype") in _REMOVE_ANNOTS)]
            if len(keep) != len(annots):
                page.obj.Annots = pikepdf.Array(keep)
                found = True
        if "/AF" in page.obj:
            del page.obj["/AF"]
            found = True
    if found:
        report.notes.append("embedded files and media removed")


def _remove_javascript(pdf: pikepdf.Pdf, report) -> None:
    found = False
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        del names["/JavaScript"]
        found = True
    oa = pdf.Root.get("/OpenAction")
    if isinstance(oa, pikepdf.Dictionary) and _has_js(oa):
        del pdf.Root["/OpenAction"]
        found = True
    for holder in [pdf.Root] + [p.obj for p in pdf.pages]:
        if "/AA" in holder:
            del holder["/AA"]
            found = True
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []) or []:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            if "/AA" in annot:
                del annot["/AA"]
                found = True
            a = annot.get("/A")
            if isinstance(a, pikepdf.Dictionary) and _has_js(a):
                del annot["/A"]
                found = True
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        stack = list(form.get("/Fields", []) or [])
        seen: set = set()
        while stack:
            f = stack.pop()
            if not isinstance(f, pikepdf.Dictionary) or (f.is_indirect and f.objgen in seen):
                continue
            if f.is_indirect:
                seen.add(f.objgen)
            if "/AA" in f:
                del f["/AA"]
                found = True
            stack.extend(f.get("/Kids", []) or [])
    if found:
        report.notes.append("JavaScript removed")


def _has_js(action: pikepdf.Dictionary, depth: int = 0) -> bool:
    if depth > 20 or not isinstance(action, pikepdf.Dictionary):
        return False
    if action.get("/S") == "/JavaScript":
        return True
    nxt = action.get("/Next")
    items = nxt if isinstance(nxt, pikepdf.Array) else [nxt] if nxt is not None else []
    return any(_has_js(a, depth + 1) for a in items)


def _drop_private(pdf: pikepdf.Pdf, report) -> None:
    dropped = []
    for page in pdf.pages:
        for key in ("/Thumb", "/PieceInfo"):
            if key in page.obj:
                del page.obj[key]
                dropped.append(key)
    if "/PieceInfo" in pdf.Root:
        del pdf.Root["/PieceInfo"]
        dropped.append("/PieceInfo")
    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]
        dropped.append("/XFA")
    if "/Thumb" in dropped:
        report.notes.append("page thumbnails removed")
    if "/PieceInfo" in dropped:
        report.notes.append("private application data (/PieceInfo) removed")
    if "/XFA" in dropped:
        report.notes.append("XFA form data removed (the AcroForm fields stay)")


def _dedupe_notes(report) -> None:
    seen: set[str] = set()
    report.notes[:] = [n for n in report.notes if not (n in seen or seen.add(n))]
