"""Pictures inside Word and Excel files: read by OCR and painted when the extra is installed; without it,
unread (exit 2) unless they cannot show a value — tiny, blank, a seal or a logo (piiscan.ocr.decor)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import piiscan
from piiscan import ocr
from piiscan.cli import main
from piiscan.files import scan_file_result
from piiscan.ocr import decor, engine

SCANS = Path(__file__).resolve().parent.parent / "samples" / "scans"
needs_ocr = pytest.mark.skipif(not ocr.available(), reason='OCR extra not installed: pip install "piiscan-cn[ocr]"')


@pytest.fixture
def missing_extra(monkeypatch):
    monkeypatch.setattr(engine, "_PROBLEM", f"image: {engine.INSTALL_HINT}")
    monkeypatch.setattr(engine, "_ENGINE", None)


def _contact_png() -> bytes:
    """The contact line of the scanned sample (a name, a landline, a mobile): quick to read."""
    from PIL import Image

    img = Image.open(SCANS / "scan_notice.png").crop((60, 800, 1150, 905)).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _docx(path: Path, picture: bytes) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("附件：联系人（见图）")
    d.add_picture(io.BytesIO(picture))
    d.save(str(path))
    return path


def _xlsx(path: Path, picture: bytes) -> Path:
    import openpyxl
    from openpyxl.drawing.image import Image

    wb = openpyxl.Workbook()
    wb.active["A1"] = "附件"
    wb.active.add_image(Image(io.BytesIO(picture)), "B2")
    wb.save(str(path))
    return path


def _media(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if "/media/" in n}


# --- with OCR ------------------------------------------------------------------------------------------

@needs_ocr
@pytest.mark.parametrize("build, media", [(_docx, "word/media/"), (_xlsx, "xl/media/")])
def test_pictures_are_read_with_their_part(tmp_path, build, media):
    src = build(tmp_path / ("a.docx" if build is _docx else "a.xlsx"), _contact_png())
    r = scan_file_result(src, piiscan.Scanner())
    assert r.error is None and r.unread == [], r.unread
    assert {f.type for f in r.findings} == {"PERSON_NAME", "CN_LANDLINE", "CN_MOBILE"}
    assert all(f.part.startswith(media) and f.box and any(e.startswith("ocr:") for e in f.evidence)
               for f in r.findings)


@needs_ocr
@pytest.mark.parametrize("build", [_docx, _xlsx])
def test_pictures_are_painted_and_verified(tmp_path, build):
    name = "a.docx" if build is _docx else "a.xlsx"
    (tmp_path / "in").mkdir()
    src = build(tmp_path / "in" / name, _contact_png())
    values = {f.value for f in scan_file_result(src, piiscan.Scanner()).findings}
    res = CliRunner().invoke(main, ["redact", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    dst = tmp_path / "out" / name
    before, after = _media(src), _media(dst)
    assert before.keys() == after.keys() and all(before[k] != after[k] for k in before)  # re-encoded
    r = scan_file_result(dst, piiscan.Scanner())  # the second reader: OCR of the written picture
    assert r.unread == [] and not [f for f in r.findings if f.value in values]
    if build is _xlsx:
        import openpyxl

        assert openpyxl.load_workbook(dst).active["A1"].value == "附件"
    else:
        import docx

        assert docx.Document(str(dst)).paragraphs[0].text.startswith("附件")


@needs_ocr
def test_a_picture_without_values_keeps_its_bytes(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 80), "white")
    ImageDraw.Draw(img).rectangle((10, 10, 290, 70), outline="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    src = _docx(tmp_path / "a.docx", buf.getvalue())
    out = tmp_path / "b.docx"
    piiscan.redact.redact_file(src, out)
    assert _media(src) == _media(out)


# --- without OCR ----------------------------------------------------------------------------------------

def test_without_ocr_a_picture_that_may_show_a_value_is_unread(tmp_path, missing_extra):
    src = _docx(tmp_path / "a.docx", _contact_png())
    r = scan_file_result(src, piiscan.Scanner())
    assert r.unread and "picture not read: install piiscan-cn[ocr]" in r.unread[0]
    res = CliRunner().invoke(main, ["check", str(src)])
    assert res.exit_code == 2


def test_no_ocr_flag_says_so(tmp_path):
    src = _docx(tmp_path / "a.docx", _contact_png())
    with ocr.using(False):
        r = scan_file_result(src, piiscan.Scanner())
    assert r.unread and "OCR is turned off" in r.unread[0]


def _seal(size: int = 200, black_digits: bool = False, ratio: float = 1.0):
    """A red seal (ring, star, the office's name) on white; optionally a black line of digits across it."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = int(size * ratio), size
    img = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((5, 5, h - 5, h - 5), outline=(220, 30, 30, 255), width=6)
    d.regular_polygon((h / 2, h / 2, h / 6), 5, fill=(220, 30, 30, 255))
    font_path = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    font = ImageFont.truetype(font_path, 18) if Path(font_path).exists() else ImageFont.load_default()
    d.text((h * 0.2, h * 0.7), "乐安县农业农村局", fill=(220, 30, 30, 255), font=font)
    if black_digits:
        d.text((10, h * 0.4), "13812345678", fill=(0, 0, 0, 255), font=font)
    return img


@pytest.mark.parametrize("picture, decoration", [
    (lambda: _seal(), True),                          # a red seal with its name
    (lambda: _seal().convert("RGB"), True),           # the same without alpha
    (lambda: _seal(black_digits=True), False),        # black digits across it: may be a value
    (lambda: _seal(size=60, ratio=8), False),         # a wide red strip: could be a table row
    (lambda: _tiny(), True),                          # 40×8: too small to show a value
    (lambda: _blank(), True),                         # no ink at all
])
def test_the_decoration_rule_both_sides(picture, decoration):
    assert (decor.decoration(picture()) is not None) is decoration


def _tiny():
    from PIL import Image

    return Image.new("RGB", (40, 8), "black")


def _blank():
    from PIL import Image

    return Image.new("RGB", (300, 300), "white")


def test_without_ocr_a_seal_is_a_note_not_unread(tmp_path, missing_extra):
    buf = io.BytesIO()
    _seal().save(buf, "PNG")
    src = _docx(tmp_path / "a.docx", buf.getvalue())
    r = scan_file_result(src, piiscan.Scanner())
    assert r.unread == [] and any("seal or logo" in n for n in r.notes)
    res = CliRunner().invoke(main, ["check", str(src)])
    assert res.exit_code == 0, res.output


def test_thin_black_text_on_a_square_picture_is_not_a_seal():
    """Judged at full resolution: 1-px black strokes are dark ink, even on a picture 800 px a side."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 800), "white")
    d = ImageDraw.Draw(img)
    for y in range(100, 700, 40):
        d.line((50, y, 750, y), fill="black", width=1)
    assert decor.decoration(img) is None
