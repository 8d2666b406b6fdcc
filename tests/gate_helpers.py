"""Shared helpers for the gate tests: temporary git repos and a CLI with check/baseline."""
from __future__ import annotations

import random
import subprocess
from pathlib import Path

import click
from click.testing import CliRunner

from piiscan import synth
from piiscan.cli.baseline import baseline
from piiscan.cli.check import check
from piiscan.masking import mask_value


@click.group()
def cli() -> None:
    """The two gate commands, registered here so the tests do not depend on cli/__init__.py."""


cli.add_command(check)
cli.add_command(baseline)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / "README.md").write_text("补贴公示\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "init")
    return repo


def notice_rows(rng: random.Random, n: int = 3) -> list[tuple[str, str, str]]:
    return [(synth.person_name(rng), synth.resident_id_number(rng), synth.mobile_number(rng)) for _ in range(n)]


def notice_csv(rows, masked: bool = False) -> str:
    lines = ["姓名,身份证号,联系电话,补贴金额"]
    for name, rid, phone in rows:
        if masked:
            name, rid, phone = mask_value("PERSON_NAME", name), mask_value("CN_RESIDENT_ID", rid), mask_value("CN_MOBILE", phone)
        lines.append(f"{name},{rid},{phone},1200.00")
    return "\n".join(lines) + "\n"


def run(repo: Path, *args: str, env: dict | None = None, monkeypatch=None):
    """Invoke the CLI with ``repo`` as the working directory."""
    assert monkeypatch is not None
    monkeypatch.chdir(repo)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def notice_txt(rows, header: str = "农机购置补贴公示") -> str:
    """A plain-text notice, one household a line: findings carry line numbers."""
    return header + "\n" + "".join(f"户主：{n}，身份证号：{r}，联系电话：{p}\n" for n, r, p in rows)
