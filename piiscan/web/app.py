"""The web app: the page's routes (``/ui/…``), the REST API (``/api/v1/…``) and the guard around both.

Security model (local, single machine; see docs/web.md):

- **Host check.** Requests must name an allowed host (``127.0.0.1``,
  ``localhost``, ``::1`` and whatever ``--allow-host`` adds): a web site that
  rebinds its DNS name to 127.0.0.1 cannot reach the service.
- **Cross-site requests refused.** A POST carrying an ``Origin`` other than
  the service's own, or ``Sec-Fetch-Site: cross-site``, gets 403: a page on
  another site cannot make the browser upload to, or read from, the service.
- **CSRF token for the page.** ``/ui/…`` POSTs need the header
  ``X-CSRF-Token`` with the token embedded in the page (random per server
  start, compared in constant time). The REST API takes no cookies and no
  token by default; with ``--api-token`` (or ``$PIISCAN_API_TOKEN``) its POST
  routes need ``Authorization: Bearer <token>``.
- **Headers.** A strict Content-Security-Policy (no inline script, nothing
  from elsewhere), ``X-Content-Type-Options: nosniff``, no framing, no
  referrer, ``Cache-Control: no-store`` on every response.
- **Logs** name the method, the route (never a query string or an unknown
  path), the status and the time; a crash logs its exception type only.
"""
from __future__ import annotations

import hmac
import io
import json
import logging
import mimetypes
import secrets
import time
import zipfile
from html import escape
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._version import __version__
from ..entities import registry
from ..finding import ENTITY_TYPES, LABELS
from ..redact.strategies import STRATEGIES, get as get_strategy
from . import report, texts, work
from .uploads import BadForm, Part, TooLarge, content_disposition, display_name, parse_multipart, read_limited, \
    redacted_name
from .work import Problem, Settings

log = logging.getLogger("piiscan.web")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
_SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]

#: Paths the access log may name; anything else is logged as "-" (a path could carry a value).
_STATIC_FILES = ("app.js", "app.css", "favicon.svg")
_LOGGED_PATHS = {"/", "/api/docs", "/api/v1/openapi.json", "/api/v1/health", "/api/v1/types", "/api/v1/scan",
                 "/api/v1/redact", "/ui/scan", "/ui/redact", "/ui/report"} | {f"/static/{f}" for f in _STATIC_FILES}


def error_response(status: int, code: str, message: str, detail: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if detail:
        body["error"]["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status)


def _problem_response(p: Problem, **extra: Any) -> JSONResponse:
    return error_response(p.status, p.code, p.message, p.detail, **extra)


# --- the guard: hosts, origins, headers, logs, crashes ----------------------------

class Guard:
    """ASGI middleware around every route (see the module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings, csrf_token: str) -> None:
        self.app, self.settings, self.csrf_token = app, settings, csrf_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status = {"code": 0}

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in _SECURITY_HEADERS if k not in present]
            await send(message)

        refusal = self._refusal(scope, headers)
        try:
            if refusal is not None:
                await refusal(scope, receive, send_secured)
            else:
                await self.app(scope, receive, send_secured)
        except ClientDisconnect:
            log.info("client went away during %s %s", scope["method"], _logged_path(scope))
        except Exception as exc:  # noqa: BLE001 - never let a traceback (which may quote a document) reach a log
            log.error("internal error (%s) on %s %s", type(exc).__name__, scope["method"], _logged_path(scope))
            if status["code"] == 0:
                await error_response(500, "internal", "服务内部错误。", type(exc).__name__)(scope, receive, send_secured)
        finally:
            log.info('%s "%s %s" %s %.0fms', _client(scope), scope["method"], _logged_path(scope), status["code"] or "-",
                     (time.perf_counter() - started) * 1000)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> Response | None:
        host = headers.get("host", "")
        if _hostname(host) not in self.settings.allowed_hosts:
            return error_response(400, "bad_host", "不接受这个主机名。",
                                  "the Host header names a host this server was not started for (see --allow-host)")
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            origin = headers.get("origin")
            if origin is not None and origin != "null" and origin.split("://", 1)[-1] != host:
                return error_response(403, "cross_origin", "不接受来自其他网站的请求。", "Origin does not match Host")
            if origin == "null" or headers.get("sec-fetch-site") == "cross-site":
                return error_response(403, "cross_origin", "不接受来自其他网站的请求。", "cross-site request")
            path = scope["path"]
            if path.startswith("/ui/"):
                token = headers.get("x-csrf-token", "")
                if not hmac.compare_digest(token.encode(), self.csrf_token.encode()):
                    return error_response(403, "csrf", "页面已过期，请刷新页面后重试。", "missing or wrong X-CSRF-Token")
            elif path.startswith("/api/") and self.settings.api_token:
                auth = headers.get("authorization", "")
                expected = f"Bearer {self.settings.api_token}"
                if not hmac.compare_digest(auth.encode(), expected.encode()):
                    return error_response(401, "unauthorized", "需要 API 令牌。",
                                          "send Authorization: Bearer <token> (the server's --api-token)")
        return None


def _hostname(host: str) -> str:
    """``127.0.0.1:8000`` → ``127.0.0.1``; ``[::1]:8000`` → ``::1``."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _logged_path(scope: Scope) -> str:
    path = scope.get("path", "")
    return path if path in _LOGGED_PATHS else "-"


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "-"


# --- request bodies ------------------------------------------------------------------

async def _body(request: Request, settings: Settings) -> bytes:
    return await read_limited(request.stream(), settings.max_upload, request.headers.get("content-length"))


async def _form(request: Request, settings: Settings) -> list[Part]:
    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise Problem(415, "bad_content_type", "请用 multipart/form-data 上传文件（字段名 file）。",
                      f"Content-Type {ctype.split(';', 1)[0] or 'missing'}")
    body = await _body(request, settings)
    try:
        return parse_multipart(body, ctype)
    except BadForm as exc:
        raise Problem(400, "bad_form", "上传的表单格式有误。", str(exc)) from None


async def _redact_form(request: Request, settings: Settings, *, one: bool) -> list[work.Redacted]:
    """The uploads of a redaction form, each redacted and verified with the form's strategy and key."""
    parts = await _form(request, settings)
    files = _files(parts, one=one)
    strategy = work.parse_strategy(_field(parts, "strategy"))
    redactor = work.make_redactor(strategy, _field(parts, "key"), settings.scanner)
    return [await run_in_threadpool(work.redact_upload, f.data, display_name(f.filename), redactor, strategy, settings)
            for f in files]


def _files(parts: list[Part], *, one: bool) -> list[Part]:
    files = [p for p in parts if p.name == "file" and p.is_file]
    if not files:
        raise Problem(400, "no_file", "没有收到文件：请在字段 file 中上传一个文件。")
    if one and len(files) > 1:
        raise Problem(400, "too_many_files", "这个接口一次只接受一个文件。")
    return files


def _field(parts: list[Part], name: str) -> str | None:
    for p in parts:
        if p.name == name and not p.is_file:
            return p.text()
    return None


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on") if value is not None else False


# --- OpenAPI descriptions of bodies that are parsed by hand ------------------------------

_ERRORS = {
    "400": {"description": "Bad input: no file, malformed form or JSON, unknown strategy, missing or short key."},
    "401": {"description": "The server requires an API token (--api-token) and none or a wrong one was sent."},
    "403": {"description": "A cross-site request (Origin or Sec-Fetch-Site)."},
    "413": {"description": "The request body is over the upload limit (--max-upload-size)."},
    "415": {"description": "Unsupported: the file's format (e.g. .doc, an image) or the request's Content-Type."},
    "422": {"description": "Unreadable (corrupt, encrypted) or, for redact, not verifiably clean: "
                           "code leak, unverified or incomplete."},
}
_ERROR_SCHEMA = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "code": {"type": "string"}, "message": {"type": "string"}, "detail": {"type": "string"}}}}}
_FILE_FORM = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "The document: txt, csv, xlsx, xls, docx, pdf, "
                                                                   "html, zip …"}}}


def _openapi_errors() -> dict:
    return {k: {**v, "content": {"application/json": {"schema": _ERROR_SCHEMA}}} for k, v in _ERRORS.items()}


# --- the app --------------------------------------------------------------------------

def create_app(settings: Settings | None = None) -> FastAPI:
    """A fresh app (its own CSRF token, its own settings): one per server, or per test."""
    settings = settings or Settings()
    csrf_token = secrets.token_urlsafe(32)
    app = FastAPI(
        title="piiscan",
        version=__version__,
        description="Find and redact Chinese personal information in documents, on this machine. "
                    "Errors are JSON `{\"error\": {\"code\", \"message\", \"detail\"}}` with status 400 (bad input), "
                    "401 (API token), 403 (cross-site), 413 (too large), 415 (unsupported format), "
                    "422 (unreadable, or a redaction that could not be verified clean).",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's Swagger UI page loads its assets from a CDN; /api/docs is ours, local
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.csrf_token = csrf_token
    app.add_middleware(Guard, settings=settings, csrf_token=csrf_token)

    @app.exception_handler(Problem)
    async def _problem(_request: Request, exc: Problem) -> JSONResponse:
        return _problem_response(exc)

    @app.exception_handler(TooLarge)
    async def _too_large(_request: Request, exc: TooLarge) -> JSONResponse:
        return error_response(413, "too_large", f"上传的内容超过了 {_size_zh(exc.limit)} 的上限。",
                              f"limit {exc.limit} bytes (--max-upload-size)")

    @app.exception_handler(BadForm)
    async def _bad_form(_request: Request, exc: BadForm) -> JSONResponse:
        return error_response(400, "bad_request", "请求格式有误。", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        words = {404: "没有这个页面。", 405: "不支持这种请求方式。"}.get(exc.status_code, "请求有误。")
        return error_response(exc.status_code, f"http_{exc.status_code}", words, str(exc.detail))

    _page_routes(app, settings, csrf_token)
    _api_routes(app, settings)
    return app


def _size_zh(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _static(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def _page_routes(app: FastAPI, settings: Settings, csrf_token: str) -> None:
    @app.get("/", include_in_schema=False)
    async def index() -> HTMLResponse:
        html = _static("index.html").decode("utf-8")
        html = html.replace("{{csrf_token}}", csrf_token).replace("{{max_upload}}", str(settings.max_upload))
        html = html.replace("{{max_upload_zh}}", _size_zh(settings.max_upload)).replace("{{version}}", __version__)
        return HTMLResponse(html.replace("{{strategy_rows}}", _strategy_rows()))

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in _STATIC_FILES:
            raise StarletteHTTPException(404)
        media = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}[name.rsplit(".", 1)[1]]
        return Response(_static(name), media_type=media)

    @app.post("/ui/scan", include_in_schema=False)
    async def ui_scan(request: Request) -> JSONResponse:
        parts = await _form(request, settings)
        (f,) = _files(parts, one=True)
        name = display_name(f.filename)
        card = await run_in_threadpool(work.page_scan, f.data, name, settings, reveal=_flag(_field(parts, "reveal")))
        return JSONResponse(card)

    @app.post("/ui/redact", include_in_schema=False)
    async def ui_redact(request: Request) -> Response:
        done = await _redact_form(request, settings, one=False)
        refused = [d for d in done if not d.ok]
        if refused:
            first = refused[0].problem()
            return _problem_response(first, files=[{"name": d.name, "verdict": d.verdict, "message": d.message}
                                                   for d in done])
        if len(done) == 1:
            return _download(done[0])
        return Response(_zip(done), media_type="application/zip",
                        headers={"content-disposition": content_disposition("脱敏文件.zip")})

    @app.post("/ui/report", include_in_schema=False)
    async def ui_report(request: Request) -> HTMLResponse:
        (done,) = await _redact_form(request, settings, one=True)
        stem = done.name.rsplit(".", 1)[0] if "." in done.name else done.name
        return HTMLResponse(report.render(done), headers={
            "content-disposition": content_disposition(f"{stem}_脱敏报告.html"),
            "x-piiscan-verdict": done.verdict})

    @app.get("/api/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_docs_page(app.openapi()))


def _strategy_rows() -> str:
    """One labelled choice of strategy per entity type (mask preselected), rendered on the server."""
    options = "".join(
        f'<option value="{escape(s)}"{" data-needs-key" if get_strategy(s).NEEDS_KEY else ""}'
        f'{" selected" if s == "mask" else ""}>{escape(texts.strategy_name(s))}：{escape(texts.strategy_hint(s))}'
        f"</option>" for s in STRATEGIES)
    return "\n".join(
        f'<label for="s-{t}">{escape(LABELS[t])}</label><select id="s-{t}" data-type="{t}">{options}</select>'
        for t in ENTITY_TYPES)


def _download(d: work.Redacted) -> Response:
    assert d.output is not None
    media = mimetypes.guess_type(d.name)[0] or "application/octet-stream"
    return Response(d.output, media_type=media, headers={
        "content-disposition": content_disposition(redacted_name(d.name)),
        "x-piiscan-verdict": d.verdict,
        "x-piiscan-changes": str(d.changes),
        "x-piiscan-sha256": d.output_sha256 or "",
    })


def _zip(done: list[work.Redacted]) -> bytes:
    buf = io.BytesIO()
    seen: dict[str, int] = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for d in done:
            name = redacted_name(d.name)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                stem, dot, ext = name.rpartition(".")
                name = f"{stem} ({seen[name]}).{ext}" if dot else f"{name} ({seen[name]})"
            z.writestr(name, d.output or b"")
    return buf.getvalue()


def _api_routes(app: FastAPI, settings: Settings) -> None:
    @app.get("/api/v1/health", tags=["service"], summary="Liveness: the service answers")
    async def health() -> dict:
        return {"status": "ok", "version": __version__}

    @app.get("/api/v1/types", tags=["service"], summary="Entity types and redaction strategies")
    async def types() -> dict:
        return {
            "types": [{"type": s.name, "label": s.label, "category": s.category, "description": s.description}
                      for s in registry.specs()],
            "strategies": [{"name": s, "label": texts.strategy_name(s), "hint": texts.strategy_hint(s),
                            "needs_key": bool(get_strategy(s).NEEDS_KEY)} for s in STRATEGIES],
        }

    @app.post("/api/v1/scan", tags=["scan"], summary="Scan a file or a text",
              description="A multipart upload in the field `file` (optional field `show_values=true`), or JSON "
                          "`{\"text\": \"...\", \"show_values\": false}`. The answer is the document of "
                          "`piiscan scan --format json`; the header `X-Piiscan-Exit` carries the CLI's exit code "
                          "(0 clean, 1 found, 2 not everything could be checked).",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "multipart/form-data": {"schema": {**_FILE_FORM, "properties": {
                      **_FILE_FORM["properties"], "show_values": {"type": "boolean", "default": False}}}},
                  "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
                      "text": {"type": "string"}, "show_values": {"type": "boolean", "default": False}}}},
              }}, "responses": {"200": {"description": "Findings, as `piiscan scan --format json`"},
                                **_openapi_errors()}})
    async def scan(request: Request) -> JSONResponse:
        ctype = request.headers.get("content-type", "").lower()
        if ctype.startswith("application/json"):
            try:
                payload = json.loads(await _body(request, settings))
            except (ValueError, UnicodeDecodeError):
                raise Problem(400, "bad_json", "请求不是有效的 JSON。") from None
            if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
                raise Problem(400, "no_text", "JSON 中需要字符串字段 text。", 'expected {"text": "..."}')
            doc = await run_in_threadpool(_scan_text, payload["text"], settings, _flag(payload.get("show_values")))
        else:
            parts = await _form(request, settings)
            (f,) = _files(parts, one=True)
            doc = await run_in_threadpool(work.scan_upload, f.data, display_name(f.filename), settings,
                                          show_values=_flag(_field(parts, "show_values")))
        return JSONResponse(doc, headers={"x-piiscan-exit": str(work.exit_code(doc))})

    @app.post("/api/v1/redact", tags=["redact"], summary="Redact a file; the copy comes back in the same format",
              description="Field `file`; optional `strategy` (`mask`, `tag`, `generalize`, `pseudonymize`, "
                          "`encrypt`, `fake`, or per type: `CN_RESIDENT_ID=encrypt,PERSON_NAME=tag`, the rest "
                          "mask) and `key` (at least 16 characters; needed by pseudonymize, encrypt and fake; "
                          "never stored or logged). The copy is scanned again before it is sent: anything still "
                          "found refuses the download with 422 `leak`.",
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                  **_FILE_FORM, "properties": {**_FILE_FORM["properties"],
                                               "strategy": {"type": "string", "default": "mask"},
                                               "key": {"type": "string", "format": "password"}}}}}},
                  "responses": {"200": {"description": "The redacted file (headers X-Piiscan-Changes, "
                                                       "X-Piiscan-Sha256)",
                                        "content": {"application/octet-stream": {"schema": {
                                            "type": "string", "format": "binary"}}}},
                                **_openapi_errors()}})
    async def redact(request: Request) -> Response:
        (done,) = await _redact_form(request, settings, one=True)
        if not done.ok:
            return _problem_response(done.problem(), left=[x.to_dict() for x in done.left[:50]])
        return _download(done)


def _scan_text(text: str, settings: Settings, show_values: bool) -> dict:
    with settings.slots:
        return work.scan_text(text, settings.scanner, show_values)


def _docs_page(spec: dict) -> str:
    """A readable page of the OpenAPI description, rendered here: no script, no asset from elsewhere."""
    e = escape
    rows = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            responses = ", ".join(sorted(op.get("responses", {})))
            rows.append(f"<section><h2><code>{e(method.upper())} {e(path)}</code></h2><p>{e(op.get('summary', ''))}"
                        f"</p><p>{e(op.get('description', ''))}</p><p>状态码：{e(responses)}</p></section>")
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>piiscan REST API</title>
<link rel="stylesheet" href="/static/app.css"></head><body><main class="docs">
<h1>piiscan REST API {e(spec.get('info', {}).get('version', ''))}</h1>
<p>{e(spec.get('info', {}).get('description', ''))}</p>
<p>机器可读的描述：<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>（OpenAPI {e(spec.get('openapi', ''))}）。
<a href="/">返回检查页面</a></p>
{''.join(rows)}
<section><h2>示例</h2><pre>curl -F file=@公示.xlsx http://127.0.0.1:8000/api/v1/scan
curl -H 'Content-Type: application/json' -d '{{"text":"手机 13800138000"}}' http://127.0.0.1:8000/api/v1/scan
curl -F file=@公示.xlsx -F strategy=mask -o 公示_脱敏.xlsx http://127.0.0.1:8000/api/v1/redact</pre></section>
</main></body></html>"""

