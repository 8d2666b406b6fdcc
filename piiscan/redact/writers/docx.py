"""Word .docx: text is replaced inside the runs that hold it; formatting stays; nothing else is left behind.

The package is rewritten part by part (:mod:`.ooxml`): every part with
paragraphs (body, tables, headers, footers, footnotes, endnotes, comments,
text boxes, the glossary), and tracked deletions (``w:delText``) too: a
value deleted with change tracking on is still in the file. A paragraph's
text is the concatenation of its ``w:t`` nodes (a value is often split over
several runs by spell-check or formatting); tabs and breaks count as
separators so neighbouring cells never join into one number. A replacement
goes into the run where the value starts, and the characters it replaces
are removed from the following runs, so each run keeps its formatting.
Table cells are scanned with their column's header (the first row's cell)
as context.

Everything else the reader reads is redacted where it is: field codes,
document properties, docVars, hyperlink targets, alt text, form fields,
charts, SmartArt, customXml, text only a fallback holds. ``altChunk``
content is redacted with the HTML, text or Word writer; an altChunk of
another format (RTF, MHT) and embedded objects piiscan cannot read are
removed with the elements that show them, and so is the thumbnail of page 1.
"""
from __future__ import annotations

from pathlib import Path

from ...readers import ooxml
from ...readers.docx import WORD_SKIP, alt_chunks, body_tables, field_code_units, main_part, text_runs
from ...readers.registry import read_file_bytes
from . import write_bytes_atomic
from .ooxml import redact_units, rewrite
from .cells import redact_cells
from .spans import View, apply, by_container, redact_view

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_T, _W_DEL, _W_TAB, _W_BR, _W_CR = (f"{_W}{t}" for t in ("p", "t", "delText", "tab", "br", "cr"))
_W_TC, _W_TR, _W_TBL = f"{_W}tc", f"{_W}tr", f"{_W}tbl"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    data = redact_bytes(read_file_bytes(src), src.name, redactor, report)
    write_bytes_atomic(dst, data, src)


def redact_bytes(data: bytes, name: str, redactor, report, *, depth: int = 0,
                 budget: list[int] | None = None) -> bytes:
    """A redacted copy of a .docx given as bytes (an embedded document is one)."""
    pkg = ooxml.Package(data, "Word document", budget=budget)
    main = main_part(pkg)
    transform, removed = {}, []
    for chunk in alt_chunks(pkg, main):
        ext = ooxml.extension(chunk)
        if ext in ("htm", "html", "xhtml"):
            from .html import redact_html_bytes

            transform[chunk] = lambda b: redact_html_bytes(b, redactor, report)
        elif ext == "txt":
            from .text import redact_text_bytes

            transform[chunk] = lambda b: redact_text_bytes(b, redactor, report)
        elif ext in ("docx", "docm"):
            transform[chunk] = lambda b, c=chunk: redact_bytes(b, c, redactor, report, depth=depth + 1, budget=pkg.budget)
        else:
            removed.append(chunk)

    def body(part: str, root) -> bool:
        if not root.tag.startswith(_W):
            return False
        changed = False
        # First the texts as the reader reads them: tables as tables (columns classified, as
        # `piiscan scan` does), the paragraphs joined (a label in one paragraph, the name in the next);
        # then each paragraph on its own, with its table column as context.
        if part == main:
            for tbl in body_tables(root):
                changed |= _redact_table(tbl, redactor, report)
        for pieces in text_runs(root, main=part == main):
            changed |= _redact_pieces(pieces, redactor, report)
        for p in root.iter(_W_P):
            changed |= _redact_paragraph(p, redactor, report)
        return redact_units(field_code_units(part, root), redactor, report) or changed

    return rewrite(pkg, redactor, report, body=body, skip=WORD_SKIP, transform=transform,
                   extra_removed=removed, depth=depth)


def _redact_table(tbl, redactor, report) -> bool:
    """A body table redacted as the reader scans it (:func:`.cells.redact_cells`); runs keep their formatting."""
    views = [[_cell_view(tc) for tc in tr.iterchildren(_W_TC)] for tr in tbl.iterchildren(_W_TR)]
    found = [e for cell in redact_cells(views, redactor, report, lambda rep, _c, _k: rep).values() for e in cell]
    try:
        new_texts = {node: apply(node.text or "", node_edits) for node, node_edits in by_container(found).items()}
    except ValueError:
        return False  # overlapping edits in one run: left to the paragraph pass
    for node, text in new_texts.items():
        node.text = text
        node.set(_XML_SPACE, "preserve")
    return bool(found)


def _cell_view(tc) -> View:
    """A cell's text as :func:`piiscan.readers.docx._cell_text` reads it: its paragraphs' runs, a space between."""
    view = View()
    for p in tc.iter(_W_P):
        nodes = list(p.iter(_W_T))
        if not "".join(n.text or "" for n in nodes):
            continue
        if len(view):
            view.separator(" ")
        for n in nodes:
            view.verbatim(n, 0, n.text or "")
    return view


def _redact_pieces(pieces, redactor, report, label: str | None = None) -> bool:
    """Redact a text made of pieces (:func:`piiscan.readers.docx.text_runs`); each node keeps its formatting."""
    if pieces is None:
        return False
    view = View()
    for i, (node, text) in enumerate(pieces):
        if node is None:
            view.separator(text)
        else:
            view.verbatim(i, 0, text)
    found = redact_view(view, redactor, report, lambda rep, _c, _k: rep, label=label)
    for i, edits in by_container(found).items():
        node = pieces[i][0]
        node.text = apply(node.text or "", edits)
        node.set(_XML_SPACE, "preserve")
    return bool(found)


def _own_pieces(p):
    """Text-bearing nodes whose nearest paragraph is ``p`` (a text box inside p has its own)."""
    pieces = []
    for node in p.iter(_W_T, _W_DEL, _W_TAB, _W_BR, _W_CR):
        anc = node.getparent()
        while anc is not None and anc.tag != _W_P:
            anc = anc.getparent()
        if anc is p:
            pieces.append(node)
    return pieces


def _redact_paragraph(p, redactor, report) -> bool:
    pieces = _own_pieces(p)
    view = View()
    for i, node in enumerate(pieces):
        if node.tag in (_W_T, _W_DEL):
            view.verbatim(i, 0, node.text or "")
        else:
            view.separator("\t" if node.tag == _W_TAB else "\n")
    if not view.text.strip():
        return False
    found = redact_view(view, redactor, report, lambda rep, _c, _k: rep, label=_column_header(p))
    for i, edits in by_container(found).items():
        node = pieces[i]
        node.text = apply(node.text or "", edits)
        node.set(_XML_SPACE, "preserve")
    return bool(found)


def _column_header(p) -> str | None:
    """Text of the first-row cell in the same column, for a paragraph inside a table cell."""
    tc = p.getparent()
    while tc is not None and tc.tag != _W_TC:
        if tc.tag == _W_P:
            return None
        tc = tc.getparent()
    if tc is None:
        return None
    tr = tc.getparent()
    tbl = tr.getparent() if tr is not None else None
    if tbl is None or tbl.tag != _W_TBL:
        return None
    cells = [c for c in tr if c.tag == _W_TC]
    idx = cells.index(tc)
    first = next((r for r in tbl if r.tag == _W_TR), None)
    if first is None or first is tr:
        return None
    head = [c for c in first if c.tag == _W_TC]
    if idx >= len(head):
        return None
    return "".join(t.text or "" for t in head[idx].iter(_W_T)) or None
