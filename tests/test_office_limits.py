"""Hostile Word, Excel and HTML files: a clear error for that file (exit 2), bounded memory, the rest goes on.

Every input is generated here. Memory is measured in a child process
(``resource.getrusage`` of the child itself), never time.
"""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import limits
from piiscan.cli.redact import redact as redact_cmd
from piiscan.files import scan_file_result
from piiscan.scanner import Scanner

from office_builders import base_docx, base_xlsx, patch

MOBILE = Scanner(types=["CN_MOBILE"])
PHONE = "13912345678"  # a phone-shaped test number; nothing here is a real person's
GiB = 1024**3


def dense_xlsx() -> bytes:
    """A 10 KB workbook whose cells span A1:XFD1048576 (calamine panicked on it, exit 134)."""
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return patch(base_xlsx(), {"xl/worksheets/sheet1.xml": lambda b: b.replace(b"</sheetData>", far + b"</sheetData>")})


def peak_rss(code: str, *args: str) -> tuple[dict, int]:
    """Run ``code`` in a fresh interpreter; its JSON output and its own peak RSS in bytes.

    VmHWM, not ``ru_maxrss``: Linux keeps the forked parent's peak across exec, so after a
    long test run every child would report pytest's own size."""
    wrapper = (code + "\nimport json\n"
               "hwm = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')][0]\n"
               "print(json.dumps({'result': RESULT, 'rss': int(hwm) * 1024}))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["result"], data["rss"]


SCAN = """
import sys
from piiscan.files import scan_file_result
from piiscan.scanner import Scanner
r = scan_file_result(__import__('pathlib').Path(sys.argv[1]), Scanner(types=['CN_MOBILE']))
RESULT = {'error': r.error, 'findings': len(r.findings)}
"""

REDACT = """
import sys
from piiscan.redact import redact_file
try:
    redact_file(sys.argv[1], sys.argv[2])
    RESULT = {'error': None}
except Exception as exc:
    RESULT = {'error': f'{type(exc).__name__}: {exc}'}
"""


def test_dense_sheet_is_an_error_not_a_crash(tmp_path):
    src = tmp_path / "dense.xlsx"
    src.write_bytes(dense_xlsx())
    result, rss = peak_rss(SCAN, str(src))
    assert result["error"] and "cells" in result["error"] and "--limit cells=" in result["error"]
    assert rss < 1 * GiB
    result, rss = peak_rss(REDACT, str(src), str(tmp_path / "out.xlsx"))
    assert result["error"] and "LimitExceeded" in result["error"]
    assert rss < 1 * GiB and not (tmp_path / "out.xlsx").exists()


def test_the_rest_of_a_scan_goes_on(tmp_path):
    from piiscan.cli.scan import scan as scan_cmd

    (tmp_path / "dense.xlsx").write_bytes(dense_xlsx())
    (tmp_path / "note.txt").write_text(f"联系电话 {PHONE}", encoding="utf-8")
    res = CliRunner().invoke(scan_cmd, [str(tmp_path), "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 2
    assert "note.txt" in res.output and "dense.xlsx" in res.output


def test_formatted_empty_cell_far_away_is_not_refused(tmp_path):
    """An empty cell with a style does not widen calamine's range: the precise count lets the file through."""
    far = b'<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    src = tmp_path / "styled.xlsx"
    src.write_bytes(patch(base_xlsx(), {"xl/worksheets/sheet1.xml": lambda b: b.replace(b"</sheetData>", far + b"</sheetData>")}))
    assert scan_file_result(src, MOBILE).error is None
    from piiscan.redact import redact_file

    redact_file(src, tmp_path / "out.xlsx")  # the writer visits cells sparsely: no dense range either


def test_cells_limit_counts_written_cells(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 41):
        ws.append([f"v{r}-{c}" for c in range(30)])
    buf = io.BytesIO()
    wb.save(buf)
    src = tmp_path / "a.xlsx"
    src.write_bytes(buf.getvalue())
    with limits.using(limits.replace(limits.DEFAULT, cells=1000)):
        res = scan_file_result(src, MOBILE)
    assert res.error and "cells" in res.error
    assert scan_file_result(src, MOBILE).error is None


@pytest.mark.parametrize("make", [base_docx, base_xlsx], ids=["docx", "xlsx"])
def test_part_over_part_bytes_is_an_error(tmp_path, make):
    big = b"<x>" + bytes(range(65, 91)) * (24 * 1024) + b"</x>"
    name = "customXml/item9.xml"
    src = tmp_path / ("a.docx" if make is base_docx else "a.xlsx")
    src.write_bytes(patch(make(), add={name: big}))
    assert scan_file_result(src, MOBILE).error is None
    with limits.using(limits.replace(limits.DEFAULT, part_bytes=512 * 1024)):
        res = scan_file_result(src, MOBILE)
        assert res.error and "part_bytes" in res.error and name in res.error
    # The command line sets its own limits (--limit), for its worker processes too.
    res = CliRunner().invoke(redact_cmd, [str(src), "--out", str(tmp_path / "out"), "--limit", "part_bytes=512K"],
                             catch_exceptions=False)
    assert res.exit_code == 2 and "part_bytes" in res.output
    assert not (tmp_path / "out" / src.name).exists()


def test_docx_zip_bomb_stops_before_inflating(tmp_path):
    """A part of 2 GB of zeros declared in the directory: refused from the directory, memory stays flat."""
    src = tmp_path / "bomb.docx"
    data = bytearray(patch(base_docx(), add={"word/bomb.xml": b"\0" * (4 * 1024 * 1024)}))
    _set_declared_size(data, "word/bomb.xml", 2 * GiB - 1)
    src.write_bytes(bytes(data))
    result, rss = peak_rss(SCAN, str(src))
    assert result["error"] and "part_bytes" in result["error"]
    assert rss < 512 * 1024**2


def test_compression_ratio_is_limited(tmp_path):
    src = tmp_path / "ratio.docx"
    src.write_bytes(patch(base_docx(), add={"word/zeros.xml": b"<x>" + b" " * (8 * 1024 * 1024) + b"</x>"}))
    res = scan_file_result(src, MOBILE)
    assert res.error and "ratio" in res.error


def test_lying_directory_is_a_clear_error(tmp_path):
    """The directory says 1000 bytes, the part inflates to 2 MB: the part is read as declared and fails its CRC."""
    src = tmp_path / "liar.docx"
    data = bytearray(patch(base_docx(), add={"word/liar.xml": b"<x>" + b"1" * (2 * 1024 * 1024) + b"</x>"}))
    _set_declared_size(data, "word/liar.xml", 1000)
    src.write_bytes(bytes(data))
    res = scan_file_result(src, MOBILE)
    assert res.error and "word/liar.xml" in res.error


def test_html_attribute_over_the_limit_memory(tmp_path):
    src = tmp_path / "attr.html"
    src.write_text('<html><body><p title="' + "x" * (48 * 1024 * 1024) + f' {PHONE}">a</p></body></html>',
                   encoding="utf-8")
    result, rss = peak_rss(SCAN, str(src))
    assert result["error"] and "attribute_bytes" in result["error"]
    assert rss < 1 * GiB


def _set_declared_size(data: bytearray, name: str, size: int) -> None:
    """Overwrite the uncompressed size of ``name`` in its local header and in the central directory."""
    raw = name.encode()
    pos = 0
    while True:
        pos = data.find(b"PK\x03\x04", pos)
        if pos < 0:
            break
        n = struct.unpack_from("<H", data, pos + 26)[0]
        if bytes(data[pos + 30:pos + 30 + n]) == raw:
            struct.pack_into("<I", data, pos + 22, size)
        pos += 4
    pos = 0
    while True:
        pos = data.find(b"PK\x01\x02", pos)
        if pos < 0:
            break
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + n]) == raw:
            struct.pack_into("<I", data, pos + 24, size)
        pos += 4
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        assert z.getinfo(name).file_size == size


def test_xls_range_is_checked_before_python_cells(tmp_path):
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("s")
    ws.write(0, 0, "a")
    ws.write(200, 100, "far")
    src = tmp_path / "a.xls"
    wb.save(str(src))
    assert scan_file_result(src, MOBILE).error is None
    with limits.using(limits.replace(limits.DEFAULT, cells=10_000)):
        res = scan_file_result(src, MOBILE)
        assert res.error and "cells" in res.error
        from piiscan.redact import redact_file

        with pytest.raises(limits.LimitExceeded):
            redact_file(src, tmp_path / "out.xls")


# --- fuzz: mutated Word and Excel files end in a result or a clear error, never a crash or a leak -----

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from office_builders import docx_hidden, xlsx_hidden  # noqa: E402

_SEEDS = {"docx": docx_hidden("core title", PHONE), "xlsx": xlsx_hidden("comment", PHONE)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(_SEEDS)), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6))
def test_fuzz_mutated_office_files(tmp_path, kind, flips):
    from piiscan.redact import redact_file

    data = bytearray(_SEEDS[kind])
    for pos, byte in flips:
        data[pos % len(data)] = byte
    src, dst = tmp_path / f"m.{kind}", tmp_path / f"out.{kind}"
    src.write_bytes(bytes(data))
    dst.unlink(missing_ok=True)
    scan_file_result(src, MOBILE)  # a result or an error, never an exception
    try:
        redact_file(src, dst)
    except Exception:  # the CLI reports it (exit 2); nothing half-written is left
        assert not dst.exists()
        return
    after = scan_file_result(dst, MOBILE)
    assert after.error is None and after.findings == []


def test_embedded_packages_count_against_the_file(tmp_path):
    """Bytes inflated inside an embedded workbook count against the document's file_bytes."""
    from office_builders import add_default, xlsx_with_phone

    big_xlsx = patch(xlsx_with_phone(PHONE), add={"customXml/item5.xml": b"<x>" + bytes(range(65, 91)) * 20000 + b"</x>"})
    src = tmp_path / "a.docx"
    src.write_bytes(patch(base_docx(), {"[Content_Types].xml": add_default("xlsx", "application/x")},
                          {"word/embeddings/w.xlsx": big_xlsx, "customXml/item7.xml": b"<x>" + b"y" * 300_000 + b"</x>"},
                          drop=("word/styles.xml", "word/stylesWithEffects.xml")))
    assert scan_file_result(src, MOBILE).error is None
    # Over the limit only when the two are counted together: the outer document reads 300 KB itself.
    outer = sum(i.file_size for i in zipfile.ZipFile(src).infolist())
    inner = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(big_xlsx)).infolist())
    with limits.using(limits.replace(limits.DEFAULT, file_bytes=max(outer, inner + 150_000))):
        res = scan_file_result(src, MOBILE)
    assert res.error and "file_bytes" in res.error


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384)), min_size=1, max_size=12),
       st.booleans(), st.tuples(st.integers(1, 2000), st.integers(1, 60)))
def test_cell_extent_is_never_underestimated(cells, with_dimension, dim):
    """Whatever the dimension claims, the cheap extent is None (parse) or covers every cell."""
    from piiscan.readers.excel import _column_number, _extent_from_refs

    def letters(n: int) -> str:
        out = ""
        while n:
            n, r = divmod(n - 1, 26)
            out = chr(65 + r) + out
        return out

    rows = sorted(set(r for r, _ in cells))
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{letters(c)}{r}"><v>1</v></c>' for rr, c in cells if rr == r)
                   + "</row>" for r in rows)
    dimension = f'<dimension ref="A1:{letters(dim[1])}{dim[0]}"/>' if with_dimension else ""
    xml = f"<worksheet>{dimension}<sheetData>{body}</sheetData></worksheet>".encode()
    written = xml.count(b"<c ")
    got = _extent_from_refs(xml, b"", written)
    if got is not None:
        assert got[0] >= max(r for r, _ in cells) and got[1] >= max(c for _, c in cells)
    assert _column_number(letters(16384).encode()) == 16384
