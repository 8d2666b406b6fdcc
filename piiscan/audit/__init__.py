"""The masking audit: what published documents still give away after masking.

* :mod:`.masked` — partially masked values read and judged (``UNDER_MASKED``);
* :mod:`.joins` — masked forms of one value in several places, joined in memory only;
* :mod:`.kanon` — re-identification risk of published tables (smallest group size k);
* :mod:`.report` — the rectification report (整改报告), Chinese, HTML and JSON;
* :func:`audit_paths` — all of it for a folder, under one disclosure profile.

Importing this package is cheap and imports no profile code (profiles use
:mod:`.masked`), so there is no import cycle between the two.
"""
from __future__ import annotations

from typing import Any


def audit_paths(*args: Any, **kwargs: Any):
    """See :func:`piiscan.audit.run.audit_paths`."""
    from .run import audit_paths as _audit_paths

    return _audit_paths(*args, **kwargs)


__all__ = ["audit_paths"]
