"""Every reader on the generated 乐安-style notice, plus bad input: corrupt, encrypted, empty."""
from __future__ import annotations

import codecs
import importlib.util
import io
import json
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest

from piiscan.files import scan_file, scan_file_results
from piiscan.readers import ReadError
from piiscan.readers.csvfile import sniff_delimiter
from piiscan.scanner import Scanner

ROOT = Path(__file__).resolve().parent.parent
NUMBER_TYPES = ("CN_RESIDENT_ID", "BANK_CARD", "CN_MOBILE", "CN_LANDLINE")
NON_PERSONAL = {"序号", "机具品目", "型号", "出厂编号", "补贴金额", "购机日期"}
NOTICES = ["notice.txt", "notice_utf8.csv", "notice_gbk.csv", "notice.xlsx", "notice.xls", "notice.pdf",
           "notice.docx", "notice.html"]


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path_factory.mktemp("samples")
    mod.main(["--out", str(out), "--rows", "30", "--seed", "7", "--with-scanned"])
    return out


@pytest.fixture(scope="module")
def planted(samples):
    return json.loads((samples / "planted.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scanner():
    return Scanner()


def _by_type(findings):
    out = defaultdict(set)
    for f in findings:
        out[f.type].add(f.value)
    return out


@pytest.mark.parametrize("name", NOTICES)
def test_notice_numbers_found_completely(samples, planted, scanner, name):
    findings = scan_file(samples / name, scanner)
    got = _by_type(findings)
    for t in NUMBER_TYPES:
        missing = set(planted["table"][t]) - got[t]
        assert not missing, f"{name}: {len(missing)} {t} missed"
    # The contact under the table (text, not a cell) is found too, except in the
    # spreadsheet formats where it is not written.
    if name not in ("notice_utf8.csv", "notice_gbk.csv", "notice.xlsx", "notice.xls"):
        assert planted["contact"]["mobile"] in got["CN_MOBILE"]
        assert planted["contact"]["landline"] in got["CN_LANDLINE"]
    # Nothing else of a number type: serials, amounts and dates stay silent.
    allowed = {v for t in NUMBER_TYPES for v in planted["table"][t]} | {planted["contact"]["mobile"], planted["contact"]["landline"]}
    if name == "notice.html":
        allowed.add(planted["html_comment"]["mobile"])
        allowed.add("13800138000")  # the sample's <script> string: scripts are read since issue 15
    if name == "notice.xlsx":
        allowed |= {f.value for f in findings if f.detector == "numeric_cell_lost_digits"}
    assert {v for t in NUMBER_TYPES for v in got[t]} <= allowed
    assert not {f.column for f in findings} & NON_PERSONAL


@pytest.mark.parametrize("name", [n for n in NOTICES if n != "notice.txt"])
def test_table_findings_carry_row_and_column(samples, planted, scanner, name):
    findings = scan_file(samples / name, scanner)
    ids = planted["table"]["CN_RESIDENT_ID"]
    id_findings = [f for f in findings if f.type == "CN_RESIDENT_ID" and f.detector != "numeric_cell_lost_digits"]
    assert all(f.column == "身份证号码" for f in id_findings)
    rows = {f.value: f.row for f in id_findings}
    if name == "notice.xlsx":
        # two sheets of 15 rows each: rows restart per sheet
        assert [rows[v] for v in ids] == list(range(1, 16)) * 2
        assert {f.sheet for f in id_findings} == {"第一批", "第二批"}
    else:
        assert [rows[v] for v in ids] == list(range(1, 31))


@pytest.mark.parametrize("name", NOTICES)
def test_names_and_addresses_found_where_the_detectors_accept_them(samples, planted, scanner, name):
    # Reader contract: every planted name/address the detectors accept under the
    # column header is reported from the document (detector recall is tested elsewhere).
    got = _by_type(scan_file(samples / name, scanner))
    for t, header in (("PERSON_NAME", "户主姓名"), ("CN_ADDRESS", "家庭住址")):
        expected = {v for v in planted["table"][t] if any(f.value == v for f in scanner.scan(v, label=header))}
        if name == "notice.txt":
            # In text the label is "户主姓名：" before the value: same context.
            expected = {v for v in expected if any(f.value == v for f in scanner.scan(f"{header}：{v}"))}
        assert expected <= got[t], f"{name}: {sorted(expected - got[t])[:3]}"


def test_pdf_pages_wrapped_cells_and_continued_table(samples, planted, scanner):
    findings = scan_file(samples / "notice.pdf", scanner)
    pages = {f.page for f in findings}
    assert pages == {1, 2}
    # The table goes on over page 2 without its header: same column names, rows go on counting.
    p2 = [f for f in findings if f.page == 2 and f.row]
    assert p2 and min(f.row for f in p2) > 1 and all(f.column in {"户主姓名", "身份证号码", "家庭住址", "银行账号", "联系电话"} for f in p2)
    # Addresses with 江西省抚州市乐安县 wrap over two lines in their cell: one value.
    long_addresses = [a for a in planted["table"]["CN_ADDRESS"] if a.startswith("江西省")
                      and [f.value for f in scanner.scan(a, label="家庭住址")] == [a]]
    assert len(long_addresses) >= 5
    got = {f.value for f in findings if f.type == "CN_ADDRESS"}
    assert set(long_addresses) <= got
    # and the reader gives the wrapped cell as one value, line break removed
    from piiscan.readers import pdf
    from piiscan.tables import Table, cell_text

    cells = [cell_text(c)[0] for t in pdf.read(samples / "notice.pdf") if isinstance(t, Table) for row in t.rows for c in row]
    assert set(planted["table"]["CN_ADDRESS"]) <= set(cells)


def test_pdf_image_only_page_is_reported(samples, scanner):
    from piiscan import ocr

    with ocr.using(False):  # as without the OCR extra
        [r] = scan_file_results(samples / "attachment_scanned.pdf", scanner)
    assert r.error is None and r.unread == ["not scanned: image-only page 2 (no text layer; OCR it first)"]
    assert r.incomplete


def test_pdf_image_only_page_is_read_with_ocr(samples, scanner):
    from piiscan import ocr

    if not ocr.available():
        pytest.skip('OCR extra not installed: pip install "piiscan-cn[ocr]"')
    [r] = scan_file_results(samples / "attachment_scanned.pdf", scanner)
    # Page 2 is a picture of an empty frame: OCR reads it (nothing on it), so it is no longer unread.
    assert r.error is None and r.unread == [] and not r.incomplete


def test_unread_page_makes_scan_and_check_exit_2(samples, tmp_path):
    """A page that could not be read is never "nothing found": scan and check exit 2 and say why."""
    import json

    from click.testing import CliRunner

    from piiscan.cli import main

    target = tmp_path / "scan.pdf"
    target.write_bytes((samples / "attachment_scanned.pdf").read_bytes())
    # --no-ocr: as without the OCR extra (with it, the page is read: test_pdf_image_only_page_is_read_with_ocr)
    res = CliRunner().invoke(main, ["scan", str(target), "--format", "json", "--no-progress", "--no-ocr"])
    doc = json.loads(res.stdout)
    assert res.exit_code == 2, res.output
    assert doc["unread"] and doc["unread"][0]["path"] == str(target) and doc["summary"]["unread"] == 1
    res = CliRunner().invoke(main, ["check", str(target), "--format", "json", "--no-ocr"])
    assert res.exit_code == 2
    assert json.loads(res.stdout)["unread"]


def test_excel_lost_digits_note(samples, planted, scanner):
    [r] = scan_file_results(samples / "notice.xlsx", scanner)
    assert any("数字格式" in n and "lost" in n for n in r.notes)
    lost = [f for f in r.findings if f.detector == "numeric_cell_lost_digits"]
    assert [f.value[:15] for f in lost] == [v[:15] for v in planted["lost_digit_ids"]]
    assert all(f.sheet == "数字格式" and f.column == "身份证号码" for f in lost)


def test_html_reads_comments_and_scripts_but_not_style_rules(samples, planted, scanner):
    source = (samples / "notice.html").read_bytes().decode("gbk")
    backup = planted["html_comment"]["mobile"]
    assert f"<!-- 备份联系人 {backup} " in source and source.count(backup) == 1  # only in the comment
    assert '<script>var hotline = "13800138000"' in source and "/* 13800138000 in a style" in source
    findings = scan_file(samples / "notice.html", scanner)
    values = {f.value for f in findings}
    assert backup in values  # a comment is published with the page
    # A string in a script is published too (issue 15); a style's rules and comments are not text.
    assert [f.part for f in findings if f.value == "13800138000"] == ["script"]


def test_docx_header_and_footer(samples, planted, scanner):
    import docx

    d = docx.Document(samples / "notice.docx")
    assert planted["contact"]["mobile"] not in "\n".join(p.text for p in d.paragraphs)  # only in the footer
    assert planted["contact"]["mobile"] in {f.value for f in scan_file(samples / "notice.docx", scanner)}


def test_clean_documents_produce_nothing(samples, scanner):
    assert scan_file(samples / "clean_policy.txt", scanner) == []
    assert scan_file(samples / "clean_machinery.xlsx", scanner) == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_encodings_and_delimiters(tmp_path, rng, scanner, encoding, delimiter):
    from piiscan import synth

    ids = [synth.resident_id_number(rng) for _ in range(3)]
    text = delimiter.join(["姓名", "身份证号码", "备注"]) + "\n"
    text += "".join(delimiter.join([synth.person_name(rng), i, "无"]) + "\n" for i in ids)
    p = tmp_path / ("t.tsv" if delimiter == "\t" else "t.csv")
    p.write_bytes(text.encode(encoding))
    findings = [f for f in scan_file(p, scanner) if f.type == "CN_RESIDENT_ID"]
    assert [(f.value, f.row, f.column) for f in findings] == [(i, n, "身份证号码") for n, i in enumerate(ids, 1)]


def test_sniff_one_column():
    assert sniff_delimiter("身份证号码\n361025198001011234\n", "x.csv") == ","
    assert sniff_delimiter("身份证号码\n361025198001011234\n", "x.tsv") == "\t"


# --- bad input ----------------------------------------------------------------

@pytest.mark.parametrize("name, data, reason", [
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 60, "corrupt"),
    ("broken.xlsx", b"this is not a workbook", "not a valid"),
    ("broken.xls", b"not an xls at all", "not a valid .xls"),
    ("broken.docx", b"PK\x03\x04garbage" * 10, "corrupt"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage", "PDF"),
    ("broken.pdf", b"hello", "not a PDF"),
    ("locked.xlsx", codecs.decode("d0cf11e0a1b11ae1", "hex") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
])
def test_bad_files_are_errors_with_a_reason(tmp_path, scanner, name, data, reason):
    p = tmp_path / name
    p.write_bytes(data)
    [r] = scan_file_results(p, scanner)
    assert r.error and reason in r.error and not r.findings
    with pytest.raises(ReadError, match=name):
        scan_file(p, scanner)


def test_encrypted_pdf(tmp_path, samples, scanner):
    import pikepdf

    p = tmp_path / "locked.pdf"
    with pikepdf.open(samples / "notice.pdf") as pdf:
        pdf.save(p, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    [r] = scan_file_results(p, scanner)
    assert r.error and "encrypted" in r.error


@pytest.mark.parametrize("name", ["e.csv", "e.xlsx", "e.xls", "e.pdf", "e.docx", "e.html", "e.txt"])
def test_empty_files(tmp_path, scanner, name):
    p = tmp_path / name
    p.write_bytes(b"")
    [r] = scan_file_results(p, scanner)
    assert r.error is None and r.findings == []


def test_inputs_are_not_modified(samples, scanner):
    before = {p.name: p.read_bytes() for p in samples.iterdir() if p.is_file()}
    for name in NOTICES:
        scan_file(samples / name, scanner)
    assert before == {p.name: p.read_bytes() for p in samples.iterdir() if p.is_file()}
