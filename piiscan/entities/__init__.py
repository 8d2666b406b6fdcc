"""Entity types: one spec per type (:class:`EntityType`), one module each, and the registry.

>>> from piiscan.entities import get
>>> get("CN_MOBILE").label, get("BANK_CARD").sensitive
('手机号', True)
"""
from __future__ import annotations

from .registry import (ENTITY_TYPES, ENTRY_POINT_GROUP, LABELS, UnknownType, detector_factories, find, get, label,
                       names, register, specs, unregister)
from .spec import CATEGORIES, PERSONAL, REPORT_ONLY, SENSITIVE, EntityType

__all__ = ["CATEGORIES", "ENTITY_TYPES", "ENTRY_POINT_GROUP", "EntityType", "LABELS", "PERSONAL", "REPORT_ONLY",
           "SENSITIVE", "UnknownType", "detector_factories", "find", "get", "label", "names", "register", "specs",
           "unregister"]
