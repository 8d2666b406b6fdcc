"""Office Open XML packages (.docx, .xlsx): every part, read within limits, and the text outside the body.

A Word or Excel file is a zip of *parts*. Besides the body, people publish
values in document properties (title, company, custom properties),
hyperlink targets in the ``.rels`` parts, alt text of pictures, charts and
SmartArt, text boxes, pivot caches, ``customXml`` data, embedded workbooks
and pictures. The readers (:mod:`.docx`, :mod:`.excel`) scan the body
themselves and everything else through :func:`units`; the redact writers
rewrite the very same units (:mod:`piiscan.redact.writers.ooxml`), so what
``scan`` reports is what ``redact`` replaces.

Parts are read with :class:`Package`: sizes declared in the zip directory
are checked against :mod:`piiscan.limits` before anything is inflated, and
each part is inflated in chunks that are counted, because the directory can
lie. XML is parsed without entities, DTDs or network access.

Pictures are read by OCR when the extra is installed (:func:`picture_items`);
without it each is an :class:`~piiscan.readers.registry.Unread` note — unless
it cannot show a value (tiny, blank, a seal or logo) — so ``check`` exits 2
instead of passing a picture of an ID card.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any, Iterator

import regex

from .. import limits
from . import ReadError, Segment
from .registry import Note, Unread, check_office_zip

_CHUNK = 1 << 20
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

#: Relationship types whose target part a published copy does without (removed on redaction).
THUMBNAIL_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
PICTURE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "jpe", "gif", "bmp", "tif", "tiff", "emf", "wmf", "emz",
                                "wmz", "svg", "webp", "ico", "pict", "jfif", "wdp", "hdp"})
#: Embedded packages piiscan reads and redacts like the file around them.
PACKAGE_EXTENSIONS = {"docx": "docx", "docm": "docx", "xlsx": "excel", "xlsm": "excel"}
#: Parts with no text people read: never scanned (their attribute values are styling and layout).
_NO_TEXT = regex.compile(r"(?:^|/)(?:styles|stylesWithEffects|theme\d*|fontTable|numbering|webSettings|calcChain"
                         r"|commentsIds|commentsExtensible|colors\d*|style\d*|"
                         r"tableStyles|presProps|viewProps)\.xml$|(?:^|/)theme/|(?:^|/)customXml/itemProps\d*\.xml$"
                         r"|(?:^|/)diagrams/(?:layout|quickStyle|colors)\d*\.xml$")
# An attribute value worth scanning: five digits in a row (or seven with separators: 139-1234-5678),
# a CJK character, an "@" or a percent-encoded byte.
# (Layout numbers, ids and hex rsids have fewer digits or are hex; names and contact data pass.)
_CANDIDATE = regex.compile(r"\d{5}|(?:\d[-\s.]?){7}|[\u3400-\u9fff\uf900-\ufaff]|@|%[0-9A-Fa-f]{2}")
# Attributes that never hold text: identifiers, revision ids, references (but a userId is an e-mail address).
_SKIP_ATTRS = regex.compile(r"^(?!userId$)(?:rsid\w*|\w*[Ii]d|id|r|ref|sqref|spans|s|t|xr:uid|uri|\w*Guid|guid|"
                            r"refreshedVersion|\w*[Vv]ersion|cx|cy|x|y|l|t|w|h)$")


class Package:
    """The parts of an OOXML zip, each read at most within :mod:`piiscan.limits`.

    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("[Content_Types].xml", "<Types/>"); z.writestr("word/document.xml", "<x/>" * 10)
    >>> Package(buf.getvalue(), "Word document").read("word/document.xml")[:8]
    b'<x/><x/>'
    """

    def __init__(self, data: bytes, what: str, *, budget: list[int] | None = None) -> None:
        check_office_zip(data, what)
        self.what = what
        #: bytes inflated so far, shared with the packages embedded in this one (``file_bytes`` counts them all)
        self.budget = budget if budget is not None else [0]
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = [i for i in self.zip.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ReadError(f"corrupt {what}: {exc}") from None
        limits.check("members", len(infos), f"parts of the {what}")
        self.infos: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            name = info.filename.replace("\\", "/").lstrip("/")
            if info.flag_bits & 0x1:
                raise ReadError(f"encrypted part in {what}: {name}")
            _check_declared(info, name)
            declared += info.file_size
            self.infos.setdefault(name, info)
        limits.check("file_bytes", self.budget[0] + declared, f"the parts of the {what}, inflated,")
        self._lower = {n.lower(): n for n in self.infos}
        self._rels: dict[str, list[dict[str, str]]] = {}

    def names(self) -> list[str]:
        return list(self.infos)

    def find(self, name: str) -> str | None:
        """The stored name of part ``name`` (OOXML part names are case-insensitive)."""
        return name if name in self.infos else self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        """A part's bytes, inflated in counted chunks (a lying directory cannot make it bigger than the limits)."""
        info = self.infos[name]
        cap = limits.current()
        parts: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    limits.check("part_bytes", size, f"part {name}, inflated,")
                    limits.check("file_bytes", self.budget[0] + size, f"the parts of the {self.what}, inflated,")
                    if size > _CHUNK and info.compress_size and size / info.compress_size > cap.ratio:
                        limits.check("ratio", size / info.compress_size, f"compression ratio of part {name}")
                    parts.append(chunk)
        except limits.LimitExceeded:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error,
                RuntimeError) as exc:
            raise ReadError(f"corrupt part {name} in {self.what}: {type(exc).__name__}") from None
        self.budget[0] += size
        return b"".join(parts)

    def xml(self, name: str, *, recover: bool = False) -> Any:
        """A part parsed as XML (no entities, no DTD, no network); a broken part is a ReadError, not skipped."""
        return parse_xml(self.read(name), name, recover=recover)

    def rels(self, name: str) -> list[dict[str, str]]:
        """The relationships of part ``name`` (``""`` for the package): Id, Type, Target (resolved), TargetMode."""
        if name in self._rels:
            return self._rels[name]
        folder, base = posixpath.split(name)
        rels_name = self.find(posixpath.join(folder, "_rels", base + ".rels"))
        out: list[dict[str, str]] = []
        self._rels[name] = out
        if rels_name is None:
            return out
        for rel in self.xml(rels_name).iter(f"{{{_REL_NS}}}Relationship"):
            target = rel.get("Target") or ""
            external = rel.get("TargetMode") == "External"
            out.append({"Id": rel.get("Id") or "", "Type": rel.get("Type") or "", "TargetMode": rel.get("TargetMode") or "",
                        "Target": target if external else resolve(folder, target)})
        return out


def main_part(pkg: Package, fallback: str, what: str) -> str:
    """The package's main part (the ``officeDocument`` relationship's target), else ``fallback``.

    ``what`` names the part in the error when neither exists (``"corrupt .docx: no main document part"``).
    """
    for rel in pkg.rels(""):
        if rel["Type"].endswith("/officeDocument") and rel["TargetMode"] != "External":
            found = pkg.find(rel["Target"])
            if found:
                return found
    found = pkg.find(fallback)
    if found is None:
        raise ReadError(what)
    return found


def _check_declared(info: zipfile.ZipInfo, name: str) -> None:
    limits.check("part_bytes", info.file_size, f"part {name}, inflated,")
    if info.file_size > _CHUNK and info.compress_size:
        limits.check("ratio", info.file_size / info.compress_size, f"compression ratio of part {name}")


def resolve(folder: str, target: str) -> str:
    """A relationship target as a part name.

    >>> resolve("word", "media/image1.png"), resolve("xl/worksheets", "../drawings/d1.xml"), resolve("word", "/customXml/item1.xml")
    ('word/media/image1.png', 'xl/drawings/d1.xml', 'customXml/item1.xml')
    """
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def parse_xml(data: bytes, name: str = "", *, recover: bool = False) -> Any:
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                  recover=recover, remove_blank_text=False)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise ReadError(f"corrupt XML part {name}: {str(exc)[:120]}") from None
    if root is None:
        raise ReadError(f"corrupt XML part {name}: empty")
    return root


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(name) else ""


def is_xml(name: str) -> bool:
    return extension(name) in ("xml", "rels", "vml")


# --- text outside the body: units ---------------------------------------------------------------

@dataclass
class Slot:
    """One place text sits: an element's text, or one of its attributes; ``url`` ones are percent-decoded."""

    el: Any
    attr: str | None = None
    url: bool = False

    def get(self) -> str:
        return (self.el.get(self.attr) if self.attr else self.el.text) or ""

    def set(self, value: str) -> None:
        if self.attr:
            self.el.set(self.attr, value)
        else:
            self.el.text = value


@dataclass
class Unit:
    """Text scanned as one (a paragraph of runs, one property, one link); separators are plain strings."""

    part: str
    pieces: list[Slot | str] = field(default_factory=list)
    label: str | None = None

    def text(self) -> str:
        from .html import url_pieces

        out = []
        for p in self.pieces:
            if isinstance(p, str):
                out.append(p)
            elif p.url:
                out.extend(t for _, _, t in url_pieces(p.get()))
            else:
                out.append(p.get())
        return "".join(out)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr_local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def part_label(name: str) -> str:
    """How a part is named in findings: the part name, or what it is.

    >>> part_label("docProps/core.xml"), part_label("word/_rels/document.xml.rels"), part_label("customXml/item1.xml")
    ('docProps/core.xml', 'hyperlink', 'customXml/item1.xml')
    """
    return "hyperlink" if name.endswith(".rels") else name


#: Elements whose text is reported under a name of what it is rather than the part name.
_WHAT = {"sheet": "sheet name", "definedName": "defined name", "comment": "comment", "hyperlink": "hyperlink",
         "dataValidation": "data validation", "formula1": "data validation", "formula2": "data validation",
         "oddHeader": "header/footer", "oddFooter": "header/footer", "evenHeader": "header/footer",
         "evenFooter": "header/footer", "firstHeader": "header/footer", "firstFooter": "header/footer",
         "docVar": "docVars", "threadedComment": "comment"}
_SML = ("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
        "{http://purl.oclc.org/ooxml/spreadsheetml/main}")


def units(name: str, root: Any, *, skip: frozenset[str] = frozenset()) -> Iterator[Unit]:
    """Every piece of text in a part outside a body's paragraphs, in document order.

    * ``.rels``: the target of each external relationship (hyperlinks,
      linked files), percent-decoded;
    * DrawingML paragraphs (``a:p``: chart titles, text boxes, shapes,
      SmartArt) as one text each, runs joined;
    * any other element's own text (properties, chart caches, customXml,
      comments, VML), one unit each; a custom property with its name as label;
    * attribute values that may hold a value (:data:`_CANDIDATE`: five
      digits, a CJK character, an ``@``): alt text (``descr``, ``title``),
      docVars, form-field defaults, pivot-cache items, tooltips.

    Elements whose tag (``{namespace}name``) is in ``skip``, with what is inside them, are
    left to the caller: a Word part's ``w:p``, a sheet's ``sheetData``.
    """
    part = part_label(name)
    if name.endswith(".rels"):
        for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External" and rel.get("Target"):
                yield Unit(part, [Slot(rel, "Target", url=True)])
        return
    a_t = f"{_A}t"
    stack = [root]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag in skip or _local(el.tag).startswith("rsid"):
            continue
        local_tag = _local(el.tag)
        where = _WHAT.get(local_tag) or part
        name_attr = next((v for k, v in el.attrib.items() if _attr_local(k) == "name"), None)
        for attr, value in el.attrib.items():
            local = _attr_local(attr)
            if value and not _SKIP_ATTRS.match(local) and _CANDIDATE.search(value):
                yield Unit(where, [Slot(el, attr, url=local in ("href", "url", "action"))],
                           label=None if local == "name" else name_attr)
        if el.tag == f"{_A}p":
            runs: list[Slot | str] = [Slot(t) for t in el.iter(a_t)]
            if runs:
                yield Unit(where, runs)  # the runs of one paragraph are one text
        elif local_tag == "comment" and el.tag.startswith(_SML):
            # An Excel comment: its runs are one text (phonetic runs are not text), as openpyxl joins them.
            runs = [Slot(t) for t in el.iter(*(f"{ns}t" for ns in _SML))
                    if _local(t.getparent().tag) != "rPh"]
            if runs:
                yield Unit(where, runs)
            continue
        elif el.tag != a_t and el.text and el.text.strip():
            parent = el.getparent()
            label = parent.get("name") if parent is not None and _local(parent.tag) == "property" else name_attr
            yield Unit(where, [Slot(el)], label=label)
        for child in el:
            if isinstance(child.tag, str) and child.tail and child.tail.strip():
                yield Unit(part, [_TailSlot(child)])  # mixed content (VML text boxes)
        stack.extend(reversed([c for c in el if isinstance(c.tag, str)]))


class _TailSlot(Slot):
    """The text after an element (mixed content in VML)."""

    def get(self) -> str:
        return self.el.tail or ""

    def set(self, value: str) -> None:
        self.el.tail = value


def scanned(name: str) -> bool:
    """Whether a part may hold text people read (styles, themes and the like do not)."""
    return is_xml(name) and not _NO_TEXT.search(name) and name != "[Content_Types].xml"


# --- parts that are not text ----------------------------------------------------------------------

def is_picture(name: str) -> bool:
    return extension(name) in PICTURE_EXTENSIONS


def is_thumbnail(pkg: Package, name: str) -> bool:
    return name.lower().startswith("docprops/thumbnail") or any(
        r["Type"] == THUMBNAIL_REL and r["Target"] == name for r in pkg.rels(""))


def is_embedding(name: str) -> bool:
    """An embedded object or package (``word/embeddings/…``), or an ActiveX control's state (``word/activeX/…``).

    ActiveX parts persist what a control holds (a text box's value) in a
    binary piiscan does not read: they are embedded objects too.
    """
    lower = f"/{name.lower()}"
    return "/embeddings/" in lower or "/activex/" in lower


def ooxml_basename(name: str) -> str:
    return posixpath.basename(name).lower()


def pictures(pkg: Package) -> Iterator[tuple[str, bytes]]:
    """``(part name, bytes)`` of every picture in the package, the thumbnail included.

    The seam for OCR: an engine reads these bytes and yields text segments
    located at the part; :func:`picture_items` does so.
    """
    for name in pkg.names():
        if is_picture(name) and not is_embedding(name):
            yield name, pkg.read(name)


def macro_notes(pkg: Package) -> Iterator[Note]:
    """Macros (``vbaProject.bin``) are code in a compressed binary piiscan does not read: a note, kept on redaction."""
    for name in pkg.names():
        if ooxml_basename(name) == "vbaproject.bin":
            yield Note(f"{name}: macros not read (kept in a redacted copy)")


def picture_items(pkg: Package) -> Iterator[Any]:
    """What the package's pictures show: read by OCR when it runs, else one note each.

    * With OCR (the ``ocr`` extra, not ``--no-ocr``): every picture Pillow can
      decode is read as an image file is (tables rebuilt, columns by header);
      the items are located at the picture's part (``part``: the media path,
      ``box`` in its pixels), and text in its metadata is scanned too. A page
      barely legible to OCR, or a picture that cannot be decoded (EMF, WMF,
      SVG), is :class:`Unread`.
    * Without OCR: a picture that cannot show a value (tiny, blank, a seal or
      logo: :func:`piiscan.ocr.decor.decoration`) is a :class:`Note`; any other
      is :class:`Unread`, so ``check`` exits 2 instead of passing a picture of
      an ID card.

    The thumbnail is a :class:`Note`, not unread content: a rendering of
    page 1 a few hundred pixels wide, whose text is the document's own (and
    ``redact`` removes it). Without the difference every file python-docx or
    WPS writes would fail ``check``.
    """
    from .. import ocr
    from ..ocr import decor, images

    reason: str | None = None
    asked = False
    for name in pkg.names():
        if not is_picture(name) or is_embedding(name):
            continue
        if is_thumbnail(pkg, name):
            yield Note(f"{name}: thumbnail of page 1 not read (removed on redaction)")
            continue
        if not asked:  # asking imports the engine (hundreds of MB): only for a package with pictures
            reason, asked = ocr.unavailable_reason(), True
        try:
            img = images.open_image(pkg.read(name), name)
        except ReadError as exc:
            yield Unread(f"{name}: picture not read ({exc})")
            continue
        for where, text in images.metadata_texts(img):
            yield Segment(text, location={"part": f"{name} {where}"})
        w, h = img.size
        if min(w, h) < decor.MIN_SHORT_PX or max(w, h) < decor.MIN_LONG_PX:
            yield Note(f"{name}: picture not read ({w}×{h} px: too small to show a value)")
            continue
        if reason:
            why = decor.decoration(img)
            if why:
                yield Note(f"{name}: picture not read ({why})")
            elif "turned off" in reason:
                yield Unread(f"{name}: picture not read: OCR is turned off (--no-ocr)")
            else:
                yield Unread(f"{name}: picture not read: install piiscan-cn[ocr]")
            continue
        yield from _ocr_picture(img, name)


def _ocr_picture(img: Any, name: str) -> Iterator[Any]:
    import dataclasses

    from ..ocr import images
    from ..ocr.page import OcrSegment, PageReader
    from .image import WEAK_LINES, WEAK_SHARE

    reader = PageReader()  # one per picture: a table in one picture does not go on in the next
    dpi = images.dpi_of(img)
    many = getattr(img, "n_frames", 1) > 1
    for n, frame in images.frames(img):
        page = reader.read(frame, dpi=dpi, page=n if many else None)
        for item in page.items:
            if isinstance(item, OcrSegment):
                yield dataclasses.replace(item, location={**item.location, "part": name})
            else:
                item.location = {**item.location, "part": name}
                yield item
        if page.weak_lines >= WEAK_LINES and page.weak_lines >= WEAK_SHARE * page.lines:
            yield Unread(f"{name}: {page.weak_lines} of {page.lines} text lines barely legible to OCR; "
                         "check the picture by eye")


def embedded_items(pkg: Package, depth: int) -> Iterator[Any]:
    """The content of embedded packages (read with their own reader, located at their part) and notes for the rest."""
    import importlib

    from . import Segment
    from ..tables import Table

    for name in pkg.names():
        if not is_embedding(name):
            continue
        kind = PACKAGE_EXTENSIONS.get(extension(name))
        if kind is None:
            if "/activex/" in f"/{name.lower()}" and extension(name) != "bin":
                continue  # the control's description: noted with its binary state
            yield Unread(f"{name}: embedded object not read (removed on redaction)")
            continue
        limits.check("depth", depth + 1, "packages embedded in packages")
        module = importlib.import_module(f"{__package__}.{kind}")
        for item in module.read_package(pkg.read(name), name, depth=depth + 1, budget=pkg.budget):
            if isinstance(item, Segment):
                yield Segment(item.text, item.label, {**item.location, "part": name})
            elif isinstance(item, Table):
                yield Table(item.rows, {**item.location, "part": name}, item.header, item.first_row)
            else:
                yield type(item)(f"{name}: {item}")
