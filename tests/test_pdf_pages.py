"""Page-level cases of PDF redaction: shared and nested forms, shifted origins, standard fonts, inline
images, refusals; and the OCR seam (which pages need OCR, rendering them)."""
from __future__ import annotations

import numpy as np
import pikepdf
import pytest

import pdf_zoo
from piiscan.files import scan_file_result
from piiscan.pdf import ocr_seam
from piiscan.pdf.content import Cutter, Targets
from piiscan.redact import RedactionError, redact_file
from piiscan.scanner import Scanner

PHONE = "13912345678"
ID = "11010519491231002X"


def _text(path) -> str:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return "".join(p.get_textpage().get_text_range() for p in doc)
    finally:
        doc.close()


def _canvas_pdf(path, lines, *, font="cid", size=12, mediabox=None):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    name = pdf_zoo._rl_font(font) if font in ("cid", "ttf") else font
    c.setFont(name, size)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 20 * i, line)
    c.showPage()
    c.save()
    if mediabox:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.pages[0].obj.MediaBox = mediabox
            pdf.save(path)


def test_a_standard_font_without_widths_is_cut_exactly(tmp_path):
    """Helvetica (a standard 14 font): advances come from the font's metrics."""
    src, dst = tmp_path / "a.pdf", tmp_path / "b.pdf"
    _canvas_pdf(src, [f"Tel {PHONE} ok"], font="Helvetica")
    redact_file(src, dst)
    assert _text(dst).split() == ["Tel", "139", "5678", "ok"]


def test_a_shifted_origin_and_a_form_shared_by_two_pages(tmp_path):
    """The mediabox starts at (100, 100); the same form XObject is drawn on two pages, only one of which
    is redacted (the other keeps the form: a phone that is not found there is kept)."""
    src, dst = tmp_path / "a.pdf", tmp_path / "b.pdf"
    _canvas_pdf(src, [f"联系电话 {PHONE}"], mediabox=[100, 100, 712, 892])
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        first = pdf.pages[0]
        form = pdf.make_stream(first.obj.Contents.read_bytes(), Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Form, BBox=[100, 100, 712, 892], Resources=first.obj.Resources)
        for i in range(2):
            page = pdf.add_blank_page(page_size=(612, 792))
            page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx=form))
            page.obj.Contents = pdf.make_stream(b"q 1 0 0 1 -100 -100 cm /Fx Do Q")
        pdf.save(src)
    with pikepdf.open(src) as pdf:
        assert pdf.pages[1].obj.Resources.XObject.Fx.objgen == pdf.pages[2].obj.Resources.XObject.Fx.objgen
    redact_file(src, dst, types=["CN_MOBILE"])
    assert _text(dst).count("139 5678") == 3 and PHONE not in _text(dst).replace(" ", "")
    with pikepdf.open(dst) as pdf:
        # Each page draws its own changed copy; the original form is not left reachable.
        names = [list(p.obj.Resources.XObject.keys()) for p in pdf.pages[1:]]
        assert all(n and all(k != "/Fx" for k in ks) for n, ks in zip(names, names))


def test_nested_forms_turned_and_scaled(tmp_path):
    src, dst = tmp_path / "a.pdf", tmp_path / "b.pdf"
    _canvas_pdf(src, [f"户主姓名 张伟 身份证号码 {ID} 联系电话 {PHONE}"])
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        first = pdf.pages[0]
        inner = pdf.make_stream(first.obj.Contents.read_bytes(), Type=pikepdf.Name.XObject,
                                Subtype=pikepdf.Name.Form, BBox=[0, 0, 612, 792], Resources=first.obj.Resources)
        outer = pdf.make_stream(b"q 0.5 0 0 0.5 0 0 cm /In Do Q", Type=pikepdf.Name.XObject,
                                Subtype=pikepdf.Name.Form, BBox=[0, 0, 612, 792],
                                Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(In=inner)))
        page = pdf.pages[0]
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Out=outer))
        page.obj.Contents = pdf.make_stream(b"q 0.866 0.5 -0.5 0.866 200 100 cm /Out Do Q")  # 30 degrees
        pdf.save(src)
    assert {f.value for f in scan_file_result(src, Scanner()).findings} >= {ID, PHONE}
    redact_file(src, dst, strategy="tag")
    flat = _text(dst).replace(" ", "").replace("\r\n", "")
    assert ID not in flat and PHONE not in flat and "户主姓名" in flat


def test_a_target_no_glyph_matches_refuses_the_page(tmp_path):
    src = tmp_path / "a.pdf"
    _canvas_pdf(src, [f"电话 {PHONE}"])
    with pikepdf.open(src) as pdf:
        targets = Targets(np.array([[300.0, 300.0]]), np.array([[299.0, 297.0, 306.0, 309.0]]), np.array([12.0]))
        Cutter(pdf, targets).page(pdf.pages[0])
        assert not targets.matched.any()  # the writer turns this into a refusal


def test_an_inline_image_under_a_value_is_refused(tmp_path):
    src = tmp_path / "a.pdf"
    _canvas_pdf(src, [f"电话 {PHONE}"])
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        old = page.obj.Contents.read_bytes()
        image = b"q 300 0 0 30 60 750 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \xff\xff\xff\xff EI Q\n"
        page.obj.Contents = pdf.make_stream(image + old)
        pdf.save(src)
    with pytest.raises(RedactionError, match="inline image"):
        redact_file(src, tmp_path / "b.pdf")


def test_annotations_do_not_stop_the_page_redaction(tmp_path):
    src, dst = tmp_path / "a.pdf", tmp_path / "b.pdf"
    _canvas_pdf(src, [f"电话 {PHONE}"])
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square, Rect=[0, 0, 10, 10]))])
        pdf.save(src)
    redact_file(src, dst)
    assert "139 5678" in _text(dst)


# --- the OCR seam ------------------------------------------------------------------------------

def test_which_pages_need_ocr(tmp_path):
    import pypdfium2

    from piiscan.pdf.chars import read_chars
    from piiscan.pdf.objects import survey

    zoo = tmp_path / "zoo"
    cases = {"image_only": True, "outlined": True, "rl_cid": False, "searchable_jpeg": False,
             "image_on_text": False}
    for name, wanted in cases.items():
        try:
            spec = pdf_zoo.build(name, zoo)
        except pdf_zoo.Missing as exc:
            pytest.skip(str(exc))
        doc = pypdfium2.PdfDocument(str(spec.path))
        page = doc[0]
        s = survey(page)
        chars = read_chars(page, upright=s.upright)
        assert ocr_seam.needs_ocr(chars, s) is wanted, name
        doc.close()


def test_render_page_gives_the_page_at_the_dpi(tmp_path):
    import pypdfium2

    src = tmp_path / "a.pdf"
    _canvas_pdf(src, ["x"])
    doc = pypdfium2.PdfDocument(str(src))
    w, h = doc[0].get_size()
    image = ocr_seam.render_page(doc[0])
    assert image.mode == "RGB" and abs(image.width - w * 200 / 72) <= 1 and abs(image.height - h * 200 / 72) <= 1
    small = ocr_seam.render_page(doc[0], dpi=72)
    assert abs(small.width - w) <= 1 and abs(small.height - h) <= 1
    doc.close()
    from piiscan import ocr

    with ocr.using(False):
        assert ocr_seam.ocr_engine() is None  # --no-ocr: such pages stay unread


# --- seals and logos -----------------------------------------------------------------------------

def _notice_with_picture(path, picture):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "乐安县农机购置补贴公示。联系电话13812345678")
    c.drawImage(ImageReader(picture.convert("RGB")), 400, 500, width=120, height=120)
    c.save()
    return path


@pytest.mark.parametrize("digits", [False, True])
def test_a_seal_is_noted_and_a_picture_with_black_text_is_unread_without_ocr(tmp_path, digits):
    """A born-digital notice with its red seal passes check without OCR; the same seal with a black number
    across it may show a value and is unread (exit 2)."""
    from click.testing import CliRunner

    from piiscan import ocr
    from piiscan.cli import main
    from piiscan.files import scan_file_result
    from piiscan.scanner import Scanner
    from test_office_pictures import _seal

    src = _notice_with_picture(tmp_path / "n.pdf", _seal(black_digits=digits))
    with ocr.using(False):
        r = scan_file_result(src, Scanner())
    assert [f.value for f in r.findings] == ["13812345678"]
    if digits:
        assert r.unread and "picture" in r.unread[0]
    else:
        assert r.unread == [] and any("seal or logo" in n for n in r.notes)
    res = CliRunner().invoke(main, ["check", str(src), "--no-ocr"])
    assert res.exit_code == (2 if digits else 1), res.output


def test_a_text_pdf_or_docx_never_loads_the_ocr_engine():
    """Asking whether OCR can run imports the engine (hundreds of MB): files with nothing to OCR never ask."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = ("import sys, piiscan; piiscan.scan_results(['samples/notice.pdf', 'samples/notice.docx']); "
            "print('rapidocr' in sys.modules, 'onnxruntime' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "False"]
