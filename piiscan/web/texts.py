"""Plain Chinese words for what the readers report in English, and strategy names (data: ``texts.toml``).

>>> reason_zh("encrypted PDF (password required): cannot be scanned")
'文件设有密码（已加密），无法读取。请先在原软件中取消密码，另存后再上传。'
>>> reason_zh("unsupported format: legacy Word .doc is not supported; save as .docx")[:11]
'旧版 Word 文档（'
>>> unread_zh("not scanned: image-only page 2 (no text layer; OCR it first)")[:9]
'第 2 页只有图片'
>>> strategy_name("encrypt")
'加密'
"""
from __future__ import annotations

import functools
import re
import sys
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_PAGE = re.compile(r"\bpage (\d+)\b")


@functools.lru_cache(maxsize=1)
def _texts() -> dict:
    return tomllib.loads(resources.files(__package__).joinpath("texts.toml").read_text(encoding="utf-8"))


def reason_zh(reason: str) -> str:
    """Why a file was not read, in plain words (the first matching rule of ``texts.toml``)."""
    low = reason.lower()
    for rule in _texts()["rule"]:
        if all(w in low for w in rule["words"]):
            return rule["text"]
    return "无法读取此文件。"  # unreachable while the catch-all rule is last


def note_zh(note: str) -> str:
    """A remark about a file in plain words, or as it is when no rule of ``texts.toml`` fits."""
    low = note.lower()
    for rule in _texts().get("note", []):
        if all(w in low for w in rule["words"]):
            return rule["text"]
    return note


def unread_zh(note: str) -> str:
    """What was left unread and what it would take to read it."""
    texts = _texts()["unread"]
    m = _PAGE.search(note)
    return texts["page"].format(page=m.group(1)) if m else texts["other"]


def strategy_name(name: str) -> str:
    return _texts()["strategy"].get(name, {}).get("name", name)


def strategy_hint(name: str) -> str:
    return _texts()["strategy"].get(name, {}).get("hint", "")
