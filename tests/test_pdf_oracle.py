"""The pdfium reader finds what the pdfplumber reader found (its own tables and text extraction as the
oracle), on documents it read right: speed without a change in findings."""
from __future__ import annotations

from pathlib import Path

import pytest

import pdf_zoo
from piiscan.files import FileResult, _scan_items
from piiscan.readers import Segment
from piiscan.readers import pdf as reader
from piiscan.scanner import Scanner
from piiscan.tables import Table, find_header_row, header_names


def pdfplumber_items(data: bytes):
    """The reader piiscan had before pdfium (commit 38effbb), as an oracle: pdfplumber's tables (with the
    header carried to a table going on over the next page) and its text outside them."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        prev = None
        for n, page in enumerate(pdf.pages, 1):
            tables = page.find_tables()
            for t in tables:
                rows = [row for row in t.extract() if any(c not in (None, "") for c in row)]
                if not rows:
                    continue
                width = max(len(r) for r in rows)
                h = find_header_row(rows)
                if h is None and prev is not None and len(prev[0]) == width:
                    yield Table(rows, {"page": n}, header=prev[0], first_row=prev[1])
                    prev = (prev[0], prev[1] + len(rows))
                    continue
                header, rows_, preface = ((header_names([], width), rows, []) if h is None
                                          else (header_names(rows[h], width), rows[h + 1:], rows[:h]))
                for row in preface:
                    line = " ".join(c for c in row if c)
                    if line:
                        yield Segment(line, location={"page": n})
                yield Table(rows_, {"page": n}, header=header, first_row=1)
                prev = (header, 1 + len(rows_))
            outside = page
            if tables:
                boxes = [t.bbox for t in tables]

                def out(obj, boxes=boxes):
                    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                    return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

                outside = page.filter(out)
            text = outside.extract_text(x_tolerance=1.5)
            if text and text.strip():
                yield Segment(text, location={"page": n})


def findings(items) -> set:
    r = FileResult("x")
    _scan_items(items, Scanner(), r)
    return {(f.type, f.value, f.page, f.row, f.column if isinstance(f.column, str) else None)
            for f in r.findings if not f.part}


@pytest.mark.parametrize("name", ["notice", "rl_long", "fpdf2", "libreoffice_xlsx", "matplotlib42"])
def test_same_findings_as_the_pdfplumber_reader(name, tmp_path):
    if name == "notice":
        path = Path(__file__).resolve().parent.parent / "samples" / "notice.pdf"
    else:
        try:
            path = pdf_zoo.build(name, tmp_path).path
        except pdf_zoo.Missing as exc:
            pytest.skip(str(exc))
    data = path.read_bytes()
    new = findings(reader.read_bytes(data, path.name))
    old = findings(pdfplumber_items(data))
    assert new == old
    assert len(new) > 2
