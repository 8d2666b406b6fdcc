"""Redacting images: the pixels are painted, nothing planted is readable afterwards (by OCR, and the painted
boxes are solid in the written file), the rest stays legible, metadata is gone, and a failed check writes
nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import piiscan
from piiscan import ocr, synth
from piiscan.cli import main
from piiscan.files import scan_file_results
from piiscan.ocr import images
from piiscan.redact import RedactionError, redact_file

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "samples" / "scans"
IMAGES = ["scan_notice.png", "scan_notice.jpg", "scan_notice.tif", "scan_wrapped.png", "photo_notice.jpg"]

pytestmark = pytest.mark.skipif(not ocr.available(), reason='OCR extra not installed: pip install "piiscan-cn[ocr]"')


@pytest.fixture(scope="module")
def planted():
    return json.loads((SCANS / "planted.json").read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="module")
def redacted(tmp_path_factory):
    out = tmp_path_factory.mktemp("redacted")
    res = CliRunner().invoke(main, ["redact", *[str(SCANS / n) for n in IMAGES], "--out", str(out)])
    return res, out


def _frames(path: Path):
    return [f for _, f in images.frames(images.open_image(path.read_bytes()))]


def _ocr_text(path: Path) -> str:
    from piiscan.ocr.page import OcrTable, PageReader

    reader, parts = PageReader(), []
    for n, frame in enumerate(_frames(path), 1):
        for item in reader.read(frame, page=n).items:
            if isinstance(item, OcrTable):
                parts += list(item.header or []) + [str(c) for row in item.rows for c in row if c]
            else:
                parts.append(item.text)
    return "".join("".join(parts).split())


def test_every_image_is_redacted_and_verified(redacted):
    res, out = redacted
    assert res.exit_code == 0, res.output
    assert "0 leak(s), 0 error(s)" in res.output
    for name in IMAGES:
        src, dst = images.open_image((SCANS / name).read_bytes()), images.open_image((out / name).read_bytes())
        assert dst.format == src.format and dst.size == src.size
        assert getattr(dst, "n_frames", 1) == getattr(src, "n_frames", 1)


@pytest.mark.parametrize("name", IMAGES)
def test_no_planted_value_is_readable_after_redaction(redacted, planted, name):
    _, out = redacted
    [r] = scan_file_results(out / name, piiscan.Scanner())
    assert r.findings == [] and not r.incomplete
    text = _ocr_text(out / name)
    for values in planted[name].values():
        for v in values:
            assert "".join(v.split()) not in text


@pytest.mark.parametrize("name", IMAGES)
def test_the_pixels_of_every_finding_are_painted(redacted, name):
    _, out = redacted
    [before] = scan_file_results(SCANS / name, piiscan.Scanner())
    frames = _frames(out / name)
    assert before.findings
    for f in before.findings:
        assert ocr.painted(frames[(f.page or 1) - 1], [f.box], margin=1) == [], (f.type, f.row, f.column)


@pytest.mark.parametrize("name", ["scan_notice.png", "scan_notice.jpg", "photo_notice.jpg"])
def test_the_rest_of_the_page_stays_legible(redacted, name):
    _, out = redacted
    text = _ocr_text(out / name)
    for words in ("乐安县2020年农机购置补贴资金兑付情况公示", "公示期为7天", "户主姓名", "身份证号码", "机具品目",
                  "出厂编号", "补贴金额", "购机日期", "监督电话", "经办人"):
        assert words in text, words
    src = _ocr_text(SCANS / name)
    amounts = [a for a in ("26000", "18000", "9800", "6500", "1400", "800") if a in src]
    assert amounts and all(a in text for a in amounts)


def test_redacted_files_carry_no_metadata(redacted):
    _, out = redacted
    for name in IMAGES:
        img = images.open_image((out / name).read_bytes())
        assert images.metadata_texts(img) == []
        assert not img.info.get("exif") and not img.info.get("icc_profile")


# --- small images: formats, metadata, failures ------------------------------------------------------

def _contact_line(tmp_path: Path, suffix: str, **save) -> Path:
    """The contact line of the PNG sample (a name, a landline and a mobile): quick to read."""
    from PIL import Image

    img = Image.open(SCANS / "scan_notice.png").crop((60, 800, 1150, 905)).convert("RGB")
    path = tmp_path / f"contact{suffix}"
    img.save(path, **save)
    return path


@pytest.mark.parametrize("suffix", [".bmp", ".webp", ".jpeg", ".tiff"])
def test_every_format_is_written_back_in_its_own_format(tmp_path, suffix, planted):
    src = _contact_line(tmp_path, suffix)
    [before] = scan_file_results(src, piiscan.Scanner())
    assert {f.type for f in before.findings} == {"PERSON_NAME", "CN_LANDLINE", "CN_MOBILE"}
    report = redact_file(src, tmp_path / f"out{suffix}")
    assert report.changes == 3
    dst = images.open_image((tmp_path / f"out{suffix}").read_bytes())
    assert dst.format == images.open_image(src.read_bytes()).format
    [after] = scan_file_results(tmp_path / f"out{suffix}", piiscan.Scanner())
    assert after.findings == [] and not after.incomplete


def test_exif_with_a_value_and_a_thumbnail_is_stripped(tmp_path, rng):
    from PIL import Image

    mobile = synth.mobile_number(rng)
    exif = Image.Exif()
    exif[0x010E] = f"备份联系人 {mobile}"
    src = _contact_line(tmp_path, ".jpg", exif=exif.tobytes(), quality=92)
    [before] = scan_file_results(src, piiscan.Scanner())
    assert mobile in {f.value for f in before.findings if f.part == "metadata:EXIF ImageDescription"}
    report = redact_file(src, tmp_path / "out.jpg")
    assert any("metadata removed" in n for n in report.notes)
    raw = (tmp_path / "out.jpg").read_bytes()
    assert b"Exif" not in raw[:4096] and mobile.encode() not in raw
    [after] = scan_file_results(tmp_path / "out.jpg", piiscan.Scanner())
    assert after.findings == []


def test_a_paint_that_does_not_hold_writes_nothing(tmp_path, monkeypatch):
    import piiscan.redact.writers.image as writer

    src = _contact_line(tmp_path, ".png")
    monkeypatch.setattr(writer.ocr, "paint", lambda img, boxes, margin=None: img.copy())
    with pytest.raises(RedactionError, match="painted boxes"):
        redact_file(src, tmp_path / "out.png")
    assert not (tmp_path / "out.png").exists()


def test_ocr_check_catches_what_the_pixel_check_misses(tmp_path, monkeypatch):
    import piiscan.redact.writers.image as writer

    src = _contact_line(tmp_path, ".png")
    monkeypatch.setattr(writer.ocr, "paint", lambda img, boxes, margin=None: img.copy())
    monkeypatch.setattr(writer.ocr, "painted", lambda img, boxes, margin=None: [])
    with pytest.raises(RedactionError, match="still readable"):
        redact_file(src, tmp_path / "out.png")
    assert not (tmp_path / "out.png").exists()
    res = CliRunner().invoke(main, ["redact", str(src), "--out", str(tmp_path / "cli")])
    assert res.exit_code == 2 and "RedactionError" in res.output
    assert not (tmp_path / "cli" / "contact.png").exists()


def test_redact_no_ocr_refuses_images(tmp_path):
    src = _contact_line(tmp_path, ".png")
    res = CliRunner().invoke(main, ["redact", "--no-ocr", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "turned off" in res.output
    assert not (tmp_path / "out" / "contact.png").exists()
