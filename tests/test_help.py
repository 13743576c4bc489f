"""Help is a contract: it shows every character it was written with, and each
command's help ends with a worked example that runs."""

from __future__ import annotations

import inspect
import re
import shlex
import shutil
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fleksmon import fetch as fetch_module
from fleksmon.cli.app import app, main_options
from fleksmon.fetch import Connection
from tests.test_fetch import V2_PERIODS, Recorder, v2_answer

Run = Callable[..., Any]
ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {c.name: c.callback for c in app.registered_commands if c.name and c.callback}
PAGES = [("fleksmon", main_options), *COMMANDS.items()]


def _words(text: str) -> str:
    """Text with the help panels' borders taken out and whitespace made single spaces."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def _texts(function: Any) -> list[str]:
    """The help texts a command was written with: its docstring's paragraphs and every
    option's and argument's help."""
    doc = inspect.getdoc(function) or ""
    out = [" ".join(p.split()) for p in doc.split("\n\n")]
    for hint in typing.get_type_hints(function, include_extras=True).values():
        for info in getattr(hint, "__metadata__", ()):
            if getattr(info, "help", None):
                out.append(" ".join(info.help.split()))
    return out


def _help(cli: Run, name: str) -> str:
    result = cli(*([] if name == "fleksmon" else [name]), "--help")
    assert result.exit_code == 0
    return str(result.stdout)


@pytest.mark.parametrize(("name", "function"), PAGES, ids=[p[0] for p in PAGES])
def test_help_shows_every_character(cli: Run, name: str, function: Any) -> None:
    shown = _words(_help(cli, name))
    for text in _texts(function):
        assert text in shown


def test_brackets_survive(cli: Run) -> None:
    """Text in square brackets used to vanish as rich markup."""
    assert "groups from [grupper] in --targets" in _words(_help(cli, "export"))
    assert "a group of kommuner ([grupper] in the --targets file" in _words(_help(cli, "rf"))
    assert "Store folder [default: the user's data directory]." in _words(_help(cli, "gap"))


def _example(cli: Run, name: str) -> list[str]:
    lines = [line.strip(" │") for line in _help(cli, name).splitlines() if line.strip(" │")]
    assert lines[-1].startswith("Example: fleksmon "), f"{name} --help must end with an example"
    return shlex.split(lines[-1].removeprefix("Example: fleksmon "))


@pytest.mark.parametrize("name", [p[0] for p in PAGES])
def test_help_example_runs(
    cli: Run, name: str, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = _example(cli, name)
    work = tmp_path / "work"
    shutil.copytree(demo, work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("FLEKSMON_KEY", "demo-key")
    monkeypatch.setenv("FLEKSMON_STORE", str(work / "store"))
    monkeypatch.setenv("JOBINDSATS_TOKEN", "hemmelig")
    months = {"Viborg": "2108", "Thisted": "1078"}
    recorder = Recorder(
        {
            "/v2/tables/y08a02/json/": V2_PERIODS,
            "/v2/data/y08a02/json": v2_answer("Antal fuldtidspersoner", months),
        }
    )
    monkeypatch.setattr(fetch_module, "DEFAULT", Connection(opener=recorder, sleep=lambda s: None))
    before = {p for p in work.rglob("*")}
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout or {p for p in work.rglob("*")} - before, "the example did something"
