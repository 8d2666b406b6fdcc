"""FORBIDDEN_FIELD: a value in a table column a disclosure profile says must not be published
(出生日期 under the student-aid rules; :mod:`piiscan.profiles`).

Report-only: the default scanner has no detector for it.
"""
from __future__ import annotations

from .spec import REPORT_ONLY, EntityType

SPEC = EntityType(
    name="FORBIDDEN_FIELD",
    label="不得公开的字段",
    description="Forbidden field",
    details="A value in a table column that the disclosure profile in force forbids publishing.",
    category=REPORT_ONLY,
)
