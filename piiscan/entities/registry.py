"""The registry of entity types: built-in specs, specs a user registers, and those of installed plugins.

Everything that needs to know something per type asks here (:func:`get`,
:func:`names`), so a type registered with :func:`register` is scanned,
reported, redacted and gated like a built-in one.

Plugins: a distribution may declare entry points in the group
``piiscan.entities``; each names an :class:`~piiscan.entities.spec.EntityType`,
a ``(spec, detector)`` pair, or a callable returning one of these or a list of
them. They are loaded once, on the first look-up (not at import: importing
piiscan stays cheap); one that fails is skipped with a warning naming it.
"""
from __future__ import annotations

import importlib
import threading
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Iterator

from . import (bank_card, cn_address, cn_birth_date, cn_disability_cert, cn_ethnicity, cn_exit_entry_permit,
               cn_home_return_permit, cn_landline, cn_mobile, cn_passport, cn_plate, cn_religion, cn_resident_id,
               cn_tw_compatriot_permit, cn_vin, criminal_record, disability_info, email_address, forbidden_field,
               health_info, hk_id, imei, ip_address, mac_address, mo_id, person_name, qq_number, relief_status,
               tw_id, under_masked, wechat_id)
from .spec import EntityType

ENTRY_POINT_GROUP = "piiscan.entities"

# Order is part of the contract (reports list types in it): the built-ins first, as they always were.
_BUILTIN = (cn_resident_id.SPEC, cn_mobile.SPEC, cn_landline.SPEC, bank_card.SPEC, email_address.SPEC,
            cn_address.SPEC, person_name.SPEC,
            # Added with issue 14, after the seven first types (the order reports list types in).
            cn_disability_cert.SPEC, cn_passport.SPEC, cn_home_return_permit.SPEC, cn_tw_compatriot_permit.SPEC,
            cn_exit_entry_permit.SPEC, hk_id.SPEC, tw_id.SPEC, mo_id.SPEC, cn_plate.SPEC, cn_vin.SPEC, imei.SPEC,
            ip_address.SPEC, mac_address.SPEC, qq_number.SPEC, wechat_id.SPEC,
            # Attributes of a person, from table columns (header and value), and birth dates.
            cn_birth_date.SPEC, cn_ethnicity.SPEC, cn_religion.SPEC, health_info.SPEC, disability_info.SPEC,
            relief_status.SPEC, criminal_record.SPEC,
            under_masked.SPEC, forbidden_field.SPEC)

_specs: dict[str, EntityType] = {s.name: s for s in _BUILTIN}
# Detectors given to register(): an instance, or a class / factory called once per scanner.
_detectors: dict[str, Any] = {}
_lock = threading.RLock()
_plugins_loaded = False
_version = 0  # bumped on every change, for caches that depend on the registered types


class UnknownType(ValueError):
    """No entity type of that name is registered."""


def register(spec: EntityType, detector: Any = None, *, replace: bool = False) -> EntityType:
    """Add ``spec`` (and the detector that finds it) to the types piiscan knows.

    ``detector`` is a detector instance (``name``, ``types``, ``detect(text, label)``),
    or a class or factory returning one; without it, ``spec.detector`` (``"module:attribute"``)
    is used, and a type with neither is known (reports, ``--types``, redaction) but found only
    by detectors given to :class:`~piiscan.scanner.Scanner` explicitly.
    Registering a name again is an error unless ``replace``; built-in types cannot be replaced.

    >>> from piiscan.entities import EntityType, register, unregister
    >>> spec = register(EntityType("DOC_EMPLOYEE_NO", "工号", "Employee number"))
    >>> "DOC_EMPLOYEE_NO" in names()
    True
    >>> unregister("DOC_EMPLOYEE_NO")
    """
    global _version
    if not isinstance(spec, EntityType):
        raise TypeError(f"register() takes an EntityType, not {type(spec).__name__}")
    with _lock:
        _load_plugins()
        if spec.name in _specs and (not replace or any(s.name == spec.name for s in _BUILTIN)):
            raise ValueError(f"entity type {spec.name} is already registered")
        _specs[spec.name] = spec
        if detector is not None:
            _detectors[spec.name] = detector
        else:
            _detectors.pop(spec.name, None)
        _version += 1
    return spec


def unregister(name: str) -> None:
    """Remove a registered type (tests, plugin reloads); built-in types stay."""
    global _version
    with _lock:
        if any(s.name == name for s in _BUILTIN):
            raise ValueError(f"{name} is built in and cannot be unregistered")
        _specs.pop(name, None)
        _detectors.pop(name, None)
        _version += 1


def builtin_names() -> tuple[str, ...]:
    """The types piiscan itself defines (not those registered or loaded from plugins), in order."""
    return tuple(s.name for s in _BUILTIN)


def version() -> int:
    """A number that changes whenever the registered types change."""
    _load_plugins()
    return _version


def get(name: str) -> EntityType:
    """The spec of a registered type; :class:`UnknownType` naming the known ones otherwise."""
    spec = _specs.get(name)
    if spec is None:
        _load_plugins()
        spec = _specs.get(name)
        if spec is None:
            raise UnknownType(f"unknown entity type {name!r}; known: {', '.join(names())}")
    return spec


def find(name: str) -> EntityType | None:
    """The spec of a registered type, or None."""
    _load_plugins()
    return _specs.get(name)


def specs() -> list[EntityType]:
    """Every registered spec: types a detector finds first (built-ins, then registered ones),
    then the report-only types."""
    _load_plugins()
    with _lock:
        found = [s for s in _specs.values() if not s.report_only]
        return found + [s for s in _specs.values() if s.report_only]


def names() -> tuple[str, ...]:
    return tuple(s.name for s in specs())


def label(name: str) -> str:
    """The Chinese label of a type, or the name itself for a type nobody registered."""
    spec = find(name)
    return spec.label if spec is not None else name


def detector_factories() -> list[Callable[[], Any]]:
    """One factory per detector of the registered types, in priority order (built-ins first)."""
    _load_plugins()
    with _lock:
        entries: dict[Any, tuple[int, int, Callable[[], Any]]] = {}
        for i, spec in enumerate(_specs.values()):
            given = _detectors.get(spec.name)
            if given is not None:
                key: Any = ("given", id(given))
                # A class or a factory makes a detector per scanner; an instance is shared.
                is_factory = isinstance(given, type) or (callable(given) and not hasattr(given, "detect"))
                factory = given if is_factory else _constant(given)
            elif spec.detector:
                key, factory = spec.detector, _importer(spec.detector)
            else:
                continue
            if key not in entries:
                entries[key] = (spec.detector_priority, i, factory)
        return [f for _p, _i, f in sorted(entries.values(), key=lambda e: (e[0], e[1]))]


def _constant(obj: Any) -> Callable[[], Any]:
    return lambda: obj


def _importer(target: str) -> Callable[[], Any]:
    def make() -> Any:
        module, _, attr = target.partition(":")
        obj = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
        return obj()
    return make


def _load_plugins() -> None:
    """Register the specs of installed plugins (entry point group ``piiscan.entities``), once."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    with _lock:
        if _plugins_loaded:
            return
        _plugins_loaded = True  # first: a plugin that looks types up while loading must not recurse
        from importlib.metadata import entry_points

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                for spec, detector in _plugin_items(ep.load()):
                    register(spec, detector)
            except Exception as exc:  # noqa: BLE001 - one broken plugin must not stop the scan
                warnings.warn(f"piiscan: entity plugin {ep.name} ({ep.value}) not loaded: "
                              f"{type(exc).__name__}: {exc}", RuntimeWarning, stacklevel=2)


def _plugin_items(obj: Any) -> Iterator[tuple[EntityType, Any]]:
    if isinstance(obj, EntityType):
        yield obj, None
    elif isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], EntityType):
        yield obj[0], obj[1]
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _plugin_items(item)
    elif callable(obj):
        yield from _plugin_items(obj())
    else:
        raise TypeError(f"an entry point must name an EntityType, (spec, detector), a list or a callable, "
                        f"not {type(obj).__name__}")


class _Names(Sequence):
    """``ENTITY_TYPES``: the registered type names, read afresh at each use (a registered type shows up)."""

    def __getitem__(self, i):  # type: ignore[override]
        return names()[i]

    def __len__(self) -> int:
        return len(names())

    def __iter__(self):
        return iter(names())

    def __contains__(self, name: object) -> bool:
        return name in _specs or name in names()

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, (tuple, list, _Names)) else other)

    def __hash__(self) -> int:
        return hash(names())

    def __add__(self, other):
        return names() + tuple(other)

    def __repr__(self) -> str:
        return repr(names())


class _Labels(Mapping):
    """``LABELS``: type name → Chinese label, read afresh from the registry."""

    def __getitem__(self, name: str) -> str:
        spec = find(name)
        if spec is None:
            raise KeyError(name)
        return spec.label

    def __iter__(self):
        return iter(names())

    def __len__(self) -> int:
        return len(names())

    def __repr__(self) -> str:
        return repr(dict(self))


ENTITY_TYPES: Sequence[str] = _Names()
LABELS: Mapping[str, str] = _Labels()
