"""PDF: true redaction — the glyphs are removed from the content streams, black boxes cover their place.

Approach, and why (see REFERENCE.md, "Documents, measured here"):

* **pdfplumber** (MIT) gives every character with its box, in content-stream
  order. Lines are rebuilt from the boxes (a space where the gap in x exceeds
  1.5 pt, as the PDF reader does, so neighbouring table cells never glue into
  one number) and scanned; tables found by ``find_tables`` are scanned cell
  by cell with the column header as context, like the reader does.
* **pikepdf** (MPL-2.0) walks the content stream (and Form XObjects, which
  are copied before editing so other pages sharing them are untouched) and
  counts glyphs in the same order pdfminer renders them. A glyph to hide is
  cut out of its ``Tj``/``TJ`` string and replaced by a ``TJ`` displacement
  of exactly its advance (width·size + Tc + Tw, times Tz), so the rest of the
  line keeps its layout and stays real, extractable text. Each glyph's font
  name is checked against pdfplumber's character before anything is cut: if
  the two orders ever disagree the file is refused, never half-redacted.
* Black boxes are drawn over the removed characters (after wrapping the
  original content in ``q``/``Q`` so its graphics state cannot leak into
  ours). Annotations, document info and XMP metadata that contain personal
  information are dropped, as are page thumbnails.
* The output is verified by re-extracting every page with pdfplumber and with
  pypdfium2 (a second, independent extractor): a redacted value found by
  either is a :class:`~piiscan.redact.RedactionError`.

Not chosen: PyMuPDF's ``apply_redactions`` (AGPL-3.0, so not in the default
install); editing pages with pypdfium2 (regenerating page content corrupted
text that was not redacted); rasterising every page (loses all text) — that
is available only explicitly, as ``pdf_mode="image"``.

With ``mask``, only the masked characters are removed (``138****8000`` keeps
the glyphs of 138 and 8000); with other strategies the whole value is
blacked out, and the replacement text is not drawn.
"""
from __future__ import annotations

import bisect
import io
from pathlib import Path
from typing import Any

import pikepdf

from .. import Change, RedactionError
from . import atomic_output

X_GAP = 1.5  # points: as piiscan.readers.pdf, a gap wider than this is a space
_SHOW_OPS = {"Tj", "TJ", "'", '"'}


# --- finding the characters -------------------------------------------------

def _assemble(chars: list[dict], indices: list[int], line_sep: str = "\n") -> tuple[str, list[int]]:
    """Text of the given characters in reading order, and the char index behind each text position (-1 = separator)."""
    order = sorted(indices, key=lambda i: (round(chars[i]["top"]), chars[i]["x0"]))
    text: list[str] = []
    owner: list[int] = []
    prev = None
    for i in order:
        c = chars[i]
        if prev is not None:
            p = chars[prev]
            if abs(c["top"] - p["top"]) > max(1.0, 0.5 * min(c["size"], p["size"])):
                if line_sep:
                    text.append(line_sep)
                    owner.append(-1)
            elif c["x0"] - p["x1"] > X_GAP:
                text.append(" ")
                owner.append(-1)
        for ch in c["text"]:
            text.append(ch)
            owner.append(i)
        prev = i
    return "".join(text), owner


def _inside(c: dict, bbox) -> bool:
    x0, top, x1, bottom = bbox
    cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


class _CharIndex:
    """Characters bucketed once by the height of their centre: a cell looks only at its own band.

    Testing every character of the page against every cell made big tables quadratic.
    """

    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars
        self.order = sorted(range(len(chars)), key=lambda i: (chars[i]["top"] + chars[i]["bottom"]) / 2)
        self.ys = [(chars[i]["top"] + chars[i]["bottom"]) / 2 for i in self.order]

    def __call__(self, bbox) -> list[int]:
        """Indices (ascending) of the characters whose centre is inside ``bbox``, as :func:`_inside`."""
        _x0, top, _x1, bottom = bbox
        lo, hi = bisect.bisect_left(self.ys, top), bisect.bisect_right(self.ys, bottom)
        return sorted(i for i in self.order[lo:hi] if _inside(self.chars[i], bbox))


def _unrotated(page, chars: list[dict]) -> tuple[list[dict], bool]:
    """Characters in the page's own (unrotated) frame, so lines read along the text.

    pdfminer reports a /Rotate'd page's characters in display space, where a
    horizontal line of text becomes a column of single characters.
    """
    rot = int(page.page_obj.attrs.get("Rotate", 0) or 0) % 360 if hasattr(page, "page_obj") else 0
    if not rot:
        return chars, False
    mb = [float(v) for v in page.page_obj.mediabox]
    height = mb[3] - mb[1]
    out = []
    for c in chars:
        x, y, w, h = _rect_from_device(mb, rot, c)
        out.append({**c, "x0": x, "x1": x + w, "top": height - (y + h), "bottom": height - y,
                    "size": c.get("size", h)})
    return out, True


def _page_findings(page, chars: list[dict], scanner, state: dict | None = None) -> list[tuple[Any, list[int], str | None]]:
    """(finding, owner map of the text it was found in, label) for the page text and each table cell.

    ``state`` carries the last table header over to the next page.
    """
    state = {} if state is None else state
    out = []
    chars, rotated = _unrotated(page, chars)
    text, owner = _assemble(chars, list(range(len(chars))))
    out += [(f, owner, None) for f in scanner.scan(text)]
    from ... import tables as _tables

    try:
        found_tables = [] if rotated else page.find_tables()
    except Exception:  # noqa: BLE001 - a table finder failure only loses header context
        found_tables = []
    in_box = _CharIndex(chars) if found_tables else None
    for table in found_tables:
        grid = []
        for row in table.rows:
            cells = []
            for bbox in row.cells:
                idx = in_box(bbox) if bbox is not None else []
                cells.append(_assemble(chars, idx, line_sep="") if idx else ("", []))
            if any(t.strip() for t, _ in cells):
                grid.append(cells)
        if not grid:
            continue
        # Header and continuation exactly as piiscan.readers.pdf decides them, so
        # the cells get the same context the re-scan gives them.
        texts = [[t for t, _ in r] for r in grid]
        width = max(len(r) for r in texts)
        h = _tables.find_header_row(texts)
        if h is None and state.get("prev") is not None and len(state["prev"]) == width:
            header, data = state["prev"], grid
        elif h is None:
            header, data = _tables.header_names([], width), grid
        else:
            header, data = _tables.header_names(texts[h], width), grid[h + 1:]
        state["prev"] = header
        found, classes = _tables.scan_table(
            _tables.Table([[t for t, _ in r] for r in data], header=header), scanner)
        col_index = {name: i for i, name in enumerate(header)}
        labels = {c.index: _tables._label_for(c) if hasattr(_tables, "_label_for") else c.column for c in classes}
        for f in found:
            if f.row is None or f.column not in col_index:
                continue
            r, c = f.row - 1, col_index[f.column]
            if r >= len(data) or c >= len(data[r]):
                continue
            t, own = data[r][c]
            lead = len(t) - len(t.lstrip())
            shifted = f.shifted(lead)
            if t[shifted.start:shifted.end] != f.value:
                continue
            out.append((shifted, own, labels.get(c)))
    return out


def _joined_fragments(page, chars: list[dict], remove: set[int], redactor, state: dict) -> set[int]:
    """Glyphs to cut as well because the kept parts of neighbouring values read as PII together.

    Cut glyphs leave no mask character behind, so in the extracted text the kept
    ends close up: a mobile's ``133`` + ``2228`` next to a card's ``6228`` is a
    new 11-digit mobile. The page is read again as the output will be, and what
    is still found there is cut entirely.
    """
    extra: set[int] = set()
    for _round in range(5):
        left = [i for i in range(len(chars)) if i not in remove and i not in extra]
        found = _page_findings(page, [chars[i] for i in left], redactor.scanner, dict(state))
        more = {
            left[owner[f.start + k]]
            for f, owner, _label in found if f.type in redactor.types
            for k in range(len(f.value)) if owner[f.start + k] >= 0
        }
        if not more:
            return extra
        extra |= more
    raise RedactionError("the kept parts of masked values still read as personal information; try pdf_mode='image'")


# --- editing the content stream ----------------------------------------------

class _Walker:
    """Walks content streams in rendering order, counting glyphs, cutting the ones in ``remove``."""

    def __init__(self, pdf: pikepdf.Pdf, chars: list[dict], remove: set[int]) -> None:
        self.pdf, self.chars, self.remove = pdf, chars, remove
        self.k = 0  # glyphs seen so far on this page

    def run(self, ops, resources) -> tuple[list, bool]:
        out: list = []
        changed = False
        state = {"font": None, "fs": 0.0, "Tc": 0.0, "Tw": 0.0, "Th": 1.0}
        stack: list[dict] = []
        fonts = resources.get("/Font", {}) if resources is not None else {}
        for operands, op in ops:
            name = str(op)
            if name == "q":
                stack.append(dict(state))
            elif name == "Q" and stack:
                state = stack.pop()
            elif name == "Tf":
                state["font"] = fonts.get(operands[0]) if fonts is not None else None
                state["fs"] = float(operands[1])
            elif name == "Tc":
                state["Tc"] = float(operands[0])
            elif name == "Tw":
                state["Tw"] = float(operands[0])
            elif name == "Tz":
                state["Th"] = float(operands[0]) / 100.0
            elif name in _SHOW_OPS:
                if name == '"':
                    state["Tw"], state["Tc"] = float(operands[0]), float(operands[1])
                items = list(operands[0]) if name == "TJ" else [operands[-1]]
                new_items, cut = self._show(items, state)
                if cut:
                    changed = True
                    if name == "'":
                        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
                    elif name == '"':
                        out.append(pikepdf.ContentStreamInstruction([operands[0]], pikepdf.Operator("Tw")))
                        out.append(pikepdf.ContentStreamInstruction([operands[1]], pikepdf.Operator("Tc")))
                        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
                    out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(new_items)], pikepdf.Operator("TJ")))
                    continue
            elif name == "Do" and resources is not None:
                xobjs = resources.get("/XObject")
                xobj = xobjs.get(operands[0]) if xobjs is not None else None
                if xobj is not None and xobj.get("/Subtype") == "/Form":
                    sub_ops = pikepdf.parse_content_stream(xobj)
                    new_sub, sub_changed = self.run(sub_ops, xobj.get("/Resources", resources))
                    if sub_changed:
                        changed = True
                        copy = self.pdf.make_stream(pikepdf.unparse_content_stream(new_sub))
                        for key, value in xobj.items():
                            if key not in ("/Length", "/Filter", "/DecodeParms"):
                                copy[key] = value
                        new_name = pikepdf.Name(f"{operands[0]}_r{self.k}")
                        xobjs[new_name] = copy  # resources were made private to this page
                        out.append(pikepdf.ContentStreamInstruction([new_name], pikepdf.Operator("Do")))
                        continue
            out.append(pikepdf.ContentStreamInstruction(operands, op))
        return out, changed

    def _show(self, items, state) -> tuple[list, bool]:
        font = state["font"]
        split = _code_splitter(font)
        names = _font_names(font)
        new: list = []
        cut = False
        for item in items:
            if not isinstance(item, pikepdf.String):
                new.append(item)
                continue
            data = bytes(item)
            keep = bytearray()
            for code in split(data):
                k = self.k
                self.k += 1
                if k >= len(self.chars):
                    raise RedactionError("PDF content has more glyphs than the text layer: cannot align them")
                fontname = self.chars[k]["fontname"]
                if names and fontname not in names and not any(fontname.endswith(n) or n.endswith(fontname) for n in names):
                    raise RedactionError(f"PDF glyph order does not match the text layer (font {fontname} vs {sorted(names)})")
                if k not in self.remove:
                    keep += code
                    continue
                cut = True
                if keep:
                    new.append(pikepdf.String(bytes(keep)))
                    keep = bytearray()
                fs, th = state["fs"], state["Th"] or 1.0
                word = state["Tw"] if code == b" " else 0.0
                adv = float(self.chars[k]["adv"])
                shift = -((adv / th) + state["Tc"] + word) * 1000.0 / fs if fs else 0.0
                new.append(round(shift, 4))
            if keep:
                new.append(pikepdf.String(bytes(keep)))
        return new, cut


def _font_names(font) -> set[str]:
    """Names pdfminer may report for a font: BaseFont, or the descendant's FontDescriptor FontName."""
    if font is None:
        return set()
    names = {str(font.get("/BaseFont", ""))[1:]}
    for desc in font.get("/DescendantFonts", []) or []:
        names.add(str(desc.get("/BaseFont", ""))[1:])
        fd = desc.get("/FontDescriptor")
        if fd is not None and "/FontName" in fd:
            names.add(str(fd.FontName)[1:])
    fd = font.get("/FontDescriptor")
    if fd is not None and "/FontName" in fd:
        names.add(str(fd.FontName)[1:])
    return {n for n in names if n}


def _code_splitter(font):
    """How a font's strings split into character codes (1 byte for simple fonts; CMaps for Type0)."""
    if font is None or font.get("/Subtype") != "/Type0":
        return lambda data: (data[i:i + 1] for i in range(len(data)))
    encoding = font.get("/Encoding")
    enc = str(encoding) if isinstance(encoding, pikepdf.Name) else ""
    if "UTF16" in enc:
        def utf16(data):
            i = 0
            while i < len(data):
                n = 4 if 0xD8 <= data[i] <= 0xDB else 2
                yield data[i:i + n]
                i += n
        return utf16
    if enc and "Identity" not in enc and "UCS2" not in enc and ("EUC" in enc or "GBK" in enc or "GBpc" in enc or "GBT" in enc):
        def euc(data):
            i = 0
            while i < len(data):
                n = 2 if data[i] >= 0x81 else 1
                yield data[i:i + n]
                i += n
        return euc
    # Identity-H/V, UCS2 CMaps and embedded CMaps of PDF producers: two bytes.
    return lambda data: (data[i:i + 2] for i in range(0, len(data), 2))


def _private_resources(page: pikepdf.Page) -> Any:
    """The page's resources as its own copy (they may be inherited or shared with other pages)."""
    obj = page.obj
    res = obj.get("/Resources")
    node = obj
    while res is None and node.get("/Parent") is not None:
        node = node.Parent
        res = node.get("/Resources")
    copy = pikepdf.Dictionary({k: v for k, v in res.items()}) if res is not None else pikepdf.Dictionary()
    if "/XObject" in copy:
        copy.XObject = pikepdf.Dictionary({k: v for k, v in copy.XObject.items()})
    obj.Resources = copy
    return copy


def _user_space_rect(page: pikepdf.Page, c: dict) -> tuple[float, float, float, float]:
    """pdfminer/pdfplumber coordinates back to the page's user space (undoing its rotation and origin)."""
    return _rect_from_device([float(v) for v in page.mediabox], int(page.obj.get("/Rotate", 0)) % 360, c)


def _rect_from_device(mediabox, rot: int, c: dict) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = mediabox
    # pdfminer's page matrix (PDFPageInterpreter.process_page), inverted.
    ctm = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}.get(rot, (1, 0, 0, 1, -x0, -y0))
    a, b, cc, d, e, f = ctm
    det = a * d - b * cc
    pts = []
    for (px, py) in ((c["x0"], c["y0"]), (c["x1"], c["y1"])):
        px, py = px - e, py - f
        pts.append(((d * px - cc * py) / det, (-b * px + a * py) / det))
    (ax, ay), (bx, by) = pts
    return min(ax, bx), min(ay, by), abs(bx - ax), abs(by - ay)


# --- the writer ------------------------------------------------------------------

def write(src: Path, dst: Path, redactor, report, pdf_mode: str = "text", **_opts) -> None:
    import pdfplumber

    pdf = pikepdf.open(src)
    removed_values: list[str] = []
    table_state: dict = {}
    with pdfplumber.open(src) as plumber:
        if len(plumber.pages) != len(pdf.pages):
            raise RedactionError("pdfplumber and pikepdf disagree on the page count")
        for n, (ppage, kpage) in enumerate(zip(plumber.pages, pdf.pages), 1):
            chars = ppage.chars
            if not chars and ppage.images:
                # A scan: nothing here can be found or removed, and copying it
                # through would publish whatever it shows. Refuse loudly.
                raise RedactionError(
                    f"page {n} is an image with no text layer (a scan): personal information in it cannot be "
                    "found or removed; OCR it first (e.g. ocrmypdf) and redact the result"
                )
            remove: set[int] = set()
            seen_spans = set()
            state_before = dict(table_state)
            for f, owner, label in _page_findings(ppage, chars, redactor.scanner, table_state):
                if f.type not in redactor.types:
                    continue
                rep = redactor.replacement(f)
                positions = (
                    [i for i, (a, b) in enumerate(zip(f.value, rep)) if a != b]
                    if len(rep) == len(f.value) else range(len(f.value))
                )
                # What stays visible must not be detectable on its own (a kept
                # 江西省抚州市 under an address header still reads as an address).
                kept = "".join(" " if i in set(positions) else ch for i, ch in enumerate(f.value))
                if redactor.scanner.scan(kept, label=label):
                    positions = range(len(f.value))
                idx = frozenset(owner[f.start + i] for i in positions if owner[f.start + i] >= 0)
                if idx and idx not in seen_spans:
                    seen_spans.add(idx)
                    remove |= idx
                    report.add([Change(f, rep, f.start)])
                    removed_values.append(f.value)
            if not remove:
                continue
            remove |= _joined_fragments(ppage, chars, remove, redactor, state_before)
            resources = _private_resources(kpage)
            walker = _Walker(pdf, chars, remove)
            new_ops, _ = walker.run(pikepdf.parse_content_stream(kpage), resources)
            if walker.k != len(chars):
                raise RedactionError(
                    f"page {n}: {walker.k} glyphs in the content stream but {len(chars)} characters in the text layer; "
                    "cannot redact this page safely (try pdf_mode='image')"
                )
            kpage.obj.Contents = pdf.make_stream(b"q\n" + pikepdf.unparse_content_stream(new_ops) + b"\nQ\n")
            boxes = [_user_space_rect(kpage, chars[i]) for i in sorted(remove)]
            paint = "".join(f"{x - 0.5:.2f} {y - 0.5:.2f} {w + 1:.2f} {h + 1:.2f} re\n" for x, y, w, h in boxes)
            kpage.contents_add(pdf.make_stream(f"q 0 g\n{paint}f\nQ\n".encode("ascii")), prepend=False)
            if "/Thumb" in kpage.obj:
                del kpage.obj["/Thumb"]
    _drop_metadata_and_annotations(pdf, redactor, report)
    with atomic_output(dst, src) as tmp:
        pdf.save(tmp)
        pdf.close()
        if pdf_mode == "image":
            _rasterise(tmp)
            report.notes.append("PDF rasterised (pdf_mode=image): no text kept")
        _verify(tmp, redactor, removed_values, text_expected=pdf_mode != "image")
    if any(s.NAME != "mask" for s in {redactor.strategies[t] for t in report.by_type}):
        report.notes.append("PDF: values are blacked out; replacement text is not drawn")


def _strings_in(obj, depth: int = 0):
    if depth > 4:
        return
    if isinstance(obj, pikepdf.String):
        yield str(obj)
    elif isinstance(obj, pikepdf.Dictionary):
        for k, v in obj.items():
            if k not in ("/Parent", "/P", "/AP"):
                yield from _strings_in(v, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for v in obj:
            yield from _strings_in(v, depth + 1)


def _has_pii(obj, redactor) -> bool:
    return any(redactor.redact(s)[1] for s in _strings_in(obj))


def _drop_metadata_and_annotations(pdf: pikepdf.Pdf, redactor, report) -> None:
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        keep = [a for a in annots if not _has_pii(a, redactor)]
        if len(keep) != len(annots):
            page.obj.Annots = pikepdf.Array(keep)
            report.notes.append("annotations holding personal information removed")
    info = pdf.trailer.get("/Info")
    if info is not None:
        for k in list(info.keys()):
            v = info[k]
            if isinstance(v, pikepdf.String) and redactor.redact(str(v))[1]:
                del info[k]
                report.notes.append(f"document info {k} removed")
    meta = pdf.Root.get("/Metadata")
    if meta is not None:
        try:
            xml = meta.read_bytes().decode("utf-8", "replace")
        except Exception:  # noqa: BLE001
            xml = ""
        if redactor.redact(xml)[1]:
            del pdf.Root["/Metadata"]
            report.notes.append("XMP metadata removed")


def _verify(path: Path, redactor, removed_values: list[str], *, text_expected: bool) -> None:
    """Re-extract with two extractors; any removed value or any finding left is a failure."""
    import pdfplumber
    import pypdfium2

    texts = []
    state: dict = {}
    with pdfplumber.open(path) as doc:
        for page in doc.pages:
            chars = page.chars
            texts.append(_assemble(chars, list(range(len(chars))))[0])
            if any(f.type in redactor.types for f, _, _ in _page_findings(page, chars, redactor.scanner, state)):
                raise RedactionError("redacted PDF still contains personal information (pdfplumber re-extraction)")
    doc2 = pypdfium2.PdfDocument(str(path))
    try:
        for page in doc2:
            texts.append(page.get_textpage().get_text_range())
    finally:
        doc2.close()
    squeezed = "".join("".join(t.split()) for t in texts)
    for value in removed_values:
        if "".join(value.split()) in squeezed:
            raise RedactionError("a redacted value is still extractable from the PDF")


def _rasterise(path: Path, dpi: int = 200) -> None:
    """Replace every page by an image of itself (explicit option only: no text survives)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    images = [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in doc]
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    path.write_bytes(buf.getvalue())
