"""Ressourceforløb as published (``fleksmon rf``): the Jan–Mar 2020 report's overview,
Resultatkrav 1 and 2 from its published counts and from a person-level panel, group
totals, the indicators on a hand-counted panel, the CLI and the sheets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from fleksmon.errors import FleksmonError
from fleksmon.groups import check_groups
from fleksmon.measures.rf import rf_aggregate, rf_counts, rf_indicators
from fleksmon.numbers import round_half_away
from fleksmon.rfreport import ressourceforloeb
from fleksmon.schema import AGGREGATE
from fleksmon.store import Store
from fleksmon.targets import load_groups
from tests.test_rf import JAN, MAR, REPORT, Row, panel, report_panel, row, spell

Run = Callable[..., Any]

SPLIT = {  # the report's counts over three kommuner (constructed; they sum to the report)
    "Viborg": (2000, 500, 50, 10, 12, 4),
    "Thisted": (1500, 324, 33, 12, 10, 3),
    "Aalborg": (1197, 300, 30, 10, 10, 3),
}
MEASURES = (
    "rf_maalgruppe",
    "rf_praktik_loentilskud",
    "rf_loentimer",
    "rf_fleksjob",
    "rf_selvforsoerget",
    "rf_uddannelse",
)
PUBLISHED_R1 = [
    ("Virksomhedspraktik/løntilskud", 1124, 23.9),
    ("Beskæftigelse mv.", 187, 4.0),
    ("Virksomhedsrettet indsats mv.", 1311, 27.9),
]
PUBLISHED_R2 = [
    ("Ordinære løntimer", 113, 2.4),
    ("Fleksjob", 32, 0.7),
    ("Selvforsørget beskæftigelse", 32, 0.7),
    ("Uddannelse", 10, 0.2),
    ("Beskæftigelse mv.", 187, 4.0),
]
GROUPS = {"Deltagerkommuner": ("Viborg", "Thisted", "Aalborg")}


def split_frame() -> pl.DataFrame:
    rows = [
        (kommune, JAN, MAR, measure, float(value))
        for kommune, values in SPLIT.items()
        for measure, value in zip(MEASURES, values, strict=True)
    ]
    return pl.DataFrame(rows, schema=AGGREGATE, orient="row")


def published(records: pl.DataFrame, kommune: str, table: str) -> list[tuple[str, int, float]]:
    """The records of one area and table as the report prints them (share to 0,1)."""
    rows = records.filter((pl.col("kommune") == kommune) & (pl.col("table") == table))
    return [
        (r["label"], r["count"], round_half_away(r["share_pct"], 1))
        for r in rows.iter_rows(named=True)
    ]


def test_report_from_the_published_counts() -> None:
    frame = pl.DataFrame(
        [("Viborg", JAN, MAR, m, float(REPORT[m])) for m in MEASURES],
        schema=AGGREGATE,
        orient="row",
    )
    report = ressourceforloeb(frame=frame, kommuner=["Viborg"])
    records = report.records()
    assert published(records, "Viborg", "R1") == PUBLISHED_R1
    assert published(records, "Viborg", "R2") == PUBLISHED_R2
    assert set(records["population"]) == {4697}
    assert set(records["period"]) == {"2020M01..2020M03"}
    assert report.headline == "Viborg"


def test_report_from_a_person_level_panel() -> None:
    tidy = rf_aggregate(rf_counts(report_panel(), JAN, MAR), JAN, MAR)
    report = ressourceforloeb(frame=tidy, kommuner=["Hele landet"])
    records = report.records()
    assert published(records, "Hele landet", "R1") == PUBLISHED_R1
    assert published(records, "Hele landet", "R2") == PUBLISHED_R2
    assert report.areas["population"].to_list() == [4697]


def test_group_total_sums_counts_and_recomputes_shares() -> None:
    report = ressourceforloeb(frame=split_frame(), groups=GROUPS)
    areas = report.areas
    assert areas["kommune"].to_list() == ["Aalborg", "Thisted", "Viborg", "Deltagerkommuner"]
    assert areas["total"].to_list() == [False, False, False, True]
    assert report.headline == "Deltagerkommuner"
    records = report.records()
    assert published(records, "Deltagerkommuner", "R1") == PUBLISHED_R1
    assert published(records, "Deltagerkommuner", "R2") == PUBLISHED_R2
    # the mean of the three shares would be 27,9 % too only by chance: check it is not
    viborg = areas.row(2, named=True)
    assert (viborg["virksomhedsrettet"], viborg["beskaeftigelse"]) == (576, 76)
    assert viborg["virksomhedsrettet_pct"] == pytest.approx(28.8)


def test_group_named_with_kommune_and_kommuner_one_by_one() -> None:
    named = ressourceforloeb(frame=split_frame(), groups=GROUPS, kommuner=["deltagerkommuner"])
    assert named.areas["kommune"].to_list()[-1] == "Deltagerkommuner"
    two = ressourceforloeb(frame=split_frame(), kommuner=["Viborg", "Thisted"])
    total = two.areas.filter(pl.col("total")).row(0, named=True)
    assert (total["kommune"], total["population"], total["virksomhedsrettet"]) == (
        "I alt",
        3500,
        576 + 382,
    )
    one = ressourceforloeb(frame=split_frame(), kommuner=["Viborg"])
    assert not one.areas["total"].any()


def test_group_with_a_kommune_without_data_has_no_total_and_says_so() -> None:
    groups = {"Deltagerkommuner": ("Viborg", "Thisted", "Faxe")}
    report = ressourceforloeb(frame=split_frame(), groups=groups)
    # a member without data is a row with its reason, never left out or counted as 0
    assert report.areas["kommune"].to_list() == ["Faxe", "Thisted", "Viborg"]
    faxe = report.areas.row(0, named=True)
    assert (faxe["population"], faxe["note"]) == (
        None,
        "Faxe: ingen data for R1 i den valgte periode.",
    )
    said = "Deltagerkommuner: ingen sum, fordi Faxe ikke har data for perioden."
    assert said in report.notes and said in report.reasons


# --- indicators --------------------------------------------------------------------


def indicator_panel() -> list[Row]:
    """Spells at Mar. 2020, counted by hand in the test below."""
    m = MAR
    rows = [
        *spell("a", m, 30, 791),  # over 2 years, no indsats
        *spell("b", m, 14, 791),  # 1-2 years, praktik 3 months ago
        row("b", m - 3, 791, praktik=True),
        *spell("c", m, 12, 791),  # exactly 1 year, no indsats
        *spell("d", m, 5, 791),  # under 1 year
        *spell("e", m, 24, 791),  # over 2 years, wage hours now
        row("e", m, 791, loentimer=500),
        *spell("f", m - 2, 19, 791),  # ended before Mar.: not running
        *spell("g", m - 15, 16, 791),  # an old spell, a gap, then 7 months
        row("g", m - 15, 791, praktik=True),
        *spell("g", m, 7, 791),
        *spell("h", m, 13, 787),  # 1-2 years, praktik 11 months ago (inside the year)
        row("h", m - 11, 787, praktik=True),
        *spell("i", m, 3, 787),
    ]
    return rows


def indicator_report() -> Any:
    rows = panel(indicator_panel())
    counts = rf_counts(rows, JAN, MAR).join(
        rf_indicators(rows, MAR), on="kommune_kode", how="full", coalesce=True
    )
    tidy = rf_aggregate(counts, JAN, MAR)
    return ressourceforloeb(frame=tidy, kommuner=["Viborg", "Thisted"])


def test_indicators_counted_by_hand() -> None:
    got = {r.pop("kommune"): r for r in indicator_report().indicator_records().to_dicts()}
    assert got["Viborg"] == {
        "kommune_kode": "791",
        "total": False,
        "month": "2020M03",
        "lange_forloeb": 4,  # a, b, c, e
        "uden_indsats": 2,  # a, c
        "uden_indsats_pct": 50.0,
        "forloeb": 6,  # a, b, c, d, e, g
        "under_1_aar": 2,  # d, g
        "under_1_aar_pct": pytest.approx(100 / 3),
        "forloeb_1_2_aar": 2,  # b, c
        "forloeb_1_2_aar_pct": pytest.approx(100 / 3),
        "over_2_aar": 2,  # a, e
        "over_2_aar_pct": pytest.approx(100 / 3),
        "note": None,
        "as_of": None,
    }
    thisted, total = got["Thisted"], got["I alt"]
    assert (thisted["lange_forloeb"], thisted["uden_indsats"], thisted["uden_indsats_pct"]) == (
        1,
        0,
        0.0,
    )
    assert (thisted["under_1_aar"], thisted["forloeb_1_2_aar"], thisted["over_2_aar"]) == (1, 1, 0)
    assert (total["lange_forloeb"], total["uden_indsats"], total["uden_indsats_pct"]) == (
        5,
        2,
        40.0,
    )
    assert (total["forloeb"], total["under_1_aar_pct"], total["over_2_aar_pct"]) == (8, 37.5, 25.0)
    assert total["kommune_kode"] is None and total["total"] is True


def test_no_long_spells_give_no_share() -> None:
    rows = panel(spell("d", MAR, 5, 791))
    counts = rf_counts(rows, JAN, MAR).join(rf_indicators(rows, MAR), on="kommune_kode")
    report = ressourceforloeb(frame=rf_aggregate(counts, JAN, MAR), kommuner=["Viborg"])
    record = report.indicator_records().row(0, named=True)
    assert (record["lange_forloeb"], record["uden_indsats_pct"]) == (0, None)


# --- groups in the targets file ------------------------------------------------------


def test_groups_from_the_targets_file(tmp_path: Path) -> None:
    path = tmp_path / "mål.toml"
    path.write_text('[R1]\ntarget_pct = 40\n\n[grupper]\nDeltagere = ["Viborg", "787"]\n', "utf-8")
    assert load_groups(path) == {"Deltagere": ("Viborg", "Thisted")}
    path.write_text("[R1]\ntarget_pct = 40\n", "utf-8")
    assert load_groups(path) == {}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (["Viborg"], "t.toml: [grupper] must be a section of groups"),
        ({"Viborg": ["Thisted"]}, "t.toml: [grupper] 'Viborg' is the name of an area"),
        ({"D": []}, "t.toml: [grupper] D must be a non-empty list of kommuner"),
        ({"D": "Viborg"}, "t.toml: [grupper] D must be a non-empty list of kommuner"),
        ({"D": ["Viborgg"]}, "t.toml: [grupper] D: 'Viborgg' is not a kommune"),
        (
            {"D": ["Region Midtjylland"]},
            "t.toml: [grupper] D: 'Region Midtjylland' is a region, not a kommune",
        ),
        ({"D": ["Viborg", "791"]}, "t.toml: [grupper] D: Viborg is given twice"),
    ],
)
def test_group_errors(spec: object, message: str) -> None:
    with pytest.raises(FleksmonError) as err:
        check_groups(Path("t.toml"), spec)
    assert err.value.message == message


# --- the command ---------------------------------------------------------------------


INDICATOR_COUNTS = {  # constructed: long spells, of them without indsats, durations
    "Viborg": (800, 200, 1200, 500, 300),
    "Thisted": (600, 150, 900, 400, 200),
    "Aalborg": (500, 100, 697, 300, 200),
}
INDICATOR_MEASURES = (
    "rf_lange_forloeb",
    "rf_uden_indsats",
    "rf_under_1_aar",
    "rf_1_2_aar",
    "rf_over_2_aar",
)


def _ingest(cli: Run, tmp_path: Path, *, indicators: bool = True) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    csv = tmp_path / "rf-2020k1.csv"
    names = MEASURES + (INDICATOR_MEASURES if indicators else ())
    lines = ["kommune;periode;" + ";".join(names)]
    for k, vals in SPLIT.items():
        every = vals + (INDICATOR_COUNTS[k] if indicators else ())
        lines.append(f"{k};2020K1;" + ";".join(str(v) for v in every))
    csv.write_text("\n".join(lines) + "\n", "utf-8")
    store = tmp_path / "store"
    assert cli("ingest", str(csv), "-s", str(store)).exit_code == 0
    targets = tmp_path / "mål.toml"
    targets.write_text('[grupper]\nDeltagerkommuner = ["Viborg", "Thisted", "Aalborg"]\n', "utf-8")
    return store


EXPECTED_TABLE = Path(__file__).parent / "data" / "rf-deltagerkommuner-2020k1.txt"
"""The Jan–Mar 2020 report's tables for the three kommuner and their total, 160 columns."""


def test_cli_table(cli: Run, tmp_path: Path) -> None:
    store = _ingest(cli, tmp_path)
    targets = tmp_path / "mål.toml"
    result = cli("rf", "-s", str(store), "--targets", str(targets), "-f", "table")
    assert result.exit_code == 0, result.stderr
    assert [line.rstrip() for line in result.stdout.splitlines()] == EXPECTED_TABLE.read_text(
        "utf-8"
    ).splitlines()


def test_cli_json_and_csv_equal_the_library(cli: Run, tmp_path: Path) -> None:
    store = _ingest(cli, tmp_path)
    library = ressourceforloeb(store=Store(store), kommuner=["Viborg", "Thisted"])
    result = cli("rf", "-s", str(store), "-k", "Viborg", "-k", "Thisted", "-f", "json")
    assert json.loads(result.stdout) == library.records().to_dicts()
    result = cli(
        "rf", "-s", str(store), "-k", "Viborg", "-k", "Thisted", "--indicators", "-f", "json"
    )
    assert json.loads(result.stdout) == library.indicator_records().to_dicts()
    result = cli("rf", "-s", str(store), "-k", "Viborg", "-f", "csv")
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "kommune,kommune_kode,total,period,table,category,label,count,population,share_pct,"
        "note,as_of"
    )
    assert lines[1] == (
        "Viborg,791,false,2020M01..2020M03,R1,praktik_loentilskud,"
        "Virksomhedspraktik/løntilskud,500,2000,25.0,,"
    )
    assert len(lines) == 1 + 8


def test_cli_errors_are_one_line(cli: Run, tmp_path: Path) -> None:
    store = _ingest(cli, tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text('[grupper]\nD = ["Viborgg"]\n', "utf-8")
    result = cli("rf", "-s", str(store), "--targets", str(bad))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: bad.toml: [grupper] D: 'Viborgg' is not a kommune. Did you mean Viborg? "
        "Name one of the 98 kommuner (name or DST code).\n"
    )


def test_cli_indicators_table_and_without_them(cli: Run, tmp_path: Path) -> None:
    store = _ingest(cli, tmp_path)
    targets = tmp_path / "mål.toml"
    result = cli("rf", "-s", str(store), "--targets", str(targets), "--indicators", "-f", "table")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Indikatorer, Mar. 2020"
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in lines if line.startswith("│ ")]
    assert rows[-1] == [
        "Deltagerkommuner",
        "1.900",
        "450",
        "23,7 %",
        "4.697",
        "2.797",
        "59,5 %",
        "1.200",
        "25,5 %",
        "700",
        "14,9 %",
    ]
    bare = _ingest(cli, tmp_path / "bare", indicators=False)
    result = cli("rf", "-s", str(bare), "--indicators")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: the data holds no ressourceforløb indicators for the selection. Ingest a "
        "person-level ressourceforloeb extract (or the rf_lange_forloeb, rf_uden_indsats, "
        "rf_under_1_aar, rf_1_2_aar and rf_over_2_aar counts).\n"
    )
    out = tmp_path / "bare.xlsx"
    assert cli("rf", "-s", str(bare), "-o", str(out)).exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames == ["Ressourceforløb"]


def test_export_adds_the_sheets_for_r1_and_r2(cli: Run, tmp_path: Path) -> None:
    store = _ingest(cli, tmp_path)
    out = tmp_path / "report.xlsx"
    targets = tmp_path / "mål.toml"
    result = cli("export", str(out), "-s", str(store), "--targets", str(targets), "-c", "r1")
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["R1", "Ressourceforløb", "Indikatorer", "Data", "Kilder"]
    assert wb["Ressourceforløb"].cell(9, 1).value == "Deltagerkommuner"
    result = cli(
        "export", str(out), "-s", str(store), "-c", "r1", "-k", "Viborg", "--discretion", "12"
    )
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Ressourceforløb"]
    r2 = [tuple(c.value for c in row[:3]) for row in ws.iter_rows(min_row=16, max_row=20)]
    assert r2 == [
        ("Ordinære løntimer", 50, 0.025),
        ("Fleksjob", "<12", "x"),
        ("Selvforsørget beskæftigelse", 12, 0.006),
        ("Uddannelse", "<12", "x"),
        ("Beskæftigelse mv. (resultatkrav 2: 15%)", "x", "x"),
    ]


def test_discretion_hides_small_counts_and_what_reveals_them(cli: Run, tmp_path: Path) -> None:
    store = _ingest(cli, tmp_path)
    args = ["rf", "-s", str(store), "-k", "Viborg", "--discretion", "12"]
    result = cli(*args, "-f", "table")
    rows = [
        [c.strip() for c in line.split("│")[1:-1]]
        for line in result.stdout.splitlines()
        if line.startswith("│ ")
    ]
    assert rows[-5:] == [
        ["Ordinære løntimer", "50", "2,5 %"],
        ["Fleksjob", "<12", "x"],
        ["Selvforsørget beskæftigelse", "12", "0,6 %"],
        ["Uddannelse", "<12", "x"],
        ["Beskæftigelse mv. (resultatkrav 2: 15%)", "x", "x"],
    ]
    records = json.loads(cli(*args, "-f", "json").stdout)
    fleksjob = next(r for r in records if r["category"] == "fleksjob")
    assert (fleksjob["count"], fleksjob["share_pct"], fleksjob["suppressed"]) == (None, None, True)


def test_discretion_keeps_the_long_spells_sum_closed() -> None:
    counts = dict(zip(INDICATOR_MEASURES, (800, 200, 1497, 797, 3), strict=True))
    rows = [
        ("Viborg", JAN, MAR, m, float(v)) for m, v in zip(MEASURES, SPLIT["Viborg"], strict=True)
    ]
    rows += [("Viborg", JAN, MAR, m, float(v)) for m, v in counts.items()]
    frame = pl.DataFrame(rows, schema=AGGREGATE, orient="row")
    report = ressourceforloeb(frame=frame, kommuner=["Viborg"], discretion=5)
    got = report.indicator_records().row(0, named=True)
    assert (got["over_2_aar"], got["forloeb_1_2_aar"], got["lange_forloeb"]) == (None, None, 800)
    assert report.shown_instead("Viborg", "over_2_aar") == "<5"
    assert report.shown_instead("Viborg", "forloeb_1_2_aar") == "x"
    assert got["forloeb"] is None and got["suppressed"] is True


def test_sheets_read_back(cli: Run, tmp_path: Path) -> None:
    store = _ingest(cli, tmp_path)
    out = tmp_path / "rf.xlsx"
    targets = tmp_path / "mål.toml"
    result = cli("rf", "-s", str(store), "--targets", str(targets), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Ressourceforløb", "Indikatorer"]
    ws = wb["Ressourceforløb"]
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "Bedre indsats for borgere i ressourceforløb"
    assert values[3][0] == "Overblik - Deltagerkommuner"
    assert values[4][:5] == (
        "Område",
        "Periode",
        "Antal borgere i målgruppen",
        "Andel i virksomhedsrettet indsats mv.",
        "Andel i beskæftigelse mv.",
    )
    total = values[8]
    assert total[:3] == ("Deltagerkommuner", "2020M01-2020M03", 4697)
    assert total[3] == pytest.approx(1311 / 4697) and total[4] == pytest.approx(187 / 4697)
    assert ws.cell(9, 3).number_format == "#,##0" and ws.cell(9, 4).number_format == "0.0%"
    assert ws.cell(9, 1).font.bold
    r1 = [r[:3] for r in values[10:15]]
    assert r1[0][0] == "Resultatkrav 1 - Deltagerkommuner"
    assert r1[1] == ("Virksomhedsrettet indsats mv.", "Antal", "Andel")
    assert [(a, b) for a, b, _ in r1[2:]] == [
        ("Virksomhedspraktik/løntilskud", 1124),
        ("Beskæftigelse mv.", 187),
        ("Virksomhedsrettet indsats mv. (resultatkrav 1: 35%)", 1311),
    ]
    r2 = [r[:2] for r in values[16:23]]
    assert r2[0][0] == "Resultatkrav 2 - Deltagerkommuner"
    assert r2[2:] == [
        ("Ordinære løntimer", 113),
        ("Fleksjob", 32),
        ("Selvforsørget beskæftigelse", 32),
        ("Uddannelse", 10),
        ("Beskæftigelse mv. (resultatkrav 2: 15%)", 187),
    ]
    assert any(str(r[0]).startswith("Anm.: Virksomhedsrettet") for r in values)
    assert ws.page_setup.orientation == "landscape"
    ind = wb["Indikatorer"]
    assert ind.cell(3, 1).value == "Indikatorer, Mar. 2020"
    assert ind.cell(4, 2).value == "Forløb på mindst 1 år"


def test_cli_on_a_person_level_extract(cli: Run, tmp_path: Path) -> None:
    from fleksmon.schema import PERSON_KINDS
    from fleksmon.synth import write_danish_csv

    schema = {**PERSON_KINDS["ressourceforloeb"], "person": pl.String()}
    frame = pl.DataFrame(indicator_panel(), schema=schema, orient="row")
    frame = frame.with_columns(pl.format("syn{}", pl.col("person")).alias("person"))
    path = tmp_path / "rf.csv"
    write_danish_csv(frame, path)
    store = tmp_path / "store"
    assert cli("ingest", str(path), "--kind", "ressourceforloeb", "-s", str(store)).exit_code == 0
    args = ["rf", "-s", str(store), "-k", "Viborg", "-k", "Thisted", "-p", "2020K1"]
    got = {r["kommune"]: r for r in json.loads(cli(*args, "--indicators", "-f", "json").stdout)}
    assert [got[k]["lange_forloeb"] for k in ("Viborg", "Thisted", "I alt")] == [4, 1, 5]
    assert [got[k]["uden_indsats"] for k in ("Viborg", "Thisted", "I alt")] == [2, 0, 2]
    assert got["I alt"]["forloeb"] == 8 and got["I alt"]["uden_indsats_pct"] == 40.0
    records = json.loads(cli(*args, "-f", "json").stdout)
    total = {r["category"]: r["count"] for r in records if r["kommune"] == "I alt"}
    # in Jan–Mar 2020: b (praktik in Dec. is outside), e (wage hours in Mar.), the rest none
    assert total["virksomhedsrettet"] == 1 and total["loentimer"] == 1
    # f's spell ends in Jan. 2020: in the period's målgruppe, not running in Mar.
    assert {r["population"] for r in records if r["kommune"] == "I alt"} == {9}
