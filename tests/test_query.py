"""One frozen query value: the same selection whether given as a Query or as keywords."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

import fleksmon
from fleksmon import api, report
from fleksmon.criteria import CRITERIA
from fleksmon.errors import FleksmonError
from fleksmon.periods import parse_period
from fleksmon.query import Query
from fleksmon.store import Store


def test_query_is_frozen_and_normalized() -> None:
    q = Query(kommuner=["Viborg", "Thisted"])
    assert q.kommuner == ("Viborg", "Thisted")
    assert Query(kommuner="Viborg").kommuner == ("Viborg",)  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.kommuner = ("Faxe",)  # type: ignore[misc]
    assert q.but(period=parse_period("2019M09")).kommuner == q.kommuner
    assert q.period is None


def test_unknown_source_is_refused() -> None:
    with pytest.raises(FleksmonError, match="unknown source 'persons'"):
        Query(source="persons")


def test_public_api_takes_a_query_or_keywords(k1_store: Store) -> None:
    q = fleksmon.Query(kommuner=["Viborg"], store=k1_store)
    by_query = fleksmon.gap("K1", q)
    by_keywords = fleksmon.gap("K1", kommuner=["Viborg"], store=k1_store)
    assert by_query.records.equals(by_keywords.records)
    assert by_query.records["kommune"].to_list() == ["Viborg"]
    assert by_query.query is q
    overridden = fleksmon.compute("K1", q, kommuner=["Thisted"])
    assert overridden.records["kommune"].to_list() == ["Thisted"]
    assert overridden.query.store is k1_store


def test_query_criteria_table_drives_the_target(k1_frame: pl.DataFrame) -> None:
    table = {**CRITERIA, "K1": dataclasses.replace(CRITERIA["K1"], target_pct=80.0)}
    q = Query(frame=k1_frame, kommuner=["Viborg"], criteria=table)
    record = api.gap("1", q).records.row(0, named=True)
    assert (record["target_pct"], record["met"]) == (80.0, True)


def test_results_and_criteria_ids(k1_store: Store) -> None:
    q = Query(store=k1_store, kommuner=["Gentofte"])
    assert api.criteria_ids(q) == ["K1"]
    assert api.criteria_ids(q, ["1", "k1", "3"]) == ["K1", "K3"]
    (result,) = api.results(["K1"], q, latest_only=True)
    assert result.records["gap_persons"].to_list() == [3]


def test_report_reads_the_result_query(k1_frame: pl.DataFrame) -> None:
    data = report.workbook_data(["K1"], Query(frame=k1_frame, kommuner=["Faxe"]))
    assert data.sections[0].chart.columns == ["period", "Faxe"]
    assert data.batches == []
