"""Writers: every format and strategy redacts planted values, re-scans clean, keeps the rest."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli.redact import redact as redact_cmd, restore as restore_cmd
from piiscan.files import scan_file_result
from piiscan.redact import redact_dataframe, redact_file
from piiscan.redact.writers.csv import iter_fields
from piiscan.scanner import Scanner

KEY = "file-test-key-0123456789"
STRATEGIES = ["mask", "tag", "pseudonymize", "encrypt", "generalize", "fake"]
HEADER = ["序号", "户主姓名", "身份证号码", "联系电话", "银行账号", "补贴金额"]


def people(n: int, seed: int = 5) -> list[list[str]]:
    rng = random.Random(seed)
    return [[str(i + 1), synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng),
             synth.bank_account_number(rng) if i % 2 else synth.bank_card_number(rng), f"{1000 + i}.00"]
            for i in range(n)]


def secret_values(rows: list[list[str]]) -> list[str]:
    return [v for r in rows for v in r[2:5]]


def assert_clean(path: Path, strategy: str) -> None:
    result = scan_file_result(path, Scanner(types=["CN_RESIDENT_ID", "CN_MOBILE", "BANK_CARD", "CN_LANDLINE", "EMAIL_ADDRESS"]))
    assert result.error is None
    if strategy != "fake":
        assert result.findings == [], [f.type for f in result.findings]


# --- text --------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_text_same_encoding_only_spans_change(tmp_path, encoding, strategy):
    rows = people(3)
    lines = [f"{r[1]}，身份证{r[2]}，电话{r[3]}，账号{r[4]}" for r in rows]
    text = "乐安县2020年农机购置补贴公示\r\n" + "\r\n".join(lines) + "\r\n"
    src = tmp_path / "notice.txt"
    src.write_bytes(text.encode(encoding))
    dst = tmp_path / "out" / "notice.txt"
    report = redact_file(src, dst, strategy=strategy, key=KEY)
    data = dst.read_bytes()
    out = data.decode(encoding)
    assert src.read_bytes() == text.encode(encoding)  # input untouched
    for v in secret_values(rows):
        assert v.encode(encoding) not in data
    assert out.startswith("乐安县2020年农机购置补贴公示\r\n") and out.count("\r\n") == 4
    assert report.changes >= 6
    assert_clean(dst, strategy)


def test_text_refuses_to_overwrite_input(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("手机 13800138000", encoding="utf-8")
    with pytest.raises(ValueError, match="in_place"):
        redact_file(src, src)
    redact_file(src, None, in_place=True)
    assert src.read_text(encoding="utf-8") == "手机 138****8000"


# --- csv ---------------------------------------------------------------------

def write_csv(path: Path, rows, *, delim=",", encoding="utf-8", quote_all=False, newline="\r\n") -> str:
    def cell(v):
        return f'"{v}"' if quote_all else v
    text = newline.join(delim.join(cell(v) for v in r) for r in [HEADER] + rows) + newline
    path.write_bytes(text.encode(encoding))
    return text


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("delim,encoding,quote_all,newline", [
    (",", "utf-8", False, "\r\n"), (";", "gb18030", True, "\n"), ("\t", "utf-8-sig", False, "\n"),
])
def test_csv_keeps_dialect_and_shape(tmp_path, strategy, delim, encoding, quote_all, newline):
    rows = people(8)
    src = tmp_path / "list.csv"
    text = write_csv(src, rows, delim=delim, encoding=encoding, quote_all=quote_all, newline=newline)
    dst = tmp_path / "out.csv"
    redact_file(src, dst, strategy=strategy, key=KEY)
    data = dst.read_bytes()
    out = data.decode(encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    for v in secret_values(rows):
        assert v not in out
    before = list(iter_fields(text.lstrip("\ufeff"), delim))
    after = list(iter_fields(out.lstrip("\ufeff"), delim))
    assert [(r, c, q) for r, c, _, _, _, q in before] == [(r, c, q) for r, c, _, _, _, q in after]
    # Untouched columns identical: 序号, 补贴金额 and the header row.
    keep = {(r, c): v for r, c, _, _, v, _ in before if r == 0 or c in (0, 5)}
    assert keep == {(r, c): v for r, c, _, _, v, _ in after if r == 0 or c in (0, 5)}
    assert out.count(newline) == text.count(newline)
    assert_clean(dst, strategy)


def test_csv_account_without_luhn_is_found_by_its_header(tmp_path):
    rows = [["1", "张三", "无", "无", synth.bank_account_number(random.Random(1)), "1.00"]]
    src = tmp_path / "a.csv"
    write_csv(src, rows)
    dst = tmp_path / "b.csv"
    redact_file(src, dst)
    assert rows[0][4] not in dst.read_text(encoding="utf-8")


def test_dataframe(rng):
    import pandas as pd

    rows = people(5)
    df = pd.DataFrame(rows, columns=HEADER)
    df["手机数字"] = [int(r[3]) for r in rows]
    out = redact_dataframe(df)
    assert out.shape == df.shape and list(out.columns) == list(df.columns)
    flat = out.astype(str).to_numpy().ravel().tolist()
    for v in secret_values(rows):
        assert v not in " ".join(flat)
    assert out["补贴金额"].tolist() == df["补贴金额"].tolist()
    assert df.iloc[0, 2] == rows[0][2]  # the input frame is not modified


# --- CLI ---------------------------------------------------------------------

def make_tree(root: Path) -> list[str]:
    rows = people(4)
    (root / "sub").mkdir(parents=True)
    write_csv(root / "list.csv", rows)
    (root / "sub" / "notice.txt").write_text("户主电话 " + rows[0][3] + "\n", encoding="utf-8")
    return secret_values(rows)


def test_cli_mirrors_tree_and_verifies(tmp_path):
    values = make_tree(tmp_path / "in")
    res = CliRunner().invoke(redact_cmd, [str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "list.csv").exists() and (tmp_path / "out" / "sub" / "notice.txt").exists()
    blob = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert not any(v.encode() in blob for v in values)
    assert not any(v in res.output for v in values)  # messages never show values


def test_cli_needs_out_or_in_place_and_a_key(tmp_path, monkeypatch):
    monkeypatch.delenv("PIISCAN_KEY", raising=False)
    make_tree(tmp_path / "in")
    assert CliRunner().invoke(redact_cmd, [str(tmp_path / "in")]).exit_code == 2
    res = CliRunner().invoke(redact_cmd, [str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-s", "encrypt"])
    assert res.exit_code == 2 and "PIISCAN_KEY" in res.output


def test_cli_leak_is_loud_and_output_removed(tmp_path, monkeypatch):
    make_tree(tmp_path / "in")
    import piiscan.redact.writers.text as text_writer

    def leaky(src, dst, redactor, report, **_):  # a writer that forgets to redact
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(src.read_bytes())
    monkeypatch.setattr(text_writer, "write", leaky)
    res = CliRunner().invoke(redact_cmd, [str(tmp_path / "in"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "LEAK" in res.output and "REDACTION FAILED" in res.output
    assert not (tmp_path / "o" / "sub" / "notice.txt").exists()


def test_cli_encrypt_then_restore(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(KEY)
    values = make_tree(tmp_path / "in")
    res = CliRunner().invoke(redact_cmd, [str(tmp_path / "in"), "-o", str(tmp_path / "enc"), "-s", "encrypt",
                                          "--key-file", str(key_file)])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(restore_cmd, [str(tmp_path / "enc" / "list.csv"), "-o", str(tmp_path / "dec"),
                                           "--key-file", str(key_file)])
    assert res.exit_code == 0, res.output
    # Numbers come back exactly; names (not a numeric type) were pseudonymised, one-way.
    def numeric(path):
        return [v for r, c, _, _, v, _ in iter_fields(path.read_text(encoding="utf-8"), ",") if c != 1]
    assert numeric(tmp_path / "dec" / "list.csv") == numeric(tmp_path / "in" / "list.csv")
    assert not any(v in (tmp_path / "enc" / "list.csv").read_text(encoding="utf-8") for v in values)


def test_zip_members_redacted_in_their_formats(tmp_path):
    import zipfile

    rows = people(3)
    csv_path = tmp_path / "m.csv"
    write_csv(csv_path, rows)
    src = tmp_path / "a.zip"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(csv_path, "dir/list.csv")
        z.writestr("dir/notice.txt", "电话 " + rows[0][3])
    dst = tmp_path / "out.zip"
    redact_file(src, dst)
    with zipfile.ZipFile(dst) as z:
        assert z.namelist() == ["dir/list.csv", "dir/notice.txt"]
        blob = b"".join(z.read(n) for n in z.namelist()).decode("utf-8")
    assert not any(v in blob for v in secret_values(rows))
    assert blob.count("\r\n") == len(rows) + 1


def test_redact_globs_match_like_scan(tmp_path):
    """--include/--exclude match paths relative to the folder given, as for ``scan``."""
    from click.testing import CliRunner

    from piiscan.cli import main

    src = tmp_path / "in"
    (src / "keep").mkdir(parents=True)
    (src / "other").mkdir()
    for d in ("keep", "other"):
        (src / d / "a.txt").write_text("手机 13800138000\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["redact", str(src), "--out", str(out), "--include", "keep/*"])
    assert res.exit_code == 0, res.output
    assert (out / "keep" / "a.txt").exists() and not (out / "other").exists()
