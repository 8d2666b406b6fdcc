"""pdfium's C functions with plain C types, for the calls made once per character or page object.

pypdfium2's typed bindings convert every argument through ctypes prototypes;
a page has thousands of characters and hundreds of objects, so the hot calls
take addresses as plain integers instead (~3× less overhead). The library is
the one pypdfium2 already loaded (same file, same handle).
"""
from __future__ import annotations

import ctypes
import functools
from pathlib import Path
from typing import Any


@functools.lru_cache(maxsize=1)
def library() -> Any:
    try:
        import pypdfium2_raw.bindings as bindings

        return bindings._libs["pdfium"]
    except (ImportError, AttributeError, KeyError):
        import pypdfium2_raw

        folder = Path(pypdfium2_raw.__file__).parent
        for pattern in ("libpdfium*", "pdfium*.dll", "*.dylib"):
            for path in folder.glob(pattern):
                return ctypes.CDLL(str(path))
        raise


def function(name: str, argtypes: list, restype: Any) -> Any:
    """A fresh function object for ``name`` (its own argtypes; pypdfium2's own stays as it is)."""
    func = library()[name]
    func.argtypes, func.restype = argtypes, restype
    return func
