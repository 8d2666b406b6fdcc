"""Policy configuration: discovery, blocking types, thresholds, overrides, allowlists, inline markers."""
from __future__ import annotations

import json

import pytest

from piiscan import synth
from piiscan.gate.config import ConfigError, GateConfig, find_config, load_config

from gate_helpers import make_repo, run


@pytest.fixture(autouse=True)
def isolated_keys(monkeypatch, tmp_path):
    monkeypatch.delenv("PIISCAN_BASELINE_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def statuses(res) -> list[tuple[str, str]]:
    return [(f["type"], f["status"]) for f in json.loads(res.stdout)["findings"]]


def test_discovery_order_and_explicit_config_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[tool.piiscan]\nblock=["CN_MOBILE"]\n')
    sub = tmp_path / "docs"
    sub.mkdir()
    assert find_config(sub, tmp_path) == tmp_path / "pyproject.toml"
    assert load_config(start=sub, stop=tmp_path).block == ["CN_MOBILE"]
    (tmp_path / ".piiscan.toml").write_text('block = ["BANK_CARD"]\n')
    assert load_config(start=sub, stop=tmp_path).block == ["BANK_CARD"]  # .piiscan.toml beats pyproject
    other = tmp_path / "other.toml"
    other.write_text('[tool.piiscan]\nblock = ["EMAIL_ADDRESS"]\n')
    assert load_config(other, start=sub).block == ["EMAIL_ADDRESS"]
    # A pyproject without [tool.piiscan] is not a piiscan config.
    (tmp_path / ".piiscan.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n')
    assert find_config(sub, tmp_path) is None


@pytest.mark.parametrize("text, message", [
    ('blok = ["CN_MOBILE"]', "unknown key"),
    ('block = ["PHONE"]', "unknown type"),
    ("min-confidence = 2", "between 0 and 1"),
    ('allow = {patterns = ["("]}', "not a valid regex"),
    ('[[overrides]]\nblock = ["CN_MOBILE"]', "needs 'paths'"),
    ("block = [", "not valid TOML"),
])
def test_bad_config_is_an_error(tmp_path, text, message):
    p = tmp_path / ".piiscan.toml"
    p.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(p)


def test_bad_config_exits_2(tmp_path, monkeypatch):
    repo = make_repo(tmp_path)
    (repo / ".piiscan.toml").write_text('blok = ["CN_MOBILE"]\n')
    res = run(repo, "check", monkeypatch=monkeypatch)
    assert res.exit_code == 2 and "unknown key" in res.stderr


def test_blocking_types_overrides_and_thresholds():
    cfg = GateConfig.from_dict({
        "block": ["CN_RESIDENT_ID", "CN_MOBILE"],
        "min-confidence": 0.7,
        "overrides": [
            {"paths": ["public/**"], "block": ["CN_RESIDENT_ID"], "min-confidence": 0.3},
            {"paths": ["fixtures/*.csv"], "skip": True},
        ],
    })
    assert cfg.scanner_min_confidence() == 0.3
    default, public, fixture = cfg.policy_for("a.csv"), cfg.policy_for("public/x/y.csv"), cfg.policy_for("fixtures/f.csv")
    assert default.blocks("CN_MOBILE") and not default.blocks("BANK_CARD") and default.min_confidence == 0.7
    assert public.blocks("CN_RESIDENT_ID") and not public.blocks("CN_MOBILE") and public.min_confidence == 0.3
    assert fixture.skip and not default.skip


def test_allowlist_exact_regex_and_inline_markers_end_to_end(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    hotline = "0791-86541234"
    person = synth.mobile_number(rng)
    marked = synth.mobile_number(rng)
    next_line = synth.resident_id_number(rng)
    office = "13900000000"
    (repo / ".piiscan.toml").write_text(
        f'[allow]\nvalues = ["0791 8654 1234"]\npatterns = ["139\\\\d{{8}}"]\n', encoding="utf-8")
    (repo / "notice.md").write_text(
        f"咨询电话：{hotline}\n"
        f"值班手机：{office}\n"
        f"联系人手机：{marked}  <!-- piiscan:allow 公开的工作号码 -->\n"
        f"<!-- piiscan:allow-next-line -->\n"
        f"示例身份证号：{next_line}\n"
        f"户主手机：{person}\n",
        encoding="utf-8")
    res = run(repo, "check", "--format", "json", "notice.md", monkeypatch=monkeypatch)
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    by_line = {f["line"]: (f["status"], f.get("reason")) for f in doc["findings"]}
    assert by_line[1] == ("allowed", "allowlist")  # exact, separators ignored
    assert by_line[2] == ("allowed", "allowlist")  # regex, whole value
    assert by_line[3] == ("allowed", "piiscan:allow")
    assert by_line[5] == ("allowed", "piiscan:allow")
    assert by_line[6] == ("blocking", None)
    assert doc["summary"]["allowed"] == 4 and doc["summary"]["blocking"] == 1


def test_non_blocking_type_is_a_warning_and_passes(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    (repo / "pyproject.toml").write_text('[tool.piiscan]\nblock = ["CN_RESIDENT_ID"]\n')
    (repo / "contacts.txt").write_text(f"手机：{synth.mobile_number(rng)}\n", encoding="utf-8")
    res = run(repo, "check", "--format", "json", monkeypatch=monkeypatch)
    assert res.exit_code == 0
    assert statuses(res) == [("CN_MOBILE", "warning")]
    (repo / "contacts.txt").write_text(f"身份证：{synth.resident_id_number(rng)}\n", encoding="utf-8")
    assert run(repo, "check", monkeypatch=monkeypatch).exit_code == 1
    # The command line narrows what is scanned.
    assert run(repo, "check", "--types", "CN_MOBILE", monkeypatch=monkeypatch).exit_code == 0


def test_include_exclude_from_config(tmp_path, rng, monkeypatch):
    repo = make_repo(tmp_path)
    (repo / ".piiscan.toml").write_text('exclude = ["tests/fixtures/**"]\n')
    (repo / "tests" / "fixtures").mkdir(parents=True)
    (repo / "tests" / "fixtures" / "sample.txt").write_text(f"身份证：{synth.resident_id_number(rng)}\n")
    assert run(repo, "check", monkeypatch=monkeypatch).exit_code == 0
    (repo / "out.txt").write_text(f"身份证：{synth.resident_id_number(rng)}\n")
    assert run(repo, "check", monkeypatch=monkeypatch).exit_code == 1
    assert run(repo, "check", "--exclude", "out.txt", monkeypatch=monkeypatch).exit_code == 0


def test_documented_example_config_loads(tmp_path):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "ci.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    p = tmp_path / "pyproject.toml"
    p.write_text(example, encoding="utf-8")
    cfg = load_config(p)
    assert cfg.block == ["CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD"]
    assert cfg.policy_for("a.txt").allows("CN_LANDLINE", "0791 8654 1234")
    assert cfg.policy_for("a.txt").allows("CN_LANDLINE", "4008123456")
    assert cfg.policy_for("samples/synthetic/x.csv").skip
