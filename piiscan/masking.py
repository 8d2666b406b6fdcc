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


def mask_value(etype: str, value: str) -> str:
    """``value`` masked as the default redaction would mask it."""
    from .redact.strategies import mask

    return mask.replace(etype, value, _default_context())


@functools.lru_cache(maxsize=1)
def _default_context():
    from .redact.strategies import Context

    return Context()
