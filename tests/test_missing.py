"""Values missing in the download are carried through and said so, never summed as 0."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from fleksmon import api
from fleksmon.areas import kommuner
from fleksmon.periods import parse_period
from fleksmon.query import Query
from fleksmon.store import Store
from tests.conftest import SEP_2019, tidy

Run = Callable[..., Any]


def _k3_all(missing: str | None = None, months: tuple[int, ...] = (SEP_2019,)) -> pl.DataFrame:
    """K3 counts for all 98 kommuner (100 persons, 25 progressed), one value missing."""
    rows: list[tuple[str, int, int, str, float | None]] = []
    for m in months:
        for k in kommuner():
            hits = None if k.name == missing and m == months[-1] else 25.0
            rows += [
                (k.name, m, m, "k3_population", 100.0),
                (k.name, m, m, "k3_progression", hits),
            ]
    return tidy(rows)


def test_suppressed_value_is_stored_and_noted(cli: Run, tmp_path: Path) -> None:
    data = tmp_path / "k1.csv"
    data.write_text(
        "Område;Periode;Fleksjob, fuldtidspersoner;Ledighedsydelse, fuldtidspersoner\n"
        "Viborg;2019M09;2.108;289\nFaxe;2019M09;659;-\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "s")
    assert cli("ingest", str(data), "-s", str(store.root)).exit_code == 0
    scan = store.scan("aggregate")
    assert scan is not None
    faxe = scan.filter(pl.col("kommune") == "Faxe").sort("maaling").collect()
    assert faxe["vaerdi"].to_list() == [659.0, None]
    out = cli("gap", "-c", "1", "-k", "Faxe", "-k", "Viborg", "-s", str(store.root), "-f", "table")
    assert out.exit_code == 0
    assert "Anm.: Faxe: K1 mangler i udtrækket for Sep. 2019." in out.stdout
    assert "ingen data" not in out.stdout
    records = {r["kommune"]: r for r in api.gap("K1", store=store).records.to_dicts()}
    assert records["Faxe"]["share_pct"] is None and records["Faxe"]["population"] is None
    alone = cli("gap", "-c", "1", "-k", "Faxe", "-s", str(store.root), "-f", "json")
    assert alone.exit_code == 0 and alone.stderr == (
        "Anm.: Faxe: K1 mangler i udtrækket for Sep. 2019.\n"
    )
    assert json.loads(alone.stdout)[0]["note"] == "Faxe: K1 mangler i udtrækket for Sep. 2019."


def test_sum_with_a_missing_member_is_unknown_and_names_it() -> None:
    q = Query(frame=_k3_all(missing="Læsø"), kommuner=["Hele landet", "Region Nordjylland"])
    result = api.gap("K3", q)
    recs = {r["kommune"]: r for r in result.records.to_dicts()}
    assert recs["Hele landet"]["hits"] is None and recs["Hele landet"]["share_pct"] is None
    assert recs["Region Nordjylland"]["hits"] is None
    assert result.notes[1:] == [
        "Region Nordjylland: ukendt for Sep. 2019, da Læsø mangler i udtrækket "
        "(summeres aldrig som 0).",
        "Hele landet: ukendt for Sep. 2019, da Læsø mangler i udtrækket (summeres aldrig som 0).",
    ]


def test_default_view_shows_the_unknown_sum_and_the_missing_kommune() -> None:
    result = api.gap("K3", frame=_k3_all(missing="Læsø"))
    shown = set(result.records["kommune"].to_list())
    assert {"Læsø", "Hele landet", "Region Nordjylland"} <= shown
    assert "Anm.: " not in result.notes[0]
    assert "Læsø: K3 mangler i udtrækket for Sep. 2019." in result.notes
    assert any(n.startswith("Hele landet: ukendt for Sep. 2019, da Læsø") for n in result.notes)
    complete = api.gap("K3", frame=_k3_all())
    land = complete.records.filter(pl.col("kommune") == "Hele landet").row(0, named=True)
    assert (land["population"], land["hits"]) == (9800.0, 2450.0)


def test_k2_window_with_a_missing_month_names_the_window() -> None:
    months = (SEP_2019 - 2, SEP_2019 - 1, SEP_2019)
    rows: list[tuple[str, int, int, str, float | None]] = []
    for m in months:
        rows += [
            ("Viborg", m, m, "ly_afsluttet", 10.0),
            ("Viborg", m, m, "ly_afsluttet_under_6m", None if m == SEP_2019 - 1 else 8.0),
        ]
    result = api.compute("K2", Query(frame=tidy(rows), period=parse_period("2019M09")))
    assert result.records["share_pct"].to_list() == [None]
    assert "Viborg: K2 mangler i udtrækket for Jul.–Sep. 2019." in result.notes


def test_monthly_criterion_refuses_quarterly_values(cli: Run, tmp_path: Path) -> None:
    data = tmp_path / "q.csv"
    data.write_text(
        "Område;Periode;Fleksjob, fuldtidspersoner;Ledighedsydelse, fuldtidspersoner\n"
        "Viborg;2019Q03;2.108;289\n",
        encoding="utf-8",
    )
    store = str(tmp_path / "s")
    assert cli("ingest", str(data), "-s", store).exit_code == 0
    out = cli("gap", "-c", "1", "-s", store)
    assert out.exit_code == 2
    assert out.stdout == ""
    assert out.stderr == (
        "Error: K1 needs monthly values, but the data holds fleksjob_fuldtid for "
        "2019Q3 (a quarter). Download the table by month (Periode: "
        "måned) and ingest it again.\n"
    )
