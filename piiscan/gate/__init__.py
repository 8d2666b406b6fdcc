"""The release gate: policy (config), baselines, and git-aware scanning.

>>> from piiscan.gate import GateConfig, evaluate
"""
from __future__ import annotations

from .baseline import Baseline, BaselineError, Hasher, load_secret
from .config import ConfigError, GateConfig, Policy, load_config
from .git import GitError, repo_root
from .policy import ALLOWED, BASELINED, BLOCKING, WARNING, GateResult, Target, Verdict, collect, evaluate

__all__ = [
    "ALLOWED", "BASELINED", "BLOCKING", "WARNING",
    "Baseline", "BaselineError", "ConfigError", "GateConfig", "GateResult", "GitError", "Hasher", "Policy",
    "Target", "Verdict", "collect", "evaluate", "load_config", "load_secret", "repo_root",
]
