"""PDF: true redaction — glyphs cut out of the content streams, pictures painted over, parts cleaned.

Approach, and why (REFERENCE.md, "Documents, measured here"):

* **The same page model as the scan** (:mod:`piiscan.pdf`): pdfium's
  characters, lines and tables, tables continued over pages with their
  header and a row split by a page break joined. Each piece is scanned
  exactly as :mod:`piiscan.files` scans what the reader yields — segments
  with ``Scanner.scan``, tables with :func:`piiscan.tables.scan_table` — so
  scan and redact agree on every page and cell (a model name under 型号 is
  never a "name" in some rows and not others).
* **Cut by position** (:mod:`piiscan.pdf.content`, pikepdf): the content
  stream is walked with its text state, every glyph placed on the page, and
  the glyphs at the removed characters' origins cut and replaced by a ``TJ``
  displacement of their advance: the line keeps its layout and stays real
  text. ``/Rotate``, rotated and nested form XObjects, shifted origins are
  handled by the matrices, not by special cases; a removed character no
  glyph matches refuses the page.
* **Pictures under removed text are painted over** (searchable scans: the
  invisible OCR text *and* the picture of it), :mod:`piiscan.pdf.images`.
  Black boxes are drawn over every removed character as well.
* **Everything else a published copy should not carry** (:mod:`piiscan.pdf.parts`):
  metadata, annotations, form fields, outlines, page labels, link URIs and
  marked-content text are redacted like text; embedded files, JavaScript,
  thumbnails and old revisions are removed — the file is written fresh, never
  as an incremental update.
* **Pages read by OCR** (the ``ocr`` extra: scans, searchable scans, text
  that cannot be decoded, pictures): every finding's box and every cell of a
  personal column, from the OCR of the rendered page, is a target too — the
  glyphs inside it (the invisible text layer) are cut and the pixels of every
  picture under it painted and the picture re-compressed; then the written
  page is rendered and read by OCR afresh, and a value of a redacted type or
  a redacted value still legible refuses the file.
* **Refused, never half done** (:class:`~piiscan.redact.RedactionError`, exit 2):
  without OCR, a page that needs it, text that cannot be decoded, a picture
  that may show a value; with it, a page OCR barely reads, a value drawn as
  vector outlines (no picture to paint: the OCR check refuses); an image that
  cannot be painted.
* **Verified by position** (:mod:`piiscan.pdf.verify`): pdfium and pdfminer
  read the output, and no character may sit where one was removed; what stays
  is scanned again with the page model (the CLI re-scans the whole output).

pypdfium2 is never used to edit or save (regenerating a page corrupted text
that was not redacted); PyMuPDF is AGPL. ``pdf_mode="image"`` rasterises every
page after redaction (explicit only: no text survives).

With ``mask``, only the masked characters are cut (``138****8000`` keeps the
glyphs of 138 and 8000); other strategies black out the whole value, and the
replacement text is not drawn.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf

from ...pdf import continued, document, layout, ocr_seam, parts
from ...pdf.chars import origins_and_sizes
from ...pdf.content import Cutter, CutError, Targets, _unit_box, overlapping
from ...pdf.images import paint
from ...pdf.verify import Leak, check_pdfium, check_pdfminer
from ...readers import ReadError
from ...readers.pdf import iter_pages
from ...tables import scan_table
from ..changes import Change, RedactionError
from . import atomic_output

#: Rounds of "cut what the kept fragments still read as" before giving up on a page.
_FRAGMENT_ROUNDS = 5


@dataclass
class _Held:
    """A page whose removals may still grow (its pieces, or the next page's joined row, are not scanned yet)."""

    layout: layout.PageLayout
    survey: Any
    remove: set[int] = field(default_factory=set)  # positions in layout.chars
    prev_state: Any = None  # the stitcher's table state before this page (for the re-scan of kept text)
    ocr_boxes: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))  # page space, margin included


@dataclass
class _OcrPages:
    """Pages read by OCR: what was painted on each (page index -> boxes) and the values, for the check."""

    boxes: dict[int, np.ndarray] = field(default_factory=dict)
    values: set[str] = field(default_factory=set)


def write(src: Path, dst: Path, redactor, report, pdf_mode: str = "text", **_opts) -> None:
    data = Path(src).read_bytes()
    try:
        doc = document.Document(data)
    except ReadError as exc:
        raise RedactionError(f"cannot read the PDF: {exc}") from None
    with doc:
        qpdf = doc.qpdf
        if len(qpdf.pages) != doc.page_count:
            raise RedactionError(f"the PDF's page tree reads as {doc.page_count} pages with pdfium and "
                                 f"{len(qpdf.pages)} with qpdf: cannot tell which page is which")
        ocr_pages = _OcrPages()
        removed = _redact_pages(doc, qpdf, redactor, report, ocr_pages, pdf_mode)
        parts.redact(qpdf, redactor, report)
        with atomic_output(dst, src) as tmp:
            # A fresh file: no incremental update, so old revisions and unreferenced objects are gone.
            qpdf.save(tmp, linearize=False, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                      compress_streams=True, fix_metadata_version=False)
            try:
                check_pdfium(tmp, removed)
                check_pdfminer(tmp, removed)
            except Leak as exc:
                raise RedactionError(f"redacted PDF still shows text where values were removed ({exc})") from None
            if ocr_pages.boxes:
                _verify_ocr(tmp, ocr_pages, redactor)
            if pdf_mode == "image":
                _rasterise(tmp)
                report.notes.append("PDF rasterised (pdf_mode=image): no text kept")
    if any(s.NAME != "mask" for s in {redactor.strategies[t] for t in report.by_type}):
        report.notes.append("PDF: values are blacked out; replacement text is not drawn")


# --- finding what to remove --------------------------------------------------------

def _redact_pages(doc: document.Document, qpdf: pikepdf.Pdf, redactor, report,
                  ocr_pages: _OcrPages, pdf_mode: str = "text") -> dict[int, np.ndarray]:
    """Cut every page's findings; returns page index -> boxes of the removed characters (page space)."""
    stitch = continued.Stitcher()
    held: dict[int, _Held] = {}
    removed: dict[int, np.ndarray] = {}
    fonts: dict = {}
    for page in iter_pages(doc, ocr_seam.lazy_engine()):
        if page.unread:
            how = "by eye" if page.ocr is not None else "without OCR"
            raise RedactionError(f"{page.unread[0]} — it cannot be redacted {how} (nothing was written)")
        n = page.layout.number
        held[n] = _Held(page.layout, page.survey, prev_state=_copy_prev(stitch.prev))
        if page.ocr is not None:
            held[n].ocr_boxes = _ocr_findings(page, redactor, report, ocr_pages)
            if len(held[n].ocr_boxes) and page.survey.outline_paths and pdf_mode != "image":
                # Glyphs drawn as vector paths cannot be cut by position like text, and a box drawn over
                # them leaves them in the file: only a rasterised page drops them.
                raise RedactionError(f"page {n}: values drawn as vector outlines cannot be cut out of the page; "
                                     "use pdf_mode='image' (--pdf-mode image) to redact it (nothing was written)")
        for piece in stitch.feed(page.layout):
            _remove_findings(piece, redactor, report, held)
        _apply_ready(doc, qpdf, held, n - 1, redactor, removed, fonts)
    for piece in stitch.finish():
        _remove_findings(piece, redactor, report, held)
    for n in sorted(held):
        _apply_ready(doc, qpdf, held, n, redactor, removed, fonts)
    return removed


def _copy_prev(prev):
    if prev is None:
        return None
    return continued._Prev(prev.header, prev.next_row, prev.number_col, None, prev.page, prev.shared)


def _remove_findings(piece, redactor, report, held: dict[int, _Held]) -> None:
    for f, owned, label in _findings(piece, redactor):
        if f.type not in redactor.types:
            continue
        rep = redactor.replacement(f)
        positions = ([i for i, (a, b) in enumerate(zip(f.value, rep)) if a != b]
                     if len(rep) == len(f.value) else list(range(len(f.value))))
        # What stays visible must not be detectable on its own (a kept 江西省抚州市 under an address header).
        hidden = set(positions)
        kept = "".join(" " if i in hidden else ch for i, ch in enumerate(f.value))
        if redactor.scanner.scan(kept, label=label):
            positions = list(range(len(f.value)))
        keys = owned.owner[f.start + np.array(positions, dtype=np.int64)] if positions else np.zeros(0, np.int64)
        keys = keys[keys >= 0]
        if not len(keys):
            continue
        pages, pos = layout.split_key(keys)
        for p, i in zip(pages.tolist(), pos.tolist()):
            if p not in held:
                raise RedactionError(f"internal: a finding reaches page {p}, which is no longer held")
            held[p].remove.add(i)
        report.add([Change(f, rep, f.start)])


def _findings(piece, redactor):
    """(finding, the owned text it indexes, its label) for one piece, scanned as the file scanner scans it."""
    scanner = redactor.scanner
    if isinstance(piece, continued.TextPiece):
        seg = piece.segment
        owned = layout.Owned(seg.text, piece.owner)
        for f in scanner.scan(seg.text, label=seg.label):
            yield f, owned, seg.label
        return
    found, _classes = scan_table(piece.item(), scanner)
    for f in found:
        if f.row is None or not isinstance(f.column, str):
            raise RedactionError("internal: a table finding without its cell")
        cell = piece.cell(f.row, f.column)
        if cell is None or cell.text[f.start:f.end] != f.value:
            raise RedactionError("internal: a table finding does not match its cell")
        yield f, cell, f.column


def _ocr_findings(page, redactor, report, ocr_pages: _OcrPages) -> np.ndarray:
    """What OCR read on a page, scanned as the reader's items are: the boxes to paint (points, with the
    margin), every finding and every cell of a personal column (a misread value still shows)."""
    from ...ocr import scan_items

    read = page.ocr
    found = scan_items(read.items, redactor.scanner)
    hits = [f for f in found.findings if f.type in redactor.types]
    chars = page.layout.chars
    layer = "" if ocr_seam.layer_unreliable(chars, page.survey) else "".join(chars.text.split())
    for f in hits:
        v = "".join(f.value.split())
        ocr_pages.values.add(v)
        if v not in layer:  # counted once: the text layer's finding of the same value is reported already
            report.add([Change(f, redactor.replacement(f), f.start)])
    boxes = found.boxes(redactor.types)
    if not boxes:
        return np.zeros((0, 4))
    m = read.margin  # as an image file is painted (piiscan.ocr.Page.margin); no further padding
    out = np.array([(x0 - m, y0 - m, x1 + m, y1 + m) for x0, y0, x1, y1 in boxes], dtype=float)
    ocr_pages.boxes[page.layout.number - 1] = out
    return out


def _verify_ocr(path: Path, ocr_pages: _OcrPages, redactor) -> None:
    """The second reader for pages read by OCR: render each from the written file and OCR it afresh; no value
    of the redacted types may be found there, nor any redacted value in its text."""
    import pypdfium2

    from ...ocr import scan_items
    from ...ocr.page import OcrTable

    reader = ocr_seam.ocr_engine()
    if reader is None:
        raise RedactionError("OCR is not available to verify the pages it read")
    doc = pypdfium2.PdfDocument(str(path))
    try:
        for index in sorted(ocr_pages.boxes):
            page = doc[index]
            try:
                read = ocr_seam.read_page(reader, page, index + 1)
            finally:
                page.close()
            left = [f for f in scan_items(read.items, redactor.scanner).findings if f.type in redactor.types]
            if left:
                raise RedactionError(f"page {index + 1}: {len(left)} value(s) still readable by OCR after painting "
                                     "(nothing was written)")
            text = []
            for item in read.items:
                if isinstance(item, OcrTable):
                    text.extend(str(c) for row in item.rows for c in row if c)
                else:
                    text.append(item.text)
            squeezed = "".join("".join(text).split())
            if any(v and v in squeezed for v in ocr_pages.values):
                raise RedactionError(f"page {index + 1}: a redacted value is still readable by OCR (nothing was written)")
    finally:
        doc.close()


# --- cutting -------------------------------------------------------------------------

def _apply_ready(doc, qpdf, held: dict[int, _Held], n: int, redactor, removed: dict, fonts: dict) -> None:
    """Cut page ``n`` once nothing more can be added to its removals."""
    h = held.pop(n, None)
    if h is None or (not h.remove and not len(h.ocr_boxes)):
        return
    chars = h.layout.chars
    remove = set(h.remove)
    if remove:
        remove |= _fragments(h, remove, redactor)
    which = np.array(sorted(remove), dtype=np.int64)
    if len(which):
        pdfium_page = doc.pdf[n - 1]
        try:
            textpage = pdfium_page.get_textpage()
            try:
                origins, sizes = origins_and_sizes(textpage, chars.index[which])
            finally:
                textpage.close()
        finally:
            pdfium_page.close()
    else:
        origins, sizes = np.zeros((0, 2)), np.zeros(0)
    text_boxes = chars.box[which] if len(which) else np.zeros((0, 4))
    # OCR boxes are targets too: glyphs inside them (a searchable scan's invisible text, text whose font
    # maps to nothing) are cut, and the pictures under them painted. They need not match a glyph.
    ocr_boxes = h.ocr_boxes
    centres = np.column_stack([(ocr_boxes[:, 0] + ocr_boxes[:, 2]) / 2, (ocr_boxes[:, 1] + ocr_boxes[:, 3]) / 2])
    boxes = np.concatenate([text_boxes, ocr_boxes]) if len(ocr_boxes) else text_boxes
    targets = Targets(np.concatenate([np.asarray(origins, dtype=float).reshape(-1, 2), centres]),
                      boxes, np.concatenate([np.asarray(sizes, dtype=float), np.zeros(len(ocr_boxes))]))
    page = qpdf.pages[n - 1]
    cutter = Cutter(qpdf, targets, clean=lambda text: redactor.redact(text)[0], fonts=fonts)
    try:
        cutter.page(page)
        if not targets.matched[:len(which)].all():
            missing = int((~targets.matched[:len(which)]).sum())
            raise CutError(f"{missing} character(s) to remove were not found in the content stream")
        paint(qpdf, cutter.images, boxes, np.concatenate([text_boxes[:, 3] - text_boxes[:, 1], np.zeros(len(ocr_boxes))])
              if len(ocr_boxes) else None)
    except CutError as exc:
        raise RedactionError(f"page {n}: {exc}; cannot redact this page safely (nothing was written)") from None
    # Black boxes over the removed characters, and over OCR boxes no picture lies under (values drawn as
    # paths: with pdf_mode="image" the page is rasterised after). Not over OCR boxes on a picture: their
    # pixels are painted in the picture itself, and boxes merged along a row would hide the ruling lines
    # between cells (OCR would then read the table's columns as one).
    pictures = [_unit_box(u.ctm) for u in cutter.images]
    bare = [b for b in ocr_boxes if not any(len(overlapping(b[None, :], p)) for p in pictures)]
    drawn = np.concatenate([text_boxes, np.array(bare).reshape(-1, 4)]) if bare else text_boxes
    paint_boxes = "".join(f"{x0 - 0.5:.2f} {y0 - 0.5:.2f} {x1 - x0 + 1:.2f} {y1 - y0 + 1:.2f} re\n"
                          for x0, y0, x1, y1 in _merged(drawn))
    if paint_boxes:
        page.contents_add(qpdf.make_stream(f"q 0 g\n{paint_boxes}f\nQ\n".encode("ascii")), prepend=False)
    if "/Thumb" in page.obj:
        del page.obj["/Thumb"]
    removed[n - 1] = boxes


def _merged(boxes: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Boxes of neighbouring characters on one line merged into one (fewer operators for every reader)."""
    out: list[list[float]] = []
    for x0, y0, x1, y1 in sorted(map(tuple, boxes.tolist()), key=lambda b: (round(b[1], 1), round(b[3], 1), b[0])):
        last = out[-1] if out else None
        if last and abs(last[1] - y0) < 0.5 and abs(last[3] - y1) < 0.5 and x0 - last[2] < 1.0:
            last[2] = max(last[2], x1)
            continue
        out.append([x0, y0, x1, y1])
    return [tuple(b) for b in out]


def _fragments(h: _Held, remove: set[int], redactor) -> set[int]:
    """Characters to cut as well because what stays on the page still reads as a redacted value.

    Cut glyphs leave a gap, so kept ends seldom close up; but a kept part can
    still be a value under its column header. The page is laid out again as the
    output will read (same tables, same header carried from the page before)
    and scanned; what is found is cut too.
    """
    chars = h.layout.chars
    extra: set[int] = set()
    for _round in range(_FRAGMENT_ROUNDS):
        keep = np.ones(len(chars), dtype=bool)
        keep[list(remove | extra)] = False
        left = np.flatnonzero(keep)
        if not len(left):
            return extra
        page_layout = layout.lay_out(h.layout.number, chars.subset(left), h.survey, positions=left)
        stitch = continued.Stitcher(prev=h.prev_state)
        pieces = stitch.feed(page_layout) + stitch.finish()
        more: set[int] = set()
        for piece in pieces:
            for f, owned, _label in _findings(piece, redactor):
                if f.type in redactor.types:
                    keys = owned.owner[f.start:f.end]
                    more |= set(layout.split_key(keys[keys >= 0])[1].tolist())
        more -= extra
        if not more:
            return extra
        extra |= more
    raise RedactionError("the kept parts of masked values still read as personal information; try pdf_mode='image'")


def _rasterise(path: Path, dpi: int = 200) -> None:
    """Replace every page by an image of itself (explicit option only: no text survives)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    images = [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in doc]
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    path.write_bytes(buf.getvalue())
