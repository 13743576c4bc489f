"""`--compare GRUPPE`: a group of kommuner beside the areas, Hele landet and the top-10 —
summed from counts with the share recomputed, or the mean of shares when every kommune
has one (hand-computed figures)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api, comparison, ranking, report
from fleksmon.errors import FleksmonError
from fleksmon.render import chart
from fleksmon.store import Store
from fleksmon.targets import read_targets
from tests.conftest import SEP_2019, tidy
from tests.test_rank import _rows

Run = Callable[..., Any]
GROUPS = """
[grupper]
Vest = ["Skive", "Holstebro", "Struer"]
Limfjord = ["Skive", "Lemvig", "Thisted"]
"""
# Sep. 2019: Skive 45/50, Holstebro 80/100, Struer 70/100 -> Vest 195/250 = 78 %;
# Lemvig has no figure, so Limfjord is unknown.
VEST_SUM = (
    "Vest: summeret af 3 kommuners tal (Skive, Holstebro og Struer); andelen er beregnet af de "
    "summerede antal."
)


@pytest.fixture
def targets(tmp_path: Path) -> Path:
    path = tmp_path / "grupper.toml"
    path.write_text(GROUPS, "utf-8")
    return path


@pytest.fixture
def west(store: Store, targets: Path) -> Store:
    store.ingest(_rows(), kind="aggregate", source=Path("k1.csv"), sha256="west")
    return store


def _with(group: str, targets: Path, **fields: Any) -> api.Result:
    groups = read_targets(targets).groups
    return comparison.with_group(
        api.gap("K1", frame=_rows(), groups=groups, compare=group, **fields)
    )


def test_a_group_is_summed_from_counts_and_its_share_recomputed(targets: Path) -> None:
    result = _with("Vest", targets, kommuner=["Viborg"])
    rows = {r["kommune"]: r for r in result.records.to_dicts()}
    vest = rows["Vest"]
    assert (vest["population"], vest["hits"], vest["ledighedsydelse"]) == (250.0, 195.0, 55.0)
    assert (vest["share_pct"], vest["gap_pp"], vest["gap_persons"]) == (78.0, 12.0, 30)
    assert vest["met"] is False and vest["kommune_kode"] is None
    # the baseline: Skive 85/100, Holstebro 90/100, Struer none -> unknown
    assert vest["baseline_pct"] is None
    assert vest["note"] == VEST_SUM
    viborg = rows["Viborg"]
    assert (viborg["compare_group"], viborg["compare_share_pct"]) == ("Vest", 78.0)
    assert viborg["compare_diff_pp"] == pytest.approx(12.0)
    assert VEST_SUM in result.notes and VEST_SUM in result.reasons


def test_a_group_with_a_kommune_missing_has_no_figure_and_says_who(targets: Path) -> None:
    result = _with("Limfjord", targets, kommuner=["Viborg"])
    limfjord = result.records.filter(pl.col("kommune") == "Limfjord").row(0, named=True)
    assert limfjord["share_pct"] is None and limfjord["population"] is None
    missing = "Limfjord: ukendt for Sep. 2019, da Lemvig ikke har tal."
    assert limfjord["note"].endswith(missing)
    assert missing in result.reasons
    viborg = result.records.filter(pl.col("kommune") == "Viborg").row(0, named=True)
    assert viborg["compare_share_pct"] is None and viborg["compare_diff_pp"] is None


SHARES = """
[grupper]
Vest = ["Skive", "Holstebro", "Struer"]

[BENCH]
name = "Faktisk andel på offentlig forsørgelse"
share = "y30r21.faktisk_andel_pct"
direction = "lower"
target_pct = 9
"""


def _shares(struer: float | None) -> pl.DataFrame:
    values = {"Skive": 9.26, "Holstebro": 10.02, "Struer": struer, "Viborg": 8.53}
    return tidy(
        [
            (k, SEP_2019, SEP_2019, "y30r21.faktisk_andel_pct", v)
            for k, v in values.items()
            if v is not None
        ]
    )


def test_a_share_only_measure_takes_the_mean_of_shares_only_when_all_have_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bench.toml"
    path.write_text(SHARES, "utf-8")
    read = read_targets(path)

    def group_row(frame: pl.DataFrame) -> dict[str, Any]:
        result = comparison.with_group(
            api.gap(
                "BENCH", frame=frame, criteria=read.criteria, groups=read.groups, compare="Vest"
            )
        )
        return result.records.filter(pl.col("kommune") == "Vest").row(0, named=True) | {
            "notes": result.notes
        }

    vest = group_row(_shares(8.5))
    # (9.26 + 10.02 + 8.5) / 3 = 9.26; lower is better, target 9: 0.26 %-point to go
    assert vest["share_pct"] == pytest.approx(9.26)
    assert vest["gap_pp"] == pytest.approx(0.26) and vest["gap_persons"] is None
    assert vest["met"] is False
    assert (
        "Vest: gennemsnit af 3 kommuners andele (Skive, Holstebro og Struer), da målingen kun "
        "findes som andele; kun når alle kommuner har en andel."
    ) in vest["notes"]
    missing = group_row(_shares(None))
    assert missing["share_pct"] is None
    assert "Vest: ukendt for Sep. 2019, da Struer ikke har tal." in missing["notes"]


def test_discretion_hides_a_group_where_a_kommune_is_small(targets: Path) -> None:
    result = _with("Vest", targets, kommuner=["Viborg"], discretion=6)
    vest = result.records.filter(pl.col("kommune") == "Vest").row(0, named=True)
    # Skive's 5 on ledighedsydelse is below 6: the group sum would give it back
    assert vest["population"] is None and vest["share_pct"] is None and vest["suppressed"]
    assert result.hidden[("Vest", "2019M09")]["population"] == "x"


def test_gap_compare_csv_is_exact(cli: Run, west: Store, targets: Path) -> None:
    result = cli(
        "gap", "-c", "1", "-k", "Viborg", "--compare", "vest", "--targets", str(targets),
        "-s", str(west.root), "-f", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "kommune,kommune_kode,criterion,period,population,hits,share_pct,target_pct,gap_pp,"
        "gap_persons,met,baseline_pct,note,as_of,ledighedsydelse,compare_group,"
        "compare_share_pct,compare_diff_pp",
        "Viborg,791,K1,2019M09,100.0,90.0,90.0,90.0,,,true,80.0,,,10.0,Vest,78.0,12.0",
        f'Vest,,K1,2019M09,250.0,195.0,78.0,90.0,12.0,30,false,,"{VEST_SUM}",,55.0,Vest,78.0,0.0',
    ]
    assert result.stderr == f"Anm.: {VEST_SUM}\n"


def test_gap_compare_json_equals_the_library(cli: Run, west: Store, targets: Path) -> None:
    args = ("-c", "1", "-k", "Viborg", "--compare", "Vest", "--targets", str(targets))
    result = cli("gap", *args, "-s", str(west.root), "-f", "json")
    groups = read_targets(targets).groups
    library = comparison.with_group(
        api.gap("K1", store=west, kommuner=["Viborg"], groups=groups, compare="Vest")
    )
    assert json.loads(result.stdout) == library.records.to_dicts()


def test_compute_table_sets_the_group_apart(cli: Run, west: Store, targets: Path) -> None:
    result = cli(
        "compute", "-c", "1", "-k", "Viborg,Hele landet", "--compare", "Vest",
        "--targets", str(targets), "-p", "2019M09", "-s", str(west.root), "-f", "table",
    )  # fmt: skip
    lines = [line.rstrip() for line in result.stdout.splitlines() if line.startswith(("│", "├"))]
    assert [line.split("│")[1].strip() for line in lines if line.startswith("│")] == [
        "Viborg",
        "Vest",
        "Hele landet",
    ]
    assert lines[1].startswith("├") and lines[3].startswith("├")


def test_an_unknown_group_is_refused_before_the_store_is_opened(
    cli: Run, tmp_path: Path, targets: Path
) -> None:
    store = tmp_path / "none"
    result = cli("gap", "--compare", "Øst", "--targets", str(targets), "-s", str(store))
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: --compare Øst: no such group in [grupper]. Use one of Vest, Limfjord.\n"
    )
    bare = cli("gap", "--compare", "Vest", "-s", str(store))
    assert bare.stderr.startswith("Error: --compare Vest: the targets file names no groups.")
    assert not store.exists()
    with pytest.raises(FleksmonError):
        from fleksmon.selection import resolve

        resolve(compare="Vest")


def test_noegletal_and_the_chart_show_the_group(west: Store, targets: Path) -> None:
    from fleksmon.query import Query

    read = read_targets(targets)
    query = Query(kommuner=["Viborg"], store=west, groups=read.groups, compare="Vest")
    from fleksmon.periods import parse_period

    _, series = report.noegletal("K1", query.but(period=parse_period("2019M09")), months=1)
    rows = {r["omraade"]: r for r in series.to_dicts()}
    assert rows["Vest"]["share_pct"] == 78.0
    assert rows["Vest"]["note"] == VEST_SUM
    data = report.workbook_data(["K1"], query)
    section = data.sections[0]
    assert section.chart.columns == ["period", "Viborg", "Vest"]
    drawn = chart.lines(section.chart, section.result.criterion, "Vest")
    assert [(line.name, line.role, line.dash) for line in drawn] == [
        ("Viborg", "kommune", "solid"),
        ("Vest", "group", "dashDot"),
        ("Mål", "target", "solid"),
    ]
    assert VEST_SUM in section.chart_notes


def test_rank_shows_the_group_as_a_reference_row(targets: Path) -> None:
    groups = read_targets(targets).groups
    result = ranking.rank("K1", frame=_rows(), groups=groups, compare="Vest")
    rows = result.records.select("kommune", "rank", "share_pct", "compare_diff_pp").rows()
    assert rows[-3:] == [
        ("Vest", None, 78.0, 0.0),
        ("Hele landet", None, None, None),
        ("Top-10 gns.", None, None, None),
    ]
    assert rows[0] == ("Thisted", 1, 95.0, 17.0)


def test_export_puts_the_group_in_the_sheet(
    cli: Run, west: Store, targets: Path, tmp_path: Path
) -> None:
    import openpyxl

    out = tmp_path / "rapport.xlsx"
    result = cli(
        "export", str(out), "-c", "1", "-k", "Viborg", "--compare", "Vest",
        "--targets", str(targets), "-s", str(west.root),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["K1"]
    names = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    at = names.index("Vest")
    assert names[at - 1] == "Viborg" and names[at + 1] is None  # no Hele landet: 6 kommuner
    vest = ws.cell(at + 1, 1)  # rows count from 1
    assert vest.value == "Vest" and vest.font.bold and vest.border.top.style == "thin"
