"""The web app through the framework's test client: every route, every error class, the safety rules.

A live server (uvicorn in a subprocess, parallel clients, disconnects) is
tested in test_web_server.py; the page in a real browser in test_web_browser.py.
"""
from __future__ import annotations

import codecs
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason='the web extra is not installed: pip install "piiscan-cn[web]"')
pytest.importorskip("httpx", reason="the framework's test client needs httpx")

from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

import piiscan  # noqa: E402
from piiscan.cli import main  # noqa: E402
from piiscan.finding import ENTITY_TYPES  # noqa: E402
from piiscan.redact import FileReport  # noqa: E402
from piiscan.redact.strategies import STRATEGIES  # noqa: E402
from piiscan.web import create_app  # noqa: E402
from piiscan.web import work as web_work  # noqa: E402
from piiscan.web.work import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PLANTED = json.loads((SAMPLES / "planted.json").read_text(encoding="utf-8"))
#: Raw values planted in the samples that must never show unless asked for.
RAW = [v for t in ("CN_RESIDENT_ID", "BANK_CARD", "CN_MOBILE") for v in PLANTED["table"][t]]
HOSTILE = "<img src=x onerror=alert(1)>.csv"


@pytest.fixture(scope="module")
def scanner():
    return piiscan.Scanner()


@pytest.fixture
def work_root(tmp_path):
    """The private work root; after every test nothing is left in it, whatever the requests did."""
    root = tmp_path / "work"
    root.mkdir()
    yield root
    assert list(root.iterdir()) == []


@pytest.fixture
def settings(work_root, scanner):
    return Settings(tmp_root=str(work_root), scanner=scanner)


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as c:
        yield c


@pytest.fixture
def csrf(client):
    return _token(client.get("/").text)


def _token(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert err["message"]
    if code:
        assert err["code"] == code
    return err


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A scanned PDF (page 2 an image) and an encrypted PDF, made by the project's sample generator."""
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path_factory.mktemp("made")
    mod.write_scanned_pdf(out / "scanned.pdf")
    import pikepdf

    with pikepdf.open(SAMPLES / "notice.pdf") as pdf:
        pdf.save(out / "locked.pdf", encryption=pikepdf.Encryption(user="secret", owner="secret"))
    return out


# --- the page and its assets ------------------------------------------------------------------

def test_page_is_local_labelled_and_guarded(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
    assert 'lang="zh-CN"' in html and "个人信息检查与脱敏" in html
    # Nothing fetched from elsewhere: every src/href is a local path or a fragment.
    for url in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert url.startswith(("/", "#")), url
    assert "<script>" not in html and " on" not in re.sub(r"<[^>]*>", lambda m: m.group(0).split(" on")[0], html)
    # Every form control has a label.
    for cid in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{cid}"' in html, cid
    for t in ENTITY_TYPES:
        assert f'id="s-{t}"' in html
    assert _token(html) and "{{" not in html


def test_each_server_has_its_own_csrf_token(settings):
    a = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    b = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    assert _token(a.get("/").text) != _token(b.get("/").text)


@pytest.mark.parametrize("name,ctype", [("app.js", "text/javascript"), ("app.css", "text/css"),
                                        ("favicon.svg", "image/svg+xml")])
def test_static_assets(client, name, ctype):
    r = client.get(f"/static/{name}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    body = r.content.replace(b'xmlns="http://www.w3.org/2000/svg"', b"")  # a namespace name, not a fetch
    assert b"http://" not in body and b"https://" not in body  # nothing from elsewhere
    assert "content-security-policy" in r.headers


def test_unknown_paths_are_json_404(client):
    for path in ("/static/../../pyproject.toml", "/static/index.html", "/nowhere", "/docs", "/redoc"):
        _error(client.get(path), 404)
    _error(client.get("/api/v1/scan"), 405)


def test_health_and_types(client):
    assert client.get("/api/v1/health").json() == {"status": "ok", "version": piiscan.__version__}
    t = client.get("/api/v1/types").json()
    assert [x["type"] for x in t["types"]] == list(ENTITY_TYPES)
    assert all(x["label"] for x in t["types"])
    keyed = {s["name"] for s in t["strategies"] if s["needs_key"]}
    assert [s["name"] for s in t["strategies"]] == list(STRATEGIES)
    assert keyed == {"pseudonymize", "encrypt", "fake"}


def test_openapi_is_served_locally(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/scan", "/api/v1/redact", "/api/v1/types", "/api/v1/health"} <= set(spec["paths"])
    scan = spec["paths"]["/api/v1/scan"]["post"]
    assert {"multipart/form-data", "application/json"} <= set(scan["requestBody"]["content"])
    assert {"400", "413", "415", "422"} <= set(scan["responses"])
    redact = spec["paths"]["/api/v1/redact"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"file", "strategy", "key"} <= set(redact["properties"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/v1/redact" in docs.text
    assert "<script" not in docs.text and not re.search(r'(?:src|href)="https?:', docs.text)


# --- REST: scan ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["notice_utf8.csv", "notice.docx", "notices.zip", "clean_policy.txt"])
def test_scan_file_gives_the_cli_json(client, tmp_path, name):
    """Same document as ``piiscan scan --format json`` on the same file, record for record."""
    r = client.post("/api/v1/scan", files={"file": (name, _sample(name))})
    assert r.status_code == 200
    (tmp_path / name).write_bytes(_sample(name))
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        cli = CliRunner().invoke(main, ["scan", "--format", "json", "-j", "1", "--no-progress", name])
    finally:
        os.chdir(cwd)
    assert r.json() == json.loads(cli.stdout)
    assert r.headers["x-piiscan-exit"] == str(cli.exit_code)


def test_scan_masks_values_unless_asked(client):
    data = _sample("notice_utf8.csv")
    masked = client.post("/api/v1/scan", files={"file": ("n.csv", data)})
    assert not any(v in masked.text for v in RAW)
    shown = client.post("/api/v1/scan", files={"file": ("n.csv", data)}, data={"show_values": "true"})
    assert all(v in shown.text for v in RAW)


def test_scan_text_json(client):
    text = "户主手机 13800138000，邮箱 nongji@example.com\n第二行 身份证 11010519491231002X"
    r = client.post("/api/v1/scan", json={"text": text, "show_values": True})
    assert r.status_code == 200 and r.headers["x-piiscan-exit"] == "1"
    doc = r.json()
    assert set(doc) == {"findings", "errors", "unread", "skipped", "notes", "summary"}
    assert {f["type"] for f in doc["findings"]} >= {"CN_MOBILE", "EMAIL_ADDRESS", "CN_RESIDENT_ID"}
    for f in doc["findings"]:
        assert text[f["start"]:f["end"]] == f["value"] and "path" not in f
    rid = next(f for f in doc["findings"] if f["type"] == "CN_RESIDENT_ID")
    assert (rid["line"], rid["column"]) == (2, 9)
    masked = client.post("/api/v1/scan", json={"text": text}).json()
    assert "13800138000" not in json.dumps(masked) and masked["summary"]["findings"] == len(doc["findings"])
    clean = client.post("/api/v1/scan", json={"text": "补贴金额 13800 元"})
    assert clean.json()["summary"]["findings"] == 0 and clean.headers["x-piiscan-exit"] == "0"


def test_scan_bad_input_is_400(client):
    _error(client.post("/api/v1/scan", files={"other": ("a.txt", b"x")}), 400, "no_file")
    _error(client.post("/api/v1/scan", data={"file": "not a file"}, files={"x": ("a", b"")}), 400, "no_file")
    _error(client.post("/api/v1/scan", files=[("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))]), 400,
           "too_many_files")
    _error(client.post("/api/v1/scan", content=b"{not json", headers={"content-type": "application/json"}), 400,
           "bad_json")
    _error(client.post("/api/v1/scan", json={"txt": "x"}), 400, "no_text")
    _error(client.post("/api/v1/scan", json=["text"]), 400, "no_text")
    _error(client.post("/api/v1/scan", content=b"--x\r\nbroken", headers={
        "content-type": "multipart/form-data; boundary=x"}), 400)


def test_scan_wrong_content_type_is_415(client):
    _error(client.post("/api/v1/scan", content=b"13800138000", headers={"content-type": "text/plain"}), 415,
           "bad_content_type")


@pytest.mark.parametrize("name,data,words", [
    ("minutes.doc", codecs.decode("d0cf11e0a1b11ae1", "hex") + b"\x00" * 64, "旧版 Word"),
    ("photo.gif", b"GIF89a" + b"\x00" * 64, "GIF"),
    ("blob.bin", b"\x00\x01\x02\x03" * 100, "无法识别的文件格式"),
    ("old.rar", b"Rar!\x1a\x07\x00", ".zip"),
])
def test_unsupported_formats_are_415_in_plain_words(client, name, data, words):
    err = _error(client.post("/api/v1/scan", files={"file": (name, data)}), 415, "unsupported")
    assert words in err["message"] and err["detail"]


@pytest.mark.parametrize("name,data,words", [
    ("broken.xlsx", b"PK\x03\x04 this is not a workbook", "损坏"),
    ("broken.docx", b"not a zip at all", "损坏"),
    ("broken.pdf", b"%PDF-1.7\n garbage", "损坏"),
    ("locked.xlsx", codecs.decode("d0cf11e0a1b11ae1", "hex") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"),
     "密码"),
])
def test_unreadable_files_are_422_in_plain_words(client, name, data, words):
    err = _error(client.post("/api/v1/scan", files={"file": (name, data)}), 422, "unreadable")
    assert words in err["message"] and err["detail"]


def test_encrypted_pdf_is_422(client, made):
    err = _error(client.post("/api/v1/scan", files={"file": ("locked.pdf", (made / "locked.pdf").read_bytes())}),
                 422, "unreadable")
    assert "密码" in err["message"]


def test_too_large_is_413(work_root, scanner):
    small = Settings(tmp_root=str(work_root), scanner=scanner, max_upload=4096)
    with TestClient(create_app(small), base_url="http://127.0.0.1:8000") as c:
        _error(c.post("/api/v1/scan", files={"file": ("big.txt", b"x" * 5000)}), 413, "too_large")
        _error(c.post("/api/v1/scan", json={"text": "x" * 5000}), 413, "too_large")
        assert c.post("/api/v1/scan", files={"file": ("ok.txt", b"x" * 1000)}).status_code == 200


def test_body_limit_counts_a_body_without_length():
    """A chunked upload (no Content-Length) is cut off as soon as it passes the limit."""
    import asyncio

    from piiscan.web.uploads import TooLarge, read_limited

    pulled = []

    async def chunks():
        for i in range(100):
            pulled.append(i)
            yield b"x" * 1000

    with pytest.raises(TooLarge):
        asyncio.run(read_limited(chunks(), 4500))
    assert len(pulled) == 5  # it stopped reading, it did not drain the client
    assert asyncio.run(read_limited(chunks(), 10**6)) == b"x" * 100_000


def test_archive_with_a_broken_member_lists_it(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a/ok.txt", "经办人手机 13800138000")
        z.writestr("a/broken.xlsx", b"PK\x03\x04 not a workbook")
    r = client.post("/api/v1/scan", files={"file": ("batch.zip", buf.getvalue())})
    assert r.status_code == 200 and r.headers["x-piiscan-exit"] == "2"
    doc = r.json()
    assert doc["summary"]["errors"] == 1 and doc["errors"][0]["path"] == "batch.zip!a/broken.xlsx"
    assert doc["findings"][0]["path"] == "batch.zip!a/ok.txt"


@pytest.fixture
def missing_ocr(monkeypatch):
    """As without the OCR extra (with it, the scanned page of scanned.pdf is read: a blank frame)."""
    from piiscan.ocr import engine

    monkeypatch.setattr(engine, "_PROBLEM", f"image: {engine.INSTALL_HINT}")
    monkeypatch.setattr(engine, "_ENGINE", None)


def test_scanned_page_is_listed_as_unread(client, made, missing_ocr):
    r = client.post("/api/v1/scan", files={"file": ("scanned.pdf", (made / "scanned.pdf").read_bytes())})
    assert r.status_code == 200 and r.headers["x-piiscan-exit"] == "2"
    assert r.json()["unread"] and "page 2" in r.json()["unread"][0]["unread"]


# --- REST: redact --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["notice_utf8.csv", "notice.xlsx", "notice.docx", "notice.pdf", "notice.html",
                                  "notices.zip"])
def test_redact_gives_a_clean_copy_in_the_same_format(client, tmp_path, scanner, name):
    r = client.post("/api/v1/redact", files={"file": (name, _sample(name))})
    assert r.status_code == 200, r.text
    assert int(r.headers["x-piiscan-changes"]) >= 100
    assert "attachment" in r.headers["content-disposition"] and "_%E8%84%B1%E6%95%8F" in r.headers["content-disposition"]
    out = tmp_path / f"out{Path(name).suffix}"
    out.write_bytes(r.content)
    assert piiscan.scan_file(out, scanner) == []  # the scanner reads the download and finds nothing
    assert r.content[:2] == _sample(name)[:2]  # same format: same magic bytes


def test_redact_strategy_per_type(client):
    r = client.post("/api/v1/redact", files={"file": ("n.txt", _sample("notice.txt"))},
                    data={"strategy": "CN_MOBILE=tag,PERSON_NAME=generalize"})
    assert r.status_code == 200
    text = r.content.decode("utf-8")
    assert "[手机号]" in text and "汪某" in text
    assert not any(v in text for v in RAW)


def test_redact_with_a_key_round_trips(client):
    key = "k3y-for-the-test-only-0123456789"
    r = client.post("/api/v1/redact", files={"file": ("n.txt", _sample("notice.txt"))},
                    data={"strategy": "CN_RESIDENT_ID=encrypt", "key": key})
    assert r.status_code == 200
    restored = piiscan.restore_text(r.content.decode("utf-8"), key=key)
    assert PLANTED["table"]["CN_RESIDENT_ID"][0] in restored


def test_redact_bad_choices_are_400(client):
    f = {"file": ("n.txt", b"13800138000")}
    _error(client.post("/api/v1/redact", files=f, data={"strategy": "shred"}), 400, "bad_strategy")
    _error(client.post("/api/v1/redact", files=f, data={"strategy": "CN_MOBILE=shred"}), 400, "bad_strategy")
    _error(client.post("/api/v1/redact", files=f, data={"strategy": "NOT_A_TYPE=mask"}), 400, "bad_strategy")
    _error(client.post("/api/v1/redact", files=f, data={"strategy": "pseudonymize"}), 400, "key_missing")
    _error(client.post("/api/v1/redact", files=f, data={"strategy": "fake", "key": "short"}), 400, "bad_key")


def test_a_server_key_is_not_used_for_a_visitor_without_one(client, monkeypatch):
    monkeypatch.setenv("PIISCAN_KEY", "server-side-key-0123456789")
    _error(client.post("/api/v1/redact", files={"file": ("n.txt", b"13800138000")}, data={"strategy": "encrypt"}),
           400, "key_missing")


def test_redact_refuses_unsupported_and_unreadable(client, made, missing_ocr):
    _error(client.post("/api/v1/redact", files={"file": ("m.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 60)}), 415)
    _error(client.post("/api/v1/redact", files={"file": ("b.xlsx", b"PK\x03\x04 nope")}), 422)
    err = _error(client.post("/api/v1/redact", files={"file": ("s.pdf", (made / "scanned.pdf").read_bytes())}),
                 422, "incomplete")
    assert "未能读取" in err["message"]


def _copy_unchanged(src, dst, **_kw):
    """A broken writer: the 'redacted' copy is the input."""
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return FileReport(str(src), str(dst))


def test_a_leak_refuses_the_download(client, monkeypatch, csrf):
    monkeypatch.setattr(web_work, "redact_file", _copy_unchanged)
    r = client.post("/api/v1/redact", files={"file": ("n.csv", _sample("notice_utf8.csv"))})
    err = _error(r, 422, "leak")
    assert "拒绝下载" in err["message"]
    assert not any(v in r.text for v in RAW)  # what was left is listed masked
    assert r.json()["left"] and all("*" in x["value"] for x in r.json()["left"])
    page = client.post("/ui/redact", files={"file": ("n.csv", _sample("notice_utf8.csv"))},
                       headers={"X-CSRF-Token": csrf})
    _error(page, 422, "leak")
    report = client.post("/ui/report", files={"file": ("n.csv", _sample("notice_utf8.csv"))},
                         headers={"X-CSRF-Token": csrf})
    assert report.status_code == 200 and report.headers["x-piiscan-verdict"] == "leak"
    assert "未通过" in report.text and "拒绝下载" in report.text
    assert not any(v in report.text for v in RAW)


def test_an_unreadable_copy_refuses_the_download(client, monkeypatch):
    def garbage(src, dst, **_kw):
        Path(dst).parent.mkdir(parents=True, exist_ok=True)
        Path(dst).write_bytes(b"PK\x03\x04 not a workbook any more")
        return FileReport(str(src), str(dst))

    monkeypatch.setattr(web_work, "redact_file", garbage)
    _error(client.post("/api/v1/redact", files={"file": ("n.xlsx", _sample("notice.xlsx"))}), 422, "unverified")


# --- the page's routes -------------------------------------------------------------------------

def test_page_scan_places_findings_in_the_document(client, csrf):
    r = client.post("/ui/scan", files={"file": ("notice.xlsx", _sample("notice.xlsx"))}, headers={"X-CSRF-Token": csrf})
    card = r.json()
    assert card["status"] == "found" and card["sha256"] == __import__("hashlib").sha256(_sample("notice.xlsx")).hexdigest()
    counts = {c["type"]: c["count"] for c in card["counts"]}
    assert counts["CN_RESIDENT_ID"] == 35 and sum(counts.values()) == len(card["findings"])
    assert all(f["shown"] for f in card["findings"])
    first = card["view"]["blocks"][0]
    assert first["kind"] == "table" and first["where"] == "工作表「第一批」" and first["header_row"] == 1
    header = ["".join(cell) for cell in first["rows"][1]]
    row = first["rows"][2]  # the first data row
    rid = row[header.index("身份证号码")]
    assert rid == [{"f": 1, "type": "CN_RESIDENT_ID", "text": "361025********9562"}]
    assert row[header.index("补贴金额")] == ["6500"]  # not personal: plain text
    assert not any(v in r.text for v in RAW)
    revealed = client.post("/ui/scan", files={"file": ("notice.xlsx", _sample("notice.xlsx"))},
                           data={"reveal": "1"}, headers={"X-CSRF-Token": csrf}).json()
    assert revealed["view"]["blocks"][0]["rows"][2][header.index("身份证号码")][0]["text"] == PLANTED["table"][
        "CN_RESIDENT_ID"][0]


@pytest.mark.parametrize("name", ["notice.txt", "notice.docx", "notice.pdf", "notice.html", "notice_gbk.csv",
                                  "notice.xls"])
def test_page_scan_highlights_sit_on_their_values(client, csrf, name):
    """Every highlighted run, revealed, is exactly a finding's value; every finding of these notices is shown."""
    card = client.post("/ui/scan", files={"file": (name, _sample(name))}, data={"reveal": "1"},
                       headers={"X-CSRF-Token": csrf}).json()
    values = {f["id"]: f["value"] for f in card["findings"]}
    marks = []
    for b in card["view"]["blocks"]:
        cells = [b["runs"]] if b["kind"] == "text" else [c for row in b["rows"] for c in row]
        marks += [run for cell in cells for run in cell if isinstance(run, dict)]
    assert sorted(m["f"] for m in marks) == sorted(values)
    assert all(values[m["f"]] == m["text"] for m in marks)


def test_page_view_of_a_long_text_is_cut_and_says_so(client, csrf):
    """The page shows the start of a long document; the counts and the list stay complete."""
    from piiscan.web.view import MAX_TEXT_CHARS

    text = "经办人手机 13800138000。\n" + "补贴资金已发放。\n" * (MAX_TEXT_CHARS // 8) + "监督电话 13912345678\n"
    card = client.post("/ui/scan", files={"file": ("long.txt", text.encode())}, headers={"X-CSRF-Token": csrf}).json()
    assert card["view"]["truncated"] and card["view"]["blocks"][0]["truncated"]
    assert [f["shown"] for f in card["findings"]] == [True, False]
    assert {c["type"]: c["count"] for c in card["counts"]} == {"CN_MOBILE": 2}


def test_page_scan_of_an_archive_lists_members(client, csrf):
    card = client.post("/ui/scan", files={"file": ("notices.zip", _sample("notices.zip"))},
                       headers={"X-CSRF-Token": csrf}).json()
    assert card["archive"] and card["view"] is None and card["status"] == "found"
    assert any(f["where"].startswith("2020/notice.docx") for f in card["findings"])


def test_page_scan_problems_in_plain_words(client, csrf, made, missing_ocr):
    h = {"X-CSRF-Token": csrf}
    broken = client.post("/ui/scan", files={"file": ("b.xlsx", b"PK\x03\x04 nope")}, headers=h).json()
    assert broken["status"] == "error" and "损坏" in broken["problems"][0]["text"]
    scanned = client.post("/ui/scan", files={"file": ("s.pdf", (made / "scanned.pdf").read_bytes())}, headers=h).json()
    assert scanned["status"] == "incomplete"
    unread = [p for p in scanned["problems"] if p["kind"] == "unread"]
    assert "第 2 页" in unread[0]["text"] and 'piiscan-cn[ocr]' in unread[0]["text"]
    old = client.post("/ui/scan", files={"file": ("m.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 60)}, headers=h).json()
    assert old["status"] == "unsupported" and ".docx" in old["problems"][0]["text"]
    lost = client.post("/ui/scan", files={"file": ("n.xlsx", _sample("notice.xlsx"))}, headers=h).json()
    assert any(p["kind"] == "note" and "15 位" in p["text"] for p in lost["problems"])


def test_page_redact_several_files_gives_a_zip(client, csrf, tmp_path, scanner):
    files = [("file", ("公示.csv", _sample("notice_utf8.csv"))), ("file", ("公示.csv", _sample("notice_gbk.csv"))),
             ("file", ("名单.xlsx", _sample("notice.xlsx")))]
    r = client.post("/ui/redact", files=files, data={"strategy": "mask"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert z.namelist() == ["公示_脱敏.csv", "公示_脱敏 (2).csv", "名单_脱敏.xlsx"]
    for n in z.namelist():
        out = tmp_path / f"x{Path(n).suffix}"
        out.write_bytes(z.read(n))
        assert piiscan.scan_file(out, scanner) == []


def test_page_redact_refuses_all_when_one_file_cannot_be_redacted(client, csrf):
    files = [("file", ("ok.csv", _sample("notice_utf8.csv"))), ("file", ("bad.xlsx", b"PK\x03\x04 nope"))]
    r = client.post("/ui/redact", files=files, headers={"X-CSRF-Token": csrf})
    _error(r, 422)
    assert [f["verdict"] for f in r.json()["files"]] == ["clean", "error"]


def test_report_records_the_approval(client, csrf):
    r = client.post("/ui/report", files={"file": ("公示.xlsx", _sample("notice.xlsx"))},
                    data={"strategy": "CN_MOBILE=tag"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.headers["x-piiscan-verdict"] == "clean"
    html = r.text
    import hashlib

    assert hashlib.sha256(_sample("notice.xlsx")).hexdigest() in html
    assert "公示.xlsx" in html and "通过" in html and "脱敏后 SHA-256" in html
    types = re.search(r'<table class="types">(.*?)</table>', html, re.S).group(1)
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in types.split("</tr>")[:3]]
    columns = {head: (int(n), way) for head, n, way in list(zip(*rows))[1:]}
    assert columns["身份证号"] == (35, "遮盖") and columns["手机号"] == (24, "标签") and columns["电子邮箱"] == (0, "遮盖")
    assert re.search(r"检查时间</th><td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", html)
    assert "361025********9562" in html and not any(v in html for v in RAW)
    assert "default-src 'none'" in html and "<script" not in html
    assert "attachment" in r.headers["content-disposition"]


def test_report_names_the_key_without_recording_it(client, csrf):
    key = "report-key-0123456789abcdef"
    r = client.post("/ui/report", files={"file": ("n.txt", _sample("notice.txt"))},
                    data={"strategy": "PERSON_NAME=pseudonymize", "key": key}, headers={"X-CSRF-Token": csrf})
    assert "假名（使用密钥，密钥未记录）" in r.text and key not in r.text


def test_page_scan_bad_input(client, csrf):
    h = {"X-CSRF-Token": csrf}
    _error(client.post("/ui/scan", files={"x": ("a.txt", b"")}, headers=h), 400, "no_file")
    _error(client.post("/ui/scan", json={"text": "x"}, headers=h), 415, "bad_content_type")
    _error(client.post("/ui/redact", files={"file": ("a.txt", b"1")}, data={"strategy": "encrypt"}, headers=h), 400,
           "key_missing")


# --- safety ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("route", ["/ui/scan", "/ui/redact", "/ui/report"])
def test_page_routes_need_the_csrf_token(client, csrf, route):
    f = {"file": ("a.txt", b"13800138000")}
    _error(client.post(route, files=f), 403, "csrf")
    _error(client.post(route, files=f, headers={"X-CSRF-Token": csrf[:-1] + "x"}), 403, "csrf")
    assert client.post(route, files=f, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_cross_site_requests_are_refused(client, csrf):
    f = {"file": ("a.txt", b"13800138000")}
    _error(client.post("/api/v1/scan", files=f, headers={"Origin": "https://evil.example"}), 403, "cross_origin")
    _error(client.post("/api/v1/scan", files=f, headers={"Origin": "null"}), 403, "cross_origin")
    _error(client.post("/api/v1/scan", files=f, headers={"Sec-Fetch-Site": "cross-site"}), 403, "cross_origin")
    _error(client.post("/ui/scan", files=f, headers={"X-CSRF-Token": csrf, "Origin": "http://127.0.0.1:9999"}), 403)
    same = client.post("/api/v1/scan", files=f, headers={"Origin": "http://127.0.0.1:8000",
                                                          "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200


def test_other_host_names_are_refused(client):
    """A site that rebinds its DNS name to 127.0.0.1 still sends its own name as Host."""
    _error(client.get("/", headers={"Host": "attacker.example:8000"}), 400, "bad_host")
    _error(client.post("/api/v1/scan", json={"text": "x"}, headers={"Host": "attacker.example"}), 400, "bad_host")
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200


def test_api_token(work_root, scanner):
    token = "t0ken-for-this-test-only"
    s = Settings(tmp_root=str(work_root), scanner=scanner, api_token=token)
    with TestClient(create_app(s), base_url="http://127.0.0.1:8000") as c:
        _error(c.post("/api/v1/scan", json={"text": "x"}), 401, "unauthorized")
        _error(c.post("/api/v1/scan", json={"text": "x"}, headers={"Authorization": "Bearer nope"}), 401)
        assert c.post("/api/v1/scan", json={"text": "x"}, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert c.get("/api/v1/types").status_code == 200  # reading what the service offers needs no token


def test_security_headers_on_errors_too(client):
    for r in (client.get("/nowhere"), client.post("/api/v1/scan", json={}), client.get("/", headers={"Host": "x"})):
        assert r.headers["content-security-policy"].startswith("default-src 'none'")
        assert r.headers["x-frame-options"] == "DENY"


def test_hostile_names_and_cells_are_escaped_in_the_report(client, csrf, scanner):
    data = "<script>alert(1)</script>,联系电话\n张三,13800138000\n".encode()
    r = client.post("/ui/report", files={"file": (HOSTILE, data)}, headers={"X-CSRF-Token": csrf})
    html = r.text
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in html
    assert "<img" not in html and "<script>" not in html
    # The download name is cleaned too (no quotes or line breaks can reach the header).
    cd = r.headers["content-disposition"]
    assert "\n" not in cd and cd.count('"') == 2
    card = client.post("/ui/scan", files={"file": (HOSTILE, data)}, headers={"X-CSRF-Token": csrf}).json()
    assert card["name"] == HOSTILE  # JSON carries it as text; the page puts it in with textContent


def test_client_paths_never_reach_the_file_system(client, csrf, tmp_path, work_root, monkeypatch):
    seen = []
    real = web_work.scan_file_results

    def spy(path, *a, **kw):
        seen.append((Path(path), stat.S_IMODE(os.stat(path).st_mode), stat.S_IMODE(os.stat(Path(path).parent).st_mode)))
        return real(path, *a, **kw)

    monkeypatch.setattr(web_work, "scan_file_results", spy)
    for name in ("../../escape.csv", "/etc/passwd", "..\\..\\win.csv", "a/../../b.txt", "\x00.csv", "名单.CSV"):
        r = client.post("/ui/scan", files={"file": (name, b"13800138000\n")}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200
        assert "/" not in r.json()["name"] and "\\" not in r.json()["name"]
    for path, mode, folder_mode in seen:
        assert path.parent.parent == work_root and path.stem == "upload"
        assert mode == 0o600 and folder_mode == 0o700
    assert [p.suffix for p, _, _ in seen] == [".csv", "", ".csv", ".txt", ".csv", ".csv"]
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path.parent / "escape.csv").exists()


def test_work_folder_is_removed_when_the_work_fails(client, csrf, monkeypatch, work_root):
    def boom(*_a, **_kw):
        raise RuntimeError("reader exploded on 13800138000")

    monkeypatch.setattr(web_work, "scan_file_results", boom)
    err = _error(client.post("/ui/scan", files={"file": ("a.csv", b"x")}, headers={"X-CSRF-Token": csrf}), 500,
                 "internal")
    assert "13800138000" not in json.dumps(err)  # the exception's text never reaches the client
    assert list(work_root.iterdir()) == []


def test_logs_never_hold_values_or_names(client, csrf, caplog):
    caplog.set_level(logging.DEBUG)
    h = {"X-CSRF-Token": csrf}
    secret_name = "张三的身份证.csv"
    client.post("/ui/scan", files={"file": (secret_name, _sample("notice_utf8.csv"))}, data={"reveal": "1"}, headers=h)
    client.post("/api/v1/scan", files={"file": (secret_name, _sample("notice_utf8.csv"))}, data={"show_values": "1"})
    client.post("/ui/redact", files={"file": (secret_name, _sample("notice_utf8.csv"))}, headers=h)
    client.post("/api/v1/scan", json={"text": "手机 13800138000"})
    client.get("/13800138000")  # a value in a path
    client.get("/api/v1/health?phone=13800138000")  # … or in a query string
    client.post("/api/v1/redact", files={"file": ("b.xlsx", b"PK\x03\x04 13800138000")})
    # The server's loggers (the test client's own httpx log is the client's business).
    text = "\n".join(r.getMessage() for r in caplog.records
                     if r.name.split(".")[0] in ("piiscan", "uvicorn", "starlette", "fastapi"))
    assert '"POST /api/v1/scan" 200' in text and '"GET -" 404' in text  # the access log is there
    for v in RAW + ["13800138000", "张三"]:
        assert v not in text


def test_strategy_parsing():
    assert web_work.parse_strategy(None) == {t: "mask" for t in ENTITY_TYPES}
    per = web_work.parse_strategy("cn_mobile=tag, PERSON_NAME=fake")
    assert per["CN_MOBILE"] == "tag" and per["PERSON_NAME"] == "fake" and per["BANK_CARD"] == "mask"
