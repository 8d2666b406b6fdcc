"""Excel, Word and HTML writers: planted values gone, re-scan clean, everything else kept."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from piiscan.files import scan_file_result
from piiscan.redact import redact_file
from piiscan.scanner import Scanner

from test_redact_files import HEADER, KEY, people, secret_values

STRATEGIES = ["mask", "tag", "pseudonymize", "encrypt", "generalize", "fake"]
NUMERIC_SCANNER = Scanner(types=["CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD", "CN_LANDLINE", "EMAIL_ADDRESS"])


def all_text(path: Path) -> str:
    """Every byte of every part of an Office zip, decoded: values must not hide anywhere."""
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def check(dst: Path, values: list[str], strategy: str, raw: str) -> None:
    for v in values:
        assert v not in raw
    res = scan_file_result(dst, NUMERIC_SCANNER)
    assert res.error is None
    if strategy != "fake":
        assert res.findings == []


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_xlsx_only_affected_cells_change(tmp_path, strategy):
    import openpyxl
    from openpyxl.styles import Font

    rows = people(6)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示"
    ws.append(["乐安县2020年农机购置补贴公示"])  # a title row above the header
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    ws["A1"].font = Font(bold=True, size=16)
    ws.column_dimensions["C"].width = 24
    ws.cell(row=3, column=7, value=int(rows[0][3]))  # a phone typed as a number
    other = wb.create_sheet("说明")
    other["A1"] = "本表不含个人信息"
    src, dst = tmp_path / "a.xlsx", tmp_path / "out" / "a.xlsx"
    wb.save(src)
    redact_file(src, dst, strategy=strategy, key=KEY)
    check(dst, secret_values(rows), strategy, all_text(dst))
    out = openpyxl.load_workbook(dst)
    o = out["公示"]
    assert out.sheetnames == ["公示", "说明"] and out["说明"]["A1"].value == "本表不含个人信息"
    assert o["A1"].font.bold and o["A1"].font.size == 16 and o.column_dimensions["C"].width == 24
    for i, r in enumerate(rows, start=3):
        assert o.cell(row=i, column=1).value == r[0] and o.cell(row=i, column=6).value == r[5]
    assert o.max_row == len(rows) + 2


def test_xls_values(tmp_path):
    import xlwt

    rows = people(4)
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for r, row in enumerate([HEADER] + rows):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    src, dst = tmp_path / "a.xls", tmp_path / "b.xls"
    wb.save(str(src))
    report = redact_file(src, dst)
    import xlrd

    sheet = xlrd.open_workbook(dst).sheet_by_index(0)
    flat = " ".join(str(sheet.cell_value(r, c)) for r in range(sheet.nrows) for c in range(sheet.ncols))
    check(dst, secret_values(rows), "mask", flat)
    assert sheet.nrows == 5 and report.notes


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_docx_runs_tables_headers(tmp_path, strategy):
    import docx

    rows = people(4)
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "联系人电话 " + rows[3][3]
    p = d.add_paragraph("户主身份证号：")
    # Split one ID over three runs with different formatting, as Word does.
    rid = rows[0][2]
    p.add_run(rid[:5]).bold = True
    p.add_run(rid[5:12])
    p.add_run(rid[12:] + "，已公示。").italic = True
    t = d.add_table(rows=1, cols=len(HEADER))
    for c, h in enumerate(HEADER):
        t.rows[0].cells[c].text = h
    for r in rows:
        cells = t.add_row().cells
        for c, v in enumerate(r):
            cells[c].text = v
    src, dst = tmp_path / "a.docx", tmp_path / "b.docx"
    d.save(src)
    redact_file(src, dst, strategy=strategy, key=KEY)
    check(dst, secret_values(rows), strategy, all_text(dst))
    out = docx.Document(dst)
    runs = out.paragraphs[0].runs
    assert out.paragraphs[0].text.startswith("户主身份证号：") and out.paragraphs[0].text.endswith("，已公示。")
    assert runs[1].bold and runs[3].italic  # formatting of each run kept
    assert [c.text for c in out.tables[0].rows[0].cells] == HEADER
    assert [r.cells[5].text for r in out.tables[0].rows[1:]] == [r[5] for r in rows]


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_html_only_text_changes(tmp_path, strategy, encoding):
    rows = people(4)
    body = "".join(f"<tr><td>{r[0]}</td><td>{r[1]}</td><td>{r[2]}</td><td>{r[3]}</td><td>{r[4]}</td><td>{r[5]}</td></tr>\n" for r in rows)
    head = "".join(f"<th>{h}</th>" for h in HEADER)
    html = (f'<!DOCTYPE html>\n<html><head><meta charset="{encoding}"><title>补贴公示</title>'
            f'<style>td {{ border: 1px solid #000 }}</style></head>\n<body class=main>\n'
            f'<p data-phone="{rows[0][3]}">联系人：{rows[0][1]}，电话&nbsp;{rows[1][3]}</p>\n'
            f'<table border=1><tr>{head}</tr>\n{body}</table><!-- 备注 --></body></html>\n')
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_bytes(html.encode(encoding))
    redact_file(src, dst, strategy=strategy, key=KEY)
    out = dst.read_bytes().decode(encoding)
    check(dst, secret_values(rows), strategy, out)
    for keep in ('<!DOCTYPE html>\n<html><head><meta charset="', "<style>td { border: 1px solid #000 }</style>",
                 "<body class=main>", "<table border=1>", "<!-- 备注 -->", head):
        assert keep in out
    assert out.count("<tr>") == len(rows) + 1


def test_script_text_is_not_html_escaped(tmp_path):
    """The writer used to HTML-escape a whole redacted chunk: inside <script> that broke the code."""
    import random

    from piiscan import synth

    phone = synth.mobile_number(random.Random(16))
    js = f'if (a < b && c) {{ call("{phone}"); }}'
    html = f"<html><body><script>{js}</script></body></html>"
    src, dst = tmp_path / "a.html", tmp_path / "b.html"
    src.write_text(html, encoding="utf-8")
    redact_file(src, dst, strategy="tag", tag_format="<{type}>")
    out = dst.read_text(encoding="utf-8")
    assert out == html.replace(phone, "＜CN_MOBILE＞")


def test_docx_footnotes_are_redacted(tmp_path):
    """python-docx keeps footnotes.xml as bytes; the reader scans it, so the writer must redact it."""
    import io
    import zipfile

    import docx as python_docx

    from piiscan import scan_file, synth
    from piiscan.redact import redact_file

    phone = synth.mobile_number(__import__("random").Random(5))
    d = python_docx.Document()
    d.add_paragraph("公示正文")
    buf = io.BytesIO()
    d.save(buf)
    src = tmp_path / "fn.docx"
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    foot = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
            f'<w:footnote w:id="1"><w:p><w:r><w:t>联系电话：{phone}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as out:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
            out.writestr(item, data)
        out.writestr("word/footnotes.xml", foot.encode("utf-8"))
    assert [f.value for f in scan_file(src)] == [phone]
    dst = tmp_path / "out" / "fn.docx"
    redact_file(src, dst)
    assert scan_file(dst) == []
    with zipfile.ZipFile(dst) as z:
        notes = z.read("word/footnotes.xml").decode("utf-8")
    assert phone not in notes and phone[:3] + "****" + phone[-4:] in notes


def test_docx_label_in_one_paragraph_value_in_the_next(tmp_path):
    """The reader joins body paragraphs (姓名 on one line, the name on the next): so must the writer.

    Redacting paragraph by paragraph left the name, the re-scan found it and redact failed (exit 1).
    """
    import random

    import docx
    from click.testing import CliRunner

    from piiscan import synth
    from piiscan.cli.redact import redact as redact_cmd

    rng = random.Random(41)
    name, phone = synth.person_name(rng), synth.mobile_number(rng)
    d = docx.Document()
    for text in ("户主姓名：", name, "联系电话：", phone):
        d.add_paragraph(text)
    src = tmp_path / "in" / "a.docx"
    src.parent.mkdir()
    d.save(src)
    assert {f.value for f in scan_file_result(src, Scanner()).findings} >= {name, phone}
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    text = all_text(tmp_path / "out" / "a.docx")
    assert name not in text and phone not in text
    assert [p.text for p in docx.Document(tmp_path / "out" / "a.docx").paragraphs][0] == "户主姓名："


@pytest.mark.parametrize("header", ["姓 名", "收款人", "户主姓名（必填）"])
def test_docx_table_columns_as_the_reader_classifies_them(tmp_path, header):
    """A column of names under a header the detectors do not know as such (姓 名 with a space, 收款人):
    the reader classifies it as a table and finds every name; the writer used the raw header as context,
    found none, and redact failed with a leak. It now redacts tables with the same table scan."""
    import random

    import docx
    from click.testing import CliRunner

    from piiscan import synth
    from piiscan.cli.redact import redact as redact_cmd

    rng = random.Random(42)
    names = [synth.person_name(rng) for _ in range(8)]
    d = docx.Document()
    t = d.add_table(rows=1, cols=3)
    for c, h in enumerate(["序号", header, "补贴金额"]):
        t.rows[0].cells[c].text = h
    for i, name in enumerate(names):
        cells = t.add_row().cells
        cells[0].text, cells[2].text = str(i + 1), "1200"
        p = cells[1].paragraphs[0]
        p.add_run(name[:1]).bold = True  # a name split over two runs
        p.add_run(name[1:])
    src = tmp_path / "in" / "a.docx"
    src.parent.mkdir()
    d.save(src)
    assert {f.value for f in scan_file_result(src, Scanner()).findings} == set(names)
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = docx.Document(tmp_path / "out" / "a.docx")
    text = all_text(tmp_path / "out" / "a.docx")
    assert not any(name in text for name in names)
    assert [r.cells[2].text for r in out.tables[0].rows[1:]] == ["1200"] * 8
    assert out.tables[0].rows[1].cells[1].paragraphs[0].runs[0].bold
