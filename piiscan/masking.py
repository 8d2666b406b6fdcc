"""Display masks for reports and logs: enough to recognise a finding, not to use it.

>>> mask_value('CN_RESIDENT_ID', '36102519800101123X')
'3610**********123X'
>>> mask_value('CN_MOBILE', '138-0013-8000')
'138-****-8000'
>>> mask_value('EMAIL_ADDRESS', 'zhang.san@example.com')
'z********@example.com'
>>> mask_value('PERSON_NAME', '欧阳娜娜')
'欧***'
"""
from __future__ import annotations

# (keep first, keep last) significant characters per type.
_KEEP = {
    "CN_RESIDENT_ID": (4, 4),
    "CN_MOBILE": (3, 4),
    "CN_LANDLINE": (4, 2),
    "BANK_CARD": (4, 4),
    "PERSON_NAME": (1, 0),
    "CN_ADDRESS": (6, 0),
}


def mask_value(etype: str, value: str, keep_first: int | None = None, keep_last: int | None = None) -> str:
    """Replace the middle of ``value`` with ``*``, keeping separators in place."""
    if etype == "EMAIL_ADDRESS" and "@" in value:
        local, domain = value.split("@", 1)
        return local[:1] + "*" * max(len(local) - 1, 1) + "@" + domain
    first, last = _KEEP.get(etype, (1, 1))
    first = first if keep_first is None else keep_first
    last = last if keep_last is None else keep_last
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    if len(positions) <= first + last:
        # Too short to keep both ends and hide anything: hide all but the first.
        first, last = min(first, 1), 0
    hide = set(positions[first:len(positions) - last])
    return "".join("*" if i in hide else ch for i, ch in enumerate(value))
