"""Word and Excel: a value in any part of the file is found by scan, and gone from every part after redact.

Each case plants one synthetic mobile number in one place of a generated
file (tests/office_builders.py). ``scan`` must report it, with the part it
is in; ``redact`` (through the CLI, which re-scans its output) must exit 0,
and an independent route — unzip the output, embedded packages included,
and grep every part's decompressed bytes — must not find the raw value.
"""
from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli.redact import redact as redact_cmd
from piiscan.files import scan_file_result
from piiscan.scanner import Scanner

from office_builders import docx_hidden, parts_holding, unzip_all

MOBILE = Scanner(types=["CN_MOBILE"])

# kind -> the Finding.part expected (None: the body)
DOCX_PARTS = {
    "core title": "docProps/core.xml",
    "core category": "docProps/core.xml",
    "app company": "docProps/app.xml",
    "custom property": "docProps/custom.xml",
    "docVars": "docVars",
    "tel link": "hyperlink",
    "mailto link": "hyperlink",
    "query link": "hyperlink",
    "percent link": "hyperlink",
    "alt text": "word/document.xml",
    "shape title": "word/document.xml",
    "chart cache": "word/charts/chart1.xml",
    "chart value cache": "word/charts/chart1.xml",
    "smartart": "word/diagrams/data1.xml",
    "embedded workbook": "word/embeddings/Microsoft_Excel_Worksheet.xlsx",
    "altChunk html": "word/afchunk.htm",
    "customXml": "customXml/item2.xml",
    "form field default": "word/document.xml",
    "field code": "field code",
    "fallback only": None,
    "text box": None,
}

# Kinds whose value the file holds in pieces (runs of a chart title, two field-code runs).
SPLIT = {"chart cache", "field code"}


def value_for(kind: str) -> str:
    return synth.mobile_number(random.Random(zlib.crc32(kind.encode())))


def redact_cli(src: Path, out: Path) -> tuple[int, str]:
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(out)], catch_exceptions=False)
    return res.exit_code, res.output


@pytest.mark.parametrize("kind", sorted(DOCX_PARTS))
def test_docx_value_found_and_gone(tmp_path, kind):
    value = value_for(kind)
    src = tmp_path / "in" / "a.docx"
    src.parent.mkdir()
    src.write_bytes(docx_hidden(kind, value))
    assert parts_holding(src, value) or kind in SPLIT, "the builder must plant the value"
    res = scan_file_result(src, MOBILE)
    assert res.error is None, res.error
    assert [f.value for f in res.findings] != [] and {f.value for f in res.findings} == {value}
    assert DOCX_PARTS[kind] in {f.part for f in res.findings}
    code, output = redact_cli(src, tmp_path / "out")
    dst = tmp_path / "out" / "a.docx"
    if res.unread:
        # A picture nobody read (no OCR for it) may show a value: the CLI cannot verify the
        # copy and refuses it. The writer's own work is checked part by part all the same.
        assert code == 2 and "not read" in output and not dst.exists(), output
        from piiscan.redact import redact_file

        dst = tmp_path / "api" / "a.docx"
        redact_file(src, dst)
    else:
        assert code == 0, output
    assert parts_holding(dst, value) == []
    assert scan_file_result(dst, MOBILE).findings == []
    import docx

    docx.Document(str(dst))  # still a Word document


def test_docx_chart_title_split_over_runs_is_one_value(tmp_path):
    value = value_for("chart cache")
    src = tmp_path / "a.docx"
    src.write_bytes(docx_hidden("chart cache", value))
    assert value[:4] + "<" in (unzip_all(src.read_bytes())["word/charts/chart1.xml"].decode())  # split in the file
    assert [f.value for f in scan_file_result(src, MOBILE).findings] == [value]


@pytest.mark.parametrize("kind", ["embedded object", "altChunk rtf", "activeX"])
def test_docx_unreadable_content_is_unread_then_removed(tmp_path, kind):
    value = value_for(kind)
    src = tmp_path / "in" / "a.docx"
    src.parent.mkdir()
    src.write_bytes(docx_hidden(kind, value))
    res = scan_file_result(src, MOBILE)
    assert res.unread and res.incomplete  # check and scan exit 2: nobody read it
    code, output = redact_cli(src, tmp_path / "out")
    assert code == 0, output
    dst = tmp_path / "out" / "a.docx"
    assert parts_holding(dst, value) == []
    parts = unzip_all(dst.read_bytes())
    assert not any("embeddings/oleObject" in n or "afchunk.rtf" in n or "activeX" in n for n in parts)
    for rid in (b"rId95", b"rId96", b"rId98"):
        assert rid not in parts["word/document.xml"]
    assert b"oleObject1.bin" not in parts["word/_rels/document.xml.rels"]
    assert scan_file_result(dst, MOBILE).unread == []
    import docx

    docx.Document(str(dst))


@pytest.fixture
def missing_extra(monkeypatch):
    """The OCR extra as if it were not installed (with it, pictures are read: tests/test_office_pictures.py)."""
    from piiscan.ocr import engine

    monkeypatch.setattr(engine, "_PROBLEM", f"image: {engine.INSTALL_HINT}")
    monkeypatch.setattr(engine, "_ENGINE", None)


def test_docx_picture_is_unread_and_kept(tmp_path, missing_extra):
    src = tmp_path / "in" / "a.docx"
    src.parent.mkdir()
    src.write_bytes(docx_hidden("picture", ""))
    res = scan_file_result(src, MOBILE)
    assert len(res.unread) == 1 and "picture not read: install piiscan-cn[ocr]" in res.unread[0]
    assert "word/media/" in res.unread[0]
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    # The picture may show a value nobody read: the copy cannot be verified, so none is kept (exit 2).
    assert res.exit_code == 2 and "picture not read" in res.output
    assert not (tmp_path / "out" / "a.docx").exists()


def test_docx_thumbnail_is_a_note_and_removed(tmp_path):
    src = tmp_path / "in" / "a.docx"
    src.parent.mkdir()
    src.write_bytes(docx_hidden("thumbnail", ""))
    assert "docProps/thumbnail.jpeg" in unzip_all(src.read_bytes())
    res = scan_file_result(src, MOBILE)
    assert res.unread == [] and any("thumbnail" in n for n in res.notes)
    code, output = redact_cli(src, tmp_path / "out")
    assert code == 0, output
    parts = unzip_all((tmp_path / "out" / "a.docx").read_bytes())
    assert "docProps/thumbnail.jpeg" not in parts
    assert b"thumbnail" not in parts["_rels/.rels"]


def test_docx_fallback_copy_is_read_once(tmp_path):
    value = value_for("text box")
    src = tmp_path / "a.docx"
    src.write_bytes(docx_hidden("text box", value))
    assert [f.value for f in scan_file_result(src, MOBILE).findings] == [value]


def test_docx_body_formatting_and_other_parts_untouched(tmp_path):
    """Parts without findings keep their bytes; the redacted body still has its runs."""
    value = value_for("core title")
    src, dst = tmp_path / "a.docx", tmp_path / "b.docx"
    src.write_bytes(docx_hidden("core title", value))
    from piiscan.redact import redact_file

    redact_file(src, dst)
    before, after = unzip_all(src.read_bytes()), unzip_all(dst.read_bytes())
    changed = {n for n in after if before.get(n) != after[n]}
    assert changed == {"docProps/core.xml", "_rels/.rels"}  # the thumbnail's relationship is gone
    assert set(before) - set(after) == {"docProps/thumbnail.jpeg"}


# --- Excel -------------------------------------------------------------------------------------

from office_builders import xlsx_hidden  # noqa: E402

XLSX_PARTS = {
    "core title": "docProps/core.xml",
    "core category": "docProps/core.xml",
    "app company": "docProps/app.xml",
    "custom property": "docProps/custom.xml",
    "defined name": "defined name",
    "data validation": "data validation",
    "tel hyperlink": "hyperlink",
    "query hyperlink": "hyperlink",
    "header": "header/footer",
    "footer": "header/footer",
    "chart title": "xl/charts/chart1.xml",
    "text box": "xl/drawings/drawing1.xml",
    "shape alt text": "xl/drawings/drawing1.xml",
    "pivot cache": "xl/pivotCache/pivotCacheRecords1.xml",
    "sheet name": "sheet name",
    "comment": "comment",
    "unused shared string": "xl/sharedStrings.xml (unused string)",
    "formula concat": None,
    "formula concatenate": None,
    "formula with cache": None,
    "customXml": "customXml/item1.xml",
    "embedded document": "xl/embeddings/Microsoft_Word_Document.docx",
}
XLSX_SPLIT = {"formula concat", "formula concatenate"}


@pytest.mark.parametrize("kind", sorted(XLSX_PARTS))
def test_xlsx_value_found_and_gone(tmp_path, kind):
    import openpyxl

    value = value_for("x" + kind)
    src = tmp_path / "in" / "a.xlsx"
    src.parent.mkdir()
    src.write_bytes(xlsx_hidden(kind, value))
    assert parts_holding(src, value) or kind in XLSX_SPLIT, "the builder must plant the value"
    res = scan_file_result(src, MOBILE)
    assert res.error is None, res.error
    assert res.findings and {f.value for f in res.findings} == {value}
    assert XLSX_PARTS[kind] in {f.part for f in res.findings}
    code, output = redact_cli(src, tmp_path / "out")
    assert code == 0, output
    dst = tmp_path / "out" / "a.xlsx"
    assert parts_holding(dst, value) == []
    for name, body in unzip_all(dst.read_bytes()).items():  # no formula can rebuild it either
        assert value[:7].encode() not in body or name.endswith(".rels"), name
    assert scan_file_result(dst, MOBILE).findings == []
    openpyxl.load_workbook(dst)  # still a workbook


def test_xlsx_formula_is_replaced_by_its_redacted_value(tmp_path):
    import openpyxl

    value = value_for("formula")
    src, dst = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    src.write_bytes(xlsx_hidden("formula concat", value))
    from piiscan.redact import redact_file

    redact_file(src, dst)
    ws = openpyxl.load_workbook(dst)["公示"]
    assert ws["C2"].value == value[:3] + "****" + value[-4:] and ws["C2"].data_type == "s"


def test_xlsx_sheet_rename_follows_references(tmp_path):
    import openpyxl

    value = value_for("sheet")
    src, dst = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    src.write_bytes(xlsx_hidden("sheet name", value))
    from piiscan.redact import redact_file

    redact_file(src, dst)
    wb = openpyxl.load_workbook(dst)
    masked = f"户主{value[:3]}＊＊＊＊{value[-4:]}"
    assert wb.sheetnames == [masked, "汇总"]
    assert wb["汇总"]["A1"].value == f"='{masked}'!B2"


@pytest.mark.parametrize("kind", ["embedded object", "picture"])
def test_xlsx_unreadable_content_is_unread(tmp_path, kind, missing_extra):
    value = value_for("x" + kind)
    src = tmp_path / "in" / "a.xlsx"
    src.parent.mkdir()
    src.write_bytes(xlsx_hidden(kind, value))
    res = scan_file_result(src, MOBILE)
    assert res.unread and res.incomplete
    if kind == "picture":
        assert "picture not read: install piiscan-cn[ocr]" in res.unread[0]
        return
    code, output = redact_cli(src, tmp_path / "out")
    assert code == 0, output
    assert parts_holding(tmp_path / "out" / "a.xlsx", value) == []
    assert scan_file_result(tmp_path / "out" / "a.xlsx", MOBILE).unread == []


def test_xls_sheet_name_found_and_redacted(tmp_path):
    import xlrd
    import xlwt

    from office_builders import planted_forms

    value = value_for("xls sheet")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(f"户主{value}")
    ws.write(0, 0, "序号")
    ws.write(1, 0, 1)
    src = tmp_path / "in" / "a.xls"
    src.parent.mkdir()
    wb.save(str(src))
    assert any(form in src.read_bytes() for form in planted_forms(value))
    res = scan_file_result(src, MOBILE)
    assert [(f.value, f.part) for f in res.findings] == [(value, "sheet name")]
    code, output = redact_cli(src, tmp_path / "out")
    assert code == 0, output
    dst = tmp_path / "out" / "a.xls"
    assert not any(form in dst.read_bytes() for form in planted_forms(value))
    assert xlrd.open_workbook(dst).sheet_names() == [f"户主{value[:3]}＊＊＊＊{value[-4:]}"]


@pytest.mark.parametrize("builder, kind, name", [("docx", "picture", "a.docx"), ("xlsx", "picture", "a.xlsx"),
                                                  ("docx", "embedded object", "a.docx")])
def test_check_does_not_pass_what_it_could_not_read(tmp_path, builder, kind, name, missing_extra):
    """The gate exits 2 for a picture (no OCR) or an embedded object: it was not checked."""
    from gate_helpers import cli

    from office_builders import docx_hidden as dh, xlsx_hidden as xh

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / name).write_bytes((dh if builder == "docx" else xh)(kind, value_for(kind)))
    res = CliRunner().invoke(cli, ["check", str(folder), "--no-baseline"], catch_exceptions=False)
    assert res.exit_code == 2, res.output
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / name).write_bytes((dh if builder == "docx" else xh)("core title", "公示"))
    assert CliRunner().invoke(cli, ["check", str(clean), "--no-baseline"], catch_exceptions=False).exit_code == 0


def test_docx_people_part_email(tmp_path):
    """word/people.xml names each editor with an e-mail address (w15:userId)."""
    from office_builders import base_docx, patch

    email = "zhang.san.139@example.com"
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    people = (f'<?xml version="1.0" encoding="UTF-8"?><w15:people xmlns:w15="{w15}"><w15:person w15:author="审核员">'
              f'<w15:presenceInfo w15:providerId="AD" w15:userId="{email}"/></w15:person></w15:people>')
    src = tmp_path / "in" / "a.docx"
    src.parent.mkdir()
    src.write_bytes(patch(base_docx(), add={"word/people.xml": people.encode()}))
    found = scan_file_result(src, Scanner(types=["EMAIL_ADDRESS"])).findings
    assert [(f.value, f.part) for f in found] == [(email, "word/people.xml")]
    code, output = redact_cli(src, tmp_path / "out")
    assert code == 0, output
    assert parts_holding(tmp_path / "out" / "a.docx", email) == []


# --- legacy .xls: document properties (SummaryInformation, DocumentSummaryInformation) ----------

def _xls_with_properties(tmp_path: Path, cell: str = "1", **streams: bytes) -> Path:
    import io

    import olefile
    import xlwt

    from ole_builder import xls_with_properties

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("名单")
    ws.write(0, 0, "备注")
    ws.write(1, 0, cell)
    buf = io.BytesIO()
    wb.save(buf)
    book = olefile.OleFileIO(io.BytesIO(buf.getvalue())).openstream("Workbook").read()
    src = tmp_path / "in" / "a.xls"
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(xls_with_properties(book, **streams))
    return src


@pytest.mark.parametrize("where", ["title", "comments", "company", "custom"])
def test_xls_document_properties_found_and_gone(tmp_path, where):
    from ole_builder import doc_summary, summary

    from office_builders import planted_forms

    value = value_for(f"xls {where}")
    streams = {"summary": summary(title=f"联系 {value}" if where == "title" else "补贴名单",
                                  comments=f"经办人电话{value}" if where == "comments" else "")}
    if where == "company":
        streams["doc_summary"] = doc_summary(company=f"合作社 {value}")
    if where == "custom":
        streams["doc_summary"] = doc_summary(custom={"户主电话": value})
    src = _xls_with_properties(tmp_path, **streams)
    assert any(form in src.read_bytes() for form in planted_forms(value))
    res = scan_file_result(src, MOBILE)
    assert res.error is None
    expected = {"title": "title", "comments": "comments", "company": "company", "custom": "户主电话"}[where]
    assert [(f.value, f.part) for f in res.findings] == [(value, f"document properties ({expected})")]
    code, output = redact_cli(src, tmp_path / "out")
    assert code == 0, output
    dst = tmp_path / "out" / "a.xls"
    assert not any(form in dst.read_bytes() for form in planted_forms(value))
    assert scan_file_result(dst, MOBILE).findings == []


def test_xls_custom_property_name_is_scanned(tmp_path):
    from ole_builder import doc_summary

    value = value_for("xls custom name")
    src = _xls_with_properties(tmp_path, doc_summary=doc_summary(custom={f"联系{value}": "是"}))
    assert [(f.value, f.part) for f in scan_file_result(src, MOBILE).findings] == [
        (value, "document properties (custom property name)")]


def test_xls_broken_property_stream_keeps_the_cells(tmp_path):
    """A property stream cut short ends its properties; the workbook is still read."""
    from ole_builder import summary

    value, other = value_for("xls broken"), value_for("xls cell")
    stream = summary(title=f"联系 {value}", author="某某")
    src = _xls_with_properties(tmp_path, cell=f"电话{other}", summary=stream[:60] + b"\xff" * 40)
    res = scan_file_result(src, MOBILE)
    assert res.error is None and [f.value for f in res.findings] == [other]


def test_property_streams_of_any_bytes_never_raise():
    from hypothesis import given, settings, strategies as st

    from ole_builder import cfb, summary
    from piiscan.readers.oleprops import text_properties

    good = summary(title="某某", comments="说明")

    @settings(max_examples=150, deadline=None)
    @given(st.binary(max_size=300), st.integers(0, len(good)), st.binary(max_size=8))
    def run(noise, at, patch):
        for stream in (noise, good[:at] + patch + good[at + len(patch):]):
            data = cfb({"Workbook": b"\0" * 16, "\x05SummaryInformation": stream})
            assert all(isinstance(p.text, str) for p in text_properties(data))

    run()
