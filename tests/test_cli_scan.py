import json

from click.testing import CliRunner

from piiscan import synth
from piiscan.cli import main


def make_notice(tmp_path, rng, encoding="utf-8"):
    ids = [synth.resident_id_number(rng) for _ in range(3)]
    phones = [synth.mobile_number(rng) for _ in range(3)]
    body = "农机购置补贴公示\n" + "".join(f"户主身份证号：{i}，联系电话：{p}\n" for i, p in zip(ids, phones))
    path = tmp_path / f"notice-{encoding}.txt"
    path.write_bytes(body.encode(encoding))
    return path, ids, phones


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_exit_codes(tmp_path, rng):
    clean = tmp_path / "clean.txt"
    clean.write_text("2021年4月15日，补贴金额共计13800000000.00元。", encoding="utf-8")
    assert run("scan", str(clean)).exit_code == 0
    notice, _, _ = make_notice(tmp_path, rng)
    assert run("scan", str(notice)).exit_code == 1


def test_values_masked_by_default(tmp_path, rng):
    notice, ids, phones = make_notice(tmp_path, rng)
    for fmt in ("table", "json", "jsonl"):
        out = run("scan", "--format", fmt, str(notice)).output
        for v in ids + phones:
            assert v not in out, fmt
    raw = run("scan", "--format", "jsonl", "--show-values", str(notice)).output
    assert all(v in raw for v in ids + phones)


def test_jsonl_fields_and_positions(tmp_path, rng):
    notice, ids, _ = make_notice(tmp_path, rng, encoding="gbk")
    rows = [json.loads(line) for line in run("scan", "--format", "jsonl", "--show-values", str(notice)).output.splitlines()]
    id_rows = [r for r in rows if r["type"] == "CN_RESIDENT_ID"]
    assert [r["value"] for r in id_rows] == ids
    assert [r["line"] for r in id_rows] == [2, 3, 4]
    assert all(r["column"] == len("户主身份证号：") + 1 for r in id_rows)
    for r in rows:
        assert {"path", "type", "value", "start", "end", "confidence", "detector", "line", "column"} <= set(r)


def test_encodings_detected(tmp_path, rng):
    for enc in ("utf-8", "utf-8-sig", "utf-16", "gb18030"):
        notice, ids, _ = make_notice(tmp_path, rng, encoding=enc)
        out = run("scan", "--format", "json", "--show-values", "--types", "CN_RESIDENT_ID", str(notice)).output
        assert [f["value"] for f in json.loads(out)["findings"]] == ids, enc


def test_folder_and_unreadable_file(tmp_path, rng, monkeypatch):
    notice, _, _ = make_notice(tmp_path, rng)
    locked = tmp_path / "locked.txt"
    locked.write_text("x")
    import os

    real = os.open

    def fake_open(path, *args, **kwargs):
        # chmod does not stop root (CI runs as root): fail the open itself.
        if os.fspath(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--jobs", "1", str(tmp_path)])
    doc = json.loads(result.output)
    assert result.exit_code == 2
    assert [e["path"] for e in doc["errors"]] == [str(locked)]
    assert "Permission denied" in doc["errors"][0]["error"]
    # The other file was still scanned and reported.
    assert doc["summary"]["findings"] == 6


def test_document_text_is_never_rich_markup(tmp_path, rng):
    """Headers and file names come from documents: ``[/x]`` must print as itself, not crash."""
    phone = synth.mobile_number(rng)
    (tmp_path / "名单[bold].csv").write_text(f"序号,电话[/x]\n1,{phone}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", "--jobs", "1", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "名单[bold].csv" in result.output and "电话[/x]" in result.output
    assert phone not in result.output


def test_types_option_validated(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    result = CliRunner().invoke(main, ["scan", "--types", "PASSPORT", str(f)])
    assert result.exit_code == 2
    assert "unknown type" in result.output


def test_summary_line_is_plain_text(tmp_path):
    (tmp_path / "clean.txt").write_text("没有个人信息。", encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", "--jobs", "1", str(tmp_path)])
    assert result.exit_code == 0
    assert "0 finding(s) in 0 of 1 file(s) [none]" in result.output


def _folder(tmp_path, rng):
    for i in range(3):
        make_notice(tmp_path, rng)[0].rename(tmp_path / f"n{i}.txt")
    (tmp_path / "clean.txt").write_text("没有个人信息。", encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "image.gif").write_bytes(b"GIF89a" + bytes(64))  # an unsupported format: skipped
    return tmp_path


def test_json_is_written_as_json_dump_would(tmp_path, rng):
    # The document is written piece by piece as results come in; the text is
    # the same as json.dump(document, indent=2) of the whole.
    res = run("scan", str(_folder(tmp_path, rng)), "--format", "json", "--jobs", "1")
    doc = json.loads(res.output)
    assert res.output == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    assert res.exit_code == 2  # the broken PDF
    s = doc["summary"]
    assert s["findings"] == len(doc["findings"]) == 18 and s["files_with_findings"] == 3
    assert s["files"] == 6 and s["errors"] == 1 == len(doc["errors"]) and s["skipped"] == 1 == len(doc["skipped"])
    assert sum(s["by_type"].values()) == 18


def test_json_with_nothing_found(tmp_path):
    (tmp_path / "clean.txt").write_text("没有个人信息。", encoding="utf-8")
    res = run("scan", str(tmp_path), "--format", "json")
    assert res.exit_code == 0
    doc = json.loads(res.output)
    assert doc["findings"] == [] and res.output == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def test_json_and_jsonl_are_written_while_scanning(tmp_path, rng, monkeypatch):
    # Each file's output is written before the next file is scanned, so
    # memory holds one file's findings, not the whole corpus's.
    import piiscan.cli.scan as scan_cli

    _folder(tmp_path, rng)
    real = scan_cli.scan_results
    written_before: list[int] = []

    def spying(files, *args, **kwargs):
        for r in real(files, *args, **{**kwargs, "jobs": 1}):
            written_before.append(len(out.getvalue()))
            yield r

    import io

    monkeypatch.setattr(scan_cli, "scan_results", spying)
    for fmt in ("json", "jsonl"):
        written_before.clear()
        out = io.StringIO()
        monkeypatch.setattr(scan_cli.sys, "stdout", out)
        with __import__("pytest").raises(SystemExit):
            scan_cli.scan.main([str(tmp_path), "--format", fmt], standalone_mode=False)
        assert len(written_before) == 6
        assert written_before == sorted(written_before) and written_before[-1] > written_before[1] > 0, fmt


def test_a_crash_exits_2_without_quoting_the_document(tmp_path, monkeypatch):
    import piiscan.cli.scan as scan_cli

    secret = "13800138000"

    def boom(*args, **kwargs):
        raise RuntimeError(f"reader choked on {secret}")

    monkeypatch.setattr(scan_cli, "scan_results", boom)
    monkeypatch.delenv("PIISCAN_DEBUG", raising=False)
    (tmp_path / "a.txt").write_text("无", encoding="utf-8")
    res = CliRunner().invoke(main, ["scan", str(tmp_path)])
    assert res.exit_code == 2
    assert "internal error (RuntimeError)" in res.stderr and secret not in res.stderr + res.stdout
