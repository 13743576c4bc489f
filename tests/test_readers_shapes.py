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
from fleksmon.periods import Period
from fleksmon.readers import read_aggregate
from tests.k1_shapes import HERKOMST, LABEL, SPLITS, TABLES, WRITERS, rows, write_shape

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
    assert result.stderr.splitlines()[0] == (
        "y08a02_v2.csv: loaded aggregate: 27 rows, 9 kommuner, 2019M09, measures "
        "fleksjob_fuldtid, y08a02.antal_personer, "
        "y08a02.fuldtidspersoner_i_pct_af_arbejdsstyrken; Køn: used the total row "
        "'Køn i alt'; Herkomst: used the total row 'Herkomst i alt'."
    )
    records = json.loads(cli("gap", "-c", "1", "-s", store, "-f", "json").stdout)
    found = {r["kommune"]: r["gap_persons"] for r in records}
    assert {k: found[k] for k in PUBLISHED} == PUBLISHED


def counts(path: Path) -> list[float]:
    """The values of the one built-in measure a K1 shape file holds."""
    frame = read_aggregate(path).frame
    return frame.filter(~pl.col("maaling").str.contains(r"\."))["vaerdi"].to_list()


def test_summed_categories_are_said(tmp_path: Path) -> None:
    result = read_aggregate(write_shape(tmp_path, "v2-csv", "køn-categories")[0])
    assert result.dimensions == [
        "Køn: summed 'Kvinder', 'Mænd' (no total row)",
        "Køn: left out 'y08a02.fuldtidspersoner_i_pct_af_arbejdsstyrken' (shares are "
        "not summed; no total row)",
    ]
    shares = result.frame.filter(pl.col("maaling").str.contains("pct"))
    assert shares.is_empty()


def test_subtotals_are_never_added(tmp_path: Path) -> None:
    data = rows("Y08A02", (None,), HERKOMST)
    data = [r for r in data if r[0] == "Viborg"]
    sub = sum(int(str(r[-1])) for r in data if str(r[2]).startswith("Indvandrere"))
    data.append(["Viborg", "Køn i alt", "Indvandrere i alt", sub])
    path = WRITERS["v2-csv"](tmp_path, "Y08A02", data, ["Køn", "Herkomst"])
    assert counts(path) == [2108.0]


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
    assert counts(path) == [2108.0]
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


# --- API shapes -------------------------------------------------------------------------------


def test_v2_json_without_a_table_id_asks_for_it(tmp_path: Path) -> None:
    path = WRITERS["v2-json"](tmp_path, "Y08A02", rows("Y08A02", None, None), [])
    plain = path.rename(tmp_path / "svar.json")
    assert error_line(plain) == (
        "svar.json, column 'Antal fuldtidspersoner': 'Antal fuldtidspersoner' is ambiguous "
        "without the Jobindsats table (Y08A02 fleksjob, Y09A02 ledighedsydelse, Y11A02 "
        "ressourceforløb). Name the table with --table ID (e.g. --table Y08A02) or put the "
        "table id in the file name."
    )
    result = read_aggregate(plain, table="y09a02")
    assert result.table == "Y09A02"
    assert set(result.frame["maaling"]) == {"ledighedsydelse_fuldtid", "y09a02.antal_personer"}


def test_v2_json_names_and_labels(tmp_path: Path) -> None:
    path = write_shape(tmp_path, "v2-json", "køn-with-total")[0]
    result = read_aggregate(path)
    assert result.source_format == "json-v2"
    assert result.table == "Y08A02"
    viborg = result.frame.filter(pl.col("kommune") == "Viborg")
    assert dict(zip(viborg["maaling"], viborg["vaerdi"], strict=True)) == {
        "fleksjob_fuldtid": 2108.0,
        "y08a02.antal_personer": 2115.0,
    }


def test_ndjson_appended_twice_is_read_once(tmp_path: Path) -> None:
    path = write_shape(tmp_path, "ndjson", "køn-categories")[0]
    result = read_aggregate(path)
    assert result.source_format == "ndjson"
    assert result.frame.height == 9
    assert result.warnings[-1] == "dropped 18 rows that repeat an earlier row exactly"


def test_ndjson_appended_with_a_changed_value_is_refused(tmp_path: Path) -> None:
    path = write_shape(tmp_path, "ndjson", "køn-categories")[0]
    lines = path.read_text("utf-8").splitlines()
    lines[20] = lines[20].replace('"Antal fuldtidspersoner": ', '"Antal fuldtidspersoner": 1')
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert error_line(path) == (
        "y08a02_flow.csv, rows 3 and 21: two different values for Frederikshavn 2019M09 "
        "fleksjob_fuldtid Kvinder (662 and 1662). Keep one of the rows (or read the newer extract "
        "on its own)."
    )


BAD_KEY_LINE = (
    "{name}: the file holds the Jobindsats API's answer 'Forkert nøgle eller nøglen er "
    "udløbet.' (wrong or expired API key) instead of data. Renew your API key on "
    "jobindsats.dk (Min side) and fetch the data again."
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("svar.json", '"Forkert nøgle eller nøglen er udløbet."'),
        ("svar.json", "Forkert nøgle eller nøglen er udløbet."),
        ("svar.csv", "Forkert nøgle eller nøglen er udløbet.\n"),
        ("svar.csv", "\ufeffForkert nøgle eller nøglen er udløbet."),
        (
            "svar.csv",
            "Area;Periode;Antal fuldtidspersoner\nForkert nøgle eller nøglen er udløbet.\n",
        ),
        ("flow.ndjson", '{"msg": "Forkert nøgle eller nøglen er udløbet."}\n'),
    ],
)
def test_bad_key_in_any_container(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert error_line(path) == BAD_KEY_LINE.format(name=name)


@pytest.mark.parametrize(
    ("code", "fra", "til"),
    [
        ("2024Q02", "2024M04", "2024M06"),
        ("2023Q1", "2023M01", "2023M03"),
        ("2024Y01", "2024M01", "2024M12"),
    ],
)
@pytest.mark.parametrize("shape", ["csv", "v3"])
def test_quarters_and_years_keep_their_granularity(
    tmp_path: Path, code: str, fra: str, til: str, shape: str
) -> None:
    if shape == "csv":
        path = tmp_path / "y08a02.csv"
        path.write_text(f"Area;Periode;Antal fuldtidspersoner\nViborg;{code};2108\n", "utf-8")
    else:
        path = tmp_path / "y08a02.json"
        body = {"columns": ["Periode", "Område", LABEL], "rows": [[code, "Viborg", 2108]]}
        path.write_text(json.dumps(body), "utf-8")
    frame = read_aggregate(path).frame
    assert frame.height == 1
    assert (Period(frame["fra"][0], frame["til"][0]).code()) == f"{fra}..{til}"


def test_a_text_column_that_splits_nothing_is_dropped(tmp_path: Path) -> None:
    data = [["Viborg", "Region Midtjylland", 2108], ["Thisted", "Region Nordjylland", 1078]]
    path = WRITERS["v2-csv"](tmp_path, "Y08A02", data, ["Region"])
    assert counts(path) == [1078.0, 2108.0]


def test_a_named_dimension_with_one_category_is_refused(tmp_path: Path) -> None:
    data = [["Viborg", "16-29 år", 300], ["Thisted", "16-29 år", 120]]
    path = WRITERS["v2-csv"](tmp_path, "Y08A02", data, ["Alder"])
    assert error_line(path).startswith("y08a02_v2.csv, row 2, column 'Alder': no total row")


def test_ingest_says_quarters(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "y08a02.csv"
    path.write_text("Area;Periode;Antal fuldtidspersoner\nViborg;2024Q02;2108\n", "utf-8")
    result = cli("ingest", str(path), "--store", str(tmp_path / "s"))
    assert result.stderr.splitlines()[0] == (
        "y08a02.csv: loaded aggregate: 1 rows, 1 kommuner, 2024Q2 (quarters), "
        "measures fleksjob_fuldtid."
    )


@pytest.mark.parametrize("container", ["gzip", "utf-16", "as-csv"])
def test_json_in_other_containers(tmp_path: Path, container: str) -> None:
    import gzip

    path = write_shape(tmp_path, "v2-json", "køn-with-total")[0]
    raw = path.read_bytes()
    target = tmp_path / "y08a02_svar.csv"
    if container == "gzip":
        target = tmp_path / "y08a02_svar.json.gz"
        target.write_bytes(gzip.compress(raw))
    elif container == "utf-16":
        target.write_bytes(raw.decode("utf-8").encode("utf-16"))
    else:
        target.write_bytes(raw)
    frame = read_aggregate(target).frame.filter(pl.col("maaling") == "fleksjob_fuldtid")
    assert frame.filter(pl.col("kommune") == "Viborg")["vaerdi"].to_list() == [2108.0]
