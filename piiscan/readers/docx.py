"""Word ``.docx``: everything the document publishes, as the redact writer sees it.

* the body's paragraphs (one line each) and its tables, read as tables;
* every other text in the body: text boxes, content controls, tracked
  deletions (``w:delText``: a deleted value is still in the file), and text
  that only an ``mc:Fallback`` holds (a copy of the ``mc:Choice`` is read once);
* every other part with paragraphs — headers, footers, comments, footnotes,
  endnotes, the glossary — with its part name;
* field codes (``w:instrText``, a ``HYPERLINK "tel:…"`` or a ``MERGEFIELD``),
  one text per paragraph (part ``field code``);
* everything :func:`piiscan.readers.ooxml.units` finds outside paragraphs:
  core and custom document properties (``docProps/core.xml`` …), ``docVars``
  (``word/settings.xml``), hyperlink targets (``hyperlink``), alt text of
  pictures and shapes, form-field defaults, charts and SmartArt caches,
  ``customXml`` parts;
* ``altChunk`` content (HTML, text or a .docx imported as it is), and
  embedded workbooks and documents, read with their own reader;
* one :class:`~piiscan.readers.registry.Unread` per picture (the thumbnail
  of page 1 included) and per embedded object that cannot be read.

Parts are read within :mod:`piiscan.limits` through
:class:`~piiscan.readers.ooxml.Package`. Table rows are read from the XML
directly, merged cells once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from ..tables import Table
from . import Segment
from . import ooxml
from .registry import Unread, read_file_bytes

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MC_FALLBACK, _MC_CHOICE, _MC_ALT = f"{_MC}Fallback", f"{_MC}Choice", f"{_MC}AlternateContent"
_W_P, _W_T, _W_DEL, _W_TAB, _W_BR, _W_CR, _W_INSTR = (
    f"{_W}{t}" for t in ("p", "t", "delText", "tab", "br", "cr", "instrText"))
_ALT_CHUNK = "/aFChunk"
#: Elements of a Word part whose text the paragraph reading takes (units() leaves them alone).
WORD_SKIP = frozenset({_W_T, _W_DEL, _W_INSTR})


def read_bytes(data: bytes, name: str = "") -> Iterator[Segment | Table | Unread]:
    if not data:
        return
    yield from read_package(data, name)


def read(path: Path) -> Iterator[Segment | Table | Unread]:
    return read_bytes(read_file_bytes(path), path.name)


def main_part(pkg: ooxml.Package) -> str:
    """The main document part (``word/document.xml`` as a rule), from the package relationships."""
    return ooxml.main_part(pkg, "word/document.xml", "corrupt .docx: no main document part")


def alt_chunks(pkg: ooxml.Package, part: str) -> list[str]:
    """Parts imported as they are by ``w:altChunk`` (HTML, text, RTF, a .docx) from ``part``."""
    return [t for t in (pkg.find(r["Target"]) for r in pkg.rels(part)
                        if r["Type"].endswith(_ALT_CHUNK) and r["TargetMode"] != "External") if t]


def read_package(data: bytes, name: str = "", *, depth: int = 0,
                 budget: list[int] | None = None) -> Iterator[Segment | Table | Unread]:
    """What a .docx publishes; ``budget`` is the enclosing package's inflated bytes, for an embedded one."""
    pkg = ooxml.Package(data, "Word document", budget=budget)
    main = main_part(pkg)
    chunks: list[str] = []
    for part in pkg.names():
        if not ooxml.scanned(part):
            continue
        root = pkg.xml(part, recover=part.endswith(".vml"))
        if part == main:
            yield from _body(root)
            chunks = alt_chunks(pkg, part)
        elif root.tag.startswith(_W) and next(root.iter(_W_P), None) is not None:
            for pieces in text_runs(root, main=False):
                yield Segment(_joined(pieces), location={"part": part})
        for unit in field_code_units(part, root):
            yield Segment(unit.text(), location={"part": unit.part})
        for unit in ooxml.units(part, root, skip=WORD_SKIP):
            text = unit.text()
            if text.strip():
                yield Segment(text, label=unit.label, location={"part": unit.part})
    for chunk in chunks:
        yield from _alt_chunk(pkg, chunk, depth)
    yield from ooxml.embedded_items(pkg, depth)
    yield from ooxml.picture_items(pkg)
    yield from ooxml.macro_notes(pkg)


def _body(root: Any) -> Iterator[Segment | Table]:
    body = root.find(f"{_W}body")
    if body is None:
        return
    runs = text_runs(root, main=True)
    if runs and runs[0] is not None:
        # line = paragraph number in the body
        yield Segment(_joined(runs[0]), line_offsets=True)
    for tbl in body_tables(root):
        rows = [[_cell_text(tc) for tc in tr.iterchildren(f"{_W}tc")] for tr in tbl.iterchildren(f"{_W}tr")]
        if rows:
            yield Table(rows)
    if len(runs) > 1 and runs[1] is not None:
        yield Segment(_joined(runs[1]))


def body_tables(root: Any) -> Iterator[Any]:
    """The body's tables read as tables: a nested table's text is part of its outer cell, a fallback is a copy."""
    body = root.find(f"{_W}body")
    for tbl in body.iter(f"{_W}tbl") if body is not None else ():
        if not (_inside_table(tbl) or _in_fallback(tbl)):
            yield tbl


Piece = tuple[Any, str]  # (the w:t or w:delText node the text is in, or None for a separator; the text)


def text_runs(root: Any, *, main: bool) -> list[list[Piece] | None]:
    """The texts a Word part is scanned as, each a list of pieces: the redact writer rewrites the same.

    The main document: its body paragraphs, one line each (tracked
    deletions left out), then the text the body lines leave out (text boxes,
    content controls, deletions, text only a fallback holds); None for one
    that is blank. Another part (a header, the footnotes): all its
    paragraphs, one line each, deletions in, fallback copies out.
    """
    def joined(paragraphs: list[list[Piece]]) -> list[Piece] | None:
        out: list[Piece] = []
        for i, pieces in enumerate(paragraphs):
            if i:
                out.append((None, "\n"))
            out.extend(pieces)
        return out if _joined(out).strip() else None

    if not main:
        return [joined([paragraph_pieces(p) for p in root.iter(_W_P) if not _fallback_copy(p)])]
    body = root.find(f"{_W}body")
    if body is None:
        return []
    lines = [paragraph_pieces(p, deleted=False) for p in body.iterchildren(_W_P)]
    extra = [pieces for pieces in (paragraph_pieces(p, deleted_only=p.getparent() is body) for p in _body_extra(body))
             if _joined(pieces).strip()]
    return [joined(lines), joined(extra)]


def _joined(pieces: list[Piece] | None) -> str:
    return "".join(text for _, text in pieces or ())


def field_code_units(part: str, root: Any) -> Iterator[ooxml.Unit]:
    """The field code of each paragraph (``w:instrText`` runs joined): one text, part ``field code``."""
    for p in root.iter(_W_P):
        nodes = [n for n in p.iter(_W_INSTR) if _paragraph_of(n) is p]
        if nodes and any((n.text or "").strip() for n in nodes):
            yield ooxml.Unit("field code", [ooxml.Slot(n) for n in nodes])


def _alt_chunk(pkg: ooxml.Package, part: str, depth: int) -> Iterator[Any]:
    """An altChunk part, read with the reader of its format; one Word cannot publish unread is noted."""
    import importlib

    ext = ooxml.extension(part)
    kind = {"htm": "html", "html": "html", "xhtml": "html", "txt": "text", "docx": "docx", "docm": "docx"}.get(ext)
    if kind is None:
        yield Unread(f"{part}: imported content (altChunk .{ext}) not read (removed on redaction)")
        return
    data = pkg.read(part)
    if kind == "docx":
        ooxml.limits.check("depth", depth + 1, "packages embedded in packages")
        items = read_package(data, part, depth=depth + 1, budget=pkg.budget)
    else:
        items = importlib.import_module(f"{__package__}.{kind}").read_bytes(data, part)
    for item in items:
        if isinstance(item, Segment):
            yield Segment(item.text, item.label, {**item.location, "part": part})
        elif isinstance(item, Table):
            yield Table(item.rows, {**item.location, "part": part}, item.header, item.first_row)
        else:
            yield type(item)(f"{part}: {item}")


def _para_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(_W_T))


def _cell_text(tc: Any) -> str:
    # Paragraphs in one cell are separate lines, not a wrapped value: keep a space.
    return " ".join(t for t in (_para_text(p) for p in tc.iter(_W_P)) if t)


def _inside_table(tbl: Any) -> bool:
    parent = tbl.getparent()
    while parent is not None:
        if parent.tag == f"{_W}tbl":
            return True
        parent = parent.getparent()
    return False


def _in_fallback(el: Any) -> bool:
    """Inside ``mc:Fallback``: a second copy (VML) of content read from ``mc:Choice``."""
    parent = el.getparent()
    while parent is not None:
        if parent.tag == _MC_FALLBACK:
            return True
        parent = parent.getparent()
    return False


def _fallback_copy(p: Any) -> bool:
    """A paragraph in ``mc:Fallback`` whose text the ``mc:Choice`` beside it also holds.

    Word stores a text box twice (DrawingML and VML): the copy is read once.
    Text that only the fallback holds (a file edited by another program) is read.
    """
    anc = p.getparent()
    while anc is not None and anc.tag != _MC_FALLBACK:
        anc = anc.getparent()
    if anc is None:
        return False
    alt = anc.getparent()
    if alt is None or alt.tag != _MC_ALT:
        return False
    text = _own_text(p)
    if not text.strip():
        return True
    choice_texts = {_own_text(q) for choice in alt.iterchildren(_MC_CHOICE) for q in choice.iter(_W_P)}
    return text in choice_texts


def _body_extra(body: Any) -> Iterator[Any]:
    """Body paragraphs whose text the body lines and the tables leave out.

    Direct body paragraphs are read already, but not their tracked deletions;
    paragraphs in text boxes and content controls are not read at all, and
    neither is text only a fallback holds.
    """
    for p in body.iter(_W_P):
        parent = p.getparent()
        if parent is body:
            if any(True for _ in p.iter(_W_DEL)):
                yield p
            continue
        if _fallback_copy(p):
            continue
        anc = parent
        while anc is not None and anc.tag not in (f"{_W}tbl", f"{_W}txbxContent"):
            anc = anc.getparent()
        if anc is None or anc.tag == f"{_W}txbxContent":
            yield p  # a text box, a content control (w:sdt) in the body, or text only a fallback holds


def _paragraph_of(node: Any) -> Any:
    anc = node.getparent()
    while anc is not None and anc.tag != _W_P:
        anc = anc.getparent()
    return anc


def paragraph_pieces(p: Any, deleted_only: bool = False, deleted: bool = True) -> list[Piece]:
    """The text of ``p`` itself as pieces, deletions included unless ``deleted`` is false.

    A text box inside ``p`` is its own paragraph. ``deleted_only`` keeps
    the deletions and turns everything else into a space (a body line
    already holds that text).
    """
    out: list[Piece] = []
    for node in p.iter(_W_T, _W_DEL, _W_TAB, _W_BR, _W_CR):
        if _paragraph_of(node) is not p:
            continue
        if node.tag == _W_DEL:
            if deleted:
                out.append((node, node.text or ""))
        elif deleted_only:
            out.append((None, " "))
        elif node.tag == _W_T:
            out.append((node, node.text or ""))
        else:
            out.append((None, "\t" if node.tag == _W_TAB else "\n"))
    return out


def _own_text(p: Any, deleted_only: bool = False, deleted: bool = True) -> str:
    """Text of ``p`` itself, deletions included (a text box inside ``p`` is its own paragraph)."""
    return _joined(paragraph_pieces(p, deleted_only, deleted))
