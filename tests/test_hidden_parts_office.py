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
    "docVars": "word/settings.xml",
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
    assert code == 0, output
    dst = tmp_path / "out" / "a.docx"
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


@pytest.mark.parametrize("kind", ["embedded object", "altChunk rtf"])
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
    assert not any("embeddings/oleObject" in n or "afchunk.rtf" in n for n in parts)
    assert b"rId95" not in parts["word/document.xml"] and b"rId96" not in parts["word/document.xml"]
    assert b"oleObject1.bin" not in parts["word/_rels/document.xml.rels"]
    assert scan_file_result(dst, MOBILE).unread == []
    import docx

    docx.Document(str(dst))


def test_docx_picture_is_unread_and_kept(tmp_path):
    src = tmp_path / "in" / "a.docx"
    src.parent.mkdir()
    src.write_bytes(docx_hidden("picture", ""))
    res = scan_file_result(src, MOBILE)
    assert len(res.unread) == 1 and "picture not read: install piiscan-cn[ocr]" in res.unread[0]
    assert "word/media/" in res.unread[0]
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert "picture(s) kept, not read" in res.output


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
