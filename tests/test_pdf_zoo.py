"""PDFs as offices publish them (tests/pdf_zoo.py): every planted value found or an explicit exit 2, redaction
leaves none (two extractors, the decompressed streams, the pixels of scanned pages) and keeps the rest."""
from __future__ import annotations

import json

import numpy as np
import pikepdf
import pytest
from click.testing import CliRunner

import pdf_zoo
from piiscan import ocr
from piiscan.cli import main
from piiscan.files import scan_file_result
from piiscan.redact import RedactionError, redact_file
from piiscan.scanner import Scanner

TEXT = ["rl_cid", "rl_ttf", "rl_long", "fpdf2", "matplotlib3", "matplotlib42", "rotate90", "rotated_form",
        "rotate90_upright", "split_row", "searchable_jpeg", "searchable_flate", "libreoffice_docx",
        "libreoffice_xlsx"]
UNREAD = ["no_tounicode", "one_digit_unmapped", "postscript_round_trip", "outlined", "digits_as_paths", "image_only", "image_on_text"]
KEY = "zoo-test-key-0123456789"


@pytest.fixture(scope="session")
def zoo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf_zoo")
    built: dict[str, pdf_zoo.Specimen | str] = {}

    def get(name: str) -> pdf_zoo.Specimen:
        if name not in built:
            try:
                built[name] = pdf_zoo.build(name, folder)
            except pdf_zoo.Missing as exc:
                built[name] = str(exc)
        spec = built[name]
        if isinstance(spec, str):
            pytest.skip(spec)
        return spec

    return get


@pytest.fixture(scope="module")
def scanner():
    return Scanner()


def expected(spec: pdf_zoo.Specimen) -> set[str]:
    """What must be found: every planted value."""
    return set(spec.all_values())


# --- scan ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", TEXT)
def test_every_planted_value_is_found(zoo, scanner, name):
    spec = zoo(name)
    r = scan_file_result(spec.path, scanner)
    assert r.error is None and r.unread == []
    got = {f.value for f in r.findings}
    missing = expected(spec) - got
    assert not missing, f"{name}: {len(missing)} missed, e.g. {sorted(missing)[:3]}"
    # Precision: nothing but what was planted (and the supervision mailbox some notices print).
    assert got - set(spec.all_values()) <= {"jiandu@example.com"}


@pytest.fixture
def no_ocr():
    """As without the OCR extra (or with --no-ocr): pages only OCR can read are unread."""
    with ocr.using(False):
        yield


@pytest.mark.parametrize("name", UNREAD)
def test_what_cannot_be_read_is_unread_and_check_exits_2(zoo, scanner, name, tmp_path, no_ocr):
    spec = zoo(name)
    r = scan_file_result(spec.path, scanner)
    assert r.error is None and r.unread, f"{name}: nothing reported as unread"
    assert all("page 1" in u for u in r.unread)
    res = CliRunner().invoke(main, ["check", str(spec.path), "--format", "json"])
    assert res.exit_code == 2, res.output
    res = CliRunner().invoke(main, ["scan", str(spec.path), "--format", "json", "--no-progress"])
    assert res.exit_code == 2
    assert json.loads(res.stdout)["unread"]


# Ghostscript's -dNoOutputFonts drops the Latin glyphs of rl_cid here: no renderer (pdfium, gs, poppler)
# shows its digits, so there is nothing for OCR to read (the file does not hold the values any more).
OCR_READS = [n for n in UNREAD if n != "outlined"]
needs_ocr = pytest.mark.skipif(not ocr.available(), reason='OCR extra not installed: pip install "piiscan-cn[ocr]"')


@needs_ocr
@pytest.mark.parametrize("name", OCR_READS)
def test_with_ocr_what_only_ocr_can_read_is_read(zoo, scanner, name):
    """With the OCR extra, a page without a usable text layer is rendered and read: every planted value is
    found, with its page, a box in points on the page and OCR evidence, and nothing is unread."""
    spec = zoo(name)
    r = scan_file_result(spec.path, scanner)
    assert r.error is None and r.unread == [], r.unread
    got = {f.value for f in r.findings}
    missing = expected(spec) - got
    assert not missing, f"{name}: {len(missing)} missed, e.g. {sorted(missing)[:3]}"
    assert got - set(spec.all_values()) <= {"jiandu@example.com"}
    by_ocr = [f for f in r.findings if any(e.startswith("ocr:") for e in f.evidence)]
    assert by_ocr, "OCR read the page"
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(spec.path))
    w, h = doc[0].get_size()
    doc.close()
    for f in by_ocr:
        x0, y0, x1, y1 = f.box
        assert f.page == 1 and 0 <= x0 < x1 <= max(w, h) + 1 and 0 <= y0 < y1 <= max(w, h) + 1
    res = CliRunner().invoke(main, ["check", str(spec.path), "--format", "json"])
    assert res.exit_code == 1, res.output  # found, and everything was read


@needs_ocr
def test_a_searchable_scan_reports_each_value_once(zoo, scanner):
    """The text layer and OCR of the picture read the same values: each is reported once."""
    spec = zoo("searchable_jpeg")
    r = scan_file_result(spec.path, scanner)
    values = [f.value for f in r.findings if f.value != "jiandu@example.com"]
    assert sorted(values) == sorted(spec.all_values())


def test_rotated_tables_keep_their_headers(zoo, scanner):
    """A non-Luhn account is personal information only under 银行账号: found means the table was read as a table."""
    for name in ("rotate90", "rotated_form", "rotate90_upright"):
        r = scan_file_result(zoo(name).path, scanner)
        accounts = [f for f in r.findings if f.type == "BANK_CARD" and f.column == "银行账号"]
        assert len(accounts) == 8, name
        assert {f.row for f in accounts} == set(range(1, 9))


def test_an_id_split_over_the_page_break_is_found_whole(zoo, scanner):
    spec = zoo("split_row")
    r = scan_file_result(spec.path, scanner)
    split = spec.values["CN_RESIDENT_ID"][9]  # the row that breaks over the page
    [f] = [f for f in r.findings if f.value == split]
    assert f.page == 1 and f.column == "身份证号码" and f.row == 10
    # Rows on page 2 go on counting after the joined row.
    assert min(f.row for f in r.findings if f.page == 2) == 11


# --- redaction -----------------------------------------------------------------------------

def _pdfium_text(path) -> str:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return "".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


def _pdfminer_text(path) -> str:
    """pdfminer's characters in content-stream order, joined (turned text stays in order too)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "".join(c["text"] for page in pdf.pages for c in page.chars)


def _streams(path) -> bytes:
    out = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    out.append(obj.read_bytes())
                except pikepdf.PdfError:
                    out.append(obj.read_raw_bytes())
    return b"\n".join(out)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _encodings(value: str) -> list[bytes]:
    u = value.encode("utf-16-be")
    return [u, u.hex().encode(), u.hex().upper().encode(), value.encode("utf-8")]


@pytest.mark.parametrize("name", TEXT)
def test_redaction_leaves_nothing_and_keeps_the_rest(zoo, scanner, name, tmp_path):
    spec = zoo(name)
    dst = tmp_path / "out.pdf"
    report = redact_file(spec.path, dst, strategy="tag", key=KEY)
    wanted = expected(spec)
    assert report.changes >= len(wanted)
    a, b = _squeeze(_pdfium_text(dst)), _squeeze(_pdfminer_text(dst))
    raw = _streams(dst)
    for v in wanted:
        assert v not in a, f"pdfium still reads a value in {name}"
        assert v not in b, f"pdfminer still reads a value in {name}"
        assert not any(e in raw for e in _encodings(v)), f"a value is still in the streams of {name}"
    for k in spec.keep:
        assert k in a, f"{name}: lost {k!r}"
    r = scan_file_result(dst, scanner)
    assert r.error is None and r.unread == [] and [f for f in r.findings if f.value in wanted] == []


@pytest.mark.parametrize("name", UNREAD)
def test_redaction_refuses_what_it_cannot_read(zoo, name, tmp_path, no_ocr):
    spec = zoo(name)
    dst = tmp_path / "out" / "x.pdf"
    with pytest.raises(RedactionError, match="OCR"):
        redact_file(spec.path, dst)
    assert not dst.exists()
    res = CliRunner().invoke(main, ["redact", str(spec.path), "--out", str(tmp_path / "cli")])
    assert res.exit_code == 2, res.output
    assert not list((tmp_path / "cli").rglob("*.pdf"))


@pytest.mark.parametrize("name", ["searchable_jpeg", "searchable_flate"])
def test_the_scanned_picture_is_painted_over(zoo, name, tmp_path):
    """The invisible text goes, and so do the pixels under it: the picture itself is changed."""
    import pypdfium2

    spec = zoo(name)
    dst = tmp_path / "out.pdf"
    redact_file(spec.path, dst, types=["CN_RESIDENT_ID", "CN_MOBILE"], strategy="tag")
    before, after = _page_image(spec.path), _page_image(dst)
    assert before.size == after.size
    doc = pypdfium2.PdfDocument(str(spec.path))
    page = doc[0]
    tp = page.get_textpage()
    text = tp.get_text_range()
    w, h = page.get_size()
    checked = 0
    values = spec.values["CN_RESIDENT_ID"] + spec.values["CN_MOBILE"]
    for v in values:
        i = text.find(v)
        assert i >= 0
        boxes = np.array([tp.get_charbox(k, loose=True) for k in range(i, i + len(v))])
        x0, y0, x1, y1 = boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()
        sx, sy = before.width / w, before.height / h
        region = (int(x0 * sx), int((h - y1) * sy), int(x1 * sx), int((h - y0) * sy))
        ink_before = np.asarray(before.crop(region), dtype=float).mean()
        ink_after = np.asarray(after.crop(region), dtype=float).mean()
        assert ink_before > 120, "the digits are on white paper in the original"
        assert ink_after < 40, f"the pixels of a value in {name} were not painted over"
        checked += 1
    doc.close()
    assert checked == len(values) == 17
    # Pixels away from the values are untouched (JPEG may wobble a little).
    corner = (0, 0, 50, 50)
    assert abs(np.asarray(before.crop(corner), dtype=float).mean() - np.asarray(after.crop(corner), dtype=float).mean()) < 8


def test_a_table_without_ruling_lines_has_its_header(tmp_path, scanner):
    """A borderless table (and a searchable scan's text layer): columns under a header line are a table, so a
    non-Luhn account under 银行账号 and a bare name under 户主姓名 are found; prose under a header-like line is not."""
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from reportlab.lib.styles import ParagraphStyle

    font = pdf_zoo._rl_font("cid")
    rows = pdf_zoo.people(6, seed=3)
    src = tmp_path / "borderless.pdf"
    t = Table([pdf_zoo.HEADER] + rows)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9)]))
    style = ParagraphStyle("zh", fontName=font, fontSize=10)
    prose = Paragraph("姓名    性别    备注", style), Paragraph("请各户主于公示期内核对姓名与账号，如有异议请联系村委会。", style)
    SimpleDocTemplate(str(src)).build([t, *prose])
    r = scan_file_result(src, scanner)
    accounts = {f.value for f in r.findings if f.type == "BANK_CARD" and f.column == "银行账号"}
    assert accounts == {row[4] for row in rows}
    assert {f.value for f in r.findings if f.type == "PERSON_NAME"} == {row[1] for row in rows}


def _page_image(path):
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        [(_name, image)] = [(k, v) for k, v in page.obj.Resources.XObject.items() if v.get("/Subtype") == "/Image"]
        return pikepdf.PdfImage(image).as_pil_image().convert("L")


def test_mask_keeps_the_unmasked_glyphs_and_fragments_give_no_false_alarm(zoo, tmp_path):
    spec = zoo("rl_long")
    dst = tmp_path / "out.pdf"
    report = redact_file(spec.path, dst)
    text = _pdfium_text(dst)
    for v in spec.values["CN_RESIDENT_ID"][:20]:
        assert v[:6] in text and v[-4:] in text and v not in _squeeze(text)
    assert report.changes == len(spec.all_values()) + 1  # and the mailbox


def test_cli_redacts_a_long_list_without_a_false_alarm(tmp_path):
    """Masked fragments that close up when spaces are squeezed (杜梓桂 → 杜 桂 reads 杜桂, another person's
    name in the list) and a redacted value that stays legitimately elsewhere are no failure."""
    rows = pdf_zoo.people(60, seed=7)
    rows[3][1], rows[4][1] = "武小明", "武明"
    rows[5][3] = rows[6][3]  # the same mobile twice, both redacted
    src = tmp_path / "in" / "list.pdf"
    src.parent.mkdir()
    pdf_zoo.reportlab_table(src, rows, landscape_page=False)
    res = CliRunner().invoke(main, ["redact", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    out = tmp_path / "out" / "list.pdf"
    text = _pdfium_text(out)
    assert "武 明" in text  # 武小明 masked keeps its first and last character, with the gap
    assert rows[0][2] not in _squeeze(text)


def test_a_value_also_in_a_column_that_is_not_personal_stays_there(tmp_path, scanner):
    """A number that is a phone in one cell and part of a serial in a non-personal column: the phone is cut,
    the serial kept, and the check (by position) does not call the serial a leak."""
    from reportlab.lib import colors
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    font = pdf_zoo._rl_font("cid")
    phone = "13912345678"
    data = [["序号", "户主姓名", "联系电话", "出厂编号"], ["1", "张伟", phone, "20" + phone + "01"],
            ["2", "李娜", "13712345670", "2020123456789012"]]
    src = tmp_path / "a.pdf"
    t = Table(data)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    SimpleDocTemplate(str(src)).build([t])
    dst = tmp_path / "b.pdf"
    redact_file(src, dst, types=["CN_MOBILE"])
    text = _pdfium_text(dst)
    assert "20" + phone + "01" in _squeeze(text) and "139****5678" not in text
    assert scan_file_result(dst, Scanner(types=["CN_MOBILE"])).findings == []


# --- redaction of pages read by OCR ------------------------------------------------------------------

OUTLINES = {"digits_as_paths", "outlined"}  # values drawn as vector paths: refused unless rasterised


@needs_ocr
@pytest.mark.parametrize("name", OCR_READS)
def test_with_ocr_pages_only_ocr_reads_are_redacted_for_real(zoo, scanner, name, tmp_path):
    """Painted in the picture (re-compressed), glyphs under the boxes cut, and checked by a second reader:
    OCR of the written page and the decompressed streams hold none of the planted values."""
    spec = zoo(name)
    dst = tmp_path / "out.pdf"
    mode = "image" if name in OUTLINES else "text"
    report = redact_file(spec.path, dst, strategy="tag", key=KEY, pdf_mode=mode)
    wanted = expected(spec)
    assert report.changes >= len(wanted)
    a, b = _squeeze(_pdfium_text(dst)), _squeeze(_pdfminer_text(dst))
    raw = _streams(dst)
    for v in wanted:
        assert v not in a and v not in b, f"an extractor still reads a value in {name}"
        assert not any(e in raw for e in _encodings(v)), f"a value is still in the streams of {name}"
    r = scan_file_result(dst, scanner)  # OCR of the output: the second reader
    assert r.error is None and r.unread == [] and [f for f in r.findings if f.value in wanted] == []
    if mode == "text":
        # The original picture is gone from the file: no image stream is byte-identical to one before.
        with pikepdf.open(spec.path) as before, pikepdf.open(dst) as after:
            old = {bytes(o.read_raw_bytes()) for o in before.objects
                   if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}
            new = {bytes(o.read_raw_bytes()) for o in after.objects
                   if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}
            assert not (old & new) or name in ("no_tounicode", "one_digit_unmapped", "postscript_round_trip"), name


@needs_ocr
@pytest.mark.parametrize("name", sorted(OUTLINES))
def test_with_ocr_values_drawn_as_outlines_are_refused_unless_rasterised(zoo, name, tmp_path):
    spec = zoo(name)
    dst = tmp_path / "out" / "x.pdf"
    with pytest.raises(RedactionError, match="outlines"):
        redact_file(spec.path, dst)
    assert not dst.exists()


@needs_ocr
def test_cli_redacts_the_scanned_sample_pdf(tmp_path):
    """samples/scans/scan_notice.pdf: redacted, verified by the CLI's own re-scan with OCR, exit 0."""
    from pathlib import Path

    src = Path(__file__).resolve().parent.parent / "samples" / "scans" / "scan_notice.pdf"
    planted = json.loads((src.parent / "planted.json").read_text(encoding="utf-8"))["files"]["scan_notice.pdf"]
    res = CliRunner().invoke(main, ["redact", str(src), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    out = tmp_path / "out" / "scan_notice.pdf"
    r = scan_file_result(out, Scanner())
    assert r.unread == [] and not [f for f in r.findings if any(f.value in v for v in planted.values())]
    raw = _streams(out)
    for values in planted.values():
        for v in values:
            assert not any(e in raw for e in _encodings(v))
    # The rest stays legible: the title, the column headers and the amounts are still read by OCR (the
    # painted cells hide stretches of ruling line, so neighbouring header cells may read as one).
    from piiscan.pdf import ocr_seam
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(out))
    read = ocr_seam.read_page(ocr_seam.ocr_engine(), doc[0], 1)
    doc.close()
    text = "".join(" ".join([i.text] if hasattr(i, "text") else [" ".join(i.header or [])] +
                            [str(c) for row in i.rows for c in row if c]) for i in read.items)
    for kept in ("农机购置补贴资金兑付情况公示", "身份证号码", "银行账号", "补贴金额", "26000", "9800"):
        assert kept in text, kept
