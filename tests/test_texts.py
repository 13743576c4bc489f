"""What users read is Danish, worded as the reports, and follows the declared targets."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api, report, texts
from fleksmon.criteria import CRITERIA
from fleksmon.periods import month_index
from fleksmon.query import Query
from fleksmon.store import Store
from fleksmon.targets import load_targets
from tests.conftest import SEP_2019, tidy

Run = Callable[..., Any]

K1_LINES = [
    "*Antallet er udregnet ved: 0,9*(antal i fleksjob + antal på ledighedsydelse) - antal i "
    "fleksjob = antal personer i fleksjob for at nå målsætning",
    "Anm.: Antallet af personer opgøres i fuldtidspersoner.",
    "Anm.: Opgjort på udtræk fra Jobindsats.dk, Sep. 2019.",
    "Kilde: Jobindsats.dk",
]


def test_download_data_title_notes_and_source(cli: Run, k1_store: Store) -> None:
    out = cli("gap", "-c", "1", "-k", "Gentofte", "-s", str(k1_store.root), "-f", "table")
    lines = [line.rstrip() for line in out.stdout.splitlines()]
    assert lines[:2] == [
        "Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct.",
        "Sep. 2019",
    ]
    assert lines[-5:] == [*K1_LINES, ""]
    assert "Antal personer*" in out.stdout


def test_sheet_notes_are_the_table_notes(k1_frame: pl.DataFrame) -> None:
    result = api.gap("K1", Query(frame=k1_frame, kommuner=["Gentofte"]))
    assert report.note_lines(result) == K1_LINES


def test_person_level_data_names_the_kommunes_extract(
    cli: Run, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fleksmon.synth import hours_panel, write_danish_csv

    monkeypatch.setenv("FLEKSMON_KEY", "k")
    panel = hours_panel(persons=400, months=26, seed=3, start_month=month_index(2017, 6))
    write_danish_csv(panel, tmp_path / "timer.csv")
    assert cli("ingest", str(tmp_path / "timer.csv"), "-s", str(store.root)).exit_code == 0
    result = api.gap("K3", store=store)
    lines = report.note_lines(result)
    assert texts.title(result.criterion) == (
        "Succeskriterie 3: Progression i fleksjob på under 10 timer skal øges til minimum 28 pct."
    )
    assert lines[0] == (
        "*Antallet er udregnet ved: 0,28*antal personer i fleksjob - antal personer i små "
        "fleksjob med progression = antal personer som opnår progression for at nå målsætning."
    )
    assert lines[1].startswith("Anm.: Målingen omfatter personer, der har været i fleksjob")
    assert lines[2] == "Anm.: Opgjort på kommunens eget udtræk af persondata, Jul. 2019."
    assert any(
        line.endswith(
            "fleksjobforløb, der allerede var i gang i datas første måned, er udeladt "
            "(deres start er ukendt)."
        )
        for line in lines
    )
    assert lines[-1] == "Kilde: Kommunens eget udtræk af persondata"
    assert not any("Jobindsats.dk" in line for line in lines)


def test_own_targets_change_the_text(tmp_path: Path) -> None:
    targets = tmp_path / "aalborg.toml"
    targets.write_text(
        '[K3]\ntarget_pct = 35\n\n[K1]\ntarget_pct = 13\ndirection = "lower"\n\n'
        '[LY]\nname = "Andelen på ledighedsydelse"\ntarget_pct = 13\ndirection = "lower"\n'
        'population = ["fleksjob_fuldtid", "ledighedsydelse_fuldtid"]\n'
        'hits = ["ledighedsydelse_fuldtid"]\n',
        encoding="utf-8",
    )
    table = load_targets(targets)
    assert texts.title(table["K3"]) == (
        "Succeskriterie 3: Progression i fleksjob på under 10 timer skal øges til minimum 35 pct."
    )
    assert texts.gap_formula(table["K3"]).startswith(
        "*Antallet er udregnet ved: 0,35*antal personer i fleksjob"
    )
    assert texts.title(table["K1"]) == (
        "Succeskriterie 1: Fleksjobbeskæftigelsen skal nedbringes til højst 13 pct."
    )
    assert (
        texts.title(table["LY"]) == "Andelen på ledighedsydelse skal nedbringes til højst 13 pct."
    )
    assert texts.gap_formula(table["LY"]) == (
        "*Antallet er udregnet ved: antal ledighedsydelse, fuldtidspersoner - 0,13*antal antal i "
        "alt = antal personer, der skal ud af målgruppen for at nå målsætningen"
    )
    # Own measures get Danish column labels, never "Population"/"Hits".
    assert (texts.population_label(table["LY"]), texts.hits_label(table["LY"])) == (
        "Antal i alt",
        "Ledighedsydelse, fuldtidspersoner",
    )


def test_own_target_reaches_the_terminal_table(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    targets = tmp_path / "t.toml"
    targets.write_text("[K1]\ntarget_pct = 87.5\n", encoding="utf-8")
    out = cli(
        "compute", "-c", "1", "-s", str(k1_store.root), "--targets", str(targets), "-f", "table"
    )
    assert out.stdout.startswith(
        "Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 87,5 pct."
    )
    assert "0,875*(antal i fleksjob" in out.stdout


@pytest.mark.parametrize(
    ("target", "text"), [(90, "0,9"), (28, "0,28"), (87.5, "0,875"), (13, "0,13")]
)
def test_target_fraction(target: float, text: str) -> None:
    assert texts.fraction(target) == text


def test_counts_in_notes_carry_thousands_dots() -> None:
    assert texts.message("k3_censored", count=1629).startswith("1.629 fleksjobforløb")
    assert texts.message("land_not_shown", present=9).startswith("Hele landet vises ikke: kun 9 af")


def test_r1_title_and_statement() -> None:
    assert texts.title(CRITERIA["R1"]) == (
        "Resultatkrav 1: Andelen i virksomhedsrettet indsats mv. skal øges til minimum 35 pct."
    )
    own = dataclasses.replace(CRITERIA["R2"], statement="Eget mål: 20 pct. i beskæftigelse.")
    assert texts.title(own) == "Resultatkrav 2: Eget mål: 20 pct. i beskæftigelse."


def test_no_english_in_report_tables(cli: Run, tmp_path: Path) -> None:
    frame = tidy(
        [
            ("Viborg", SEP_2019, SEP_2019, "fleksjob_fuldtid", 2108.0),
            ("Viborg", SEP_2019, SEP_2019, "ledighedsydelse_fuldtid", 289.0),
        ]
    )
    store = Store(tmp_path / "s")
    store.ingest(frame, kind="aggregate", source=Path("v.csv"), sha256="v")
    out = cli(
        "compute", "-c", "1", "-k", "Viborg", "-k", "Faxe", "-s", str(store.root), "-f", "table"
    ).stdout
    for english in ("from", "no data", "Population", "Hits", "not shown", "provisional"):
        assert english not in out
    assert "Anm.: Faxe: ingen data for K1 i den valgte periode." in out
