"""A person group's marking extract (kind ``persongruppe``): read, refused, replaced."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon.errors import FleksmonError
from fleksmon.persongruppe import for_ingest, load_marking, make_project, stored_groups
from fleksmon.store import Store, parse_as_of

Run = Callable[..., Any]
HEAD = "person;kommune;fra;til\n"
MARKING = (
    HEAD
    + "010190-1234;Viborg;2018M09;\n"  # a month in fra: its first day; til empty: still marked
    + "p2;Viborg;15-10-2018;2019M02\n"  # a month in til: its last day
    + "p2;Thisted;2019-04-01;30.06.2019\n"  # the same person in another kommune
)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "test-key")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _ingest(cli: Run, tmp_path: Path, path: Path, *args: str) -> Any:
    return cli("ingest", str(path), "--store", str(tmp_path / "store"), *args)


def _marking(tmp_path: Path, name: str = "Projekt", as_of: str | None = None) -> pl.DataFrame:
    store = Store(tmp_path / "store")
    when = parse_as_of(as_of) if as_of else None
    return load_marking(store, name, when)[1].rows.sort("kommune_kode", "fra")


def test_marking_read_months_as_first_and_last_day(cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, "markering.csv", MARKING)
    result = _ingest(cli, tmp_path, path, "--persongruppe", "Projekt", "--project-start", "2018M09")
    assert result.exit_code == 0, result.stderr
    assert (
        "markering.csv: loaded persongruppe Projekt (projekt fra Sep. 2018): 3 rows, 2 persons, "
        "2 kommuner, 2018M09..2019M04." in result.stderr
    )
    rows = _marking(tmp_path)
    assert rows.select("kommune_kode", "fra", "til").rows() == [
        (787, dt.date(2019, 4, 1), dt.date(2019, 6, 30)),
        (791, dt.date(2018, 9, 1), None),
        (791, dt.date(2018, 10, 15), dt.date(2019, 2, 28)),
    ]
    assert "1234" not in "".join(p.read_bytes().decode("latin-1") for p in _files(tmp_path))
    project = stored_groups(Store(tmp_path / "store"), None)["Projekt"]
    assert (project.start, project.end, project.title()) == (
        2018 * 12 + 8,
        None,
        "Projektgruppen: Projekt (fra Sep. 2018)",
    )


def _files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "store").rglob("*") if p.is_file()]


def test_same_person_as_in_other_extracts(cli: Run, tmp_path: Path) -> None:
    """One key per store: the marked person is the person of the hours panel."""
    hours = _write(
        tmp_path, "timer.csv", "person;kommune;periode;timer\n010190-1234;Viborg;2019M01;5\n"
    )
    assert _ingest(cli, tmp_path, hours).exit_code == 0
    path = _write(tmp_path, "markering.csv", MARKING)
    assert (
        _ingest(cli, tmp_path, path, "--persongruppe", "P", "--project-start", "2018M09").exit_code
        == 0
    )
    store = Store(tmp_path / "store")
    panel = store.person("fleksjob-timer")
    assert panel is not None
    person = panel.scan().collect()["person"][0]
    assert person in _marking(tmp_path, "P")["person"].to_list()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEAD + "p1;Viborg;2019M05;2019M04\n",
            "Error: bad.csv: row 2, column 'til': the marking ends (til) before it begins (fra). "
            "Correct fra or til (a month in til means its last day).",
        ),
        (
            HEAD + "p1;Viborg;2019M05;2019-05-01\n",  # the same day is no error: til inclusive
            None,
        ),
        (
            HEAD + "p1;Viborg;snart;\n",
            "Error: bad.csv: row 2, column 'fra': cannot read the date or month. Write a date as "
            "31-08-2019 or 2019-08-31, or a month as 2019M08.",
        ),
        (
            HEAD + "p1;Viborg;2019M01;\np2;Viborg;;2019M03\n",
            "Error: bad.csv: row 3, column 'fra': the date is empty. Every marking needs the day "
            "(or month) it began.",
        ),
        (
            HEAD + "p1;Viborg;2019K1;\n",
            "Error: bad.csv: row 2, column 'fra': cannot read the date or month. Write a date as "
            "31-08-2019 or 2019-08-31, or a month as 2019M08.",
        ),
        (
            HEAD + "p1;Vibrog;2019M01;\n",
            "Error: bad.csv: row 2, column 'kommune': not one of the 98 kommuner. Did you mean "
            "Viborg, Svendborg, Silkeborg? Give the kommune by name or DST code.",
        ),
        (
            HEAD + ";Viborg;2019M01;\n",
            "Error: bad.csv: row 2, column 'person': the person id is empty. Give every row the "
            "person's CPR number or id.",
        ),
        (
            HEAD + "p1;Viborg;1995M01;\n",
            "Error: bad.csv: row 2, column 'fra': the date is before 1998 (when flexjob and "
            "ledighedsydelse began). Correct the date (a typo in the year?).",
        ),
    ],
)
def test_bad_marking_one_line_store_unchanged(
    cli: Run, tmp_path: Path, text: str, message: str | None
) -> None:
    good = _write(tmp_path, "markering.csv", MARKING)
    assert (
        _ingest(
            cli, tmp_path, good, "--persongruppe", "Projekt", "--project-start", "2018M09"
        ).exit_code
        == 0
    )
    before = sorted((p, p.stat().st_size) for p in _files(tmp_path))
    bad = _write(tmp_path, "bad.csv", text)
    result = _ingest(cli, tmp_path, bad, "--persongruppe", "Projekt", "--project-start", "2018M09")
    if message is None:
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [message]
    assert sorted((p, p.stat().st_size) for p in _files(tmp_path)) == before
    assert _marking(tmp_path).height == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--kind", "persongruppe"],
            "Error: a persongruppe extract is loaded for a named person group. Name it and its "
            "project start: --persongruppe Projekt --project-start 2018M09.",
        ),
        (
            ["--persongruppe", "Projekt"],
            "Error: no project start for the person group Projekt. Give --project-start (the "
            "month the project began, e.g. 2018M09), or declare [persongrupper.Projekt] in the "
            "targets file.",
        ),
        (
            ["--persongruppe", "Projekt", "--project-start", "2018M09", "--kind", "ly-forloeb"],
            "Error: --persongruppe loads a marking extract, not --kind ly-forloeb. Leave out "
            "--kind, or load the other extracts in an ingest of their own.",
        ),
        (
            ["--project-start", "2018M09"],
            "Error: --project-start and --project-end belong to a person group. Name it: "
            "--persongruppe Projekt --project-start 2018M09.",
        ),
        (
            ["--persongruppe", "Projekt", "--project-start", "2019M09", "--project-end", "2019M08"],
            "Error: the project Projekt ends (2019M08) before it starts (2019M09). Give "
            "--project-end a month on or after --project-start.",
        ),
        (
            ["--persongruppe", "Projekt", "--project-start", "2018K3"],
            "Error: Projekt: the project start must be one month. Give the project start as a "
            "month, e.g. 2018M09.",
        ),
        (
            ["--persongruppe", " ", "--project-start", "2018M09"],
            "Error: --persongruppe is empty. Name the person group, e.g. --persongruppe Projekt.",
        ),
        (
            ["--persongruppe", "010190-1234", "--project-start", "2018M09"],
            "Error: the person group's name holds a person identifier. Name the project, e.g. "
            "--persongruppe Projekt.",
        ),
    ],
)
def test_options_refused_in_one_line(
    cli: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    path = _write(tmp_path, "markering.csv", MARKING)
    result = _ingest(cli, tmp_path, path, *args)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [message]
    assert not (tmp_path / "store" / "manifest.json").exists()


def test_project_declared_in_targets_file(cli: Run, tmp_path: Path) -> None:
    targets = _write(
        tmp_path,
        "mål.toml",
        '[persongrupper.Projekt]\nproject_start = "2018M09"\nproject_end = "2020M12"\n',
    )
    path = _write(tmp_path, "markering.csv", MARKING)
    result = _ingest(cli, tmp_path, path, "--persongruppe", "Projekt", "--targets", str(targets))
    assert result.exit_code == 0, result.stderr
    assert "loaded persongruppe Projekt (projekt Sep. 2018–Dec. 2020)" in result.stderr
    other = _ingest(
        cli, tmp_path, path, "--persongruppe", "Projekt", "--project-start", "2019M01",
        "--targets", str(targets),
    )  # fmt: skip
    assert other.exit_code == 2
    assert other.stderr.strip() == (
        "Error: the targets file declares the project Projekt as Sep. 2018–Dec. 2020, the "
        "options as fra Jan. 2019. Give the same project period in both, or leave the options out."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[persongrupper]\nProjekt = 5\n", "[persongrupper.Projekt] gives no project_start"),
        ('[persongrupper.P]\nproject_start = "2018M09"\nslut = "x"\n', "unknown key 'slut'"),
        ("[persongrupper.P]\nproject_start = 2018\n", "project_start must be a month as text"),
        (
            '[persongrupper.P]\nproject_start = "2018M09"\nproject_end = "2018M01"\n',
            "the project P ends (2018M01) before it starts (2018M09)",
        ),
        ('persongrupper = "P"\n', "[persongrupper] must be a section"),
    ],
)
def test_bad_targets_section(tmp_path: Path, text: str, message: str) -> None:
    from fleksmon.targets import read_targets

    path = _write(tmp_path, "t.toml", text)
    with pytest.raises(FleksmonError, match=re.escape(message)):
        read_targets(path)


def test_newer_extract_replaces_the_group_as_of_keeps_the_older(cli: Run, tmp_path: Path) -> None:
    first = _write(tmp_path, "m1.csv", MARKING)
    args = ("--persongruppe", "Projekt", "--project-start", "2018M09")
    assert _ingest(cli, tmp_path, first, *args).exit_code == 0
    other = _write(tmp_path, "andet.csv", HEAD + "q;Aalborg;2019M01;\n")
    assert (
        _ingest(
            cli, tmp_path, other, "--persongruppe", "Andet", "--project-start", "2019M01"
        ).exit_code
        == 0
    )
    store = Store(tmp_path / "store")
    between = store.batches()[-1].time + dt.timedelta(microseconds=1)
    second = _write(tmp_path, "m2.csv", HEAD + "p3;Faxe;2019M03;\n")
    result = _ingest(cli, tmp_path, second, *args)
    assert result.exit_code == 0, result.stderr
    assert "replaced 3 older values" in result.stderr
    assert _marking(tmp_path)["kommune_kode"].to_list() == [320]
    assert _marking(tmp_path, "Andet")["kommune_kode"].to_list() == [851]
    older = load_marking(store, "Projekt", between)[1].rows
    assert older.height == 3
    assert sorted(stored_groups(store, None)) == ["Andet", "Projekt"]


def test_same_file_as_another_group_or_period_is_loaded_again(cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, "m.csv", MARKING)
    assert (
        _ingest(cli, tmp_path, path, "--persongruppe", "A", "--project-start", "2018M09").exit_code
        == 0
    )
    again = _ingest(cli, tmp_path, path, "--persongruppe", "A", "--project-start", "2018M09")
    assert "already loaded" in again.stderr
    moved = _ingest(cli, tmp_path, path, "--persongruppe", "A", "--project-start", "2019M01")
    assert "loaded persongruppe A (projekt fra Jan. 2019)" in moved.stderr
    assert (
        _ingest(cli, tmp_path, path, "--persongruppe", "B", "--project-start", "2018M09").exit_code
        == 0
    )
    groups = stored_groups(Store(tmp_path / "store"), None)
    assert {n: p.start for n, p in groups.items()} == {"A": 2019 * 12, "B": 2018 * 12 + 8}


def test_unknown_group_named_with_what_the_store_holds(cli: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, "m.csv", MARKING)
    assert (
        _ingest(
            cli, tmp_path, path, "--persongruppe", "Projekt", "--project-start", "2018M09"
        ).exit_code
        == 0
    )
    with pytest.raises(FleksmonError, match=r"no person group 'Projket' \(it holds: Projekt\)"):
        load_marking(Store(tmp_path / "store"), "Projket", None)
    declared = {"Projekt": make_project("Projekt", "2019M01")}
    with pytest.raises(FleksmonError, match=r"declares the project Projekt as fra Jan\. 2019"):
        load_marking(Store(tmp_path / "store"), "Projekt", None, declared)


def test_in_memory_reader_reads_the_same(tmp_path: Path) -> None:
    from fleksmon.readers.person import read_person

    path = _write(tmp_path, "m.csv", MARKING)
    project = for_ingest("Projekt", "2018M09", None, {})
    frame = read_person(path, "persongruppe", key=b"k", given=project.given()).frame
    assert frame.columns == [
        "person", "kommune_kode", "fra", "til", "persongruppe", "projekt_start", "projekt_slut",
    ]  # fmt: skip
    assert frame["persongruppe"].unique().to_list() == ["Projekt"]
    with pytest.raises(FleksmonError, match="read for a named person group"):
        read_person(path, "persongruppe", key=b"k")
