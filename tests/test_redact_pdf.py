"""PDF: glyphs gone from the file, black boxes drawn, the rest still text."""
from __future__ import annotations

import zlib
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from piiscan.files import scan_file_result
from piiscan.redact import redact_file
from piiscan.scanner import Scanner

from test_redact_files import HEADER, KEY, people, secret_values


def make_pdf(path: Path, rows, *, rotate: int = 0) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from reportlab.lib.styles import ParagraphStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10)
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4))
    t = Table([HEADER] + rows)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 9),
                           ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    doc.build([Paragraph(f"乐安县农机补贴公示。联系电话 {rows[0][3]}，监督邮箱 jiandu@example.com", style), t])
    if rotate:
        pdf = pikepdf.open(path, allow_overwriting_input=True)
        for p in pdf.pages:
            p.obj.Rotate = rotate
        pdf.save(path)


def raw_streams(path: Path) -> bytes:
    pdf = pikepdf.open(path)
    out = b""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            try:
                out += obj.read_bytes()
            except Exception:
                pass
    return out


@pytest.mark.parametrize("strategy", ["mask", "tag", "pseudonymize", "encrypt", "generalize", "fake"])
def test_pdf_true_redaction(tmp_path, strategy):
    rows = people(6)
    src, dst = tmp_path / "a.pdf", tmp_path / "out" / "a.pdf"
    make_pdf(src, rows)
    report = redact_file(src, dst, strategy=strategy, key=KEY)
    assert report.changes >= 18
    res = scan_file_result(dst, Scanner())
    assert res.error is None and res.findings == []
    with pdfplumber.open(dst) as pdf:
        text = pdf.pages[0].extract_text()
    for v in secret_values(rows):
        assert v not in text.replace(" ", "")
    # Nothing else lost: the header, amounts, and the title are still text.
    for keep in HEADER + [r[5] for r in rows] + ["乐安县农机补贴公示"]:
        assert keep in text.replace(" ", "")
    # The content streams hold no glyph codes for the hidden IDs (UCS-2 in STSong-Light).
    raw = raw_streams(dst)
    for v in secret_values(rows):
        assert v.encode("utf-16-be") not in raw
    assert b" re\n" in raw  # the black boxes


def test_pdf_mask_keeps_the_unmasked_glyphs(tmp_path):
    rows = people(2)
    src, dst = tmp_path / "a.pdf", tmp_path / "b.pdf"
    make_pdf(src, rows)
    redact_file(src, dst)
    with pdfplumber.open(dst) as pdf:
        text = pdf.pages[0].extract_text().replace(" ", "")
    assert rows[0][2][:6] in text and rows[0][2][-3:] in text


def test_pdf_rotated_page(tmp_path):
    rows = people(3)
    src, dst = tmp_path / "a.pdf", tmp_path / "b.pdf"
    make_pdf(src, rows, rotate=90)
    redact_file(src, dst)
    assert scan_file_result(dst, Scanner()).findings == []


def test_pdf_image_mode_is_explicit(tmp_path):
    rows = people(2)
    src, dst = tmp_path / "a.pdf", tmp_path / "b.pdf"
    make_pdf(src, rows)
    report = redact_file(src, dst, pdf_mode="image")
    with pdfplumber.open(dst) as pdf:
        assert pdf.pages[0].chars == []
    assert any("rasterised" in n for n in report.notes)


def test_pdf_scanned_page_is_refused(tmp_path):
    from PIL import Image

    from piiscan.redact import RedactionError

    from piiscan import ocr

    from PIL import ImageDraw

    src = tmp_path / "scan.pdf"
    img = Image.new("RGB", (400, 100), "white")  # a strip with dark marks: it may show a value
    ImageDraw.Draw(img).rectangle((20, 40, 380, 60), fill="black")
    img.save(src, "PDF")
    with ocr.using(False), pytest.raises(RedactionError, match="OCR"):  # as without the OCR extra
        redact_file(src, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()
