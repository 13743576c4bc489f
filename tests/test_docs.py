"""Docs are a contract: the CLI reference is generated from --help, the README runs."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    from fleksmon.cli.reference import render

    committed = (ROOT / "docs" / "cli-reference.md").read_text("utf-8")
    assert committed == render(), "run: python -m fleksmon.cli.reference > docs/cli-reference.md"


def _quick_start_commands() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```sh\n(.+?)\n```", readme, re.S)
    assert block is not None
    steps = [s.strip() for s in block.group(1).split("&&")]
    return [shlex.split(s)[1:] for s in steps if s.startswith("fleksmon ")]


def test_readme_quick_start_runs(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import glob

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("FLEKSMON_KEY", "readme-test-key")
    commands = _quick_start_commands()
    assert [c[0] for c in commands] == ["ingest", "gap"]
    store = str(tmp_path / "demo-store")
    for args in commands:
        expanded: list[str] = []
        for a in args:
            expanded += sorted(glob.glob(a)) if "*" in a else [a]
        expanded = [store if a == "demo-store" else a for a in expanded]
        result = cli(*expanded)
        assert result.exit_code == 0, result.stderr
    assert "Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct." in result.stdout
    assert "Succeskriterie 2: " in result.stdout and "Succeskriterie 3: " in result.stdout
    printed = [line.rstrip() for line in result.stdout.splitlines()]
    readme = (ROOT / "README.md").read_text("utf-8")
    shown = re.search(r"```text\n(.+?)\n```", readme, re.S)
    assert shown is not None
    assert shown.group(1).splitlines() == printed[: len(shown.group(1).splitlines())]
    viborg = [line for line in result.stdout.splitlines() if line.startswith("│ Viborg")]
    assert [c.strip() for c in viborg[0].split("│")[1:6]] == ["Viborg", "87,9%", "90%", "2,1", "49"]


def _readme_test_command() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"Run the tests.*?```sh\n(.+?)\n```", readme, re.S)
    assert block is not None
    return [s.strip() for s in block.group(1).split("&&")]


def test_ci_runs_the_readme_test_command() -> None:
    def words(command: str) -> list[str]:
        return [w for w in shlex.split(command) if w not in ("python", "-m", "--quiet")]

    venv, activate, install, *checks = _readme_test_command()
    script = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert 'test ! -e "$copy/../shared"' in script, "CI must run where no ../shared is beside"
    after_copy = script[script.index('cd "$copy"') + 1 :]
    ci = [
        line
        for line in after_copy
        if line and not line.startswith(("#", "python -m pip install --quiet --up"))
    ]
    assert ci[:2] == [venv, activate]
    assert words(ci[2]) == words(install)
    assert ci[3:] == checks
    assert checks[-2].split()[:2] == ["pytest", "-q"]
    assert {"--cov=fleksmon", "--cov-fail-under=90"} <= set(checks[-2].split())
    assert checks[-1] == "python scripts/mutation.py"
