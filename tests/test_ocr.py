"""OCR of scanned notices and photos (the ``ocr`` extra): recall on the scanned samples, tables rebuilt from
the image, locations and evidence, orientation, metadata, offline operation, and the switch.

Tests that need the engine skip with a reason when ``piiscan-cn[ocr]`` is not installed; the behaviour
*without* it (an image is unread, exit 2) is tested everywhere by simulating the missing extra.
"""
from __future__ import annotations

import collections
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import piiscan
from piiscan import ocr, synth
from piiscan.cli import main
from piiscan.files import scan_file_results
from piiscan.ocr import digits, engine

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "samples" / "scans"
IMAGES = ["scan_notice.png", "scan_notice.jpg", "scan_notice.tif", "scan_wrapped.png", "photo_notice.jpg"]
# Floors set from measurement (benchmarks/README.md, "OCR": every planted value was found on these samples).
NUMBER_FLOOR = 0.98  # IDs, mobiles, landlines, bank cards and accounts
TEXT_FLOOR = 0.95  # names and addresses

needs_ocr = pytest.mark.skipif(not ocr.available(), reason='OCR extra not installed: pip install "piiscan-cn[ocr]"')


@pytest.fixture(scope="module")
def planted():
    return json.loads((SCANS / "planted.json").read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="module")
def scanned():
    if not ocr.available():
        pytest.skip('OCR extra not installed: pip install "piiscan-cn[ocr]"')
    return {Path(r.path).name: r for r in piiscan.scan_results([SCANS / n for n in IMAGES])}


@pytest.fixture
def missing_extra(monkeypatch):
    """The OCR extra as if it were not installed."""
    monkeypatch.setattr(engine, "_PROBLEM", f"image: {engine.INSTALL_HINT}")
    monkeypatch.setattr(engine, "_ENGINE", None)


def _by_type(findings):
    got = collections.defaultdict(set)
    for f in findings:
        got[f.type].add(f.value)
    return got


# --- recall and precision on the scanned samples ---------------------------------------------------

@needs_ocr
def test_recall_on_scanned_samples_meets_the_floors(scanned, planted):
    hit, total = collections.Counter(), collections.Counter()
    for name in IMAGES:
        got = _by_type(scanned[name].findings)
        for t, values in planted[name].items():
            total[t] += len(values)
            hit[t] += sum(v in got[t] for v in values)
    for t in total:
        floor = TEXT_FLOOR if t in ("PERSON_NAME", "CN_ADDRESS") else NUMBER_FLOOR
        assert hit[t] / total[t] >= floor, (t, hit[t], total[t])


@needs_ocr
@pytest.mark.parametrize("name", IMAGES)
def test_nothing_reported_that_was_not_planted(scanned, planted, name):
    r = scanned[name]
    assert r.error is None and r.unread == []
    extra = [(f.type, f.value) for f in r.findings if f.value not in planted[name].get(f.type, [])]
    # serials (出厂编号), amounts, dates and 序号 stay silent even when read by OCR
    assert extra == []


@needs_ocr
def test_findings_carry_page_row_column_box_and_ocr_evidence(scanned, planted):
    r = scanned["scan_notice.png"]
    ids = [f for f in r.findings if f.type == "CN_RESIDENT_ID"]
    assert [f.row for f in ids] == list(range(1, 11))
    assert {f.column for f in ids} == {"身份证号码"} and {f.page for f in ids} == {1}
    for f in r.findings:
        assert any(e.startswith("ocr:") and 0 < float(e[4:]) <= 1 for e in f.evidence), f.evidence
        x0, y0, x1, y1 = f.box
        assert 0 <= x0 < x1 <= 2339 and 0 <= y0 < y1 <= 1654
    for f in ids:  # an 18-digit ID is a long, flat box at the left of the table
        x0, y0, x1, y1 = f.box
        assert x1 - x0 > 5 * (y1 - y0) and x0 < 800
    contact = [f for f in r.findings if f.row is None]
    assert {f.type for f in contact} == {"PERSON_NAME", "CN_MOBILE", "CN_LANDLINE"}
    doc = r.findings[0].to_dict()
    assert "box" in doc and any(e.startswith("ocr:") for e in doc["evidence"]) and "*" in doc["value"]


@needs_ocr
def test_tiff_pages_and_a_table_continued_without_its_header(scanned, planted):
    r = scanned["scan_notice.tif"]
    ids = sorted((f.page, f.row, f.column) for f in r.findings if f.type == "CN_RESIDENT_ID")
    # page 2 repeats no header: its rows keep the columns and numbering of page 1
    assert ids == [(1, i, "身份证号码") for i in range(1, 9)] + [(2, i, "身份证号码") for i in range(9, 15)]


@needs_ocr
def test_wrapped_cells_are_joined_into_whole_values(scanned, planted):
    got = _by_type(scanned["scan_wrapped.png"].findings)
    for t in ("CN_RESIDENT_ID", "BANK_CARD", "CN_ADDRESS"):
        assert set(planted["scan_wrapped.png"][t]) <= got[t], t


@needs_ocr
def test_photo_is_straightened_and_boxes_map_back_to_the_photo(scanned):
    from PIL import Image

    r = scanned["photo_notice.jpg"]
    ids = [f for f in r.findings if f.type == "CN_RESIDENT_ID"]
    assert [f.row for f in ids] == list(range(1, 7))
    w, h = Image.open(SCANS / "photo_notice.jpg").size
    # the page sits inside the desk: boxes are in the photo's pixels, inside the picture, rows going down
    assert all(0 < f.box[0] < f.box[2] < w and 0 < f.box[1] < f.box[3] < h for f in ids)
    assert [f.box[1] for f in ids] == sorted(f.box[1] for f in ids)


@needs_ocr
def test_exif_orientation_is_honoured(tmp_path, scanned):
    from PIL import Image

    src = Image.open(SCANS / "scan_notice.png")
    stored = src.transpose(Image.Transpose.ROTATE_90)  # how a phone stores a portrait shot: sideways
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    stored.save(tmp_path / "sideways.jpg", quality=92, exif=exif.tobytes())
    [r] = scan_file_results(tmp_path / "sideways.jpg", piiscan.Scanner())
    want = {(f.type, f.value) for f in scanned["scan_notice.png"].findings}
    assert {(f.type, f.value) for f in r.findings} == want
    boxes = {f.value: f.box for f in r.findings}
    for f in scanned["scan_notice.png"].findings:  # boxes in the upright picture, where the original has them
        assert abs(boxes[f.value][0] - f.box[0]) < 12 and abs(boxes[f.value][1] - f.box[1]) < 12


# --- pieces ----------------------------------------------------------------------------------------

@needs_ocr
def test_metadata_text_is_scanned_as_its_own_part(tmp_path, rng):
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    mobile = synth.mobile_number(rng)
    info = PngInfo()
    info.add_text("Description", f"经办人手机：{mobile}")
    Image.new("L", (200, 80), 255).save(tmp_path / "blank.png", pnginfo=info)
    [r] = scan_file_results(tmp_path / "blank.png", piiscan.Scanner())
    assert [(f.type, f.value, f.part) for f in r.findings] == [("CN_MOBILE", mobile, "metadata:Description")]


def test_metadata_is_read_without_the_extra_and_pixels_are_unread(tmp_path, rng, missing_extra):
    from PIL import Image

    mobile = synth.mobile_number(rng)
    exif = Image.Exif()
    exif[0x010E] = f"联系电话 {mobile}"
    Image.new("RGB", (120, 60), "white").save(tmp_path / "p.jpg", exif=exif.tobytes())
    [r] = scan_file_results(tmp_path / "p.jpg", piiscan.Scanner())
    assert [(f.value, f.part) for f in r.findings] == [(mobile, "metadata:EXIF ImageDescription")]
    assert r.unread == [f"image: {engine.INSTALL_HINT}"] and r.incomplete


def test_corrupt_and_oversized_images_are_errors(tmp_path):
    from PIL import Image

    from piiscan import limits

    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    Image.new("L", (3000, 3000), 255).save(tmp_path / "big.png")
    [broken] = scan_file_results(tmp_path / "broken.png", piiscan.Scanner())
    assert broken.error and "image" in broken.error
    with limits.using(limits.replace(limits.DEFAULT, part_bytes=1_000_000)):
        [big] = scan_file_results(tmp_path / "big.png", piiscan.Scanner())
    assert "part_bytes" in big.error and not big.findings


def test_digit_repairs_are_safe():
    assert digits.fix("手机：1380O138000") == ("手机：13800138000", (7,))
    assert digits.fix("１３８００１３８０００") == ("13800138000", ())
    assert digits.fix("36102519840123956l")[0].endswith("l")  # a check digit is never invented
    assert digits.fix("Hello 10 Oliver") == ("Hello 10 Oliver", ())  # no digit run, no repair


@given(st.text(alphabet="0123456789OolI|〇 -Xx手机号", max_size=40))
def test_digit_repairs_keep_length_and_touch_only_lookalikes(text):
    out, fixed = digits.fix(text)
    assert len(out) == len(text)
    wide = text.translate(digits._WIDE)
    for i, (a, b) in enumerate(zip(wide, out)):
        if a != b:
            assert i in fixed and a in digits._LOOKALIKE and b.isdigit()
            assert 0 < i < len(out) - 1 and out[i - 1].isdigit() and out[i + 1].isdigit()


def test_to_points_and_paint_change_pixels():
    from PIL import Image

    img = Image.new("RGB", (100, 50), "white")
    out = ocr.paint(img, [(10, 10, 30, 20)], margin=2)
    assert out.getpixel((20, 15)) == (0, 0, 0) and out.getpixel((50, 40)) == (255, 255, 255)
    assert img.getpixel((20, 15)) == (255, 255, 255)  # the input is not changed
    assert ocr.painted(out, [(10, 10, 30, 20)], margin=2) == []
    assert ocr.painted(img, [(10, 10, 30, 20)], margin=2) == [(10, 10, 30, 20)]


# --- nothing is downloaded ------------------------------------------------------------------------

@needs_ocr
def test_models_come_from_the_wheel_and_the_downloader_is_disabled():
    import rapidocr
    from rapidocr.utils.download_file import DownloadFile, DownloadFileInput

    paths = engine.model_paths()
    root = Path(rapidocr.__file__).resolve().parent
    assert all(root in p.parents and p.stat().st_size > 1_000_000 for p in paths.values())
    engine.engine()
    with pytest.raises(ocr.OcrUnavailable, match="never downloads"):
        DownloadFile.run(DownloadFileInput(file_url="https://example.invalid/m.onnx", save_path="/tmp/x",
                                           logger=None))


@needs_ocr
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1) to cut the network")
def test_ocr_runs_with_the_network_cut_off(tmp_path):
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here (needs root or user namespaces)")
    from PIL import Image, ImageDraw, ImageFont

    font = next((p for p in ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",) if Path(p).exists()), None)
    if font is None:
        pytest.skip("no CJK font (fonts-wqy-zenhei) to draw the test image")
    img = Image.new("L", (700, 90), 255)
    ImageDraw.Draw(img).text((10, 20), "手机：13800138000", font=ImageFont.truetype(font, 40), fill=0)
    img.save(tmp_path / "offline.png")
    code = ("import piiscan; [r] = piiscan.scan_results([%r]); "
            "print(sorted((f.type, f.value) for f in r.findings), r.unread)" % str(tmp_path / "offline.png"))
    out = subprocess.run(["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[('CN_MOBILE', '13800138000')] []"


# --- the switch and the missing extra --------------------------------------------------------------

def _png(tmp_path):
    from PIL import Image

    Image.new("L", (100, 40), 255).save(tmp_path / "page.png")
    return tmp_path / "page.png"


def test_missing_extra_makes_scan_and_check_exit_2(tmp_path, missing_extra, monkeypatch):
    page = _png(tmp_path)
    res = CliRunner().invoke(main, ["scan", "--jobs", "1", "--format", "json", str(page)])
    assert res.exit_code == 2
    doc = json.loads(res.output)
    assert doc["unread"] == [{"path": str(page), "unread": f"image: {engine.INSTALL_HINT}"}]
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["check", "--jobs", "1", "--no-baseline", str(page)])
    assert res.exit_code == 2


def test_missing_extra_makes_redact_fail_without_output(tmp_path, missing_extra):
    page = _png(tmp_path)
    res = CliRunner().invoke(main, ["redact", str(page), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "install piiscan-cn[ocr]" in res.output
    assert not (tmp_path / "out" / "page.png").exists()


def test_ocr_flag_without_the_extra_is_a_usage_error(tmp_path, missing_extra):
    res = CliRunner().invoke(main, ["scan", "--ocr", str(_png(tmp_path))])
    assert res.exit_code == 2 and "install piiscan-cn[ocr]" in res.output


def test_no_ocr_leaves_images_unread_and_is_restored_after_the_command(tmp_path):
    page = _png(tmp_path)
    before = ocr.enabled()
    res = CliRunner().invoke(main, ["scan", "--no-ocr", "--jobs", "1", "--format", "json", str(page)])
    assert res.exit_code == 2
    assert json.loads(res.output)["unread"][0]["unread"] == "image: not read, OCR is turned off (--no-ocr)"
    assert ocr.enabled() == before
    with ocr.using(False):
        [r] = piiscan.scan_results([page])
    assert r.unread and r.incomplete


@needs_ocr
def test_blank_image_with_ocr_is_clean(tmp_path):
    res = CliRunner().invoke(main, ["scan", "--ocr", "--jobs", "1", str(_png(tmp_path))])
    assert res.exit_code == 0, res.output


def test_scan_file_never_returns_an_empty_list_for_an_unread_image(tmp_path, missing_extra):
    with pytest.raises(piiscan.ReadError, match="install piiscan-cn"):
        piiscan.scan_file(_png(tmp_path))


@needs_ocr
def test_pdf_seam_reads_and_paints_a_scanned_pdf_page(planted):
    """The calls readers/pdf.py and redact/writers/pdf.py are to make for an image-only page (see piiscan.ocr)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(SCANS / "scan_notice.pdf"))
    try:
        page = doc[0]
        height = page.get_height()
        img = page.render(scale=ocr.DPI / 72).to_pil()
    finally:
        doc.close()
    read = ocr.PageReader().read(img, dpi=ocr.DPI, page=1)
    found = ocr.scan_items(read.items, piiscan.Scanner(), path="scan_notice.pdf")
    got = _by_type(found.findings)
    for t, values in planted["scan_notice.pdf"].items():
        assert set(values) <= got[t], t
    assert all(f.page == 1 and f.path == "scan_notice.pdf" for f in found.findings)
    boxes = found.boxes(piiscan.Scanner().types)
    out = ocr.paint(img, boxes, read.margin)
    assert ocr.painted(out, boxes, read.margin) == []
    after = ocr.scan_items(ocr.PageReader().read(out, dpi=ocr.DPI, page=1).items, piiscan.Scanner())
    assert after.findings == []
    x0, y0, x1, y1 = ocr.to_points(found.findings[0].box, ocr.DPI, height)
    assert 0 <= x0 < x1 and 0 <= y0 < y1 <= height


def test_a_repaired_digit_is_reported_with_its_box_and_says_so(monkeypatch):
    """The layout and evidence on lines as the engine gives them (the engine itself replaced)."""
    pytest.importorskip("cv2")
    from PIL import Image

    from piiscan.ocr import page as page_mod
    from piiscan.ocr.engine import Glyph, Line

    text = "经办人手机：1380O138000"
    glyphs = tuple(Glyph(c, (100 + 20 * i, 50, 118 + 20 * i, 80), 0.97 if c != "O" else 0.71) for i, c in enumerate(text))
    line = Line(text, ((100, 50), (100 + 20 * len(text), 50), (100 + 20 * len(text), 80), (100, 80)), 0.95, glyphs)
    monkeypatch.setattr(page_mod, "recognise", lambda img: [line])
    read = page_mod.PageReader().read(Image.new("L", (800, 200), 255), page=3)
    found = page_mod.scan_items(read.items, piiscan.Scanner()).findings
    [f] = [f for f in found if f.type == "CN_MOBILE"]
    assert f.value == "13800138000" and f.page == 3
    assert f.evidence[-2:] == ("ocr:0.71", "ocr-corrected")
    start = text.index("1")
    assert f.box == (100 + 20 * start, 50, 118 + 20 * (start + 10), 80)
