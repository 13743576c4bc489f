"""Months to target (`gap --by`): persons a month and the month the pace reaches the target."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api
from fleksmon.criteria import CRITERIA
from fleksmon.errors import FleksmonError
from fleksmon.measures import pace
from fleksmon.periods import Period, month_code, month_index
from fleksmon.store import Store
from tests.conftest import tidy

Run = Callable[..., Any]

M = month_index(2019, 9)
BY = month_index(2020, 7)
"""Latest month Sep. 2019; deadline Jul. 2020, k = 10 months."""

# kommune: (flexjob F at M−6, F at M); F + L = 1.000 both months (None: no data at M−6).
K1_FLEXJOB: dict[str, tuple[int | None, int]] = {
    "Albertslund": (800, 850),
    "Ballerup": (850, 893),
    "Faxe": (950, 950),
    "Gentofte": (860, 850),
    "Stevns": (850, 850),
    "Viborg": (None, 800),
}


def _rows() -> list[tuple[str, int, int, str, float | None]]:
    rows: list[tuple[str, int, int, str, float | None]] = []
    for kommune, (before, now) in K1_FLEXJOB.items():
        for month, f in ((M - 6, before), (M, now)):
            if f is not None:
                rows.append((kommune, month, month, "fleksjob_fuldtid", float(f)))
                rows.append((kommune, month, month, "ledighedsydelse_fuldtid", 1000.0 - f))
    return rows


@pytest.fixture
def pace_store(store: Store) -> Store:
    store.ingest(tidy(_rows()), kind="aggregate", source=Path("pace.csv"), sha256="pace")
    return store


def _by_area(records: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {r["kommune"]: r for r in records.to_dicts()}


def test_example_computed_by_hand(pace_store: Store) -> None:
    result = api.months_to_target(api.gap("K1", store=pace_store), "2020M07")
    rows = _by_area(result.records)
    assert {r["by_period"] for r in rows.values()} == {"2020M07"}
    assert {r["months_left"] for r in rows.values()} == {10}  # Sep. 2019 → Jul. 2020
    assert {r["pace_from"] for r in rows.values()} == {"2019M03"}
    got = {
        k: (r["gap_persons"], r["per_month"], r["pace_pp_per_month"], r["reached_at"])
        for k, r in rows.items()
    }
    assert got["Albertslund"][:2] == (50, 5)  # g = 900 − 850 = 50; ceil(50/10) = 5
    # pace (85 − 80)/6 = 0,8333 pp a month; (90 − 85)/0,8333 = 6 months exactly → Mar. 2020
    assert got["Albertslund"][2] == pytest.approx(5 / 6)
    assert got["Albertslund"][3] == "2020M03"
    assert got["Ballerup"][:2] == (7, 1)  # g = 900 − 893 = 7; ceil(7/10) = 1
    # pace (89,3 − 85)/6 = 0,7167; (90 − 89,3)/0,7167 = 0,98 → 1 month → Oct. 2019
    assert got["Ballerup"][2] == pytest.approx(4.3 / 6)
    assert got["Ballerup"][3] == "2019M10"
    # Gentofte falls (86 → 85): g = 50, 5 a month, not reached at this pace
    assert got["Gentofte"] == (50, 5, pytest.approx(-1 / 6), None)
    assert rows["Gentofte"]["pace_status"] == "not_at_pace"
    # Stevns stands still at 85 %: a pace of 0 never reaches the target
    assert got["Stevns"] == (50, 5, 0.0, None)
    assert rows["Stevns"]["pace_status"] == "not_at_pace"


def test_met_area_needs_no_one(pace_store: Store) -> None:
    faxe = _by_area(api.months_to_target(api.gap("K1", store=pace_store), "2020M07").records)[
        "Faxe"
    ]
    assert (faxe["met"], faxe["gap_persons"], faxe["per_month"]) == (True, None, 0)
    assert (faxe["pace_status"], faxe["reached_at"]) == ("met", None)


def test_no_share_six_months_before_means_no_pace(pace_store: Store) -> None:
    result = api.months_to_target(api.gap("K1", store=pace_store), "2020M07")
    viborg = _by_area(result.records)["Viborg"]
    assert (viborg["gap_persons"], viborg["per_month"]) == (100, 10)
    assert (viborg["pace_pp_per_month"], viborg["reached_at"]) == (None, None)
    assert viborg["pace_status"] == "no_pace"
    assert "Intet tempo for Viborg: der er ingen andel i Mar. 2019." in result.notes


def test_lower_is_better_moves_downward() -> None:
    ly = replace(
        CRITERIA["K1"],
        id="LY",
        hits=("ledighedsydelse_fuldtid",),
        direction="lower",
        target_pct=13.0,
    )
    rows = []
    # Aalborg: on ledighedsydelse 165 → 153 of 1.000; Aarhus: 150 → 160 of 1.000
    for kommune, before, now in (("Aalborg", 165.0, 153.0), ("Aarhus", 150.0, 160.0)):
        for month, ly_count in ((M - 6, before), (M, now)):
            rows.append((kommune, month, month, "fleksjob_fuldtid", 1000.0 - ly_count))
            rows.append((kommune, month, month, "ledighedsydelse_fuldtid", ly_count))
    result = api.months_to_target(api.gap(ly, frame=tidy(rows)), "2020M07")
    got = _by_area(result.records)
    aalborg = got["Aalborg"]
    # g = 153 − 0,13·1.000 = 23 to leave; ceil(23/10) = 3 a month
    assert (aalborg["gap_persons"], aalborg["per_month"]) == (23, 3)
    # pace (15,3 − 16,5)/6 = −0,2 pp; (13 − 15,3)/−0,2 = 11,5 → 12 months → Sep. 2020
    assert aalborg["pace_pp_per_month"] == pytest.approx(-0.2)
    assert (aalborg["pace_status"], aalborg["reached_at"]) == ("reaches", "2020M09")
    aarhus = got["Aarhus"]
    assert aarhus["pace_pp_per_month"] == pytest.approx(1 / 6)
    assert (aarhus["pace_status"], aarhus["reached_at"]) == ("not_at_pace", None)


@pytest.mark.parametrize(
    ("share", "earlier", "target", "direction", "status", "steps"),
    [
        (88.0, 85.0, 90.0, "higher", "reaches", 4),  # 2/0,5
        (88.0, 88.0, 90.0, "higher", "not_at_pace", None),
        (88.0, 89.0, 90.0, "higher", "not_at_pace", None),
        (15.0, 18.0, 13.0, "lower", "reaches", 4),  # −2/−0,5
        (15.0, 14.0, 13.0, "lower", "not_at_pace", None),
        (88.0, None, 90.0, "higher", "no_pace", None),
        (None, 85.0, 90.0, "higher", None, None),
    ],
)
def test_pace_cases(
    share: float | None,
    earlier: float | None,
    target: float,
    direction: str,
    status: str | None,
    steps: int | None,
) -> None:
    met = None if share is None else False
    records = pl.DataFrame(
        {
            "kommune": ["A"],
            "share_pct": [share],
            "target_pct": [target],
            "met": [met],
            "gap_persons": [10],
        },
        schema={
            "kommune": pl.String,
            "share_pct": pl.Float64,
            "target_pct": pl.Float64,
            "met": pl.Boolean,
            "gap_persons": pl.Int64,
        },
    )
    before = pl.DataFrame(
        {"kommune": ["A"], "share_pct": [earlier]},
        schema={"kommune": pl.String, "share_pct": pl.Float64},
    )
    row = pace.months_to_target(
        records,
        before,
        direction=direction,
        latest=M,
        by=M + 3,
    ).row(0, named=True)
    assert row["pace_status"] == status
    assert row["reached_at"] == (month_code(M + steps) if steps else None)
    assert row["per_month"] == (None if share is None else 4)  # ceil(10/3)


def test_whole_period_criterion_has_no_pace(store: Store) -> None:
    counts = {"rf_maalgruppe": 100.0, "rf_praktik_loentilskud": 20.0}
    rows = [
        ("Viborg", M - 2, M, measure, counts.get(measure, 0.0))
        for measure in CRITERIA["R1"].measures
    ]
    result = api.months_to_target(
        api.gap("R1", frame=tidy(rows), period=Period(M - 2, M)), "2020M07"
    )
    row = result.records.row(0, named=True)
    assert (row["per_month"], row["pace_status"]) == (2, "no_pace")  # g = 35 − 20 = 15
    assert "R1 opgøres for hele perioden og har derfor intet tempo." in result.notes


def test_deadline_must_be_after_the_latest_month(pace_store: Store) -> None:
    result = api.gap("K1", store=pace_store)
    with pytest.raises(FleksmonError) as err:
        api.months_to_target(result, "2019M09")
    assert err.value.line() == (
        "the deadline 2019M09 is not after the latest month 2019M09. "
        "Give --by a month after 2019M09."
    )


def test_cli_csv_exact(cli: Run, pace_store: Store) -> None:
    result = cli(
        "gap", "-c", "1", "-k", "Ballerup", "-k", "Viborg", "--by", "jul 2020",
        "-s", str(pace_store.root), "-f", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "kommune,kommune_kode,criterion,period,population,hits,share_pct,target_pct,gap_pp,"
        "gap_persons,met,baseline_pct,note,as_of,ledighedsydelse,by_period,months_left,"
        "per_month,pace_from,pace_pp_per_month,reached_at,pace_status\n"
        "Ballerup,151,K1,2019M09,1000.0,893.0,89.3,90.0,0.7,7,false,,,,107.0,"
        "2020M07,10,1,2019M03,0.7166666666666662,2019M10,reaches\n"
        "Viborg,791,K1,2019M09,1000.0,800.0,80.0,90.0,10.0,100,false,,,,200.0,"
        "2020M07,10,10,2019M03,,,no_pace\n"
    )


def test_cli_json_equals_library(cli: Run, pace_store: Store) -> None:
    result = cli("gap", "-c", "1", "--by", "2020M07", "-s", str(pace_store.root), "-f", "json")
    library = api.months_to_target(api.gap("K1", store=pace_store), "2020M07")
    assert json.loads(result.stdout) == library.records.to_dicts()


def test_cli_table(cli: Run, pace_store: Store) -> None:
    result = cli("gap", "-c", "1", "--by", "2020M07", "-s", str(pace_store.root), "-f", "table")
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[1] == "Sep. 2019; målet skal nås i Jul. 2020 (om 10 måneder)"
    cells = {
        c[0]: c[1:]
        for line in lines
        if line.startswith("│ ")
        for c in [[x.strip() for x in line.split("│")[1:-1]]]
    }
    assert cells["Albertslund"] == ["85,0%", "50", "5", "0,8", "Mar. 2020"]
    assert cells["Ballerup"] == ["89,3%", "7", "1", "0,7", "Okt. 2019"]
    assert cells["Faxe"] == ["95,0%", "✓", "✓", "0,0", "✓"]
    assert cells["Gentofte"] == ["85,0%", "50", "5", "-0,2", "ikke i dette tempo"]
    assert cells["Viborg"] == ["80,0%", "100", "10", "–", "–"]
    assert "Anm.: Intet tempo for Viborg: der er ingen andel i Mar. 2019." in lines


def test_cli_table_fits_80_columns(cli: Run, pace_store: Store, monkeypatch: Any) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("gap", "-c", "1", "--by", "2020M07", "-s", str(pace_store.root), "-f", "table")
    assert "…" not in result.stdout
    assert "ikke i" in result.stdout and "Nås ved" in result.stdout


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--by", "2019M09"],
            "Error: the deadline 2019M09 is not after the latest month 2019M09. "
            "Give --by a month after 2019M09.\n",
        ),
        (
            ["--by", "2019M03"],
            "Error: the deadline 2019M03 is not after the latest month 2019M09. "
            "Give --by a month after 2019M09.\n",
        ),
        (
            ["--by", "snart"],
            "Error: unknown period 'snart'. Write a month as 2019M11, 2019-11 or 'nov 2019', "
            "a quarter as 2018K3, or a range as 2019M09..2019M11.\n",
        ),
    ],
)
def test_cli_bad_deadline(cli: Run, pace_store: Store, args: list[str], line: str) -> None:
    before = pace_store.batches()
    result = cli("gap", "-c", "1", "-s", str(pace_store.root), *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line)
    assert pace_store.batches() == before


def test_own_kommune_target_is_the_one_reached(cli: Run, pace_store: Store) -> None:
    k1 = replace(CRITERIA["K1"], kommune_targets=(("Ballerup", 92.0),))
    got = _by_area(api.months_to_target(api.gap(k1, store=pace_store), "2020M07").records)
    ballerup = got["Ballerup"]
    # g = 920 − 893 = 27, ceil(27/10) = 3; (92 − 89,3)/0,7167 = 3,77 → 4 months → Jan. 2020
    assert (ballerup["gap_persons"], ballerup["per_month"]) == (27, 3)
    assert ballerup["reached_at"] == "2020M01"
    assert got["Albertslund"]["reached_at"] == "2020M03"


def test_export_by_adds_a_pace_sheet(cli: Run, pace_store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    result = cli("export", str(out), "-c", "1", "-s", str(pace_store.root), "--by", "2020M07")
    assert result.exit_code == 0, result.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["K1", "Tempo mod Jul. 2020", "Data", "Kilder"]
    ws = wb["Tempo mod Jul. 2020"]
    assert ws["A4"].value == "Sep. 2019; målet skal nås i Jul. 2020 (om 10 måneder)"
    rows = {
        r[0]: r[1:]
        for r in ws.iter_rows(min_row=6, max_row=11, values_only=True)
        if r[0] in K1_FLEXJOB
    }
    assert rows["Albertslund"][2:] == (50, 5, pytest.approx(5 / 6), "Mar. 2020")
    assert rows["Albertslund"][0] == pytest.approx(0.85)
    assert rows["Faxe"][2:4] == ("✓", "✓")
    assert rows["Viborg"][4:] == ("–", "–")
    assert ws.cell(6, 2).number_format == "0.0%" and ws.cell(6, 6).number_format == "0.0"


def test_export_by_deadline_not_after_is_one_line(
    cli: Run, pace_store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "report.xlsx"
    result = cli("export", str(out), "-c", "1", "-s", str(pace_store.root), "--by", "2019M08")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: the deadline 2019M08 is not after the latest month 2019M09. "
        "Give --by a month after 2019M09.\n",
    )
    assert not out.exists()
