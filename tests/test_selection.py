"""One selection, resolved once, before any data is read: every command that shows figures
takes the same options, and a typo fails in one line without opening the store."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fleksmon import api
from fleksmon.cli.app import app
from fleksmon.errors import FleksmonError
from fleksmon.selection import Selection, resolve
from fleksmon.store import Store
from fleksmon.store.manifest import ManifestStore
from fleksmon.store.reading import ReadingStore

Run = Callable[..., Any]

FIGURE_COMMANDS = ("gap", "compute", "noegletal", "export", "chart", "rf", "overblik")
SHARED = {"kommune", "period", "store", "as_of", "source", "targets", "discretion"}
VIBROG = (
    "Error: unknown kommune 'Vibrog'. Did you mean 'Viborg', 'Svendborg' or 'Silkeborg'? "
    "Use a kommune or region name, a DST code, or 'Hele landet'.\n"
)


@pytest.fixture
def sealed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The store may not be opened: reading its manifest or any data fails the test."""
    opened: list[str] = []

    def refuse(name: str) -> Callable[..., Any]:
        def opened_it(*args: Any, **kwargs: Any) -> Any:
            opened.append(name)
            raise AssertionError(f"the store was opened ({name})")

        return opened_it

    monkeypatch.setattr(ManifestStore, "_read_manifest", refuse("manifest"))
    monkeypatch.setattr(ReadingStore, "scan", refuse("scan"))
    monkeypatch.setattr(ReadingStore, "person", refuse("person"))
    yield opened
    assert opened == []


def _targets(tmp_path: Path) -> Path:
    path = tmp_path / "mål.toml"
    path.write_text(
        '[K3]\ntarget_pct = 30\n\n[grupper]\nDeltagerkommuner = ["Viborg", "Thisted"]\n',
        encoding="utf-8",
    )
    return path


def test_resolve_names_areas_groups_and_criteria(tmp_path: Path) -> None:
    sel = resolve(
        kommuner=["deltagerkommuner", "Århus", "751", "hele landet"],
        criteria=["3", "k3", "r1"],
        period="2019K4",
        as_of="2019-10-31",
        targets=_targets(tmp_path),
    )
    assert sel.names == ("Deltagerkommuner", "Aarhus", "Hele landet")
    assert sel.areas == ("Viborg", "Thisted", "Aarhus", "Hele landet")
    assert sel.criteria == ("K3", "R1")
    assert sel.criterion("3").target_pct == 30
    assert sel.period is not None and sel.period.code() == "2019M10..2019M12"
    assert sel.as_of is not None and sel.as_of.isoformat() == "2019-10-31T23:59:59.999999+01:00"
    assert sel.as_of_text == "2019-10-31"
    query = sel.query()
    assert query.kommuner == sel.names and query.areas() == sel.areas
    assert query.groups == {"Deltagerkommuner": ("Viborg", "Thisted")}


def test_selection_is_a_frozen_value_to_extend() -> None:
    sel = Selection(names=("Viborg",))
    with pytest.raises(AttributeError):
        sel.names = ("Aarhus",)  # type: ignore[misc]
    assert sel.but(discretion=5).discretion == 5 and sel.but(discretion=5).names == ("Viborg",)


@pytest.mark.parametrize(
    ("options", "line"),
    [
        ({"kommuner": ["Vibrog"]}, "unknown kommune 'Vibrog'"),
        ({"criteria": ["7"]}, "unknown criterion '7'"),
        ({"period": "2019M13"}, "unknown period '2019M13'"),
        ({"as_of": "yesterday"}, "bad --as-of 'yesterday'"),
        ({"discretion": -1}, "--discretion -1 is not a count"),
        ({"source": "people"}, "unknown source 'people'"),
    ],
)
def test_resolve_refuses_in_one_line(options: dict[str, Any], line: str) -> None:
    with pytest.raises(FleksmonError) as caught:
        resolve(**options)
    assert caught.value.message == line


@pytest.mark.parametrize("command", FIGURE_COMMANDS)
def test_every_figure_command_takes_the_shared_options(command: str) -> None:
    import typer.main

    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    names = {p.name for p in click_command.params}
    assert names >= SHARED
    assert ("criterion" in names) == (command not in ("rf", "overblik"))


def _args(command: str, tmp_path: Path) -> list[str]:
    if command == "export":
        return ["export", str(tmp_path / "x.xlsx"), "-c", "1"]
    if command == "chart":
        return ["chart", str(tmp_path / "figurer"), "-c", "1"]
    return [command, *(["-c", "1"] if command in ("gap", "compute", "noegletal") else [])]


@pytest.mark.parametrize("command", FIGURE_COMMANDS)
def test_a_typo_fails_before_the_store_is_opened(
    cli: Run, k1_store: Store, tmp_path: Path, sealed: list[str], command: str
) -> None:
    result = cli(*_args(command, tmp_path), "-k", "Vibrog", "-s", str(k1_store.root))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", VIBROG)
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "figurer").exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["-c", "7"],
            "Error: unknown criterion '7'. Use one of K1, K2, K3, R1, R2 (or 1, 2, 3).\n",
        ),
        (
            ["-c", "1", "-p", "2019M13"],
            "Error: unknown period '2019M13'. Write a month as 2019M11, 2019-11 or 'nov 2019', "
            "a quarter as 2018K3, or a range as 2019M09..2019M11.\n",
        ),
        (
            ["-c", "1", "--source", "people"],
            "Error: unknown source 'people'. Use one of auto, aggregate, person.\n",
        ),
        (
            ["-c", "1", "--discretion", "-1"],
            "Error: --discretion -1 is not a count. Give the smallest count to show, e.g. "
            "--discretion 5 (0: off).\n",
        ),
    ],
)
def test_other_typos_fail_before_the_store_is_opened(
    cli: Run, k1_store: Store, sealed: list[str], args: list[str], line: str
) -> None:
    for command in ("gap", "compute"):
        result = cli(command, *args, "-s", str(k1_store.root))
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", line)


def test_library_resolves_names_before_reading(k1_store: Store, sealed: list[str]) -> None:
    with pytest.raises(FleksmonError, match="unknown kommune 'Vibrog'"):
        api.gap("K3", kommuner=["Vibrog"], store=k1_store)


def test_a_group_from_the_targets_file_is_its_kommuner(
    cli: Run, k1_store: Store, tmp_path: Path
) -> None:
    out = cli(
        "gap", "-c", "1", "-k", "Deltagerkommuner", "--targets", str(_targets(tmp_path)),
        "-s", str(k1_store.root), "-f", "json",
    )  # fmt: skip
    assert out.exit_code == 0, out.stderr
    assert [r["kommune"] for r in json.loads(out.stdout)] == ["Thisted", "Viborg"]
