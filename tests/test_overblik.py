"""The Jobcenteroverblik (Figur 2 of the Nøgletal report, Ballerup 2. kvartal 2018).

The input ``examples/overblik-ballerup-2018k2.csv`` holds Ballerup's counts and
population for 2. kvartal 2018 as the report prints them. Everything else in it is
CONSTRUCTED (the report does not print it): Ballerup 2. kvartal 2017 (population
29.850), and Hele landet for both quarters (population 3.720.000 and 3.705.000),
with counts chosen so that the shares and changes print as the report's cells.
Hele landet has no Beskæftigede, SU-modtagere or Øvrige rows, as the report
prints `-` there. The expected cells are read from the seed text itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api, areas
from fleksmon.errors import FleksmonError
from fleksmon.measures.overblik import overblik
from fleksmon.periods import parse_period
from fleksmon.readers.overblik import read_overblik
from fleksmon.render.overblik import cells
from fleksmon.store import Store
from tests.conftest import SEEDS

Run = Callable[..., Any]

DATA = Path(__file__).resolve().parents[1] / "examples" / "overblik-ballerup-2018k2.csv"
SEED = SEEDS / "star-noegletal-ballerup-aug-2018.txt"
Q2_2018 = parse_period("2018K2")


def seed_table() -> list[list[str]]:
    """Figur 2 as printed: the header row and every status row, cell by cell."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("2. kvartal 2018\t"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Befolkning (16-66 år)\t"))
    return [line.split("\t") for line in lines[start : end + 1]]


@pytest.fixture
def ob_store(store: Store) -> Store:
    frame = read_overblik(DATA).frame
    store.ingest(frame, kind="aggregate", source=DATA, sha256="overblik")
    return store


def test_seed_table_is_read_whole() -> None:
    table = seed_table()
    assert len(table) == 18 and all(len(row) == 6 for row in table)
    assert table[11][:2] == ["Fleksjob", "425"]


def test_every_printed_cell_is_reproduced(ob_store: Store) -> None:
    result = api.jobcenteroverblik(kommuner=["Ballerup"], period=Q2_2018, store=ob_store)
    printed = seed_table()[1:]
    assert [cells(row) for row in result.records.to_dicts()] == printed


def test_check_from_the_spec(ob_store: Store) -> None:
    result = api.jobcenteroverblik(kommuner=["Ballerup"], store=ob_store)
    assert result.quarter == Q2_2018  # the latest quarter by default
    fleksjob = result.records.filter(pl.col("status") == "fleksjob").row(0, named=True)
    # 425 of 30.041 = 1,41 %; Hele landet 71.050 of 3.720.000 = 1,91 % (constructed)
    assert fleksjob["share_pct"] == pytest.approx(100 * 425 / 30041)
    assert fleksjob["land_share_pct"] == pytest.approx(100 * 71050 / 3720000)
    # the year before (constructed): 363 of 29.850 and 67.060 of 3.705.000
    assert fleksjob["change_pp"] == pytest.approx(100 * (425 / 30041 - 363 / 29850))
    assert fleksjob["land_change_pp"] == pytest.approx(100 * (71050 / 3720000 - 67060 / 3705000))
    assert (fleksjob["period"], fleksjob["previous_period"]) == (
        "2018M04..2018M06",
        "2017M04..2017M06",
    )


def test_cli_table(cli: Run, ob_store: Store) -> None:
    result = cli(
        "overblik", "-k", "Ballerup", "-p", "2018K2", "-s", str(ob_store.root), "-f", "table"
    )
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[:2] == [
        "Jobcenteroverblik, Ballerup",
        "Borgere i kommunen i den arbejdsdygtige alder (16-66 år) fordelt på arbejdsmarkedsstatus.",
    ]
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in lines if line.startswith("│ ")]
    assert rows == seed_table()[1:]
    assert lines[-1] == "Kilde: Jobindsats.dk"


def test_cli_json_equals_library(cli: Run, ob_store: Store) -> None:
    result = cli("overblik", "-k", "Ballerup", "-s", str(ob_store.root), "-f", "json")
    library = api.jobcenteroverblik(kommuner=["Ballerup"], store=ob_store).records
    assert json.loads(result.stdout) == library.to_dicts()


def test_cli_csv(cli: Run, ob_store: Store) -> None:
    result = cli("overblik", "-k", "Ballerup", "-s", str(ob_store.root), "-f", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "kommune,period,previous_period,status,label,fuldtidspersoner,population,share_pct,"
        "land_share_pct,change_pp,land_change_pp,note,as_of"
    )
    # no Hele landet figure for Beskæftigede: empty cells, never 0
    assert lines[14] == (
        "Ballerup,2018M04..2018M06,2017M04..2017M06,beskaeftigede,Beskæftigede,18245.0,30041.0,"
        "60.733663992543526,,0.5996606424597744,,,"
    )
    assert lines[17] == (
        "Ballerup,2018M04..2018M06,2017M04..2017M06,befolkning_16_66,Befolkning (16-66 år),"
        "30041.0,30041.0,,,,,,"
    )


def _frame() -> pl.DataFrame:
    return read_overblik(DATA).frame


def _without(frame: pl.DataFrame, kommune: str, measure: str, year: int) -> pl.DataFrame:
    start = (year * 12) + 3
    return frame.filter(
        ~(
            (pl.col("kommune") == kommune)
            & (pl.col("maaling") == measure)
            & (pl.col("fra") == start)
        )
    )


def test_missing_figures_print_a_dash() -> None:
    frame = _without(_frame(), "Hele landet", "ydelsesgruppe.fleksjob", 2017)
    frame = _without(frame, "Ballerup", "ydelsesgruppe.efterloen", 2018)
    result = api.jobcenteroverblik(kommuner=["Ballerup"], period=Q2_2018, frame=frame)
    rows = {r["label"]: cells(r) for r in result.records.to_dicts()}
    assert rows["Fleksjob"] == ["Fleksjob", "425", "1,4", "1,9", "0,2", "-"]
    assert rows["Efterløn"] == ["Efterløn", "-", "-", "1,3", "-", "-0,3"]


def test_a_status_the_input_lacks_is_not_a_row() -> None:
    frame = _frame().filter(pl.col("maaling") != "ydelsesgruppe.integrationsydelse")
    result = api.jobcenteroverblik(kommuner=["Ballerup"], frame=frame)
    assert "Integrationsydelse" not in result.records["label"].to_list()
    assert result.records.height == 16


def test_no_year_before_and_no_hele_landet_are_said() -> None:
    frame = _frame().filter((pl.col("fra") == Q2_2018.start) & (pl.col("kommune") == "Ballerup"))
    result = api.jobcenteroverblik(kommuner=["Ballerup"], frame=frame)
    assert result.records["change_pp"].is_null().all()
    assert result.notes == [
        "Hele landet mangler i udtrækket, så landstallene vises som -.",
        "Ballerup: ingen tal for 2. kvartal 2017 i udtrækket, så udviklingen vises som -.",
    ]


def test_hele_landet_summed_only_from_all_98_kommuner() -> None:
    rows = []
    for k in areas.kommuner():
        for m, v in (("ydelsesgruppe.fleksjob", 10.0), ("befolkning_16_66", 1000.0)):
            rows.append((k.name, Q2_2018.start, Q2_2018.end, m, v))
    frame = pl.DataFrame(
        rows, schema=["kommune", "fra", "til", "maaling", "vaerdi"], orient="row"
    ).with_columns(pl.col("fra", "til").cast(pl.Int32))
    full = overblik(frame.lazy(), "Ballerup", Q2_2018)
    assert full["land_share_pct"].to_list()[0] == pytest.approx(1.0)  # 980 of 98.000
    short = overblik(frame.filter(pl.col("kommune") != "Viborg").lazy(), "Ballerup", Q2_2018)
    assert short["land_share_pct"].to_list() == [None, None]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["-k", "Ballerup", "-k", "Viborg"],
            "Error: the Jobcenteroverblik is made for one kommune. "
            "Give exactly one --kommune, e.g. --kommune Ballerup.\n",
        ),
        (
            ["-k", "Ballerup", "-p", "2018M05"],
            "Error: --period 2018M05 is not a quarter. Give a quarter, e.g. --period 2018K2.\n",
        ),
        (
            ["-k", "Ballerup", "-p", "2019K2"],
            "Error: no Jobcenteroverblik data for Ballerup in 2. kvartal 2019. "
            "The data has 2. kvartal 2017, 2. kvartal 2018.\n",
        ),
        (
            ["-k", "Viborg"],
            "Error: no Jobcenteroverblik data for Viborg. Ingest full-time persons by "
            "Ydelsesgrupper: 'fleksmon ingest FILE --kind overblik'.\n",
        ),
    ],
)
def test_errors_are_one_line(cli: Run, ob_store: Store, args: list[str], line: str) -> None:
    result = cli("overblik", "-s", str(ob_store.root), *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line)


def test_ingest_kind_overblik(cli: Run, tmp_path: Path) -> None:
    store = tmp_path / "s"
    result = cli("ingest", str(DATA), "--kind", "overblik", "-s", str(store))
    assert result.exit_code == 0, result.stderr
    assert "loaded aggregate: 62 rows, 2 kommuner" in result.stderr
    assert "ydelsesgruppe.fleksjob" in result.stderr
    table = cli("overblik", "-k", "Ballerup", "-s", str(store), "-f", "json")
    assert json.loads(table.stdout)[10]["label"] == "Fleksjob"


def test_reader_shapes(tmp_path: Path) -> None:
    """Quarters as 2018Q2, the column named Ydelsesgruppe, the population as a column of
    its own, a share column skipped, and a category of its own kept with a warning."""
    path = tmp_path / "wide.csv"
    path.write_text(
        "Område;Periode;Ydelsesgruppe;Antal fuldtidspersoner;Andel af befolkningen, pct.;"
        "Befolkning 16-66 år\n"
        "Ballerup;2018Q2;Fleksjob;425;1,4;30.041\n"
        "Ballerup;2018Q2;Seniorpension;12;0,0;30.041\n",
        encoding="utf-8",
    )
    read = read_overblik(path)
    got = {m: v for m, v in read.frame.select("maaling", "vaerdi").iter_rows()}
    assert got == {
        "befolkning_16_66": 30041.0,
        "ydelsesgruppe.fleksjob": 425.0,
        "ydelsesgruppe.seniorpension": 12.0,
    }
    assert set(read.frame["fra"].to_list()) == {Q2_2018.start}
    assert any("kept 'Seniorpension' as ydelsesgruppe.seniorpension" in w for w in read.warnings)
    assert any("'Andel af befolkningen, pct.'" in w for w in read.warnings)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Område;Periode;Antal fuldtidspersoner\nBallerup;2018K2;425\n",
            "x.csv: no benefit-group column (Ydelsesgrupper) for the Jobcenteroverblik. "
            "Download full-time persons by Ydelsesgrupper, with a column named 'Ydelsesgrupper' "
            "(or 'Ydelsesgruppe', 'Arbejdsmarkedsstatus').",
        ),
        (
            "Område;Periode;Ydelsesgrupper;Antal fuldtidspersoner\n"
            "Ballerup;2018K2;Fleksjob;425\nBallerup;2018K2;;12\n",
            "x.csv, row 3, column 'Ydelsesgrupper': no benefit group. "
            "Name the group on every row (e.g. 'Fleksjob'), or remove the row.",
        ),
    ],
)
def test_reader_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FleksmonError) as err:
        read_overblik(path)
    assert err.value.line() == message


def test_xlsx_sheet(cli: Run, ob_store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "overblik.xlsx"
    result = cli("overblik", "-k", "Ballerup", "-s", str(ob_store.root), "-o", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    ws = load_workbook(out)["Jobcenteroverblik"]
    assert ws["A1"].value == "Jobcenteroverblik, Ballerup"
    assert [ws.cell(4, c).value.replace("\n", " ") for c in range(1, 7)] == seed_table()[0]
    fleksjob = [ws.cell(15, c) for c in range(1, 7)]
    assert [c.value for c in fleksjob[:2]] == ["Fleksjob", 425]
    assert fleksjob[2].value == pytest.approx(425 / 30041) and fleksjob[2].number_format == "0.0%"
    assert fleksjob[4].number_format == "0.0"
    assert [ws.cell(18, c).value for c in (1, 2, 4)] == ["Beskæftigede", 18245, "-"]
    assert [ws.cell(21, c).value for c in range(1, 7)] == [
        "Befolkning (16-66 år)",
        30041,
        "-",
        "-",
        "-",
        "-",
    ]
    assert ws.freeze_panes == "B5" and ws.page_setup.orientation == "landscape"
    assert ws.cell(23, 1).value.startswith("Anm.: A-dagpenge mv. omfatter")


def test_export_adds_the_sheet_for_one_kommune(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    plain = tmp_path / "plain.xlsx"
    assert cli("export", str(plain), "-k", "Ballerup", "-s", str(k1_store.root)).exit_code == 0
    assert "Jobcenteroverblik" not in load_workbook(plain).sheetnames
    k1_store.ingest(read_overblik(DATA).frame, kind="aggregate", source=DATA, sha256="ob")
    out = tmp_path / "report.xlsx"
    result = cli("export", str(out), "-k", "Ballerup", "-s", str(k1_store.root))
    assert result.exit_code == 0, result.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["K1", "Jobcenteroverblik", "Data", "Kilder"]
    assert [wb["Jobcenteroverblik"].cell(15, c).value for c in (1, 2)] == ["Fleksjob", 425]
    both = tmp_path / "both.xlsx"
    cli("export", str(both), "-k", "Ballerup", "-k", "Viborg", "-s", str(k1_store.root))
    assert "Jobcenteroverblik" not in load_workbook(both).sheetnames


def test_plain_ingest_of_an_overblik_download_hints_at_the_kind(cli: Run, tmp_path: Path) -> None:
    result = cli("ingest", str(DATA), "-s", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert result.stderr.endswith("; for the Jobcenteroverblik: --kind overblik.\n")
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").rglob("*.parquet"))


def test_overblik_takes_discretion_and_refuses_person_data(cli: Run, ob_store: Store) -> None:
    """overblik takes the shared options: --discretion hides a small count and the area's
    share and change on it (never Hele landet's); --source person is refused."""
    result = api.jobcenteroverblik(kommuner=["Ballerup"], store=ob_store, discretion=500)
    fleksjob = result.records.filter(pl.col("status") == "fleksjob").row(0, named=True)
    assert (fleksjob["fuldtidspersoner"], fleksjob["share_pct"], fleksjob["suppressed"]) == (
        None,
        None,
        True,
    )
    assert cells(fleksjob, 500) == ["Fleksjob", "<500", "x", "1,9", "x", "0,1"]
    assert result.notes[-1].startswith("Diskretion: antal under 500 vises som <500;")
    out = cli("overblik", "-k", "Ballerup", "--source", "person", "-s", str(ob_store.root))
    assert (out.exit_code, out.stderr) == (
        2,
        "Error: the Jobcenteroverblik is made from Jobindsats downloads, not person-level "
        "data. Use --source auto or --source aggregate.\n",
    )
