"""Reading a profile file, checking every key, and resolving ``extends``.

The format (see ``docs/profiles.md`` for a worked example)::

    [profile]
    name = "student-aid"            # required
    title = "学生资助公示"
    description = "…"
    extends = "default"             # optional: a bundled profile's name or a file (relative to this one)

    [sources.moe-2017-28]           # every rule cites one or more of these
    cite = "教育部办公厅 教财厅函〔2017〕28号"
    article = ""
    quote = "…"
    url = "…"
    status = "secondhand"           # verified | secondhand | unverified
    note = ""

    [types.CN_RESIDENT_ID]          # one table per entity type
    action = "drop-column"          # allow | mask | pseudonymize | delete | drop-column | generalize | court-name
    keep = "6,4"                    # mask only: characters kept at each end (ID, mobile, card, landline)
    level = "township"              # generalize CN_ADDRESS only: county | township
    source = "moe-2017-28"          # or sources = ["a", "b"]
    why = "…"

    [[columns]]                     # rules by column header, for fields no detector reports
    id = "birth-date"
    headers = ["出生日期", "出生年月"]
    action = "drop-column"          # allow | delete | drop-column | generalize (level = "year" | "year-month")
    source = "moe-2017-28"

    [quasi-identifiers]             # GB/T 37964's 准标识符: checked for small groups by `piiscan audit`
    headers = ["村民小组", "性别", "年龄"]
    k = 5
    source = "gbt-37964"

A misspelt key, an unknown type or action, a keep spec that is not
``FIRST,LAST``, a rule without a source or citing an unknown one: each is a
:class:`ProfileError` naming the file and the key, never a silently weaker
profile. After ``extends`` is resolved every entity type must have a rule.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

from .. import patterns
from .model import (ACTIONS, ADDRESS_LEVELS, CN_ADDRESS, DATE_LEVELS, KEEP_TYPES, PERSON_NAME, RULE_TYPES, STATUSES,
                    Profile, QuasiIdentifiers, Rule, Source)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

BUILTIN_DIR = "profiles"
DEFAULT = "default"

_TOP = {"profile", "sources", "types", "columns", "quasi-identifiers"}
_PROFILE = {"name", "title", "description", "extends"}
_SOURCE = {"cite", "article", "quote", "url", "status", "note"}
_TYPE = {"action", "keep", "level", "source", "sources", "why", "note"}
_COLUMN = {"id", "headers", "action", "level", "source", "sources", "why", "note"}
_QUASI = {"headers", "k", "source", "sources", "why", "note"}
_COLUMN_ACTIONS = ("allow", "delete", "drop-column", "generalize")


class ProfileError(ValueError):
    """A profile cannot be used; the message names the file and the key."""


def builtin_names() -> list[str]:
    """The bundled profiles (``patterns/profiles/*.toml``)."""
    return sorted(p.stem for p in patterns.path(BUILTIN_DIR).glob("*.toml"))


def load_profile(ref: str | Path, *, base: Path | None = None) -> Profile:
    """A bundled profile by name (``student-aid``) or a profile file (``local/yongan.toml``).

    A reference with a path separator or a ``.toml`` suffix, or naming an
    existing file, is a file (relative to ``base`` when given, e.g. the folder
    of the config file that names it); anything else is a bundled name.
    """
    path = _resolve(str(ref), base).resolve()
    return _load(path, _stamp(path))


def _stamp(path: Path) -> tuple[int, int]:
    """A file's size and mtime: a profile edited while a process runs is read again."""
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


def _resolve(ref: str, base: Path | None) -> Path:
    candidate = Path(ref)
    if not candidate.is_absolute() and base is not None:
        candidate = base / candidate
    if "/" in ref or "\\" in ref or ref.endswith(".toml") or candidate.is_file():
        if not candidate.is_file():
            raise ProfileError(f"profile file not found: {candidate}")
        return candidate
    builtin = patterns.path(BUILTIN_DIR) / f"{ref}.toml"
    if not builtin.is_file():
        raise ProfileError(f"unknown profile {ref!r}; bundled profiles: {', '.join(builtin_names())}; "
                           "or give a profile file (path/to/profile.toml)")
    return builtin


@functools.lru_cache(maxsize=64)
def _load(path: Path, _stamp_: tuple[int, int] = (0, 0), _chain: tuple[Path, ...] = ()) -> Profile:
    if path in _chain:
        raise ProfileError(f"{path}: extends itself (through {' -> '.join(p.name for p in _chain)})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    parent = None
    head = data.get("profile")
    if isinstance(head, dict) and head.get("extends"):
        extends = head["extends"]
        if not isinstance(extends, str):
            raise ProfileError(f"{path}: profile.extends must be a string (a profile name or file)")
        parent_path = _resolve(extends, path.parent).resolve()
        parent = _load(parent_path, _stamp(parent_path), _chain + (path,))
    return from_dict(data, path=path, parent=parent)


def from_dict(data: dict[str, Any], *, path: Path | None = None, parent: Profile | None = None) -> Profile:
    """Check and build a profile from parsed TOML; ``parent`` is what it extends (already built)."""
    where = str(path) if path else "profile"
    _keys(data, _TOP, where)
    head = data.get("profile")
    if not isinstance(head, dict):
        raise ProfileError(f"{where}: needs a [profile] table with at least name = \"…\"")
    _keys(head, _PROFILE, f"{where}: profile")
    name = _string(head.get("name"), f"{where}: profile.name", required=True)
    title = _string(head.get("title", ""), f"{where}: profile.title")
    description = _string(head.get("description", ""), f"{where}: profile.description")

    sources = dict(parent.sources) if parent else {}
    raw_sources = _table(data.get("sources", {}), f"{where}: sources")
    for sid, s in raw_sources.items():
        w = f"{where}: sources.{sid}"
        s = _table(s, w)
        _keys(s, _SOURCE, w)
        status = _string(s.get("status"), f"{w}.status", required=True)
        if status not in STATUSES:
            raise ProfileError(f"{w}.status: {status!r}; choose from {', '.join(STATUSES)}")
        sources[sid] = Source(sid, _string(s.get("cite"), f"{w}.cite", required=True), status,
                              **{k: _string(s.get(k, ""), f"{w}.{k}") for k in ("article", "quote", "url", "note")})

    types = dict(parent.types) if parent else {}
    for etype, raw in _table(data.get("types", {}), f"{where}: types").items():
        w = f"{where}: types.{etype}"
        if etype not in RULE_TYPES:
            raise ProfileError(f"{w}: unknown type {etype!r}; known: {', '.join(RULE_TYPES)}")
        raw = _table(raw, w)
        _keys(raw, _TYPE, w)
        types[etype] = _type_rule(name, etype, raw, sources, w)
    missing = [t for t in RULE_TYPES if t not in types]
    if missing:
        raise ProfileError(f"{where}: no rule for {', '.join(missing)}; add [types.{missing[0]}] or "
                           f"extends = \"{DEFAULT}\"")
    # A child's rules are its own: re-key inherited ones under its name so reports say which profile applied.
    types = {t: _rekey(r, name) for t, r in types.items()}

    columns = {c.target: _rekey(c, name) for c in (parent.columns if parent else ())}
    raw_columns = data.get("columns", [])
    if not isinstance(raw_columns, list):
        raise ProfileError(f"{where}: columns must be an array of tables ([[columns]])")
    for i, raw in enumerate(raw_columns):
        w = f"{where}: columns[{i}]"
        raw = _table(raw, w)
        _keys(raw, _COLUMN, w)
        rule = _column_rule(name, raw, sources, w)
        columns[rule.target] = rule

    quasi = parent.quasi if parent else QuasiIdentifiers()
    if "quasi-identifiers" in data:
        w = f"{where}: quasi-identifiers"
        raw = _table(data["quasi-identifiers"], w)
        _keys(raw, _QUASI, w)
        k = raw.get("k", 5)
        if not isinstance(k, int) or isinstance(k, bool) or k < 2:
            raise ProfileError(f"{w}.k must be a whole number of at least 2 (the smallest group size wanted)")
        quasi = QuasiIdentifiers(tuple(_strings(raw.get("headers", []), f"{w}.headers")), k,
                                 _sources(raw, sources, w), _string(raw.get("why", ""), f"{w}.why"))
    return Profile(name=name, title=title or (parent.title if parent else name), types=types,
                   columns=tuple(columns.values()), quasi=quasi, sources=sources,
                   description=description or (parent.description if parent else ""), path=path)


def _type_rule(profile: str, etype: str, raw: dict, sources: dict, w: str) -> Rule:
    action = _action(raw, ACTIONS, w)
    keep = level = None
    if "keep" in raw:
        if action != "mask":
            raise ProfileError(f"{w}.keep: only a mask keeps characters (action is {action!r})")
        if etype not in KEEP_TYPES:
            raise ProfileError(f"{w}.keep: keep applies to {', '.join(sorted(KEEP_TYPES))}; "
                               f"{etype} has a fixed mask")
        keep = parse_keep(raw["keep"], f"{w}.keep")
    if "level" in raw:
        if action != "generalize" or etype != CN_ADDRESS:
            raise ProfileError(f"{w}.level: a level applies to generalize on CN_ADDRESS only")
        level = _choice(raw["level"], ADDRESS_LEVELS, f"{w}.level")
    if action == "generalize" and etype == CN_ADDRESS and level is None:
        level = "county"
    if action == "court-name" and etype != PERSON_NAME:
        raise ProfileError(f"{w}.action: court-name applies to PERSON_NAME only")
    return Rule(f"{profile}:{etype}", etype, action, _sources(raw, sources, w),
                _string(raw.get("why", ""), f"{w}.why"), keep=keep, level=level,
                note=_string(raw.get("note", ""), f"{w}.note"))


def _column_rule(profile: str, raw: dict, sources: dict, w: str) -> Rule:
    cid = _string(raw.get("id"), f"{w}.id", required=True)
    headers = tuple(_strings(raw.get("headers"), f"{w}.headers"))
    if not headers:
        raise ProfileError(f"{w}.headers: give at least one header word (e.g. [\"出生日期\"])")
    action = _action(raw, _COLUMN_ACTIONS, w)
    level = None
    if "level" in raw:
        if action != "generalize":
            raise ProfileError(f"{w}.level: a level applies to generalize only")
        level = _choice(raw["level"], DATE_LEVELS, f"{w}.level")
    elif action == "generalize":
        raise ProfileError(f"{w}.level: generalize a column to \"year\" or \"year-month\" "
                           "(addresses are generalized by [types.CN_ADDRESS])")
    return Rule(f"{profile}:column:{cid}", cid, action, _sources(raw, sources, w),
                _string(raw.get("why", ""), f"{w}.why"), level=level, headers=headers,
                note=_string(raw.get("note", ""), f"{w}.note"))


def parse_keep(value: Any, where: str = "keep") -> tuple[int, int]:
    """``"6,4"`` (or ``[6, 4]``) → ``(6, 4)``: significant characters kept at the start and the end.

    >>> parse_keep("6,4"), parse_keep("2, 3"), parse_keep([3, 4])
    ((6, 4), (2, 3), (3, 4))
    >>> parse_keep("6;4")
    Traceback (most recent call last):
        ...
    piiscan.profiles.load.ProfileError: keep: '6;4' is not FIRST,LAST (e.g. "6,4": first 6 and last 4 kept)
    """
    bad = ProfileError(f"{where}: {value!r} is not FIRST,LAST (e.g. \"6,4\": first 6 and last 4 kept)")
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list):
        parts = value
    else:
        raise bad
    if len(parts) != 2:
        raise bad
    try:
        first, last = (int(str(p).strip()) for p in parts)
    except ValueError:
        raise bad from None
    if isinstance(value, list) and not all(isinstance(p, int) and not isinstance(p, bool) for p in value):
        raise bad
    if not (0 <= first <= 19 and 0 <= last <= 19):
        raise ProfileError(f"{where}: {value!r}: each end keeps 0–19 characters")
    return first, last


def _rekey(rule: Rule, profile: str) -> Rule:
    from dataclasses import replace

    suffix = rule.id.split(":", 1)[1]
    return replace(rule, id=f"{profile}:{suffix}")


def _action(raw: dict, allowed, w: str) -> str:
    action = _string(raw.get("action"), f"{w}.action", required=True)
    if action not in allowed:
        raise ProfileError(f"{w}.action: unknown action {action!r}; choose from {', '.join(allowed)}")
    return action


def _sources(raw: dict, sources: dict, w: str) -> tuple[Source, ...]:
    if "source" in raw and "sources" in raw:
        raise ProfileError(f"{w}: give source or sources, not both")
    ids = _strings(raw.get("sources", raw.get("source", [])), f"{w}.source")
    if not ids:
        raise ProfileError(f"{w}: every rule cites its source (source = \"id\" of a [sources.id] table); "
                           "write status = \"unverified\" there when it could not be checked")
    out = []
    for sid in ids:
        if sid not in sources:
            raise ProfileError(f"{w}.source: {sid!r} is not defined; defined: {', '.join(sorted(sources)) or 'none'}")
        out.append(sources[sid])
    return tuple(out)


def _choice(value: Any, allowed: dict, w: str) -> str:
    if value not in allowed:
        raise ProfileError(f"{w}: {value!r}; choose from {', '.join(allowed)}")
    return value


def _keys(data: dict, known: set[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def _table(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ProfileError(f"{where} must be a table")
    return value


def _string(value: Any, where: str, *, required: bool = False) -> str:
    if value is None and required:
        raise ProfileError(f"{where} is required")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ProfileError(f"{where} must be a {'non-empty ' if required else ''}string")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where} must be a string or a list of strings")
    return list(value)
