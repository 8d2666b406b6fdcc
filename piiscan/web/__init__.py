"""``piiscan serve``: a local web page and a REST service (the optional extra ``piiscan-cn[web]``).

- :mod:`.app` — routes and the guard (hosts, origins, CSRF, headers, logs);
- :mod:`.work` — scan, redact and verify an upload, framework-free;
- :mod:`.view` — findings placed in the document's own text and tables;
- :mod:`.report` — the printable approval report;
- :mod:`.uploads` — bodies in memory, cleaned names, private work folders;
- :mod:`.texts` — plain Chinese words for reasons and strategies (``texts.toml``);
- ``static/`` — the page: HTML, CSS and JavaScript shipped in the wheel, no build step.

``create_app`` is imported lazily so that ``import piiscan.web`` works without
FastAPI installed; only :mod:`.app` needs the extra.
"""
from __future__ import annotations

from typing import Any

__all__ = ["create_app", "Settings"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Settings":
        from .work import Settings

        return Settings
    raise AttributeError(name)
