"""Synthetic panels: reproducible, realistic shares, stored schemas, no CPR-shaped ids."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from fleksmon import synth
from fleksmon.cli.synth import synth as synth_command
from fleksmon.measures.k2 import k2_monthly, spells_from_months
from fleksmon.measures.k3 import k3_monthly
from fleksmon.periods import month_index
from fleksmon.readers.person import read_person
from fleksmon.schema import PERSON_KINDS

START = month_index(2015, 1)
EXTRACT = {k: {**v, "person": pl.String()} for k, v in PERSON_KINDS.items()}
"""Synthetic extracts carry readable person ids (the store holds their pseudonyms)."""


def test_hours_panel_is_reproducible_and_in_schema() -> None:
    a = synth.hours_panel(3_000, 36, seed=7, start_month=START)
    assert a.schema == pl.Schema(EXTRACT["fleksjob-timer"])
    assert a.equals(synth.hours_panel(3_000, 36, seed=7, start_month=START))
    assert not a.equals(synth.hours_panel(3_000, 36, seed=8, start_month=START))
    assert a.get_column("maaned").min() == START
    assert a.get_column("maaned").max() == START + 35
    assert not a.get_column("person").str.contains(r"^\d{6}-?\d{4}$").any()
    assert a.get_column("kommune_kode").n_unique() > 80
    # Some months carry a second employer row.
    assert a.select(pl.struct("person", "maaned").is_duplicated().any()).item()


def test_chunked_writer_equals_the_panel(tmp_path: Path) -> None:
    persons = synth.BLOCK + 500
    paths = synth.write_hours_parquet(tmp_path, persons, 4, seed=3, start_month=START, per_file=1)
    assert len(paths) == 2
    written = pl.read_parquet(paths)
    assert written.equals(synth.hours_panel(persons, 4, seed=3, start_month=START))
    # Files hold disjoint persons.
    first, second = (set(pl.read_parquet(p).get_column("person")) for p in paths)
    assert not first & second


def test_k3_share_is_near_the_published_one() -> None:
    panel = synth.hours_panel(20_000, 60, seed=1, start_month=START)
    totals = (
        k3_monthly(panel.lazy()).collect().select(pl.col("k3_population", "k3_progression").sum())
    )
    share = totals.item(0, 1) / totals.item(0, 0)
    assert 0.18 <= share <= 0.32


def test_ly_spells_realistic_and_valid(tmp_path: Path) -> None:
    spells = synth.ly_spells(20_000, 60, seed=2, start_month=START)
    assert spells.schema == pl.Schema(EXTRACT["ly-forloeb"])
    assert spells.equals(synth.ly_spells(20_000, 60, seed=2, start_month=START))
    counts = (
        k2_monthly(spells.lazy())
        .collect()
        .select(pl.col("ly_afsluttet", "ly_afsluttet_under_6m").sum())
    )
    share = counts.item(0, 1) / counts.item(0, 0)
    assert 0.6 <= share <= 0.85
    # Non-overlapping, accepted by the reader's checks.
    path = tmp_path / "ly.parquet"
    spells.write_parquet(path)
    assert read_person(path, None, key=b"k").rows == spells.height


def test_ly_months_round_trip_to_spells() -> None:
    spells = synth.ly_spells(2_000, 24, seed=4, start_month=START)
    months = synth.ly_months(spells, START + 23)
    assert months.schema == pl.Schema(EXTRACT["ly-maaneder"])
    rebuilt = spells_from_months(months.lazy()).collect()
    assert rebuilt.height > 0
    assert rebuilt.get_column("start").dt.day().max() == 1


def test_cli_writes_a_danish_csv_that_reads_back(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(synth_command)
    app.command("other")(lambda: None)
    out = tmp_path / "timer.csv"
    result = CliRunner().invoke(
        app,
        ["synth", "fleksjob-timer", str(out), "--persons", "300", "--months", "24", "--seed", "3"],
    )
    assert result.exit_code == 0, result.output
    assert ";" in out.read_text(encoding="utf-8").splitlines()[0]
    back = read_person(out, None, key=b"k")
    panel = synth.hours_panel(300, 24, seed=3, start_month=START)
    assert back.kind == "fleksjob-timer"
    assert back.frame.drop("person").equals(panel.drop("person"))


def test_cli_writes_a_ressourceforloeb_csv_that_reads_back(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(synth_command)
    app.command("other")(lambda: None)
    out = tmp_path / "rf.csv"
    args = ["synth", "ressourceforloeb", str(out), "--persons", "200", "--months", "24"]
    result = CliRunner().invoke(app, [*args, "--seed", "3"])
    assert result.exit_code == 0, result.output
    header, first = out.read_text(encoding="utf-8").splitlines()[:2]
    assert header == (
        "person;kommune;periode;praktik_loentilskud;loentimer;fleksjob;su;beskaeftigelsesgrad"
    )
    assert first.split(";")[3] in ("0", "1")
    assert "," in first.split(";")[7]
    back = read_person(out, None, key=b"k")
    panel = synth.rf_panel(200, 24, seed=3, start_month=START)
    assert back.kind == "ressourceforloeb"
    assert back.frame.drop("person").equals(panel.drop("person"))


@pytest.mark.slow
def test_ten_million_rows_k3() -> None:
    """K3 over a ten-million-row panel: every kommune (speed is measured in bench/)."""
    panel = synth.hours_panel(250_000, 120, seed=9, start_month=month_index(2010, 1))
    assert panel.height > 9_500_000
    result = k3_monthly(panel.lazy()).collect()
    assert result.get_column("kommune_kode").n_unique() == 98
