"""The Dask engine gives the same findings as the local scan, on a real 2-worker cluster."""
from __future__ import annotations

import random

import pytest

pytest.importorskip("dask", reason="dask not installed: pip install 'piiscan-cn[dask]'")
pytest.importorskip("distributed", reason="dask.distributed not installed: pip install 'piiscan-cn[dask]'")
pd = pytest.importorskip("pandas")

from distributed import Client, LocalCluster  # noqa: E402

from piiscan import synth  # noqa: E402
from piiscan import dask as pdask  # noqa: E402
from piiscan.files import scan_path, scan_results  # noqa: E402
from piiscan.scanner import Scanner  # noqa: E402

try:
    import dask.dataframe as dd
except ImportError as exc:  # dask.dataframe needs pyarrow: the dask[dataframe] extra
    dd = None
    _DD_MISSING = f"dask.dataframe not importable ({exc}): pip install 'dask[dataframe]'"
else:
    _DD_MISSING = ""
needs_dd = pytest.mark.skipif(dd is None, reason=_DD_MISSING or "dask.dataframe available")

FILLER = "根据有关规定，现将本村二〇二四年耕地地力保护补贴发放情况公示如下，如有异议请在七日内反映。\n"


@pytest.fixture(scope="module")
def client():
    # Real worker processes: this exercises pickling of the scanner and the
    # findings and import of piiscan on the workers.
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def _line(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"户主{synth.person_name(rng)}，身份证号：{synth.resident_id_number(rng)}，"
    if kind == 1:
        return f"联系电话 {synth.mobile_number(rng)}；座机{synth.landline_number(rng)}。"
    if kind == 2:
        return f"惠农卡号：{synth.bank_card_number(rng)}，"
    if kind == 3:
        return f"邮箱 {synth.email_address(rng)}\n"
    if kind == 4:
        return f"存折账号 {synth.bank_account_number(rng)}。"
    return "订单号 " + "".join(str(rng.randrange(10)) for _ in range(18)) + "。"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    rng = random.Random(77)
    for i in range(60):
        sub = root / f"town{i % 4}"
        sub.mkdir(exist_ok=True)
        text = "".join(FILLER[: rng.randrange(len(FILLER))] + _line(rng) for _ in range(rng.randrange(0, 12)))
        encoding = "gb18030" if i % 5 == 0 else "utf-8"
        (sub / f"notice{i:03d}.txt").write_bytes(text.encode(encoding))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.dat").write_bytes(b"\x00\x01\x02PK\x00" * 100)  # not scanned, as locally
    return root


def _key(findings):
    return [(f.path, f.type, f.start, f.end, f.value, f.confidence, f.detector, f.line, f.column) for f in findings]


def test_scan_files_equals_scan_path(client, folder):
    scanner = Scanner()
    local = scan_path(folder, scanner)
    remote = pdask.scan_files(folder, client, scanner, batch_files=7)
    assert len(local) > 100
    assert _key(remote) == _key(local)


def test_scan_results_keep_errors_and_order(client, folder):
    local = list(scan_results([folder], Scanner(types=["CN_MOBILE"]), max_file_size=600))
    remote = list(pdask.scan_results([folder], client, Scanner(types=["CN_MOBILE"]), max_file_size=600, batch_bytes=2000))
    assert [(r.path, r.error, r.skipped, _key(r.findings)) for r in remote] == \
           [(r.path, r.error, r.skipped, _key(r.findings)) for r in local]
    assert any(r.skipped for r in remote)


def test_cli_scheduler_gives_the_local_output(client, folder):
    # `piiscan scan --scheduler ADDRESS` against the same folder scanned locally: the
    # same JSON lines in the same order, written as the cluster's results come in.
    from click.testing import CliRunner

    from piiscan.cli import main

    local = CliRunner().invoke(main, ["scan", str(folder), "--format", "jsonl", "--jobs", "1"])
    remote = CliRunner().invoke(main, ["scan", str(folder), "--format", "jsonl",
                                       "--scheduler", client.scheduler.address])
    assert local.exit_code == remote.exit_code == 1
    assert remote.output == local.output and remote.output.count("\n") > 100


def _frame(n: int) -> "pd.DataFrame":
    rng = random.Random(5)
    return pd.DataFrame({
        "姓名": [synth.person_name(rng) for _ in range(n)],
        "身份证号码": [synth.resident_id_number(rng) for _ in range(n)],
        "联系电话": [synth.mobile_number(rng) if i % 7 else None for i in range(n)],
        "银行账号": [synth.bank_account_number(rng) if i % 2 else synth.bank_card_number(rng) for i in range(n)],
        "备注": [rng.choice(["", "已核实", f"邮箱{synth.email_address(rng)}", "订单号 202401010000000001"]) for _ in range(n)],
        "补贴金额": [rng.randrange(100, 5000) for _ in range(n)],
    })


@needs_dd
def test_scan_dataframe_equals_local(client):
    df = _frame(400)
    ddf = dd.from_pandas(df, npartitions=5)
    scanner = Scanner()
    local = pdask.scan_pandas(df, scanner)
    remote = pdask.scan_dataframe(ddf, client, scanner)
    assert len(local) > 1000
    assert [(f.row, f.column, f.type, f.start, f.end, f.value) for f in remote] == \
           [(f.row, f.column, f.type, f.start, f.end, f.value) for f in local]
    # Rows are positions in the whole frame, not in a partition.
    ids = [f for f in remote if f.column == "身份证号码"]
    assert [f.row for f in ids] == list(range(1, 401))
    assert all(f.value == df["身份证号码"].iloc[f.row - 1] for f in ids)


@needs_dd
def test_scan_dataframe_uneven_partitions_from_csv(client, tmp_path):
    # Partitions read from several files each restart their index at 0:
    # rows must still count through the whole frame.
    df = _frame(90)
    for i, part in enumerate((df.iloc[:10], df.iloc[10:55], df.iloc[55:])):
        part.to_csv(tmp_path / f"part{i}.csv", index=False)
    ddf = dd.read_csv(str(tmp_path / "part*.csv"), dtype=str)
    whole = pd.concat([pd.read_csv(tmp_path / f"part{i}.csv", dtype=str) for i in range(3)], ignore_index=True)
    local = pdask.scan_pandas(whole, Scanner())
    remote = pdask.scan_dataframe(ddf, client)
    assert [(f.row, f.column, f.value) for f in remote] == [(f.row, f.column, f.value) for f in local]
    assert max(f.row for f in remote) == 90


@needs_dd
def test_scan_dataframe_default_scheduler_and_columns():
    df = _frame(50)
    ddf = dd.from_pandas(df, npartitions=3)
    got = pdask.scan_dataframe(ddf, scanner=Scanner(), columns=["联系电话"])
    assert {f.column for f in got} == {"联系电话"}
    assert [f.row for f in got] == [i + 1 for i in range(50) if i % 7]
