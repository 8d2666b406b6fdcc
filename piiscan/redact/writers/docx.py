"""Word .docx: text is replaced inside the runs that hold it; formatting stays.

Every WordprocessingML part is visited (body, tables, headers, footers,
footnotes, endnotes, comments, text boxes), and tracked deletions
(``w:delText``) too: a value deleted with change tracking on is still in the
file. A paragraph's text is the concatenation of its ``w:t`` nodes (a value
is often split over several runs by spell-check or formatting); tabs and
breaks count as separators so neighbouring cells never join into one number.
A replacement goes into the run where the value starts, and the characters
it replaces are removed from the following runs, so each run keeps its
formatting. Table cells are scanned with their column's header (the first
row's cell) as context.
"""
from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn

import lxml.etree

from ...readers.docx import _part_element
from . import atomic_output

_W_P, _W_T, _W_DEL, _W_TAB, _W_BR, _W_CR = (qn(t) for t in ("w:p", "w:t", "w:delText", "w:tab", "w:br", "w:cr"))
_W_TC, _W_TR, _W_TBL = qn("w:tc"), qn("w:tr"), qn("w:tbl")


def write(src: Path, dst: Path, redactor, report, **_opts) -> None:
    document = docx.Document(str(src))
    seen = set()
    for part in document.part.package.iter_parts():
        partname = str(part.partname)
        if id(part) in seen or not partname.startswith("/word/") or not partname.endswith(".xml"):
            continue
        seen.add(id(part))
        element = getattr(part, "_element", None)
        # python-docx keeps some parts (footnotes, endnotes) as bytes: parse them
        # the way the reader does, redact, and put the bytes back.
        raw = element is None
        if raw:
            element = _part_element(part)
            if element is None:
                continue
        for p in element.iter(_W_P):
            _redact_paragraph(p, redactor, report)
        if raw:
            part._blob = lxml.etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
    props = document.core_properties
    for attr in ("title", "subject", "keywords", "comments", "author", "last_modified_by"):
        value = getattr(props, attr, None)
        if value:
            new, changes = redactor.redact(value)
            if changes:
                setattr(props, attr, new)
                report.add(changes)
    with atomic_output(dst, src) as tmp:
        document.save(str(tmp))


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


def _redact_paragraph(p, redactor, report) -> None:
    pieces = _own_pieces(p)
    texts = [(n.text or "") if n.tag in (_W_T, _W_DEL) else ("\t" if n.tag == _W_TAB else "\n") for n in pieces]
    text = "".join(texts)
    if not text.strip():
        return
    new_text, changes = redactor.redact(text, label=_column_header(p))
    if not changes:
        return
    report.add(changes)
    # Piece boundaries in the original text.
    bounds, pos = [], 0
    for t in texts:
        bounds.append((pos, pos + len(t)))
        pos += len(t)
    # Apply from the last change backwards so earlier offsets stay valid.
    for ch in reversed(changes):
        start, end, rep = ch.finding.start, ch.finding.end, ch.replacement
        # Verification may have hidden more of the replacement: take the final text.
        rep = new_text[ch.new_start:ch.new_end]
        placed = False
        for node, (s, e) in zip(pieces, bounds):
            if e <= start or s >= end or node.tag not in (_W_T, _W_DEL):
                continue
            old = node.text or ""
            a, b = max(start, s) - s, min(end, e) - s
            if not placed:
                node.text = old[:a] + rep + old[b:]
                placed = True
            else:
                node.text = old[:a] + old[b:]
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


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
