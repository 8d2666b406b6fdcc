"""Big CSV files are scanned as they are read: the same findings as a whole read, flat memory."""
from __future__ import annotations

import csv
import io
import random
import tracemalloc

import pytest

from piiscan import synth, tables
from piiscan.readers import ReadError, csvfile
from piiscan.scanner import Scanner
from piiscan.tables import Table, scan_table

SCANNER = Scanner()


def _rows(rng: random.Random, n: int) -> list[list[str]]:
    rows = [["序号", "户主姓名", "身份证号码", "联系电话", "家庭住址", "补贴金额"]]
    for i in range(n):
        rows.append([str(i + 1), synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng),
                     synth.address(rng) + ("\n（外出务工）" if i % 17 == 0 else ""), f"{rng.randrange(100, 9999)}.00"])
    return rows


def _write(path, rows, *, encoding="utf-8", delimiter=",", newline="\r\n", title=None):
    buf = io.StringIO(newline="")
    if title:
        buf.write(title + newline)
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


@pytest.fixture
def small_batches(monkeypatch):
    # Classify from 40 rows and scan in batches of 7, so a few hundred rows
    # cross many batch boundaries.
    monkeypatch.setattr(tables, "STREAM_HEAD_ROWS", 40)
    monkeypatch.setattr(tables, "_BATCH_ROWS", 7)


@pytest.mark.parametrize("encoding, delimiter, newline, title", [
    ("utf-8", ",", "\r\n", None),
    ("utf-8-sig", ",", "\n", "2020年农机购置补贴受益农户信息公示"),
    ("gb18030", "\t", "\r\n", None),
    ("utf-16", ";", "\n", None),
])
def test_streamed_csv_equals_whole_read(tmp_path, small_batches, encoding, delimiter, newline, title):
    rows = _rows(random.Random(7), 300)
    path = tmp_path / "notice.csv"
    _write(path, rows, encoding=encoding, delimiter=delimiter, newline=newline, title=title)
    whole = [scan_table(t, SCANNER) for t in csvfile.read(path)]
    streamed = [scan_table(t, SCANNER) for t in csvfile.read_stream(path)]
    assert len(whole) == len(streamed) == 1
    (wf, wc), (sf, sc) = whole[0], streamed[0]
    assert sf == wf and sc == wc
    # Every planted ID and phone is there, under its column and data row.
    ids = {(f.row, f.value) for f in sf if f.type == "CN_RESIDENT_ID"}
    assert ids == {(i, r[2]) for i, r in enumerate(rows[1:], 1)}
    assert {f.column for f in sf if f.type == "CN_MOBILE"} == {"联系电话"}


def test_findings_come_row_by_row(small_batches):
    rows = _rows(random.Random(8), 30)
    found, _ = scan_table(Table(iter(rows)), SCANNER)
    order = [(f.row, rows[0].index(f.column)) for f in found]
    assert order == sorted(order)


def test_ragged_rows_after_the_head_are_still_scanned(small_batches):
    rng = random.Random(9)
    rows = _rows(rng, 60)
    late_id = synth.resident_id_number(rng)
    rows[55] = rows[55] + [late_id]  # wider than every row the columns were classified from
    found, _ = scan_table(Table(iter(rows)), SCANNER)
    assert [(f.row, f.column) for f in found if f.value == late_id] == [(55, "列7")]


def test_malformed_csv_is_a_read_error(tmp_path):
    # An unclosed quote swallows the rest of the file into one field, past csv's field size limit.
    path = tmp_path / "bad.csv"
    path.write_bytes("姓名,备注\n张三,\"未闭合\n".encode() + "说明文字，".encode() * 60_000)
    with pytest.raises(ReadError, match="malformed CSV"):
        for table in csvfile.read_stream(path):
            scan_table(table, SCANNER)


def test_binary_file_is_a_read_error(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(range(256)) * 64)
    with pytest.raises(ReadError, match="binary"):
        list(csvfile.read_stream(path))


def test_memory_stays_flat_with_rows():
    """Peak memory depends on the batch, not on the number of rows."""
    rng = random.Random(4)
    head = _rows(rng, 50)
    # Mostly non-personal rows, so the findings themselves stay few.
    plain = [[str(i), "", "", "", "", f"{i}.00"] for i in range(1000)]

    def peak(repeats: int) -> tuple[int, int]:
        def rows():
            yield from head
            for _ in range(repeats):
                yield from ([*r] for r in plain)

        tracemalloc.start()
        try:
            found, _ = scan_table(Table(rows()), SCANNER)
            return tracemalloc.get_traced_memory()[1], len(found)
        finally:
            tracemalloc.stop()

    small, n_small = peak(20)
    large, n_large = peak(200)
    assert n_small == n_large > 0
    assert large < small * 1.5 + 200_000, (small, large)


def test_scan_file_streams_csv_over_the_threshold(tmp_path, monkeypatch, small_batches):
    from piiscan import files

    rows = _rows(random.Random(11), 120)
    path = tmp_path / "big.csv"
    _write(path, rows, encoding="gb18030")
    whole = files.scan_file(path)
    monkeypatch.setattr(files, "STREAM_THRESHOLD", 1000)

    def no_whole_read(*args, **kwargs):
        raise AssertionError("a file over the threshold was read whole")

    monkeypatch.setattr(csvfile, "read_bytes", no_whole_read)
    streamed = files.scan_file(path)
    assert streamed == whole and len(streamed) >= 3 * 120
    assert all(f.path == str(path) for f in streamed)


def test_unreadable_big_csv_is_reported_not_raised(tmp_path, monkeypatch):
    from piiscan import files

    path = tmp_path / "bad.csv"
    path.write_bytes("姓名,备注\n张三,\"未闭合\n".encode() + "说明文字，".encode() * 60_000)
    monkeypatch.setattr(files, "STREAM_THRESHOLD", 1000)
    (result,) = files.scan_file_results(path, SCANNER)
    assert result.error and "malformed CSV" in result.error and result.findings == []


def test_scan_csv_stream_yields_what_scan_file_returns(tmp_path, small_batches):
    import piiscan

    rows = _rows(random.Random(12), 150)
    path = tmp_path / "notice.csv"
    _write(path, rows, encoding="gb18030", title="公示")
    streamed = piiscan.scan_csv_stream(path, SCANNER)
    assert not isinstance(streamed, list)
    assert list(streamed) == piiscan.scan_file(path, SCANNER)


def test_scan_csv_stream_memory_does_not_grow_with_findings(tmp_path, small_batches, monkeypatch):
    """Every cell personal: the findings are yielded, never collected."""
    import piiscan

    monkeypatch.setattr(tables, "_MEMO_CELLS", 64)  # a constant either way; small, so the test is quick

    rng = random.Random(13)
    block = _rows(rng, 300)

    def peak(repeats: int) -> tuple[int, int]:
        path = tmp_path / f"dense{repeats}.csv"
        _write(path, block + block[1:] * (repeats - 1))
        tracemalloc.start()
        try:
            n = sum(1 for _ in piiscan.scan_csv_stream(path, SCANNER))
            return tracemalloc.get_traced_memory()[1], n
        finally:
            tracemalloc.stop()

    small, n_small = peak(1)
    large, n_large = peak(8)
    assert n_large == 8 * n_small > 0
    assert large < small * 1.5 + 300_000, (small, large)


def test_stream_reads_past_a_blank_head(tmp_path):
    phone = synth.mobile_number(random.Random(14))
    path = tmp_path / "blank_head.csv"
    path.write_bytes(b"\r\n" * 9000 + f"姓名,联系电话\n张三,{phone}\n".encode())
    whole = [scan_table(t, SCANNER)[0] for t in csvfile.read(path)]
    streamed = [scan_table(t, SCANNER)[0] for t in csvfile.read_stream(path)]
    assert streamed == whole and phone in {f.value for f in streamed[0]}


def test_stream_judges_binary_on_the_same_sample_as_a_whole_read(tmp_path):
    path = tmp_path / "half.csv"
    path.write_bytes(b"a,b\n1,2\n" * 640 + bytes(range(256)) * 28)
    with pytest.raises(ReadError, match="binary"):
        list(csvfile.read(path))
    with pytest.raises(ReadError, match="binary"):
        list(csvfile.read_stream(path))


def _jsonl(res) -> list[dict]:
    import json

    return [json.loads(line) for line in res.output.splitlines()]


def test_cli_jsonl_streams_a_big_csv(tmp_path, monkeypatch, small_batches):
    from click.testing import CliRunner

    from piiscan import files
    from piiscan.cli import main

    rows = _rows(random.Random(15), 200)
    path = tmp_path / "big.csv"
    _write(path, rows)
    (tmp_path / "small.txt").write_text(f"联系电话：{synth.mobile_number(random.Random(16))}", encoding="utf-8")
    expected = [f.to_dict() for f in files.scan_file(path)]
    monkeypatch.setattr(files, "STREAM_THRESHOLD", 1000)
    calls = []
    real = files._stream_findings
    monkeypatch.setattr(files, "_stream_findings", lambda *a: calls.append(a[0]) or real(*a))
    res = CliRunner().invoke(main, ["scan", str(tmp_path), "--format", "jsonl", "--jobs", "2"])
    assert res.exit_code == 1, res.output
    lines = _jsonl(res)
    assert [d for d in lines if d.get("path") == str(path)] == expected
    assert len(lines) == len(expected) + 1 and calls == [path]


def test_cli_jsonl_keeps_what_was_found_before_a_big_csv_breaks(tmp_path, monkeypatch, small_batches):
    # Streamed, the rows before a parse error have already been reported; the error follows.
    from click.testing import CliRunner

    from piiscan import files
    from piiscan.cli import main

    rows = _rows(random.Random(17), 100)
    path = tmp_path / "broken.csv"
    _write(path, rows)
    with path.open("ab") as fh:
        fh.write("张三,\"未闭合\n".encode() + "说明文字，".encode() * 60_000)
    monkeypatch.setattr(files, "STREAM_THRESHOLD", 1000)
    res = CliRunner().invoke(main, ["scan", str(path), "--format", "jsonl"])
    assert res.exit_code == 2
    lines = _jsonl(res)
    assert sum(1 for d in lines if d.get("type") == "CN_RESIDENT_ID") == 100
    assert "malformed CSV" in lines[-1]["error"]


# --- redaction as the file is read (piiscan.redact.stream) ---------------------------------------------------

def _redact_both(tmp_path, monkeypatch, name: str, data: bytes) -> tuple[bytes, bytes]:
    """``data`` redacted by the whole-file CSV writer and by the streaming one (small head and batches)."""
    from piiscan import files
    from piiscan.redact import Redactor, redact_file

    from piiscan.redact import stream as redact_stream

    src = tmp_path / name
    src.write_bytes(data)
    redactor = Redactor()
    assert not redact_stream.streams(src)
    redact_file(src, tmp_path / "whole" / name, redactor=redactor)
    monkeypatch.setattr(files, "STREAM_THRESHOLD", 16)
    monkeypatch.setattr(tables, "STREAM_HEAD_ROWS", 40)
    monkeypatch.setattr(tables, "_BATCH_ROWS", 7)
    monkeypatch.setattr(redact_stream, "_READ", 97)  # records cut by many reads
    report = redact_file(src, tmp_path / "streamed" / name, redactor=redactor)
    assert report.changes
    return (tmp_path / "whole" / name).read_bytes(), (tmp_path / "streamed" / name).read_bytes()


@pytest.mark.parametrize("encoding,delimiter,newline,title", [
    ("utf-8", ",", "\r\n", None), ("gb18030", "\t", "\n", "乐安县2020年农机购置补贴公示"),
    ("utf-8-sig", ";", "\r", None), ("utf-16", ",", "\n", "标题，联系人 13800138000"),
])
def test_streamed_redaction_equals_the_whole_file_writer(tmp_path, monkeypatch, rng, encoding, delimiter,
                                                          newline, title):
    rows = _rows(rng, 150)
    rows[5].append("多余的列 13900139000")  # a ragged row
    rows[9] = rows[9][:3]  # a short one
    buf = io.StringIO(newline="")
    if title:
        buf.write(title + newline)
    csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    text = buf.getvalue() + newline + delimiter  # a blank line, then a trailing delimiter without a newline
    whole, streamed = _redact_both(tmp_path, monkeypatch, "notice.csv", text.encode(encoding))
    assert streamed == whole
    out = streamed.decode(encoding)
    assert all(r[2] not in out for r in rows[1:] if len(r) > 2) and "13900139000" not in out


def test_streamed_redaction_of_a_malformed_csv_falls_back_to_text(tmp_path, monkeypatch):
    data = ("姓名,电话\n张三,\"13800138000\n" + "说明,\"x\"y\n" * 50).encode()
    whole, streamed = _redact_both(tmp_path, monkeypatch, "bad.csv", data)
    assert streamed == whole and b"13800138000" not in streamed


def test_a_streamed_record_longer_than_the_limit_is_an_error(tmp_path, monkeypatch):
    from piiscan import files, limits
    from piiscan.redact import redact_file

    src = tmp_path / "long.csv"
    src.write_text("姓名,备注\n张三,\"" + "很长" * 5000 + "\"\n", encoding="utf-8")
    monkeypatch.setattr(files, "STREAM_THRESHOLD", 16)
    with limits.using(limits.replace(limits.DEFAULT, attribute_bytes=4096)):
        with pytest.raises(limits.LimitExceeded, match="attribute_bytes"):
            redact_file(src, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists() and [p.name for p in tmp_path.iterdir()] == ["long.csv"]
