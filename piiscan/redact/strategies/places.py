"""The administrative-region prefix of an address (province, city, county) from GB/T 2260 names.

The functions live in :mod:`piiscan.entities.forms` (the CN_ADDRESS spec uses them); re-exported here.
"""
from __future__ import annotations

from ...entities.forms import _region_names as _names, region_prefix

__all__ = ["_names", "region_prefix"]
