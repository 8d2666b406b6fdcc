"""Gate policy: which findings block a release, read from ``[tool.piiscan]``.

Discovery (first hit wins, walking up from the start folder to the
repository root): ``.piiscan.toml`` (top-level keys), then ``pyproject.toml``
(the ``[tool.piiscan]`` table). ``--config FILE`` skips discovery.

Keys are validated: a misspelt key is an error, not a silently weaker gate.

>>> cfg = GateConfig.from_dict({"block": ["CN_RESIDENT_ID"], "allow": {"values": ["010-12345678"]}})
>>> cfg.policy_for("notice.csv").blocks("CN_MOBILE"), cfg.policy_for("notice.csv").blocks("CN_RESIDENT_ID")
(False, True)
>>> cfg.policy_for("a.txt").allows("CN_LANDLINE", "010 1234 5678")
True
>>> GateConfig.from_dict({"allow": ["13800138000"]}).policy_for("a.txt").allows("CN_MOBILE", "+86 138 0013 8000")
True

``ner = true|false`` chooses the learned name stage (default: used when the
``ner`` extra is installed). A name only the model found (evidence
``model:lac`` alone) is reported but does not block unless
``model-names = "block"`` (see :meth:`Policy.blocks_finding`).
"""
from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from .. import validators
from ..entities import registry
from ..finding import ENTITY_TYPES, Finding
from ..files import glob_match

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIG_FILES = (".piiscan.toml", "pyproject.toml")
DEFAULT_BASELINE = ".piiscan-baseline.json"

# The baseline's hash input (see gate.baseline). Frozen: changing it would turn
# every entry of every existing baseline into a "new" finding.
_SEPARATORS = re.compile(r"[\s\-‐‑–—()（）.·]")
_SPACES = re.compile(r"\s+")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and key."""


def compact(value: str) -> str:
    """``value`` without separators, upper-cased: the form baseline hashes are computed over.

    Not used to compare allowlist entries (see :func:`normalize`), and kept
    as it is so that existing baselines keep matching.
    """
    return _SEPARATORS.sub("", value).upper()


def normalize(etype: str, value: str) -> str:
    """The form an allowlist compares ``value`` in, for a finding of type ``etype``.

    Numbers use their validator's ``compact`` (full-width to ASCII, separators and a
    ``+86``/``0086`` prefix removed, ``x`` upper-cased); other types are compared
    full-width-folded, without white space, case-insensitively (names also without
    the middle dot).

    >>> {normalize("CN_MOBILE", v) for v in ("13800138000", "+86 138 0013 8000", "１３８－００１３－８０００")}
    {'13800138000'}
    >>> normalize("CN_LANDLINE", "（０１０）１２３４ ５６７８"), normalize("EMAIL_ADDRESS", " Li.Lei@Example.com")
    ('01012345678', 'li.lei@example.com')
    """
    spec = registry.find(etype)
    if spec is not None:  # each type's spec says (numbers: the validator's compact)
        return spec.allow_form(value)
    return _SPACES.sub("", validators.to_ascii(value)).casefold()


@functools.lru_cache(maxsize=256)
def _normalized_values(values: frozenset[str], etype: str) -> frozenset[str]:
    return frozenset(normalize(etype, v) for v in values)


@dataclass(frozen=True)
class Allowlist:
    """Values that are public by design: exact strings or whole-value regexes.

    Entries are untyped (``"13800138000"``); each is compared in the normal form
    of the finding's type, so every spelling of one number matches it.
    """

    values: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()

    def allows(self, value: str, etype: str | None = None) -> bool:
        if value in self.values:
            return True
        forms = [value]
        if etype is not None:
            norm = normalize(etype, value)
            if norm in _normalized_values(self.values, etype):
                return True
            forms.append(norm)
        else:  # no type known: the loosest number form
            norm = validators.strip_separators(value).upper()
            if norm in {validators.strip_separators(v).upper() for v in self.values}:
                return True
            forms.append(norm)
        # fullmatch, not search: a pattern "010" must not allow every number containing 010.
        return any(p.fullmatch(f) for p in self.patterns for f in forms)

    def merged(self, other: "Allowlist") -> "Allowlist":
        return Allowlist(self.values | other.values, self.patterns + other.patterns)


@dataclass(frozen=True)
class Policy:
    """The rules that apply to one file."""

    # Every registered type when the policy is made (a type registered by a plugin blocks too).
    block: frozenset[str] = field(default_factory=lambda: frozenset(ENTITY_TYPES))
    min_confidence: float = 0.5
    allowlist: Allowlist = Allowlist()
    skip: bool = False  # an override may exempt a path entirely
    inline_markers: bool = True
    block_model_names: bool = False  # model-names = "block"

    def blocks(self, etype: str) -> bool:
        return etype in self.block

    def blocks_finding(self, finding: Finding) -> bool:
        """Whether ``finding`` blocks: its type blocks, and it is not a name only the model found.

        Names the rules confirm (a label, a column, an ID or phone on the
        line, a title, a role or verb) block. A name the learned stage found
        alone is, most of the time, someone named in news-like prose (an
        official, a journalist, a public figure): reported as a warning,
        blocking only with ``model-names = "block"``.

        >>> from piiscan.finding import Finding
        >>> model = Finding("PERSON_NAME", 0, 2, "李四", 0.6, "person_name", evidence=("model:lac",))
        >>> Policy().blocks_finding(model), Policy(block_model_names=True).blocks_finding(model)
        (False, True)
        >>> Policy().blocks_finding(Finding("PERSON_NAME", 0, 2, "李四", 0.9, "person_name", evidence=("label:户主", "model:lac")))
        True
        """
        if not self.blocks(finding.type):
            return False
        return self.block_model_names or not model_only(finding)

    def allows(self, etype: str, value: str) -> bool:
        return self.allowlist.allows(value, etype)


@dataclass(frozen=True)
class Override:
    paths: tuple[str, ...]
    settings: dict[str, Any]


@dataclass
class GateConfig:
    """The whole ``[tool.piiscan]`` table, parsed and checked."""

    types: list[str] | None = None  # what to scan (None: all)
    block: list[str] | None = None  # what fails the gate (None: every scanned type)
    min_confidence: float = 0.5
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    allowlist: Allowlist = Allowlist()
    inline_markers: bool = True
    overrides: list[Override] = field(default_factory=list)
    baseline: str = DEFAULT_BASELINE
    source: Path | None = None
    #: a disclosure profile (piiscan.profiles.Profile): its violations block, what it allows passes
    profile: Any = None
    ner: bool | None = None  # the learned name stage: None = when installed
    block_model_names: bool = False
    #: ``[tool.piiscan.limits]``: reader limits raised or lowered (see :mod:`piiscan.limits`), validated
    limits: dict[str, Any] = field(default_factory=dict)
    #: ``accept-unsupported = true``: files piiscan cannot read (.doc, .pptx, binary) are listed as
    #: skipped instead of failing the gate with exit 2
    accept_unsupported: bool = False

    _KEYS = {"types", "block", "min-confidence", "include", "exclude", "allow", "inline-markers",
             "overrides", "baseline", "profile", "ner", "model-names", "limits", "accept-unsupported"}
    #: Keys people are likely to try, with what to do instead (still errors: no half-features).
    _NOT_GATE_KEYS = {
        "masking": "the gate has no masking settings: every report already shows values masked as "
                   "`piiscan redact` masks them by default; choose redaction strategies on the "
                   "`piiscan redact` command line",
    }
    _OVERRIDE_KEYS = {"paths", "block", "min-confidence", "allow", "skip", "inline-markers", "model-names"}

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: Path | None = None) -> "GateConfig":
        where = str(source) if source else "config"
        for key, advice in cls._NOT_GATE_KEYS.items():
            if key in data:
                raise ConfigError(f"{where}: unknown key {key!r}: {advice}")
        _check_keys(data, cls._KEYS, where)
        cfg = cls(source=source)
        if "types" in data:
            cfg.types = _types(data["types"], f"{where}: types")
        if "block" in data:
            cfg.block = _types(data["block"], f"{where}: block")
        if "min-confidence" in data:
            cfg.min_confidence = _confidence(data["min-confidence"], f"{where}: min-confidence")
        cfg.include = _strings(data.get("include", []), f"{where}: include")
        cfg.exclude = _strings(data.get("exclude", []), f"{where}: exclude")
        cfg.allowlist = _allowlist(data.get("allow", {}), f"{where}: allow")
        cfg.inline_markers = bool(data.get("inline-markers", True))
        cfg.baseline = str(data.get("baseline", DEFAULT_BASELINE))
        if "profile" in data:
            cfg.profile = _profile(data["profile"], source, f"{where}: profile")
        if "ner" in data:
            if not isinstance(data["ner"], bool):
                raise ConfigError(f"{where}: ner must be true or false")
            cfg.ner = data["ner"]
        if "model-names" in data:
            cfg.block_model_names = _model_names(data["model-names"], f"{where}: model-names")
        cfg.limits = _limits_table(data.get("limits", {}), f"{where}: limits")
        accept = data.get("accept-unsupported", False)
        if not isinstance(accept, bool):
            raise ConfigError(f"{where}: accept-unsupported must be true or false")
        cfg.accept_unsupported = accept
        overrides = data.get("overrides", [])
        if not isinstance(overrides, list):
            raise ConfigError(f"{where}: overrides must be an array of tables ([[tool.piiscan.overrides]])")
        for i, o in enumerate(overrides):
            w = f"{where}: overrides[{i}]"
            if not isinstance(o, dict):
                raise ConfigError(f"{w} must be a table")
            _check_keys(o, cls._OVERRIDE_KEYS, w)
            if "paths" not in o:
                raise ConfigError(f"{w} needs 'paths' (glob patterns)")
            # Parse eagerly so a bad override fails at load time, not on the first matching file.
            settings: dict[str, Any] = {}
            if "block" in o:
                settings["block"] = frozenset(_types(o["block"], f"{w}.block"))
            if "min-confidence" in o:
                settings["min_confidence"] = _confidence(o["min-confidence"], f"{w}.min-confidence")
            if "allow" in o:
                settings["allow"] = _allowlist(o["allow"], f"{w}.allow")
            if "skip" in o:
                settings["skip"] = bool(o["skip"])
            if "inline-markers" in o:
                settings["inline_markers"] = bool(o["inline-markers"])
            if "model-names" in o:
                settings["block_model_names"] = _model_names(o["model-names"], f"{w}.model-names")
            cfg.overrides.append(Override(tuple(_strings(o["paths"], f"{w}.paths")), settings))
        return cfg

    def scanner_min_confidence(self) -> float:
        """The lowest threshold any path uses: the scanner must keep everything a policy may want."""
        levels = [self.min_confidence] + [o.settings["min_confidence"] for o in self.overrides
                                          if "min_confidence" in o.settings]
        return min(levels)

    def policy_for(self, rel_path: str) -> Policy:
        """The policy for a repository-relative POSIX path; later overrides win."""
        scanned = frozenset(self.types) if self.types is not None else frozenset(ENTITY_TYPES)
        policy = Policy(
            block=frozenset(self.block) & scanned if self.block is not None else scanned,
            min_confidence=self.min_confidence,
            allowlist=self.allowlist,
            inline_markers=self.inline_markers,
            block_model_names=self.block_model_names,
        )
        for o in self.overrides:
            if any(path_matches(rel_path, g) for g in o.paths):
                s = dict(o.settings)
                if "allow" in s:
                    # Override allowlists add to the global one: a global public hotline stays public.
                    s["allowlist"] = policy.allowlist.merged(s.pop("allow"))
                policy = replace(policy, **s)
        return policy


def path_matches(rel: str, pattern: str) -> bool:
    """Glob match on a POSIX path, or on the file name alone (``*.csv``): the rule
    ``piiscan scan --include/--exclude`` uses (:func:`piiscan.files.glob_match`),
    so ``*`` also crosses ``/``.

    >>> path_matches("public/contacts/office.csv", "public/**"), path_matches("a/b.csv", "*.csv")
    (True, True)
    """
    if glob_match(rel, pattern):
        return True
    # A zip member ("a.zip!inner/b.csv") is governed by the archive's path as well.
    archive, sep, _ = rel.partition("!")
    return bool(sep) and path_matches(archive, pattern)


def find_config(start: Path, stop: Path | None = None) -> Path | None:
    """The nearest config file at or above ``start``, not above ``stop`` (the repository root)."""
    start = start.resolve()
    stop = stop.resolve() if stop else None
    for folder in [start, *start.parents]:
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
        if stop is not None and folder == stop:
            break
    return None


def load_config(explicit: str | Path | None = None, *, start: Path | None = None,
                stop: Path | None = None) -> GateConfig:
    """The gate configuration: ``explicit`` if given, else discovered; defaults when none exists."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
    else:
        path = find_config(start or Path.cwd(), stop)
        if path is None:
            return GateConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml" or "tool" in data:
        data = data.get("tool", {}).get("piiscan", {})
    return GateConfig.from_dict(data, source=path)


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return "piiscan" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def _limits_table(value: Any, where: str) -> dict[str, Any]:
    """``[tool.piiscan.limits]``, checked: known names, positive numbers (sizes may say ``512M``)."""
    from .. import limits

    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table, e.g. [tool.piiscan.limits] part-bytes = \"512M\"")
    try:
        limits.with_values(limits.DEFAULT, value)
    except limits.LimitSpecError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return dict(value)


def discovered_limits(start: Path | None = None) -> dict[str, Any]:
    """The ``limits`` table of the config file ``piiscan check`` would use from ``start``
    (``piiscan scan`` and ``redact`` honour it too); ``{}`` when there is none.

    Only that table is read and checked: a scan does not fail on gate keys it has no use for.
    """
    from .git import repo_root

    start = start or Path.cwd()
    path = find_config(start, repo_root(start))
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml" or "tool" in data:
        data = data.get("tool", {}).get("piiscan", {})
    return _limits_table(data.get("limits", {}), f"{path}: limits")


def _check_keys(data: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return list(value)


def _types(value: Any, where: str) -> list[str]:
    types = [t.strip().upper() for t in _strings(value, where)]
    unknown = sorted(set(types) - set(ENTITY_TYPES))
    if unknown:
        raise ConfigError(f"{where}: unknown type(s) {', '.join(unknown)}; known: {', '.join(ENTITY_TYPES)}")
    return types


def model_only(finding: Finding) -> bool:
    """Whether a finding's only evidence is a model's (``model:lac``); a name the model
    alone found that recurs elsewhere (``known-name``) is still the model's alone."""
    evidence = [e for e in finding.evidence if e != "known-name"]
    return bool(evidence) and all(e.startswith("model:") for e in evidence)


def _model_names(value: Any, where: str) -> bool:
    if value not in ("block", "warn"):
        raise ConfigError(f'{where} must be "block" or "warn"')
    return value == "block"


def _confidence(value: Any, where: str) -> float:
    if not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"{where} must be a number between 0 and 1")
    return float(value)


def _profile(value: Any, source: Path | None, where: str):
    """A profile name (``student-aid``) or file, relative to the config file's folder."""
    from ..profiles import ProfileError, load_profile

    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a profile name or a path to a profile file")
    try:
        return load_profile(value, base=source.parent if source else None)
    except ProfileError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _allowlist(value: Any, where: str) -> Allowlist:
    if isinstance(value, list):  # shorthand: allow = ["010-12345678"]
        value = {"values": value}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table with 'values' and/or 'patterns'")
    _check_keys(value, {"values", "patterns"}, where)
    values = _strings(value.get("values", []), f"{where}.values")
    patterns = []
    for p in _strings(value.get("patterns", []), f"{where}.patterns"):
        try:
            patterns.append(re.compile(p))
        except re.error as exc:
            raise ConfigError(f"{where}.patterns: {p!r} is not a valid regex: {exc}") from None
    # Raw entries: each is normalised per finding type when compared (see normalize).
    return Allowlist(frozenset(values), tuple(patterns))


__all__: Sequence[str] = (
    "Allowlist", "ConfigError", "GateConfig", "Policy", "find_config", "load_config", "path_matches", "compact",
    "normalize", "DEFAULT_BASELINE",
)
