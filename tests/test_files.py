"""Folders, ignore files, skips vs errors, zip members and bombs, parallel jobs, the CLI on samples."""
from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli import main
from piiscan.files import IgnoreRules, SkippedPath, ignored, iter_files, scan_file, scan_path, scan_results
from piiscan.readers import ReadError
from piiscan.readers.archive import Limits, iter_members
from piiscan.scanner import Scanner


@pytest.fixture(scope="module")
def scanner():
    return Scanner()


def _csv(rng, n=3):
    rows = "".join(f"{i},{synth.person_name(rng)},{synth.resident_id_number(rng)},{synth.mobile_number(rng)}\n" for i in range(1, n + 1))
    return ("序号,姓名,身份证号码,联系电话\n" + rows).encode("utf-8")


def _xlsx(rows) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rel(root, paths):
    return [Path(p).relative_to(root).as_posix() for p in paths]


def test_piiscanignore_include_exclude(tmp_path):
    for rel in ["a.csv", "b.txt", "build/x.txt", "sub/c.csv", "sub/keep.log", "sub/drop.log", ".hidden/h.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")
    (tmp_path / ".piiscanignore").write_text("build/\n*.log\n!keep.log\n", encoding="utf-8")
    (tmp_path / "sub" / ".piiscanignore").write_text("c.csv\n", encoding="utf-8")
    assert _rel(tmp_path, iter_files([tmp_path])) == ["a.csv", "b.txt", "sub/keep.log"]
    assert _rel(tmp_path, iter_files([tmp_path], include=["*.csv"])) == ["a.csv"]
    assert _rel(tmp_path, iter_files([tmp_path], exclude=["b.*"])) == ["a.csv", "sub/keep.log"]


#: A tree exercising every way a .piiscanignore can apply: nested files, folder
#: patterns, anchored patterns, `**`, negation, and rules inside an ignored folder.
IGNORE_TREE = {
    ".piiscanignore": "build/\n!build/y.txt\n*.log\n!keep.log\n/top.txt\nfixtures/**/*.csv\n",
    "a.csv": "", "top.txt": "", "b.log": "", "keep.log": "",
    # Nothing can bring back a file in a folder a rule dropped (the folder is not entered).
    "build/x.txt": "", "build/y.txt": "", "build/.piiscanignore": "!x.txt\n",
    "sub/top.txt": "",  # /top.txt is anchored at the root
    "sub/b.log": "", "sub/c.csv": "", "sub/d.csv": "",
    "sub/.piiscanignore": "c.csv\n/deep/\n!b.log\n",  # a nested `!` cannot undo the root's *.log
    "sub/deep/e.txt": "", "sub/other/deep/f.txt": "",  # /deep/ is anchored at sub/
    "sub/inner/.piiscanignore": "*\n!g.txt\n", "sub/inner/g.txt": "", "sub/inner/h.txt": "",
    "fixtures/ids/p.csv": "", "fixtures/ids/p.txt": "", "fixtures/q.csv": "",
    "docs/fixtures/r.csv": "",  # fixtures/** is relative to the root's file: docs/fixtures is not it
}
IGNORE_TREE_KEPT = ["a.csv", "docs/fixtures/r.csv", "fixtures/ids/p.txt", "keep.log",
                    "sub/d.csv", "sub/inner/g.txt", "sub/other/deep/f.txt", "sub/top.txt"]


def test_ignored_agrees_with_the_folder_walk(tmp_path):
    for rel, text in IGNORE_TREE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    walked = sorted(_rel(tmp_path, iter_files([tmp_path])))
    assert walked == IGNORE_TREE_KEPT
    # Every path, asked one by one (each call reads the files afresh), or of one rules object.
    assert sorted(r for r in IGNORE_TREE if not ignored(tmp_path, r)) == walked
    rules = IgnoreRules.for_folder(tmp_path)
    assert sorted(r for r in IGNORE_TREE if not rules.ignored(r)) == walked
    # The same texts given as data (what `check --staged` reads from the index) agree too.
    texts = {r: t for r, t in IGNORE_TREE.items() if r.endswith(".piiscanignore")}
    from_texts = IgnoreRules.from_texts(texts)
    assert sorted(r for r in IGNORE_TREE if not from_texts.ignored(r)) == walked
    assert rules.ignored("build/") and rules.ignored("sub/deep/") and not rules.ignored("sub/other/deep/")


def test_symlinks_not_followed_by_default(tmp_path):
    target = tmp_path / "outside"
    target.mkdir()
    (target / "t.txt").write_text("x")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(target, target_is_directory=True)
    (root / "f.txt").symlink_to(target / "t.txt")
    # Not followed, but never silently absent: listed as skipped, with the reason.
    listed = list(iter_files([root]))
    assert [(p.name, p.skip_kind) for p in listed] == [("f.txt", "symlink"), ("link", "symlink")]
    results = list(scan_results([root]))
    assert [(Path(r.path).name, r.skip_kind) for r in results] == [("f.txt", "symlink"), ("link", "symlink")]
    assert all("not followed" in r.skipped and not r.findings and not r.error for r in results)
    followed = list(iter_files([root], follow_symlinks=True))
    assert len(followed) == 2 and not any(isinstance(p, SkippedPath) for p in followed)


def test_skipped_and_errors_do_not_stop_the_scan(tmp_path, rng, scanner):
    (tmp_path / "a.csv").write_bytes(_csv(rng))
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02\x03PK\x00" * 200)
    (tmp_path / "c.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    (tmp_path / "d.xlsx").write_bytes(b"PK\x03\x04broken")
    (tmp_path / "e.txt").write_text("手机 " + synth.mobile_number(rng) + "\n" * 5000, encoding="utf-8")
    results = {Path(r.path).name: r for r in scan_results([tmp_path], scanner, max_file_size=4000)}
    assert len([f for f in results["a.csv"].findings if f.type in ("CN_RESIDENT_ID", "CN_MOBILE")]) == 6
    assert results["b.bin"].skipped.startswith("binary") and not results["b.bin"].error
    assert "legacy Word" in results["c.doc"].skipped
    assert "d.xlsx" in str(tmp_path / "d.xlsx") and results["d.xlsx"].error
    assert results["e.txt"].skipped.startswith("too large")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_members_scanned_as_files(tmp_path, rng, scanner):
    inner = _zip({"deep/c.csv": _csv(rng)})
    (tmp_path / "pack.zip").write_bytes(_zip({
        "a/notice.csv": _csv(rng), "b.xlsx": _xlsx([["姓名", "身份证号码"], ["张伟", synth.resident_id_number(rng)]]),
        "broken.xlsx": b"PK\x03\x04junk", "photo.gif": b"GIF89a", "inner.zip": inner,
    }))
    results = list(scan_results([tmp_path / "pack.zip"], scanner))
    by = {r.path.split("pack.zip!", 1)[1]: r for r in results}
    assert sorted(by) == ["a/notice.csv", "b.xlsx", "broken.xlsx", "inner.zip!deep/c.csv", "photo.gif"]
    assert by["a/notice.csv"].findings[0].path.endswith("pack.zip!a/notice.csv")
    assert by["b.xlsx"].findings and by["inner.zip!deep/c.csv"].findings
    assert by["broken.xlsx"].error and by["photo.gif"].skipped
    assert all(f.path == r.path for r in results for f in r.findings)
    # scan_file on an archive: every member's findings, or the first member error
    with pytest.raises(ReadError, match="broken.xlsx"):
        scan_file(tmp_path / "pack.zip", scanner)


def test_zip_bomb_declared_size_stops_before_inflating(tmp_path, scanner):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("zeros.txt", "w") as fh:
            chunk = b"\x00" * (1 << 20)
            for _ in range(210):  # 210 MiB of zeros, ~200 KiB compressed
                fh.write(chunk)
    (tmp_path / "bomb.zip").write_bytes(buf.getvalue())
    [r] = list(scan_results([tmp_path / "bomb.zip"], scanner))
    assert r.error and "zip bomb" in r.error and r.path.endswith("bomb.zip")


def test_zip_bomb_limits(tmp_path):
    many = _zip({f"f{i}.txt": b"x" for i in range(30)})
    with pytest.raises(ReadError, match="more than 10 members"):
        list(iter_members(io.BytesIO(many), Limits(max_members=10)))
    ratio = _zip({"z.txt": b"0" * (3 << 20)})
    with pytest.raises(ReadError, match="ratio"):
        list(iter_members(io.BytesIO(ratio), Limits(max_ratio=50)))
    nested = b"PII"
    for i in range(6):
        nested = _zip({f"level{i}.zip" if i else "x.txt": nested})
    with pytest.raises(ReadError, match="nested deeper"):
        list(iter_members(io.BytesIO(nested)))
    # The directory can lie about sizes: inflating stops at the declared size and
    # the member is an error (bad CRC), never 2 MiB in memory.
    lying = bytearray(_zip({"z.txt": b"0" * (2 << 20), "ok.txt": b"fine"}))
    cd = lying.find(b"PK\x01\x02")
    lying[cd + 24:cd + 28] = (100).to_bytes(4, "little")  # central directory: uncompressed size 100
    members = dict(iter_members(io.BytesIO(bytes(lying)), Limits(max_member_size=1 << 20)))
    assert isinstance(members["z.txt"], ReadError) and members["ok.txt"] == b"fine"


def test_corrupt_zip(tmp_path, scanner):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    [r] = list(scan_results([tmp_path / "bad.zip"], scanner))
    assert r.error and "zip" in r.error


def _mixed_folder(root: Path, n: int = 40) -> None:
    rng = random.Random(5)
    for i in range(n):
        kind = i % 4
        sub = root / f"d{i % 3}"
        sub.mkdir(exist_ok=True)
        if kind == 0:
            (sub / f"f{i}.csv").write_bytes(_csv(rng, 5))
        elif kind == 1:
            (sub / f"f{i}.xlsx").write_bytes(_xlsx([["姓名", "银行账号"], [synth.person_name(rng), synth.bank_account_number(rng)]]))
        elif kind == 2:
            (sub / f"f{i}.txt").write_text(f"联系电话：{synth.mobile_number(rng)}", encoding="utf-8")
        else:
            (sub / f"f{i}.zip").write_bytes(_zip({"x.csv": _csv(rng, 2)}))
    (root / "broken.pdf").write_bytes(b"%PDF-1.4 junk")
    (root / "bin.dat").write_bytes(bytes(range(256)) * 4)


def _key(results):
    return [(r.path, r.error, r.skipped, r.notes, [(f.type, f.value, f.row, f.column, f.line, f.confidence) for f in r.findings])
            for r in results]


def test_jobs_give_identical_results_in_the_same_order(tmp_path, scanner):
    _mixed_folder(tmp_path)
    one = list(scan_results([tmp_path], scanner, jobs=1))
    two = list(scan_results([tmp_path], scanner, jobs=2))
    assert _key(one) == _key(two)
    assert len(one) == 42 and any(r.error for r in one) and any(r.skipped for r in one)
    assert scan_path(tmp_path, scanner, jobs=2) == [f for r in one for f in r.findings]


def test_cli_scans_samples_folder(tmp_path):
    samples = Path(__file__).resolve().parent.parent / "samples"
    if not (samples / "notice.pdf").exists():
        pytest.skip("samples/ not generated")
    # samples/scans holds scans: read only with the OCR extra, tested in test_samples.py and test_ocr.py
    res = CliRunner().invoke(main, ["scan", str(samples), "--format", "json", "--jobs", "2", "--exclude", "scans/*"],
                             catch_exceptions=False)
    assert res.exit_code == 1, res.output
    import json

    doc = json.loads(res.stdout if hasattr(res, "stdout") else res.output)
    paths = {f["path"].split("samples/", 1)[-1] for f in doc["findings"]}
    for name in ["notice.txt", "notice_utf8.csv", "notice_gbk.csv", "notice.xlsx", "notice.xls", "notice.pdf",
                 "notice.docx", "notice.html", "notices.zip!2020/notice.docx", "notices.zip!2020/notice_gbk.csv"]:
        assert name in paths
    assert not any(f["path"].endswith("planted.json") for f in doc["findings"])  # .piiscanignore
    assert not doc["errors"]
    # values are masked in reports
    assert all("*" in f["value"] for f in doc["findings"])


def test_big_text_files_are_streamed_with_the_same_findings(tmp_path, rng, scanner, monkeypatch):
    import piiscan.files as files

    lines = [f"第{i}户 身份证号：{synth.resident_id_number(rng)}，手机 {synth.mobile_number(rng)}\r\n" for i in range(400)]
    path = tmp_path / "big.txt"
    path.write_bytes("".join(lines).encode("gb18030"))
    whole = files.scan_file_results(path, scanner)[0].findings

    streamed_calls = []
    import piiscan.stream as stream

    real = stream.scan_stream

    def spy(*args, **kwargs):
        streamed_calls.append(args[0])
        return real(*args, chunk_chars=4096, overlap=64, **{k: v for k, v in kwargs.items() if k not in ("chunk_chars", "overlap")})

    monkeypatch.setattr(stream, "scan_stream", spy)
    monkeypatch.setattr(files, "STREAM_THRESHOLD", 1000)
    streamed = files.scan_file_results(path, scanner)[0].findings
    assert streamed_calls == [path]
    assert len(whole) == 800
    assert streamed == whole


class _InlinePool:
    """A process pool stand-in that runs each batch at once in this process.

    ``dies_at``: the submission whose worker is killed; later submissions
    find the pool broken, as concurrent.futures reports it.
    """

    def __init__(self, *args, initializer=None, initargs=(), dies_at: int | None = None, **kwargs):
        initializer(*initargs)
        self.dies_at = dies_at
        self.submitted: list[int] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def shutdown(self, wait=True, cancel_futures=False):
        pass

    def submit(self, fn, batch):
        import concurrent.futures
        from concurrent.futures.process import BrokenProcessPool

        self.submitted.append(len(batch))
        n = len(self.submitted)
        if self.dies_at is not None and n > self.dies_at:
            raise BrokenProcessPool("pool is broken")
        fut = concurrent.futures.Future()
        if n == self.dies_at:
            fut.set_exception(BrokenProcessPool("worker killed"))
        else:
            fut.set_result(fn(batch))
        return fut


def _inline_pool(monkeypatch, **options) -> list:
    """Patch the process pool with :class:`_InlinePool`; returns the list its pools are appended to."""
    import concurrent.futures

    pools: list = []

    def make(*args, **kwargs):
        pools.append(_InlinePool(*args, **kwargs, **options))
        return pools[-1]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", make)
    return pools


def _forty_files(tmp_path, text: str) -> list:
    for i in range(40):
        (tmp_path / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    return sorted(tmp_path.iterdir())


def test_parallel_scan_keeps_only_a_few_batches_in_flight(tmp_path, monkeypatch):
    # A reader that writes results out as they come (scan --format jsonl) must
    # not find the whole run's results held in finished futures.
    from piiscan import files as files_mod

    pools = _inline_pool(monkeypatch)
    paths = _forty_files(tmp_path, "无")
    consumed = 0
    for _ in files_mod._scan_parallel(paths, files_mod._default_scanner(), None, jobs=2):
        consumed += 1
        submitted = pools[0].submitted
        # never more than the window (2 x jobs batches) and the next batch ahead of what was read
        assert sum(submitted) <= consumed + 5 * max(submitted)
    assert consumed == 40 and sum(pools[0].submitted) == 40


def test_parallel_scan_reads_again_the_files_of_a_dead_worker(tmp_path, monkeypatch):
    # The pool dies (as when a reader library crashes one worker): the batches it
    # held are read again file by file in an isolated worker, later ones in a new pool.
    from piiscan import files as files_mod

    pools = _inline_pool(monkeypatch, dies_at=3)
    paths = _forty_files(tmp_path, "联系电话：13800138000")
    results = list(files_mod._scan_parallel(paths, files_mod._default_scanner(), None, jobs=2))
    assert [r.path for r in results] == [str(p) for p in paths]
    assert all(not r.error and [f.type for f in r.findings] == ["CN_MOBILE"] for r in results)
    assert len(pools) == 2  # a fresh pool after the broken one


def test_skipped_paths_keep_their_reason_across_processes(tmp_path):
    import pickle

    from piiscan.files import skipped_path

    p = skipped_path(tmp_path / "x", "loop", "a loop")
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, SkippedPath) and (q, q.skip_kind, q.reason) == (p, "loop", "a loop")
    root = tmp_path / "root"
    root.mkdir()
    for i in range(6):
        (root / f"{i}.txt").write_text("电话 13912345678", encoding="utf-8")
        (root / f"{i}.lnk").symlink_to(root / f"{i}.txt")
    one = [(Path(r.path).name, r.skip_kind, len(r.findings)) for r in scan_results([root], jobs=1)]
    two = [(Path(r.path).name, r.skip_kind, len(r.findings)) for r in scan_results([root], jobs=2)]
    assert one == two and [k for _, k, _ in one].count("symlink") == 6
