"""UNDER_MASKED: a masked value that still shows too much (the masking audit, :mod:`piiscan.audit.masked`).

Report-only: the default scanner has no detector for it; the audit and the
disclosure profiles add theirs.
"""
from __future__ import annotations

from .spec import REPORT_ONLY, EntityType

SPEC = EntityType(
    name="UNDER_MASKED",
    label="遮蔽不足",
    description="Under-masked value",
    details="A partially masked value that still reveals more than the masking policy allows.",
    category=REPORT_ONLY,
)
