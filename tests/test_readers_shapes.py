"""Every real Jobindsats shape of the published Sep-2019 K1 counts gives the published gap."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon.api import gap
from fleksmon.errors import FleksmonError
from fleksmon.readers import read_aggregate
from tests.k1_shapes import HERKOMST, SPLITS, TABLES, WRITERS, rows, write_shape

Run = Callable[..., Any]
PUBLISHED = {"Viborg": 49, "Thisted": 40}


def persons(paths: list[Path]) -> dict[str, int]:
    """Persons missing per kommune (Sep. 2019) from the files, through the library."""
    frame = pl.concat([read_aggregate(p).frame for p in paths])
    records = gap("K1", frame=frame).records
    return dict(zip(records["kommune"], records["gap_persons"], strict=True))


@pytest.mark.parametrize("split", list(SPLITS))
@pytest.mark.parametrize("shape", list(WRITERS))
def test_every_shape_gives_the_published_persons(tmp_path: Path, shape: str, split: str) -> None:
    found = persons(write_shape(tmp_path, shape, split))
    assert {k: found[k] for k in PUBLISHED} == PUBLISHED
    assert len(found) == 9


@pytest.mark.parametrize(
    "totals", [("I alt", "I alt"), ("KØN I ALT", "herkomst i alt"), ("Total", "Alle")]
)
def test_total_names_in_any_case(tmp_path: Path, totals: tuple[str, str]) -> None:
    paths = write_shape(tmp_path, "v2-csv", "køn×herkomst-all", totals)
    assert {k: persons(paths)[k] for k in PUBLISHED} == PUBLISHED


def test_ingest_and_gap_through_the_cli(cli: Run, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    paths = write_shape(tmp_path, "v2-csv", "køn×herkomst-all")
    result = cli("ingest", *map(str, paths), "--store", store)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[1] == (
        "y08a02_v2.csv: loaded aggregate: 9 rows, 9 kommuner, 2019M09, measures "
        "fleksjob_fuldtid; Køn: used the total row 'Køn i alt'; Herkomst: used the total row "
        "'Herkomst i alt'."
    )
    records = json.loads(cli("gap", "-c", "1", "-s", store, "-f", "json").stdout)
    found = {r["kommune"]: r["gap_persons"] for r in records}
    assert {k: found[k] for k in PUBLISHED} == PUBLISHED


def test_summed_categories_are_said(tmp_path: Path) -> None:
    result = read_aggregate(write_shape(tmp_path, "v2-csv", "køn-categories")[0])
    assert result.dimensions == ["Køn: summed 'Kvinder', 'Mænd' (no total row)"]


def test_subtotals_are_never_added(tmp_path: Path) -> None:
    data = rows("Y08A02", (None,), HERKOMST)
    data = [r for r in data if r[0] == "Viborg"]
    sub = sum(int(str(r[-1])) for r in data if str(r[2]).startswith("Indvandrere"))
    data.append(["Viborg", "Køn i alt", "Indvandrere i alt", sub])
    path = WRITERS["v2-csv"](tmp_path, "Y08A02", data, ["Køn", "Herkomst"])
    assert read_aggregate(path).frame["vaerdi"].to_list() == [2108.0]


def error_line(path: Path) -> str:
    with pytest.raises(FleksmonError) as info:
        read_aggregate(path)
    return info.value.line()


def test_a_subset_of_categories_is_refused(tmp_path: Path) -> None:
    data = rows("Y08A02", None, HERKOMST[1:3])
    path = WRITERS["v2-csv"](tmp_path, "Y08A02", data, ["Herkomst"])
    assert error_line(path) == (
        "y08a02_v2.csv, row 2, column 'Herkomst': only 'Indvandrere fra vestlige lande', "
        "'Indvandrere fra ikke-vestlige lande' of the 5 Herkomst categories and no total row; "
        "missing 'Personer med dansk oprindelse', 'Efterkommere fra vestlige lande', "
        "'Efterkommere fra ikke-vestlige lande'. Download the table with the 'Herkomst i alt' "
        "row (Jobindsats.dk: select the total; the API: ask for every value with '*'), or with "
        "every Herkomst category."
    )


def test_one_gender_is_refused(tmp_path: Path) -> None:
    path = WRITERS["v3-json"](tmp_path, "Y08A02", rows("Y08A02", ("Mænd",), None), ["Køn"])
    assert error_line(path).startswith(
        "y08a02_v3.json, row 1, column 'Køn': only 'Mænd' of the 2 Køn categories and no total "
        "row; missing 'Kvinder'."
    )


def test_unknown_dimension_without_a_total_is_refused(tmp_path: Path) -> None:
    data = [["Viborg", a, n] for a, n in (("16-29 år", 300), ("30-66 år", 1808))]
    path = WRITERS["v2-csv"](tmp_path, "Y08A02", data, ["Alder"])
    assert error_line(path) == (
        "y08a02_v2.csv, row 2, column 'Alder': no total row ('I alt' or 'Alder i alt'), and "
        "fleksmon does not know every Alder category, so the rows cannot be summed. Download "
        "the table with the 'Alder i alt' row (in the API ask for every value with '*'), or "
        "leave the column out."
    )


def test_unknown_dimension_with_its_total(tmp_path: Path) -> None:
    data = [
        ["Viborg", a, n]
        for a, n in (("16-29 år", 300), ("Ydelsesgrupper i alt", 2108), ("Fleksjob i alt", 5))
    ]
    path = WRITERS["v2-csv"](tmp_path, "Y08A02", data, ["Ydelsesgruppe"])
    result = read_aggregate(path)
    assert result.frame["vaerdi"].to_list() == [2108.0]
    assert result.dimensions == ["Ydelsesgruppe: used the total row 'Ydelsesgrupper i alt'"]


def test_a_category_that_is_not_in_the_set(tmp_path: Path) -> None:
    data = [["Viborg", k, n] for k, n in (("Kvinder", 1000), ("Mænd", 1100), ("Uoplyst", 8))]
    path = WRITERS["v2-csv"](tmp_path, "Y08A02", data, ["Køn"])
    assert error_line(path).startswith(
        "y08a02_v2.csv, row 4, column 'Køn': 'Uoplyst' is not a Køn category ('Kvinder', 'Mænd') "
        "nor a total."
    )


def test_tables_named_by_file(tmp_path: Path) -> None:
    assert set(TABLES) == {"Y08A02", "Y09A02"}
