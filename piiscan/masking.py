"""Display masks for reports, logs and errors: enough to recognise a finding, not to use it.

Reports use exactly the policy of ``piiscan redact``'s default ``mask``
strategy. Two different masks of one value could be rejoined into more of it
than either shows (a report keeping the first 4 digits of an ID and a
published file keeping its first 6 and last 4, say), so there is one policy.

>>> mask_value('CN_RESIDENT_ID', '36102519800101123X')
'361025********123X'
>>> mask_value('CN_MOBILE', '138-0013-8000')
'138-****-8000'
>>> mask_value('EMAIL_ADDRESS', 'zhang.san@example.com')
'z***@example.com'
>>> mask_value('PERSON_NAME', '欧阳娜娜')
'欧阳**'
"""
from __future__ import annotations

import functools

from .finding import LOCATION_TEXT_FIELDS, display_mask, set_location_masker


def mask_value(etype: str, value: str) -> str:
    """``value`` masked as the default redaction would mask it: its type's spec's ``mask``."""
    return display_mask(etype, value)


def mask_text(text: str) -> str:
    """``text`` (a path, a sheet name, a reader's error message) with every value found in it masked.

    For piiscan's own output: locations and messages come from the documents
    and the libraries that read them (``Unrecognized boolean cell value:
    13912345678``, a sheet named after a phone), and are shown masked like
    values are, unless ``--show-values``. Scanned with the default scanner
    (every type), whatever types the user asked for.

    >>> mask_text("cannot read (ValueError: Unrecognized boolean cell value: 13912345678)")
    'cannot read (ValueError: Unrecognized boolean cell value: 139****5678)'
    >>> mask_text("公示/2020年补贴.xlsx")
    '公示/2020年补贴.xlsx'
    """
    if not text or not any(ch.isdigit() or ch == "@" or ord(ch) > 0x2E7F for ch in text):
        return text
    from .entities import registry

    return _mask_text(text, registry.version())


@functools.lru_cache(maxsize=4096)
def _mask_text(text: str, _types_version: int) -> str:
    # Cached per registry version: a type registered later is masked in texts seen before.
    from .scanner import default_scanner

    found = default_scanner().scan(text)
    if not found:
        return text
    parts, pos = [], 0
    for f in found:
        parts.append(text[pos:f.start])
        parts.append(mask_value(f.type, f.value))
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)


def mask_location(finding):
    """A copy of ``finding`` whose location texts are masked (:func:`mask_text`); the value is left as it is."""
    changes = {k: mask_text(v) for k in LOCATION_TEXT_FIELDS
               if isinstance(v := getattr(finding, k), str) and mask_text(v) != v}
    return finding.with_location(**changes) if changes else finding


set_location_masker(mask_text)
