"""Regression tests for the gate review: skip overrides, atomic writes, unknown keys,
allowlist spellings, markup in the table, marker reading, glob rules, core count."""
from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.gate import policy as policy_mod
from piiscan.gate.baseline import Baseline, Hasher
from piiscan.gate.config import ConfigError, GateConfig, load_config

from gate_helpers import git, make_repo, run


@pytest.fixture(autouse=True)
def isolated_keys(monkeypatch, tmp_path):
    monkeypatch.delenv("PIISCAN_BASELINE_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(old)


def _spy_scans(monkeypatch) -> list[str]:
    """Record every file the gate hands to the scanner."""
    seen: list[str] = []
    real = policy_mod.scan_results

    def spy(paths, *args, **kwargs):
        paths = list(paths)
        seen.extend(Path(p).as_posix() for p in paths)
        return real(paths, *args, **kwargs)

    monkeypatch.setattr(policy_mod, "scan_results", spy)
    return seen


# 1. skip = true: never scanned, read errors do not fail the gate ----------------------

def _skip_repo(tmp_path, rng) -> Path:
    repo = make_repo(tmp_path)
    (repo / ".piiscan.toml").write_text('[[overrides]]\npaths = ["samples/**"]\nskip = true\n')
    (repo / "samples").mkdir()
    (repo / "samples" / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (repo / "samples" / "ids.txt").write_text(f"身份证：{synth.resident_id_number(rng)}\n", encoding="utf-8")
    (repo / "clean.txt").write_text("无个人信息\n", encoding="utf-8")
    return repo


def test_skipped_paths_are_not_scanned_and_their_errors_do_not_fail(tmp_path, rng, monkeypatch):
    repo = _skip_repo(tmp_path, rng)
    seen = _spy_scans(monkeypatch)
    res = run(repo, "check", "--format", "json", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    assert not [p for p in seen if "/samples/" in p or p.startswith("samples/")]
    doc = json.loads(res.stdout)
    assert doc["errors"] == [] and doc["findings"] == []


def test_skipped_paths_are_not_scanned_when_staged(tmp_path, rng, monkeypatch):
    repo = _skip_repo(tmp_path, rng)
    git(repo, "add", "-A")
    seen = _spy_scans(monkeypatch)
    res = run(repo, "check", "--staged", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    assert not [p for p in seen if "samples" in p]


# 2. atomic writes with an ordinary file mode --------------------------------------------

def _record_replace(monkeypatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    real = os.replace

    def spy(src, dst, *a, **k):
        calls.append((os.fspath(src), os.fspath(dst)))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", spy)
    return calls


def test_check_output_is_written_atomically_with_a_normal_mode(tmp_path, rng, monkeypatch, umask_027):
    repo = make_repo(tmp_path)
    (repo / "a.txt").write_text(f"手机：{synth.mobile_number(rng)}\n", encoding="utf-8")
    out = repo / "reports" / "piiscan.json"
    out.parent.mkdir()
    out.write_text("old report", encoding="utf-8")
    os.chmod(out, 0o600)
    out.unlink()  # a fresh file: mode from the umask, not mkstemp's 0600
    calls = _record_replace(monkeypatch)
    res = run(repo, "check", "--format", "json", "-o", str(out), "a.txt", monkeypatch=monkeypatch)
    assert res.exit_code == 1
    assert calls and Path(calls[-1][1]) == out and Path(calls[-1][0]).parent == out.parent
    assert json.loads(out.read_text(encoding="utf-8"))["blocked"] is True
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in out.parent.iterdir()) == ["piiscan.json"]  # no temp file left


def test_baseline_save_is_atomic_and_keeps_the_old_file_on_failure(tmp_path, rng, umask_027, monkeypatch):
    path = tmp_path / ".piiscan-baseline.json"
    old = Baseline.from_findings([], Hasher.new(None))
    old.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # committed and shared: not 0600
    before = path.read_text(encoding="utf-8")

    def fail(src, dst, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    from piiscan.finding import Finding

    f = Finding("CN_MOBILE", 0, 11, synth.mobile_number(rng), 0.9, "cn_mobile", path="a.txt")
    with pytest.raises(OSError):
        Baseline.from_findings([f], old.hasher).save(path)
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".piiscan-baseline")] == [path.name]


# 3. the masking key is rejected, with advice ---------------------------------------------

def test_masking_key_is_rejected_with_a_helpful_message(tmp_path):
    p = tmp_path / ".piiscan.toml"
    p.write_text('[masking]\nCN_MOBILE = "tag"\n')
    with pytest.raises(ConfigError, match=r"masking.*piiscan redact"):
        load_config(p)
    assert not hasattr(GateConfig(), "masking")


# 4. the allowlist compares every spelling of one value ----------------------------------

@pytest.mark.parametrize("etype, entry, spellings", [
    ("CN_MOBILE", "13800138000",
     ["+86 138 0013 8000", "+86-138-0013-8000", "0086 13800138000", "(+86)13800138000",
      "１３８００１３８０００", "＋８６ １３８ ００１３ ８０００", "138\u30000013\u30008000"]),
    ("CN_MOBILE", "+86 138 0013 8000", ["13800138000", "１３８－００１３－８０００"]),
    ("CN_RESIDENT_ID", "11010519491231002X", ["11010519491231002x", "１１０１０５１９４９１２３１００２ｘ",
                                               "110105 19491231 002X"]),
    ("BANK_CARD", "6222020000000000000", ["6222 0200 0000 0000 000", "６２２２－０２００－００００－００００－０００"]),
    ("CN_LANDLINE", "010-12345678", ["(010) 1234 5678", "（０１０）１２３４ ５６７８", "01012345678"]),
])
def test_allowlist_matches_every_spelling(etype, entry, spellings):
    policy = GateConfig.from_dict({"allow": {"values": [entry]}}).policy_for("a.txt")
    for s in spellings:
        assert policy.allows(etype, s), s
    assert not policy.allows(etype, "13900139000")


def test_allowlisted_number_written_with_country_code_passes_end_to_end(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    (repo / ".piiscan.toml").write_text('allow = ["13800138000"]\n')
    (repo / "notice.txt").write_text("咨询电话：+86 138 0013 8000\n值班电话：１３８００１３８０００\n", encoding="utf-8")
    res = run(repo, "check", "--format", "json", "notice.txt", monkeypatch=monkeypatch)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [f["status"] for f in doc["findings"]] == ["allowed", "allowed"]
    assert "0013" not in res.stdout and "００１３" not in res.stdout  # masked in the report


# 5. rich markup in headers and file names ------------------------------------------------

def test_table_shows_markup_like_headers_and_file_names_verbatim(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    phones = [synth.mobile_number(rng) for _ in range(3)]
    (repo / "roster.csv").write_text("姓名,电话[/x]\n" + "".join(f"用户{i},{p}\n" for i, p in enumerate(phones)),
                                     encoding="utf-8")
    (repo / "名单[bold].txt").write_text(f"身份证号：{synth.resident_id_number(rng)}\n", encoding="utf-8")
    res = run(repo, "check", monkeypatch=monkeypatch)
    assert res.exit_code == 1, res.output
    assert "电话[/x]" in res.stdout
    assert "名单[bold].txt" in res.stdout
    assert not any(p in res.stdout for p in phones)


# 6. inline markers: only text files are re-read, big ones streamed -----------------------

def test_markers_are_not_read_from_office_files(tmp_path, rng, monkeypatch):
    docx = pytest.importorskip("docx")
    repo = make_repo(tmp_path)
    d = docx.Document()
    d.add_paragraph(f"身份证号：{synth.resident_id_number(rng)}")
    d.save(repo / "notice.docx")
    reads: list[str] = []
    real = Path.read_bytes

    def spy(self):
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    from piiscan.readers import registry

    real_reader = registry.read_file_bytes

    def spy_reader(path, *args, **kwargs):
        reads.append(Path(path).name)
        return real_reader(path, *args, **kwargs)

    monkeypatch.setattr(registry, "read_file_bytes", spy_reader)
    res = run(repo, "check", "notice.docx", monkeypatch=monkeypatch)
    assert res.exit_code == 1  # the scanner read it (in its isolated reader process)...
    assert reads.count("notice.docx") == 0  # ...and this process never read it again for markers


def test_marker_lines_of_a_big_file_are_streamed_not_read_whole(tmp_path, monkeypatch):
    text = ("无关内容\r\n" * 3 + "电话 <!-- piiscan:allow -->\r\n" + "<!-- piiscan:allow-next-line -->\n"
            + "身份证\r" + "公示说明，" * 1000 + "\n")
    p = tmp_path / "big.txt"
    p.write_bytes(text.encode("gb18030"))
    monkeypatch.setattr(policy_mod, "INLINE_READ_CAP", 1024)
    monkeypatch.setattr(policy_mod, "_STREAM_CHUNK", 7)  # markers and "\r\n" cut by chunk boundaries

    def whole(self):
        raise AssertionError("a file over the cap must not be read whole")

    monkeypatch.setattr(Path, "read_bytes", whole)
    assert policy_mod.inline_allowed_lines(p) == {4, 5, 6}  # "-next-line" also marks its own line


def test_marker_streaming_agrees_with_the_whole_read(tmp_path):
    text = "a\r\nb piiscan:allow\rc\n\npiiscan:allow-next-line\r\nd\n"
    expect = {2, 5, 6}
    assert policy_mod._marked_lines(io.StringIO(text)) == expect
    for chunk in (1, 2, 3, 5):
        import piiscan.gate.policy as pm

        old = pm._STREAM_CHUNK
        pm._STREAM_CHUNK = chunk
        try:
            assert pm._marked_lines(io.StringIO(text)) == expect, chunk
        finally:
            pm._STREAM_CHUNK = old


def test_dead_helpers_are_gone():
    assert not hasattr(policy_mod, "_binary_is_skip")
    assert not hasattr(GateConfig, "scan_types")


# 7. include/exclude match like `piiscan scan` ---------------------------------------------

def test_exclude_relative_to_the_scanned_folder_as_in_scan(tmp_path, rng, monkeypatch):
    from piiscan.cli.scan import scan

    repo = make_repo(tmp_path)
    (repo / "docs" / "drafts").mkdir(parents=True)
    (repo / "docs" / "drafts" / "d.txt").write_text(f"身份证：{synth.resident_id_number(rng)}\n", encoding="utf-8")
    (repo / "docs" / "final.txt").write_text("无个人信息\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    scanned = CliRunner().invoke(scan, ["docs", "--exclude", "drafts/**", "--format", "json"])
    assert json.loads(scanned.stdout)["findings"] == []
    # The gate agrees with scan on the folder-relative form, and still knows the repo-relative one.
    assert run(repo, "check", "docs", "--exclude", "drafts/**", monkeypatch=monkeypatch).exit_code == 0
    assert run(repo, "check", "docs", "--exclude", "docs/drafts/**", monkeypatch=monkeypatch).exit_code == 0
    assert run(repo, "check", "docs", "--exclude", "d.txt", monkeypatch=monkeypatch).exit_code == 0
    assert run(repo, "check", "docs", monkeypatch=monkeypatch).exit_code == 1
    assert run(repo, "check", "docs", "--include", "final.txt", monkeypatch=monkeypatch).exit_code == 0


def test_staged_pathspec_folder_gives_the_folder_relative_form(tmp_path, rng, monkeypatch):
    assert policy_mod._local("docs/drafts/a.txt", [".", "docs"]) == "drafts/a.txt"
    assert policy_mod._local("docs/a.txt", ["other", "README.md"]) is None
    repo = make_repo(tmp_path)
    (repo / "docs" / "drafts").mkdir(parents=True)
    (repo / "docs" / "drafts" / "d.txt").write_text(f"身份证：{synth.resident_id_number(rng)}\n", encoding="utf-8")
    git(repo, "add", "-A")
    assert run(repo, "check", "--staged", "docs", monkeypatch=monkeypatch).exit_code == 1
    assert run(repo, "check", "--staged", "docs", "--exclude", "drafts/**", monkeypatch=monkeypatch).exit_code == 0


# 8. one core-count helper -----------------------------------------------------------------

def test_check_uses_the_shared_core_count(monkeypatch):
    from piiscan import files
    from piiscan.gate import run as gate_run

    assert gate_run.available_cores is files.available_cores
    monkeypatch.setattr(gate_run, "available_cores", lambda: 3)
    assert gate_run.jobs_or_cores(None) == 3 and gate_run.jobs_or_cores(2) == 2
