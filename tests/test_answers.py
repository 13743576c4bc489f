"""Every answer for the period and the areas asked, said in every format (issue 16).

The latest period is one rule (R1/R2: the newest whole quarter, never a baseline the data
does not reach; Nøgletal one month earlier); every area asked for is a row with its
reason in table, CSV and JSON (and the reasons on stderr beside CSV/JSON); a summed
Hele landet says so; ``--as-of`` is said in every format."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from fleksmon import api
from fleksmon.areas import kommuner
from fleksmon.periods import month_index
from fleksmon.store import Store
from tests.conftest import tidy

Run = Callable[..., Any]

NOV, DEC = month_index(2019, 11), month_index(2019, 12)
HEADER = (
    "kommune,kommune_kode,criterion,period,population,hits,share_pct,target_pct,gap_pp,"
    "gap_persons,met,baseline_pct,note,as_of"
)
THISTED = (
    "Thisted: ingen data for K1 i den valgte periode. "
    "Seneste måned med data for Thisted: Nov. 2019."
)
ONE_OF_98 = (
    "Hele landet vises ikke: kun 1 af 98 kommuner har data (landstallet summeres kun, når "
    "alle kommuner er med)."
)


def _k1(kommune: str, month: int, f: float, ly: float) -> list[tuple[str, int, int, str, float]]:
    return [
        (kommune, month, month, "fleksjob_fuldtid", f),
        (kommune, month, month, "ledighedsydelse_fuldtid", ly),
    ]


@pytest.fixture
def next_month(store: Store) -> Store:
    """Nov. 2019 for Viborg and Thisted, then next month's file for Viborg only."""
    rows = _k1("Viborg", NOV, 2100.0, 300.0) + _k1("Thisted", NOV, 1078.0, 164.0)
    store.ingest(tidy(rows), kind="aggregate", source=Path("nov.csv"), sha256="nov")
    store.ingest(
        tidy(_k1("Viborg", DEC, 2108.0, 289.0)), kind="aggregate", source=Path("d.csv"), sha256="d"
    )
    return store


def test_kommune_whose_data_ends_earlier_is_a_row_in_every_format(
    cli: Run, next_month: Store
) -> None:
    args = ("gap", "-c", "1", "-k", "Thisted", "-k", "Viborg", "-s", str(next_month.root))
    csv = cli(*args, "-f", "csv")
    assert (csv.exit_code, csv.stderr) == (0, f"Anm.: {THISTED}\n")
    assert csv.stdout.splitlines() == [
        HEADER + ",ledighedsydelse",
        f"Thisted,787,K1,2019M12,,,,90.0,,,,,{THISTED},,",
        "Viborg,791,K1,2019M12,2397.0,2108.0,87.94326241134752,90.0,2.0567375886524824,"
        "49,false,,,,289.0",
    ]
    out = cli(*args, "-f", "json")
    records = json.loads(out.stdout)
    assert out.stderr == csv.stderr
    assert (
        records
        == api.gap("K1", store=next_month, kommuner=["Thisted", "Viborg"]).records.to_dicts()
    )
    assert [(r["kommune"], r["share_pct"], r["note"]) for r in records] == [
        ("Thisted", None, THISTED),
        ("Viborg", pytest.approx(87.943, abs=1e-3), None),
    ]
    table = cli(*args, "-f", "table")
    assert table.stderr == ""
    lines = [line.rstrip() for line in table.stdout.splitlines()]
    assert f"Anm.: {THISTED}" in lines
    thisted = next(line for line in lines if line.startswith("│ Thisted"))
    assert [c.strip() for c in thisted.split("│")[1:-1]] == ["Thisted", "–", "90%", *["–"] * 4]


def test_without_areas_the_kommuner_that_end_earlier_are_named(cli: Run, next_month: Store) -> None:
    out = cli("gap", "-c", "1", "-s", str(next_month.root), "-f", "csv")
    assert [line.split(",")[0] for line in out.stdout.splitlines()[1:]] == ["Viborg"]
    assert out.stderr == (
        "Anm.: Ingen data for K1 i Dec. 2019 for Thisted (seneste måned med data: Nov. 2019).\n"
        f"Anm.: {ONE_OF_98}\n"
    )


def test_a_share_measure_says_the_store_has_newer_data_of_its_table(
    cli: Run, store: Store, tmp_path: Path
) -> None:
    """The share column ends Dec. 2023; the download of the same table (Y08A02) runs to
    Jun. 2024: the answer is for Dec. 2023 and says so."""
    share = "y08a02.fuldtidspersoner_i_pct_af_befolkningen_16_66_aar"
    dec_2023, jun_2024 = month_index(2023, 12), month_index(2024, 6)
    rows = [("Viborg", m, m, share, 3.1) for m in (dec_2023 - 1, dec_2023)]
    rows += [("Viborg", m, m, "fleksjob_fuldtid", 2100.0) for m in range(dec_2023, jun_2024 + 1)]
    store.ingest(tidy(rows), kind="aggregate", source=Path("y08a02.csv"), sha256="y")
    targets = tmp_path / "mål.toml"
    targets.write_text(f'[FJ]\nname = "Fleksjob"\nshare = "{share}"\ntarget_pct = 3\n', "utf-8")
    args = ("gap", "-c", "FJ", "-k", "Viborg", "-s", str(store.root), "--targets", str(targets))
    said = "FJ: seneste måned med data er Dec. 2023; lageret har Y08A02 til Jun. 2024."
    result = cli(*args, "-f", "json")
    (record,) = json.loads(result.stdout)
    assert (record["period"], record["share_pct"], record["note"]) == ("2023M12", 3.1, said)
    assert result.stderr == f"Anm.: {said}\n"
    table = cli(*args, "-f", "table")
    assert f"Anm.: {said}" in [line.rstrip() for line in table.stdout.splitlines()]


# --- R1/R2: the newest whole quarter -------------------------------------------------------

RF_HEAD = "cpr;kommune;periode;praktik_loentilskud;loentimer;fleksjob;su;beskaeftigelsesgrad\n"


def _rf_panel(tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ressourceforløb panel ending 2019M12: Viborg's two persons touched by praktik and
    by wage hours in 2019K4, Aalborg's two by nothing; the baseline 2020K1 is not in it."""
    monkeypatch.setenv("FLEKSMON_KEY", "k")
    lines = [f"040170-1234;Aalborg;2019M{m:02d};0;0;0;0;0\n" for m in range(1, 13)]
    lines += [
        "010170-1234;Viborg;2019M10;0;0;0;0;0\n",
        "010170-1234;Viborg;2019M11;1;0;0;0;0\n",
        "010170-1234;Viborg;2019M12;0;0;0;0;0\n",
        "020170-1234;Viborg;2019M11;0;0;0;0;0\n",
        "020170-1234;Viborg;2019M12;0;12,5;0;0;0\n",
        "030170-1234;Aalborg;2019M10;0;0;0;0;0\n",
    ]
    path = tmp_path / "rf.csv"
    path.write_text(RF_HEAD + "".join(lines), encoding="utf-8")
    store = str(tmp_path / "s")
    assert cli("ingest", str(path), "--store", store).exit_code == 0
    return store


def test_r1_r2_default_is_the_newest_whole_quarter_with_people_in_it(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _rf_panel(tmp_path, cli, monkeypatch)
    out = cli("gap", "-c", "r1", "-c", "r2", "-s", store, "-f", "csv")
    assert out.exit_code == 0, out.stderr
    rows = [line.split(",")[:12] for line in out.stdout.splitlines()[1:]]
    assert rows == [
        ["Aalborg", "851", "R1", "2019M10..2019M12", "2.0", "0.0", "0.0", "35.0", "35.0", "1",
         "false", ""],
        ["Viborg", "791", "R1", "2019M10..2019M12", "2.0", "2.0", "100.0", "35.0", "", "",
         "true", ""],
        ["Aalborg", "851", "R2", "2019M10..2019M12", "2.0", "0.0", "0.0", "15.0", "15.0", "0",
         "false", ""],
        ["Viborg", "791", "R2", "2019M10..2019M12", "2.0", "1.0", "50.0", "15.0", "", "",
         "true", ""],
    ]  # fmt: skip
    table = cli("rf", "-k", "Viborg", "-k", "Aalborg", "-s", store, "-f", "table").stdout
    assert "Okt.–Dec. 2019" in table and "2020" not in table


def test_a_partial_quarter_only_when_asked_and_said(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _rf_panel(tmp_path, cli, monkeypatch)
    out = cli(
        "gap", "-c", "r1", "-k", "Viborg", "-p", "2019M11..2020M01", "-s", store, "-f", "json"
    )
    said = "R1: Nov. 2019–Jan. 2020 er ikke hel; data mangler for Jan. 2020."
    (record,) = json.loads(out.stdout)
    assert (record["period"], record["population"], record["note"]) == (
        "2019M11..2020M01",
        2.0,
        said,
    )
    assert out.stderr == f"Anm.: {said}\n"


# --- Summed areas ---------------------------------------------------------------------------


def test_a_summed_hele_landet_is_said(cli: Run, store: Store) -> None:
    rows = []
    for k in kommuner():
        rows += [
            (k.name, NOV, NOV, "k3_population", 100.0),
            (k.name, NOV, NOV, "k3_progression", 25.0),
        ]
    store.ingest(tidy(rows), kind="aggregate", source=Path("k3.csv"), sha256="k3")
    args = (
        "gap",
        "-c",
        "3",
        "-k",
        "Hele landet",
        "-k",
        "Region Nordjylland",
        "-s",
        str(store.root),
    )
    land = (
        "Hele landet: summeret af kommunernes tal (kan afvige fra Jobindsats' eget landstal, "
        "som også tæller personer uden kommune)."
    )
    nord = "Region Nordjylland: summeret af regionens kommuners tal."
    out = cli(*args, "-f", "json")
    notes = {r["kommune"]: (r["population"], r["note"]) for r in json.loads(out.stdout)}
    assert notes == {"Hele landet": (9800.0, land), "Region Nordjylland": (1100.0, nord)}
    line = (
        "Summeret af kommunernes tal: Region Nordjylland og Hele landet (Jobindsats' egne tal "
        "kan afvige, da de også tæller personer uden kommune)."
    )
    assert out.stderr == f"Anm.: {line}\n"
    table = [x.rstrip() for x in cli(*args, "-f", "table").stdout.splitlines()]
    assert f"Anm.: {line}" in table


# --- --as-of in every format ----------------------------------------------------------------

AS_OF = "2999-01-01"
STAMP = "ved udgangen af 01.01.2999"
AS_OF_NOTE = (
    f"Opgjort på lageret, som det var {STAMP} (--as-of); senere indlæsninger er ikke medtaget."
)


def test_as_of_is_said_in_every_format(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    args = ("gap", "-c", "1", "-k", "Viborg", "-s", str(k1_store.root), "--as-of", AS_OF)
    table = [x.rstrip() for x in cli(*args, "-f", "table").stdout.splitlines()]
    assert f"Anm.: {AS_OF_NOTE}" in table
    (record,) = json.loads(cli(*args, "-f", "json").stdout)
    assert record["as_of"] == "2999-01-01T23:59:59.999999+01:00"
    csv = cli(*args, "-f", "csv").stdout.splitlines()
    assert csv[1].split(",")[13] == "2999-01-01T23:59:59.999999+01:00"
    out = tmp_path / "r.xlsx"
    export = cli("export", str(out), "-c", "1", "-k", "Viborg", "-s", str(k1_store.root),
                 "--as-of", AS_OF)  # fmt: skip
    assert export.exit_code == 0, export.stderr
    book = openpyxl.load_workbook(out)
    assert book["K1"]["A2"].value == f"Sep. 2019 · lageret som det var {STAMP}"
    assert book["K1"].oddHeader.right.text == f"Sep. 2019 · lageret som det var {STAMP}"
    kilder = [c for row in book["Kilder"].iter_rows(values_only=True) for c in row if c]
    assert "Data som lagret: 2999-01-01T23:59:59.999999+01:00" in kilder
    notes = [c.value for c in book["K1"]["A"] if isinstance(c.value, str)]
    assert f"Anm.: {AS_OF_NOTE}" in notes
    data = book["Data"]
    header = [c.value for c in data[1]]
    assert data.cell(2, header.index("Lageret pr.") + 1).value == "2999-01-01T23:59:59.999999+01:00"


def test_as_of_in_rf_overblik_and_noegletal_records(cli: Run, k1_store: Store) -> None:
    args = ("-c", "1", "-k", "Viborg", "-p", "2019M09", "-s", str(k1_store.root), "--as-of", AS_OF)
    series = json.loads(cli("noegletal", *args, "-f", "json").stdout)
    assert {r["as_of"] for r in series} == {"2999-01-01T23:59:59.999999+01:00"}
    table = cli("noegletal", *args, "-f", "table").stdout
    assert AS_OF_NOTE in _caption(table)


# --- Nøgletal: one month's delay ------------------------------------------------------------


def _caption(table: str) -> str:
    """The text under a table, its lines joined (a caption wraps at the table's width)."""
    below = table.split("┘\n", 1)[1]
    return " ".join(line.strip() for line in below.splitlines())


def _three_months(store: Store) -> None:
    rows = []
    for month in (NOV - 2, NOV - 1, NOV):
        for i, k in enumerate(kommuner()[:12]):
            rows += _k1(k.name, month, 90.0 + i, 10.0)
    store.ingest(tidy(rows), kind="aggregate", source=Path("k1.csv"), sha256="k1")


def test_noegletal_leaves_out_the_newest_month_and_says_so(cli: Run, store: Store) -> None:
    _three_months(store)
    args = ("noegletal", "-c", "1", "-k", "Ballerup", "-m", "2", "-s", str(store.root))
    out = cli(*args, "-f", "csv")
    assert sorted({line.split(",")[1] for line in out.stdout.splitlines()[1:]}) == [
        "2019M09",
        "2019M10",
    ]
    said = "Data med én måneds forsinkelse: Nov. 2019 er ikke medtaget."
    assert f"Anm.: {said}" in out.stderr.splitlines()
    assert said in _caption(cli(*args, "-f", "table").stdout)
    asked = cli(*args, "-p", "2019M11", "-f", "csv").stdout
    assert sorted({line.split(",")[1] for line in asked.splitlines()[1:]}) == [
        "2019M10",
        "2019M11",
    ]


def test_noegletal_on_one_month_names_the_way_out(cli: Run, k1_store: Store) -> None:
    out = cli("noegletal", "-c", "1", "-k", "Viborg", "-s", str(k1_store.root))
    assert (out.exit_code, out.stderr) == (
        2,
        "Error: nøgletal leave out the newest month (2019M09: data med én måneds forsinkelse), "
        "and the K1 data holds no month before it. Give --period 2019M09 to show that month.\n",
    )


def test_library_records_carry_note_and_as_of(k1_store: Store) -> None:
    records = api.gap("K1", store=k1_store, kommuner=["Viborg", "Aarhus"]).records
    assert records.select("kommune", "note", "as_of").rows() == [
        ("Aarhus", "Aarhus: ingen data for K1 i den valgte periode.", None),
        ("Viborg", None, None),
    ]
    assert records.schema["note"] == pl.String and records.schema["as_of"] == pl.String


def test_noegletal_says_its_hele_landet_is_summed(cli: Run, store: Store) -> None:
    rows = []
    for month in (NOV - 1, NOV):
        for k in kommuner():
            rows += _k1(k.name, month, 90.0, 10.0)
    store.ingest(tidy(rows), kind="aggregate", source=Path("k1.csv"), sha256="k1")
    out = cli(
        "noegletal", "-c", "1", "-k", "Viborg", "-m", "1", "-s", str(store.root), "-f", "json"
    )
    land = next(r for r in json.loads(out.stdout) if r["omraade"] == "Hele landet")
    said = (
        "Hele landet: summeret af kommunernes tal (kan afvige fra Jobindsats' eget landstal, "
        "som også tæller personer uden kommune)."
    )
    assert (land["period"], land["share_pct"], land["note"]) == ("2019M10", 90.0, said)
    assert out.stderr.splitlines() == [
        "Anm.: Data med én måneds forsinkelse: Nov. 2019 er ikke medtaget.",
        f"Anm.: {said}",
    ]
