"""Baselines: accept today's findings so that only new ones fail the gate.

A baseline never holds a raw value, nor a masked one. Each entry is
``path + type + keyed hash + count``; the line is left out so that an entry
survives edits above it.

Why a keyed hash: the value spaces are tiny. An 11-digit mobile number has
about 4×10⁹ possibilities (allocated prefixes × 10⁸); an 18-digit resident
ID about 10¹¹ (≈3,500 county codes × ~36,500 birth dates × 1,000 sequence
numbers, the check digit being derived). A GPU computes 10⁹–10¹⁰ SHA-256
hashes a second, so an unsalted hash — or one salted with a salt stored
next to it — gives every value back in seconds (phones) to minutes (IDs).
Only a key the attacker does not have stops that.

So the hash is ``HMAC-SHA256(key, type ‖ compact(value))`` where ``key`` is

* ``HMAC-SHA256(secret, salt)`` when a secret is available — from
  ``PIISCAN_BASELINE_KEY``, or the file named by ``PIISCAN_BASELINE_KEY_FILE``,
  or the user key file (``~/.config/piiscan/baseline.key``). The secret lives
  outside the repository (a CI secret, a password manager); the baseline
  records only a key id to detect a wrong key.
* the per-baseline random salt alone otherwise ("salt-only"). That still
  stops precomputed tables and linking the same person across repositories,
  but NOT brute force by someone who can read the baseline; piiscan warns.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..atomic import write_text_atomic
from ..finding import Finding
from ..masking import mask_text
from .config import compact

FORMAT_VERSION = 1
KEY_ENV = "PIISCAN_BASELINE_KEY"
KEY_FILE_ENV = "PIISCAN_BASELINE_KEY_FILE"
_FROM_ENV = object()  # sentinel: "look the secret up", distinct from None ("no secret")


class BaselineError(ValueError):
    """A baseline that cannot be read or used (corrupt, or made with another key)."""


class BaselineDowngrade(BaselineError):
    """A salt-only baseline where a secret key is configured.

    Anyone can write a salt-only baseline that accepts any value (the salt is
    in the file), so with a key configured it would be a way to whitelist new
    findings without the key. ``piiscan baseline create`` may upgrade it
    (``salt`` is kept so unchanged entries keep their identity).
    """

    def __init__(self, message: str, salt: str):
        super().__init__(message)
        self.salt = salt


def default_key_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or (os.environ.get("APPDATA") if os.name == "nt" else None)
    return Path(base) / "piiscan" / "baseline.key" if base else Path.home() / ".config" / "piiscan" / "baseline.key"


def load_secret() -> bytes | None:
    """The baseline secret from the environment or a key file; None when there is none."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.strip().encode("utf-8")
    key_file = os.environ.get(KEY_FILE_ENV)
    path = Path(key_file) if key_file else default_key_file()
    if key_file and not path.is_file():
        raise BaselineError(f"{KEY_FILE_ENV}={key_file}: no such file")
    if path.is_file():
        secret = path.read_bytes().strip()
        if not secret:
            raise BaselineError(f"{path}: key file is empty")
        return secret
    return None


def generate_key_file(path: Path | None = None) -> Path:
    """Write a new random secret to ``path`` (default: the user key file), readable by the owner only."""
    path = path or default_key_file()
    if path.exists():
        raise BaselineError(f"{path} already exists; remove it first to replace the key")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return path


@dataclass(frozen=True)
class Hasher:
    """Keyed hashing of finding values; the same hasher gives the same digests."""

    salt: str
    secret: bytes | None = None

    @classmethod
    def new(cls, secret: bytes | None) -> "Hasher":
        return cls(secrets.token_hex(16), secret)

    @property
    def mode(self) -> str:
        return "secret" if self.secret is not None else "salt-only"

    @property
    def _key(self) -> bytes:
        salt = bytes.fromhex(self.salt)
        return hmac.new(self.secret, salt, hashlib.sha256).digest() if self.secret is not None else salt

    @property
    def key_id(self) -> str | None:
        """Identifies the secret without revealing it, so a wrong key is reported as such."""
        if self.secret is None:
            return None
        return hmac.new(self.secret, b"piiscan key id", hashlib.sha256).hexdigest()[:16]

    def digest(self, etype: str, value: str) -> str:
        msg = f"{etype}\x00{compact(value)}".encode("utf-8")
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()

    def describe(self) -> dict:
        d = {"algorithm": "HMAC-SHA256", "mode": self.mode, "salt": self.salt}
        if self.key_id:
            d["key_id"] = self.key_id
        return d


@dataclass
class Baseline:
    """Accepted findings: ``(path, type, hash) -> count``."""

    hasher: Hasher
    entries: Counter = field(default_factory=Counter)
    path: Path | None = None

    @classmethod
    def from_findings(cls, findings: Iterable[Finding], hasher: Hasher) -> "Baseline":
        b = cls(hasher)
        for f in findings:
            b.entries[b.identity(f)] += 1
        return b

    def identity(self, f: Finding) -> tuple[str, str, str]:
        # The path as reports show it: a file named after an ID must not put the ID in the baseline.
        return (mask_text(f.path or ""), f.type, self.hasher.digest(f.type, f.value))

    def describe(self) -> dict:
        """Where the baseline is and how its hashes are keyed, for the reports."""
        d = {"path": str(self.path) if self.path else None, "mode": self.hasher.mode}
        if self.hasher.key_id:
            d["key_id"] = self.hasher.key_id
        return d

    def matcher(self) -> "BaselineMatcher":
        return BaselineMatcher(self)

    def to_json(self) -> str:
        from .._version import __version__

        doc = {
            "version": FORMAT_VERSION,
            "generated_by": f"piiscan {__version__}",
            "hash": self.hasher.describe(),
            "findings": [
                {"path": p, "type": t, "hash": h, "count": n}
                for (p, t, h), n in sorted(self.entries.items())
            ],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def save(self, path: Path) -> None:
        """Write atomically: a crash mid-write must not leave a truncated baseline behind."""
        write_text_atomic(path, self.to_json())
        self.path = path

    @classmethod
    def load(cls, path: Path, secret: bytes | None | object = _FROM_ENV) -> "Baseline":
        """Read a baseline; ``secret`` defaults to :func:`load_secret`."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BaselineError(f"{path}: not a piiscan baseline ({type(exc).__name__})") from None
        meta, entries = _checked(doc, path)
        if secret is _FROM_ENV:
            secret = load_secret()
        assert secret is None or isinstance(secret, bytes)
        if meta["mode"] == "secret":
            if secret is None:
                raise BaselineError(
                    f"{path} was made with a secret key; set {KEY_ENV} (or {KEY_FILE_ENV}) to the same key")
            hasher = Hasher(meta["salt"], secret)
            if hasher.key_id != meta.get("key_id"):
                raise BaselineError(f"{path} was made with a different key (key id {meta.get('key_id')})")
        else:
            if secret is not None:
                raise BaselineDowngrade(
                    f"{path} is a salt-only baseline, but a secret key is configured ({KEY_ENV} or a key file): "
                    "anyone can write such a baseline without the key, so it is not used. Recreate it with the "
                    "key: `piiscan baseline create`", meta["salt"])
            hasher = Hasher(meta["salt"], None)
        b = cls(hasher, path=path)
        for p, t, h, n in entries:
            b.entries[(p, t, h)] += n
        return b


def _checked(doc: object, path: Path) -> tuple[dict, list[tuple[str, str, str, int]]]:
    """The hash description and the entries of a parsed baseline, every field checked.

    A baseline edited by hand or by an attacker is an error that names the
    first bad field, never a crash deeper in the gate.
    """
    def bad(what: str) -> BaselineError:
        return BaselineError(f"{path}: not a valid piiscan baseline: {what}")

    if not isinstance(doc, dict):
        raise bad("not a JSON object")
    meta = doc.get("hash")
    if doc.get("version") != FORMAT_VERSION or not isinstance(meta, dict) \
            or meta.get("algorithm") != "HMAC-SHA256":
        raise BaselineError(f"{path}: unsupported baseline version or hash")
    salt = meta.get("salt")
    try:
        if not isinstance(salt, str) or not bytes.fromhex(salt):
            raise ValueError
    except ValueError:
        raise bad("hash.salt must be a hex string") from None
    if meta.get("mode", "salt-only") not in ("secret", "salt-only"):
        raise bad("hash.mode must be 'secret' or 'salt-only'")
    meta = {**meta, "mode": meta.get("mode", "salt-only")}
    if meta["mode"] == "secret" and not isinstance(meta.get("key_id"), str):
        raise bad("hash.key_id missing")
    findings = doc.get("findings", [])
    if not isinstance(findings, list):
        raise bad("findings must be a list")
    entries = []
    for i, e in enumerate(findings):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in ("path", "type", "hash")):
            raise bad(f"findings[{i}] needs path, type and hash as strings")
        count = e.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise bad(f"findings[{i}].count must be a positive whole number")
        entries.append((e["path"], e["type"], e["hash"], count))
    return meta, entries


class BaselineMatcher:
    """Consumes baseline entries as findings are matched, so a value that now
    appears more often than recorded counts as new from the extra occurrence on."""

    def __init__(self, baseline: Baseline) -> None:
        self.baseline = baseline
        self.remaining = Counter(baseline.entries)

    def accepts(self, f: Finding) -> bool:
        key = self.baseline.identity(f)
        if self.remaining[key] > 0:
            self.remaining[key] -= 1
            return True
        return False
