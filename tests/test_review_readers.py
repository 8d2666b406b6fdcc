"""Review fixes in readers, tables and files: each test failed before its fix."""
from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.files import iter_files, scan_file, scan_path, scan_results
from piiscan.readers import ReadError
from piiscan.readers.text import detect_encoding, looks_binary
from piiscan.scanner import Scanner
from piiscan.stream import scan_stream


@pytest.fixture(scope="module")
def scanner():
    return Scanner()


def _notice(phone: str) -> str:
    # Chinese-dominant: only the phone's digits put NULs in the UTF-16 bytes.
    return ("乐安县农机购置补贴资金兑付情况公示。根据省农业农村厅关于做好农机购置补贴工作的通知要求，"
            "现将我县第三批补贴对象予以公示，公示期为七天。如有异议请致电联系人，电话" + phone + "。\n"
            + "经县农业农村局审核，以上补贴对象符合补贴条件，予以兑付。\n" * 4)


# --- 1. UTF-16 without BOM ------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_mostly_chinese_is_text(tmp_path, scanner, codec):
    phone = synth.mobile_number(random.Random(16))
    data = _notice(phone).encode(codec)
    assert 0 < data.count(0) < len(data) // 8  # few NULs: the old rule called this binary
    assert not looks_binary(data)
    assert detect_encoding(data) == codec
    p = tmp_path / "notice.txt"
    p.write_bytes(data)
    [r] = list(scan_results([p], scanner))
    assert r.skipped is None and r.error is None
    assert phone in {f.value for f in r.findings}
    # The stream reader detects encodings with the same rule.
    assert phone in {f.value for f in scan_stream(io.BytesIO(data), scanner, chunk_chars=64, overlap=32)}
    assert phone in {f.value for f in scan_stream(p, scanner)}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_and_without_nuls(codec):
    data = "乐安县农机购置补贴资金兑付情况公示，公示期为七天。".encode(codec)
    assert 0 not in data
    assert detect_encoding(data) == codec


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_chinese_in_other_encodings_is_not_taken_for_utf16(codec):
    assert detect_encoding(_notice("13800138000").encode(codec)) == codec


def test_binary_with_nuls_stays_binary():
    rng = random.Random(5)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(8, 2000))) + b"\x00\x00"
        assert looks_binary(data)
    assert looks_binary(b"\x7fELF\x02\x01\x01" + b"\x00" * 64)


# --- 5. unreadable folders --------------------------------------------------

def test_unlistable_subfolder_is_an_error_not_silence(tmp_path, scanner, monkeypatch):
    rng = random.Random(3)
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("手机 " + synth.mobile_number(rng), encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("手机 " + synth.mobile_number(rng), encoding="utf-8")
    real = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert locked in list(iter_files([tmp_path]))
    results = {Path(r.path).name: r for r in scan_results([tmp_path], scanner)}
    assert results["a.txt"].findings
    assert "Permission denied" in results["locked"].error
    from piiscan.cli import main

    assert CliRunner().invoke(main, ["scan", str(tmp_path)]).exit_code == 2


def test_unlistable_top_folder_is_an_error(tmp_path, scanner, monkeypatch):
    real = os.scandir

    def scandir(path="."):
        if Path(path) == tmp_path:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    [r] = list(scan_results([tmp_path], scanner))
    assert r.error and "Permission denied" in r.error


# --- 6. scan_file on a skipped file ------------------------------------------

def test_scan_file_raises_for_a_skipped_file(tmp_path, scanner):
    p = tmp_path / "x.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(ReadError, match="legacy Word"):
        scan_file(p, scanner)
    b = tmp_path / "blob.bin"
    b.write_bytes(b"\x00\x01\x02\x03PK\x00" * 200)
    with pytest.raises(ReadError, match="binary"):
        scan_file(b, scanner)
    # scan_path stays lenient: skips give no findings and no exception.
    assert scan_path(tmp_path, scanner) == []


# --- 2. exact integers are not Excel-truncated floats ---------------------------

def test_dataframe_integer_ids_and_cards_keep_every_digit(scanner):
    import numpy as np
    import pandas as pd

    from piiscan.files import scan_dataframe
    from piiscan.tables import LOST_DIGITS, cell_text

    rng = random.Random(11)
    ids = []
    while len(ids) < 5:  # an X check digit cannot be an int
        i = synth.resident_id_number(rng)
        if i[-1].isdigit():
            ids.append(i)
    card = synth.bank_card_number(rng, 19)
    df = pd.DataFrame({"身份证号码": pd.Series([int(i) for i in ids], dtype="int64"),
                       "银行卡号": pd.Series([int(card)] + [None] * (len(ids) - 1), dtype=object)})
    assert df["身份证号码"].dtype == np.int64
    findings, classes = scan_dataframe(df, scanner)
    assert not [f for f in findings if f.detector == LOST_DIGITS]
    assert {f.value for f in findings if f.type == "CN_RESIDENT_ID"} == set(ids)
    assert card in {f.value for f in findings if f.type == "BANK_CARD"}
    assert not any(c.note for c in classes)
    assert cell_text(np.int64(ids[0])) == (ids[0], False)
    assert cell_text(float(ids[0]))[1] is True  # a float did lose digits


# --- 3. a header-less table's first row is data --------------------------------

@pytest.mark.parametrize("address", ["江西省抚州市乐安县鳌溪镇湖溪村3组", "江西省抚州市乐安县鳌溪镇湖溪村"])
def test_headerless_csv_first_row_is_scanned_and_never_a_column_name(tmp_path, scanner, address):
    rows = [["张三", "男", address], ["李四", "女", "江西省抚州市乐安县鳌溪镇湖溪村4组"],
            ["王五", "男", "江西省抚州市乐安县鳌溪镇湖溪村5组"]]
    p = tmp_path / "people.csv"
    p.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    findings = scan_file(p, scanner)
    assert {f.column for f in findings} <= {"列1", "列2", "列3"}
    assert all("张三" not in (f.column or "") and "湖溪村" not in (f.column or "") for f in findings)
    assert any(f.row == 1 and f.type == "CN_ADDRESS" for f in findings)


def test_header_cell_with_personal_data_is_data(scanner):
    from piiscan.tables import Table, scan_table, split_header

    rng = random.Random(12)
    phone = synth.mobile_number(rng)
    rows = [["户主姓名：王建国", f"联系电话：{phone}", "备注"], ["李四", synth.mobile_number(rng), "无"]]
    header, data, _ = split_header(rows)
    assert header == ["列1", "列2", "列3"] and data[0] == rows[0]
    findings, _ = scan_table(Table(rows), scanner)
    assert phone in {f.value for f in findings}
    assert all(phone not in (f.column or "") for f in findings)


# --- 8. the per-cell hot path -------------------------------------------------------

def test_cells_use_precompiled_patterns_and_per_column_facts(scanner, monkeypatch):
    import regex

    from piiscan import tables

    calls = []
    real_label_for = tables._label_for
    monkeypatch.setattr(tables, "_label_for", lambda col: calls.append(col.index) or real_label_for(col))

    def no_module_sub(*a, **k):
        raise AssertionError("regex.sub compiles (or looks up) its pattern on every cell")

    monkeypatch.setattr(regex, "sub", no_module_sub)
    rng = random.Random(8)
    rows = [["姓名", "联系\n电话", "家庭住址"]] + [
        [synth.person_name(rng), synth.mobile_number(rng), "鳌溪镇\n湖溪村3组"] for _ in range(40)]
    findings, classes = tables.scan_table(tables.Table(rows), scanner)
    assert [c.column for c in classes] == ["姓名", "联系电话", "家庭住址"]
    assert sorted(calls) == [0, 1, 2]  # once per column, not per cell
    assert tables.cell_text("鳌溪镇\n 湖溪村") == ("鳌溪镇湖溪村", False)


# --- 4. published text the readers skipped --------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_with_hidden_places(values: dict[str, str]) -> bytes:
    """A .docx with a value in a comment, a footnote, an endnote, a text box and the core properties."""
    import zipfile

    import docx

    d = docx.Document()
    d.add_paragraph("乐安县农机购置补贴公示")
    para = d.add_paragraph("正文没有个人信息。")
    d.add_comment(para.runs, text=f"核对电话{values['comment']}", author="审核")
    d.core_properties.title = f"公示 联系电话{values['title']}"
    d.core_properties.author = f"经办人手机{values['author']}"
    d.core_properties.keywords = f"邮箱 {values['keywords']}"
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    ns = (f'xmlns:w="{_W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')

    def note(kind, text):
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s xmlns:w="{_W_NS}">'
                f'<w:{kind} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}></w:{kind}s>')

    box = (f'<w:p {ns}><w:r><mc:AlternateContent><mc:Choice Requires="wps"><wps:txbx><w:txbxContent>'
           f'<w:p><w:r><w:t>文本框 联系电话{values["textbox"]}</w:t></w:r></w:p></w:txbxContent></wps:txbx></mc:Choice>'
           f'<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框 联系电话{values["textbox"]}</w:t></w:r></w:p>'
           '</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", box.encode("utf-8") + b"<w:sectPr", 1)
            elif info.filename == "[Content_Types].xml":
                extra = "".join(
                    f'<Override PartName="/word/{k}s.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{k}s+xml"/>'
                    for k in ("footnote", "endnote"))
                data = data.replace(b"</Types>", extra.encode() + b"</Types>")
            elif info.filename == "word/_rels/document.xml.rels":
                extra = "".join(
                    f'<Relationship Id="rIdN{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{k}s" Target="{k}s.xml"/>'
                    for k in ("footnote", "endnote"))
                data = data.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
            z.writestr(info, data)
        z.writestr("word/footnotes.xml", note("footnote", f"脚注 联系电话{values['footnote']}"))
        z.writestr("word/endnotes.xml", note("endnote", f"尾注 联系电话{values['endnote']}"))
    return out.getvalue()


def test_docx_comments_notes_text_boxes_and_properties_are_read(tmp_path, scanner):
    rng = random.Random(21)
    values = {k: synth.mobile_number(rng) for k in ("comment", "title", "author", "footnote", "endnote", "textbox")}
    values["keywords"] = synth.email_address(rng)
    p = tmp_path / "notice.docx"
    p.write_bytes(_docx_with_hidden_places(values))
    found = [f.value for f in scan_file(p, scanner)]
    for where, value in values.items():
        assert value in found, where
    assert found.count(values["textbox"]) == 1  # Word's fallback copy is not read twice


def test_html_title_and_meta_content_are_read(tmp_path, scanner):
    rng = random.Random(22)
    title, meta, alt = (synth.mobile_number(rng) for _ in range(3))
    page = (f'<html><head><meta charset="utf-8"><title>公示 联系电话{title}</title>'
            f'<meta name="description" content="咨询电话{meta}"></head>'
            f'<body><p>正文</p><img src="a.png" alt="联系电话{alt}"></body></html>')
    p = tmp_path / "page.html"
    p.write_bytes(page.encode("utf-8"))
    found = {f.value for f in scan_file(p, scanner)}
    assert {title, meta, alt} <= found


# --- 7. one definition of each rule ------------------------------------------------

def test_one_bom_table_one_charset_rule_one_newline():
    from piiscan import files, stream, tables
    from piiscan.readers import html, registry, text

    assert text.declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">') == "gb2312"
    assert text.declared_charset(b"<meta charset=utf-8>") == "utf-8"
    assert text.declared_charset(b"<p>charset=gbk</p>") is None
    assert not hasattr(html, "_CHARSET")
    assert files._NEWLINE is text.NEWLINE and stream._NEWLINE is text.NEWLINE
    # dead code is gone
    assert not hasattr(tables.Table, "segments")
    assert not hasattr(stream, "scan_large_file")
    assert not hasattr(registry, "read_bytes")


def test_gbk_page_with_declared_charset_and_utf16_page_without_bom(tmp_path, scanner):
    rng = random.Random(23)
    phone = synth.mobile_number(rng)
    body = f"<html><head><title>公示</title></head><body><p>联系电话{phone}</p></body></html>"
    p = tmp_path / "gbk.html"
    p.write_bytes(body.replace("<head>", '<head><meta charset="gbk">').encode("gbk"))
    assert phone in {f.value for f in scan_file(p, scanner)}
    q = tmp_path / "utf16.html"
    q.write_bytes(body.encode("utf-16-le"))
    assert phone in {f.value for f in scan_file(q, scanner)}


@pytest.mark.parametrize("meta", ['<meta charset="{}">', '<meta http-equiv="Content-Type" content="text/html; charset={}">'])
@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_declared_charset_holds_when_chinese_comes_before_the_meta(tmp_path, scanner, encoding, meta):
    """libxml2 read a ``<meta charset>`` page as Latin-1 when Chinese came first: names were never found."""
    from piiscan.readers.html import read_bytes

    rng = random.Random(24)
    name = synth.person_name(rng)
    page = (f'<html><head><title>乐安县补贴公示</title>{meta.format(encoding)}</head>'
            f'<body><p>户主姓名：{name}</p></body></html>')
    p = tmp_path / "page.html"
    p.write_bytes(page.encode(encoding))
    assert [s.text for s in read_bytes(p.read_bytes())][0] == "乐安县补贴公示"
    assert name in {f.value for f in scan_file(p, scanner) if f.type == "PERSON_NAME"}
