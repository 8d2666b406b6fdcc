"""Where keys come from: a key file or the ``PIISCAN_KEY`` environment variable.

There is deliberately no default key: a key baked into the code would make
every "keyed" pseudonym a plain hash that anyone can brute-force (an ID has
at most ~10^11 plausible values per county and birth year).
"""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "PIISCAN_KEY"
MIN_KEY_BYTES = 16


class KeyMissingError(ValueError):
    """A strategy needs a key and none was given."""


def coerce_key(key: bytes | str | None) -> bytes | None:
    if key is None:
        return None
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    raw = raw.strip()
    if len(raw) < MIN_KEY_BYTES:
        raise ValueError(f"key too short: {len(raw)} bytes, need at least {MIN_KEY_BYTES}")
    return raw


def load_key(key_file: str | os.PathLike | None = None, *, env: str = ENV_VAR) -> bytes | None:
    """The key from ``key_file`` if given, else from ``$PIISCAN_KEY``, else None."""
    if key_file is not None:
        return coerce_key(Path(key_file).read_bytes())
    value = os.environ.get(env)
    return coerce_key(value) if value else None


def require_key(key: bytes | None, strategy: str) -> bytes:
    if key is None:
        raise KeyMissingError(
            f"strategy {strategy!r} needs a secret key: pass --key-file FILE or set ${ENV_VAR} "
            f"(at least {MIN_KEY_BYTES} bytes, e.g. `head -c 32 /dev/urandom | base64 > key`)"
        )
    return key
