"""Reports and baselines are written atomically: see :mod:`piiscan.atomic`."""
from __future__ import annotations

from ..atomic import current_umask, write_text_atomic

__all__ = ["current_umask", "write_text_atomic"]
