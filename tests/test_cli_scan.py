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


def test_folder_and_unreadable_file(tmp_path, rng):
    notice, _, _ = make_notice(tmp_path, rng)
    locked = tmp_path / "locked.txt"
    locked.write_text("x")
    locked.chmod(0)
    result = CliRunner().invoke(main, ["scan", "--format", "json", str(tmp_path)])
    import os

    if os.geteuid() == 0:
        # root reads anything: the folder still scans and finds the notice.
        assert result.exit_code == 1
    else:
        assert result.exit_code == 2
        assert json.loads(result.output)["errors"][0]["path"].endswith("locked.txt")
    assert json.loads(result.output)["summary"]["findings"] == 6


def test_types_option_validated(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    result = CliRunner().invoke(main, ["scan", "--types", "PASSPORT", str(f)])
    assert result.exit_code == 2
    assert "unknown type" in result.output
