"""``piiscan serve`` as a real server: the Docker image's start command, parallel clients, clients that leave.

Docker cannot run here, so the image's command (``piiscan serve --host …
--port …``) is started in a subprocess on a free port and its health route
is asked, as the image's HEALTHCHECK does.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason='the web extra is not installed: pip install "piiscan-cn[web]"')
pytest.importorskip("uvicorn", reason='the web extra is not installed: pip install "piiscan-cn[web]"')

from click.testing import CliRunner  # noqa: E402

from piiscan import synth  # noqa: E402
from piiscan.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _command() -> list[str]:
    """The installed ``piiscan`` script next to this Python, as the image runs it; else the same entry point."""
    script = Path(sys.executable).with_name("piiscan")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from piiscan.cli import main; main()"]


class Server:
    """A ``piiscan serve`` subprocess; its stderr is collected as it runs."""

    def __init__(self, tmp: Path, *args: str) -> None:
        self.tmp = tmp / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TMPDIR": str(self.tmp)}
        env.pop("PIISCAN_API_TOKEN", None)
        self.proc = subprocess.Popen(_command() + ["serve", "--port", "0", *args], stderr=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, env=env)
        self.lines: list[str] = []
        self.url: str | None = None
        started = threading.Event()

        def pump() -> None:
            for line in self.proc.stderr:
                self.lines.append(line)
                m = re.search(r"piiscan is running at (http://\S+/)", line)
                if m and self.url is None:
                    self.url = m.group(1)
                    started.set()
            started.set()

        threading.Thread(target=pump, daemon=True).start()
        started.wait(60)
        if self.url is None:
            self.stop()
            raise RuntimeError("piiscan serve did not start:\n" + "".join(self.lines))

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def roots(self) -> list[Path]:
        return sorted(self.tmp.glob("piiscan-serve-*"))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


@contextlib.contextmanager
def running(tmp: Path, *args: str):
    server = Server(tmp, *args)
    try:
        yield server
    finally:
        server.stop()


def _multipart(fields: dict[str, tuple[str, bytes] | str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            out += f'Content-Disposition: form-data; name="{name}"; filename="{value[0]}"\r\n'.encode()
            out += b"Content-Type: application/octet-stream\r\n\r\n" + value[1] + b"\r\n"
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _post(url: str, fields: dict, timeout: float = 60) -> tuple[int, bytes, dict]:
    body, ctype = _multipart(fields)
    req = urllib.request.Request(url, data=body, headers={"Content-Type": ctype}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def _wait_empty(folder: Path, seconds: float = 20) -> list[Path]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = list(folder.iterdir())
        if not left:
            return []
        time.sleep(0.1)
    return list(folder.iterdir())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running(tmp_path_factory.mktemp("serve")) as s:
        yield s


def test_start_command_answers_health(server):
    with urllib.request.urlopen(server.url + "api/v1/health", timeout=10) as r:
        assert r.status == 200 and json.load(r)["status"] == "ok"
    assert server.url.startswith("http://127.0.0.1:")
    (root,) = server.roots()
    assert oct(root.stat().st_mode & 0o777) == "0o700"


def test_parallel_clients_see_only_their_own_files(server):
    """Eight clients upload eight different notices at once; each answer holds its own values, no one else's."""
    clients = 8
    values: list[set[str]] = []
    files: list[bytes] = []
    for i in range(clients):
        rng = random.Random(1000 + i)
        rows = [(synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng)) for _ in range(20)]
        values.append({v for row in rows for v in row[1:]})
        files.append(("姓名,身份证号码,联系电话\n" + "\n".join(",".join(r) for r in rows) + "\n").encode())

    def one(i: int) -> tuple[int, set[str], set[str]]:
        status, body, _ = _post(server.url + "api/v1/scan", {"file": (f"n{i}.csv", files[i]), "show_values": "true"})
        doc = json.loads(body)
        got = {f["value"] for f in doc["findings"] if f["type"] != "PERSON_NAME"}
        paths = {f["path"] for f in doc["findings"]}
        return status, got, paths

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(one, range(clients)))
    others = set().union(*values)
    for i, (status, got, paths) in enumerate(answers):
        assert status == 200
        assert got == values[i], i
        assert not (got & (others - values[i]))
        assert paths == {f"n{i}.csv"}
    # Redactions at once: each copy is its own file's, with none of the others' values.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        copies = list(pool.map(lambda i: _post(server.url + "api/v1/redact", {"file": (f"n{i}.csv", files[i]),
                                                                               "strategy": "tag"}), range(4)))
    for i, (status, body, _) in enumerate(copies):
        assert status == 200
        text = body.decode("utf-8")
        assert text.count("[身份证号]") == 20 and not any(v in text for v in others)
    (root,) = server.roots()
    assert _wait_empty(root) == []


def _raw(url: str) -> tuple[str, int]:
    host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()
    return host, int(port)


def test_clients_that_leave_leave_nothing_behind(server):
    host, port = _raw(server.url)
    scans_before = server.log.count('"POST /api/v1/scan"')
    notice = (ROOT / "samples" / "notice.xlsx").read_bytes()
    body, ctype = _multipart({"file": ("notice.xlsx", notice)})
    head = (f"POST /api/v1/scan HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    # 1. Gone half-way through the upload.
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(head + body[: len(body) // 2])
    # 2. Gone as soon as the upload is sent, before the answer.
    for _ in range(3):
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(head + body)
    # 3. Gone while redacting.
    rbody, rtype = _multipart({"file": ("notice.xlsx", notice), "strategy": "mask"})
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall((f"POST /api/v1/redact HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {rtype}\r\n"
                   f"Content-Length: {len(rbody)}\r\n\r\n").encode() + rbody)
    # Every request has ended on the server's side (its log line is written last) …
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (server.log.count('"POST /api/v1/scan"') < scans_before + 4
                                           or '"POST /api/v1/redact"' not in server.log):
        time.sleep(0.1)
    assert '"POST /api/v1/redact"' in server.log and "client went away" in server.log
    # … and left nothing in the private root.
    (root,) = server.roots()
    assert _wait_empty(root) == []
    # The server is still well and answers the next client.
    status, body, _ = _post(server.url + "api/v1/scan", {"file": ("n.xlsx", notice)})
    assert status == 200 and json.loads(body)["summary"]["findings"] > 100
    assert "Traceback" not in server.log


def test_oversized_upload_is_refused_before_it_is_read(server):
    host, port = _raw(server.url)
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall((f"POST /api/v1/scan HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: multipart/form-data; "
                   f"boundary=x\r\nContent-Length: {10 ** 10}\r\n\r\n").encode())
        answer = b""
        while b'"too_large"' not in answer and (chunk := s.recv(65536)):
            answer += chunk
        answer = answer.decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413") and '"too_large"' in answer


def test_server_log_has_routes_not_values(server):
    secret = "13912345678"
    _post(server.url + "api/v1/scan", {"file": (f"{secret}.txt", f"手机 {secret}".encode()), "show_values": "1"})
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(server.url + f"{secret}?q={secret}", timeout=10)
    time.sleep(0.2)
    assert '"POST /api/v1/scan" 200' in server.log
    assert secret not in server.log


def test_stopping_removes_the_private_root(tmp_path):
    s = Server(tmp_path)
    (root,) = s.roots()
    assert root.is_dir()
    s.stop()
    assert not root.exists()


def test_other_addresses_get_a_warning_and_the_url(monkeypatch):
    import uvicorn

    ran = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **k: ran.append(self.config))
    r = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert r.exit_code == 0, r.output
    assert "WARNING" in r.stderr and "other machines" in r.stderr
    assert ran[0].host == "0.0.0.0" and ran[0].port == 8123 and ran[0].access_log is False
    quiet = CliRunner().invoke(main, ["serve"])
    assert "WARNING" not in quiet.stderr and ran[1].host == "127.0.0.1" and ran[1].port == 8000


def test_short_api_token_is_refused(tmp_path, monkeypatch):
    token = tmp_path / "token"
    token.write_text("short")
    r = CliRunner().invoke(main, ["serve", "--api-token-file", str(token)])
    assert r.exit_code == 2 and "at least 16" in r.output


def test_without_the_extra_it_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now raises ImportError
    r = CliRunner().invoke(main, ["serve"])
    assert r.exit_code == 2
    assert 'pip install "piiscan-cn[web]"' in r.stderr


def test_docker_files_run_the_tested_command():
    """The image starts the command tested above, checks the health route, and runs as a user, not root."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r'^CMD \["piiscan", "serve", "--host", "0\.0\.0\.0", "--port", "8000"\]', dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK .*api/v1/health", dockerfile, re.M | re.S)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert re.search(r'^FROM python:3\.\d+-slim', dockerfile, re.M)
    assert '.[web]' in dockerfile or "piiscan-cn[web]" in dockerfile
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert '"127.0.0.1:8000:8000"' in compose
    assert shutil.which("piiscan") or Path(sys.executable).with_name("piiscan").exists()
