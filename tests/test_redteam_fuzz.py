"""Fuzzing every reader with small mutated files: no crash, no hang, no raw value printed, exit 0/1/2 only.

Each example takes a valid seed file of one format (text, CSV, HTML, DOCX,
XLSX, XLS, PDF, zip), flips, inserts, deletes and truncates bytes, and reads
the result the way ``piiscan scan`` does (native formats in an isolated
worker, so a crash in calamine or pdfium is an error, not a dead test run).
``PIISCAN_FUZZ_EXAMPLES=500`` runs a longer campaign; the default keeps the
suite quick.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import redteam_inputs as R
from piiscan import limits
from piiscan.cli import main
from piiscan.files import FileResult, _Isolation
from piiscan.scanner import Scanner

EXAMPLES = int(os.environ.get("PIISCAN_FUZZ_EXAMPLES", "8"))
SCANNER = Scanner()


@lru_cache(maxsize=None)
def seeds() -> dict[str, bytes]:
    import xlwt

    text = f"户主：张三，身份证号 {R.RID}，联系电话 {R.PHONE}\n"
    book = xlwt.Workbook()
    sheet = book.add_sheet("公示")
    for c, v in enumerate(["姓名", "联系电话"]):
        sheet.write(0, c, v)
    for c, v in enumerate(["张三", R.PHONE]):
        sheet.write(1, c, v)
    xls = io.BytesIO()
    book.save(xls)
    return {
        ".txt": text.encode("utf-8"),
        ".csv": f"姓名,身份证号,联系电话\n张三,{R.RID},{R.PHONE}\n".encode("gb18030"),
        ".html": f"<html><body><p title='{R.PHONE}'>{text}</p><table><tr><td>{R.PHONE}</td></tr></table></body></html>"
                 .encode("utf-8"),
        ".docx": R.docx_bytes(text),
        ".xlsx": R.xlsx_bytes([["姓名", "联系电话"], ["张三", R.PHONE]]),
        ".xls": xls.getvalue(),
        ".pdf": R.pdf_bytes(text.strip()),
        ".zip": R.zip_bytes({"a.txt": text.encode(), "b.csv": f"电话\n{R.PHONE}\n".encode()}),
    }


@st.composite
def mutated(draw, ext: str) -> bytes:
    data = bytearray(seeds()[ext])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 256))]
        elif op == "truncate":
            del data[at:]
        else:
            data[at:at + 16] = bytes(min(16, len(data) - at))
    return bytes(data)


@pytest.fixture(scope="module")
def isolation():
    # One isolated worker for the whole module, restarted after a crash, with a short time limit.
    with limits.using(limits.replace(limits.current(), seconds=60)), _Isolation(SCANNER, None, "native") as iso:
        yield iso


def _check(results: list[FileResult], path: Path) -> None:
    assert results and all(isinstance(r, FileResult) for r in results)
    for r in results:
        assert r.path.startswith(str(path))
        for text in [r.error or "", r.skipped or "", *r.notes, *r.unread]:
            assert isinstance(text, str) and R.PHONE not in text and R.RID not in text  # library texts masked
        for f in r.findings:
            assert f.type and f.start <= f.end


@pytest.mark.parametrize("ext", sorted(seeds()))
def test_every_reader_survives_mutated_files(tmp_path_factory, isolation, ext):
    folder = tmp_path_factory.mktemp(f"fuzz{ext.strip('.')}")

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=mutated(ext))
    def run(data: bytes) -> None:
        path = folder / f"f{ext}"
        path.write_bytes(data)
        _check(isolation.scan(path), path)

    run()


@settings(max_examples=max(4, EXAMPLES // 2), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(ext=st.sampled_from(sorted(seeds())), data=st.data())
def test_the_cli_exits_0_1_or_2_on_mutated_files_and_prints_no_raw_value(tmp_path, ext, data):
    blob = data.draw(mutated(ext))
    case = tmp_path / f"case{len(list(tmp_path.iterdir()))}"
    case.mkdir()
    path = case / f"f{ext}"
    path.write_bytes(blob)
    res = CliRunner().invoke(main, ["scan", "--format", "json", "--jobs", "1", str(path)])
    assert res.exit_code in (0, 1, 2), res.output
    json.loads(res.stdout)
    assert R.PHONE not in res.stdout + res.stderr and R.RID not in res.stdout + res.stderr
    res = CliRunner().invoke(main, ["redact", str(path), "--out", str(case / "out")])
    assert res.exit_code in (0, 1, 2), res.output
    assert R.PHONE not in res.stdout + res.stderr
    if res.exit_code == 0:  # a verified output holds none of the planted values in any part
        for out in (case / "out").rglob("*"):
            if out.is_file():
                raw = out.read_bytes()
                assert R.PHONE.encode() not in raw and R.PHONE.encode("utf-16-le") not in raw
                if zipfile.is_zipfile(out) and ext in (".zip", ".docx", ".xlsx"):
                    with zipfile.ZipFile(out) as z:
                        assert all(R.PHONE.encode() not in z.read(n) for n in z.namelist())
