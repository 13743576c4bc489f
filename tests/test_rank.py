"""`fleksmon rank`: positions with ties and direction, the change since the baseline, the
cut, the reference rows, and the same data in every format (hand-computed figures)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import ranking
from fleksmon.areas import kommuner
from fleksmon.errors import FleksmonError
from fleksmon.store import Store
from tests.conftest import SEP_2019, tidy

Run = Callable[..., Any]
BASE = SEP_2019 - 12
"""Sep. 2018, K1's baseline month."""

# K1 counts (fleksjob, ledighedsydelse) in Sep. 2019 and Sep. 2018; None: no figure.
COUNTS: dict[str, tuple[tuple[int, int] | None, tuple[int, int] | None]] = {
    "Viborg": ((90, 10), (80, 20)),  # 90 % (tie), 80 %
    "Skive": ((45, 5), (85, 15)),  # 90 % (tie, other counts), 85 %
    "Thisted": ((95, 5), (70, 30)),  # 95 %, 70 %
    "Holstebro": ((80, 20), (90, 10)),  # 80 %, 90 %
    "Lemvig": (None, (60, 40)),  # no figure now, 60 %
    "Struer": ((70, 30), None),  # 70 %, no figure at the baseline
}


def _rows() -> pl.DataFrame:
    rows = []
    for kommune, pair in COUNTS.items():
        for month, counts in zip((SEP_2019, BASE), pair, strict=True):
            if counts is not None:
                rows.append((kommune, month, month, "fleksjob_fuldtid", float(counts[0])))
                rows.append((kommune, month, month, "ledighedsydelse_fuldtid", float(counts[1])))
    return tidy(rows)


@pytest.fixture
def west(store: Store) -> Store:
    store.ingest(_rows(), kind="aggregate", source=Path("k1.csv"), sha256="west")
    return store


LEMVIG = (
    "Lemvig: ingen data for K1 i den valgte periode. Seneste måned med data for Lemvig: Sep. 2018."
)
LAND = (
    "Hele landet: ukendt, da kun 5 af 98 kommuner har data (summeres kun, når alle kommuner "
    "er med)."
)
TOP10_FEW = "Top-10 gns. er udeladt, da kun 5 kommuner har data (der skal være mindst 10)."


def _ranks(result: ranking.Ranking) -> list[tuple[str, int | None, int | None]]:
    listed = result.records.filter(pl.col("rank").is_not_null())
    return listed.select("kommune", "rank", "rank_change").rows()


def test_ties_share_a_position_and_the_change_is_counted_from_the_baseline() -> None:
    result = ranking.rank("K1", frame=_rows())
    # now: Thisted 95, Viborg = Skive 90, Holstebro 80, Struer 70 (Lemvig has no figure);
    # Sep. 2018: Holstebro 90, Skive 85, Viborg 80, Thisted 70, Lemvig 60.
    assert _ranks(result) == [
        ("Thisted", 1, 3),
        ("Skive", 2, 0),
        ("Viborg", 2, 1),
        ("Holstebro", 4, -3),
        ("Struer", 5, None),
    ]
    assert result.period.code() == "2019M09"
    assert result.baseline is not None and result.baseline.code() == "2018M09"
    assert result.ranked == 5
    holstebro = result.records.row(3, named=True)
    assert (holstebro["gap_pp"], holstebro["gap_persons"], holstebro["met"]) == (10.0, 10, False)
    assert result.records.row(1, named=True)["met"] is True  # 90 % is the target: met


def test_lower_is_better_ranks_the_lowest_share_first(tmp_path: Path) -> None:
    targets = tmp_path / "lower.toml"
    targets.write_text('[K1]\ndirection = "lower"\ntarget_pct = 85\n', "utf-8")
    from fleksmon.targets import load_targets

    result = ranking.rank("K1", frame=_rows(), criteria=load_targets(targets))
    # now: Struer 70, Holstebro 80, Viborg = Skive 90, Thisted 95;
    # Sep. 2018: Lemvig 60, Thisted 70, Viborg 80, Skive 85, Holstebro 90.
    assert _ranks(result) == [
        ("Struer", 1, None),
        ("Holstebro", 2, 3),
        ("Skive", 3, 1),
        ("Viborg", 3, 0),
        ("Thisted", 5, -3),
    ]


def test_another_baseline_and_a_baseline_without_data() -> None:
    rows = pl.concat([_rows(), _rows().with_columns(pl.col("fra") - 6, pl.col("til") - 6)])
    result = ranking.rank("K1", frame=rows, baseline="2019M03")
    assert result.baseline is not None and result.baseline.code() == "2019M03"
    assert _ranks(result)[0] == ("Thisted", 1, 0)
    none = ranking.rank("K1", frame=_rows(), baseline="2017M01")
    assert [r[2] for r in _ranks(none)] == [None] * 5
    assert "Ingen ændring i placering: der er ingen K1-andele for Jan. 2017." in none.notes
    with pytest.raises(FleksmonError, match="--baseline 2019M09 is not before"):
        ranking.rank("K1", frame=_rows(), baseline="2019M09")


def test_top_cuts_the_list_keeping_a_tie_and_the_highlighted_kommuner() -> None:
    result = ranking.rank("K1", frame=_rows(), top=2, kommuner=["Struer", "Lemvig"])
    rows = result.records.select("kommune", "rank", "highlight", "note").rows()
    assert rows == [
        ("Thisted", 1, False, None),
        ("Skive", 2, False, None),
        ("Viborg", 2, False, None),
        ("Struer", 5, True, None),
        ("Lemvig", None, True, LEMVIG),
        ("Hele landet", None, False, LAND),
        ("Top-10 gns.", None, False, TOP10_FEW),
    ]
    with pytest.raises(FleksmonError, match="--top 0 is not a number of places"):
        ranking.rank("K1", frame=_rows(), top=0)


def _twelve(direction_rows: int = 12) -> pl.DataFrame:
    rows = []
    for i, k in enumerate(kommuner()[:direction_rows], start=1):
        rows.append((k.name, SEP_2019, SEP_2019, "fleksjob_fuldtid", float(i)))
        rows.append((k.name, SEP_2019, SEP_2019, "ledighedsydelse_fuldtid", float(100 - i)))
    return tidy(rows)


def test_the_top10_reference_is_the_mean_of_the_ten_best_shares(tmp_path: Path) -> None:
    result = ranking.rank("K1", frame=_twelve())
    top = result.records.filter(pl.col("kommune") == ranking.TOP10).row(0, named=True)
    assert (top["share_pct"], top["kommuner"]) == (7.5, 12)  # shares 3..12 %
    targets = tmp_path / "lower.toml"
    targets.write_text('[K1]\ndirection = "lower"\n', "utf-8")
    from fleksmon.targets import load_targets

    lower = ranking.rank("K1", frame=_twelve(), criteria=load_targets(targets))
    top = lower.records.filter(pl.col("kommune") == ranking.TOP10).row(0, named=True)
    assert top["share_pct"] == 5.5  # shares 1..10 %
    few = ranking.rank("K1", frame=_twelve(9))
    top = few.records.filter(pl.col("kommune") == ranking.TOP10).row(0, named=True)
    assert (top["share_pct"], top["kommuner"]) == (None, 9)
    assert "Top-10 gns. er udeladt, da kun 9 kommuner har data (der skal være mindst 10)." in (
        few.notes
    )


def test_rank_csv_is_exact(cli: Run, west: Store) -> None:
    result = cli("rank", "-c", "1", "-k", "Lemvig", "--top", "1", "-s", str(west.root), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "kommune,kommune_kode,criterion,period,rank,kommuner,rank_change,baseline_rank,"
        "baseline_period,share_pct,target_pct,gap_pp,gap_persons,met,population,hits,highlight,"
        "note,as_of\n"
        "Thisted,787,K1,2019M09,1,5,3,4,2018M09,95.0,90.0,,,true,100.0,95.0,false,,\n"
        f"Lemvig,665,K1,2019M09,,,,,2018M09,,90.0,,,,,,true,{LEMVIG},\n"
        f'Hele landet,,K1,2019M09,,,,,2018M09,,90.0,,,,,,false,"{LAND}",\n'
        f'Top-10 gns.,,K1,2019M09,,5,,,2018M09,,,,,,,,false,"{TOP10_FEW}",\n'
    )
    assert result.stderr.splitlines() == [
        "Anm.: Ingen data for K1 i Sep. 2019 for Lemvig (seneste måned med data: Sep. 2018).",
        "Anm.: Hele landet vises ikke: kun 5 af 98 kommuner har data (landstallet summeres kun, "
        "når alle kommuner er med).",
    ]
    aarhus = cli("rank", "-c", "1", "-k", "Aarhus", "--top", "1", "-s", str(west.root), "-f", "csv")
    assert aarhus.stderr.splitlines()[-1] == (
        "Anm.: Aarhus: ingen data for K1 i den valgte periode."
    )


def test_rank_json_equals_the_library(cli: Run, west: Store) -> None:
    result = cli("rank", "-c", "1", "-k", "Viborg", "-s", str(west.root), "-f", "json")
    assert result.exit_code == 0, result.stderr
    library = ranking.rank("K1", store=west, kommuner=["Viborg"])
    assert json.loads(result.stdout) == library.records.to_dicts()


def test_rank_table_is_exact(cli: Run, west: Store) -> None:
    result = cli(
        "rank", "-c", "1", "-k", "Struer", "--top", "3", "-s", str(west.root), "-f", "table"
    )
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[:14] == [
        "Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct.",
        "Placering blandt kommunerne, Sep. 2019",
        "┏━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ Område      ┃ Placering ┃ Andel ┃ %-point ┃ Antal personer* ┃ Ændring siden Sep. 2018 ┃",
        "┡━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ Thisted     │         1 │ 95,0% │       ✓ │               ✓ │                      +3 │",
        "│ Skive       │         2 │ 90,0% │       ✓ │               ✓ │                       0 │",
        "│ Viborg      │         2 │ 90,0% │       ✓ │               ✓ │                      +1 │",
        "├─────────────┼───────────┼───────┼─────────┼─────────────────┼─────────────────────────┤",
        "│ ▶ Struer    │         5 │ 70,0% │    20,0 │              20 │                       – │",
        "├─────────────┼───────────┼───────┼─────────┼─────────────────┼─────────────────────────┤",
        "│ Hele landet │           │     – │         │                 │                         │",
        "│ Top-10 gns. │           │     – │         │                 │                         │",
        "└─────────────┴───────────┴───────┴─────────┴─────────────────┴─────────────────────────┘",
    ]
    notes = lines[14:]
    assert notes[2:5] == [
        "Anm.: Placering: 1 er den højeste andel blandt de 5 kommuner med en andel i Sep. 2019; "
        "kommuner med samme andel deler placering (1, 2, 2, 4).",
        "Anm.: Ændring: antal pladser op (+) eller ned (-) siden Sep. 2018.",
        "Anm.: Viser de 3 bedste placeringer af 5 og de valgte kommuner.",
    ]


def test_rank_refuses_a_typo_before_opening_the_store(cli: Run, tmp_path: Path) -> None:
    result = cli("rank", "-c", "1", "--baseline", "sept 2018", "-s", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert not (tmp_path / "none").exists()


def test_export_adds_a_rank_sheet_that_reads_back(cli: Run, west: Store, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "rapport.xlsx"
    result = cli("export", str(out), "-c", "1", "-k", "Struer", "--rank", "-s", str(west.root))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["K1", "Placering K1", "Data", "Kilder"]
    ws = wb["Placering K1"]
    rows = [list(r) for r in ws.iter_rows(min_row=1, max_row=12, max_col=6, values_only=True)]
    assert rows[:2] == [
        ["Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct.", *[None] * 5],
        ["Placering blandt kommunerne, Sep. 2019", *[None] * 5],
    ]
    assert rows[2:11] == [
        ["Område", "Placering", "Andel", "%-point", "Antal personer*", "Ændring siden Sep. 2018"],
        ["Thisted", 1, 0.95, "✓", "✓", 3],
        ["Skive", 2, 0.9, "✓", "✓", 0],
        ["Viborg", 2, 0.9, "✓", "✓", 1],
        ["Holstebro", 4, 0.8, 10, 10, -3],
        ["Struer", 5, 0.7, 20, 20, "–"],
        ["Hele landet", None, "–", None, None, None],
        ["Top-10 gns.", None, "–", None, None, None],
        [None] * 6,
    ]
    assert ws["C4"].number_format == "0.0%" and ws["F4"].number_format == "+0;-0;0"
    assert ws["A8"].font.bold and not ws["A7"].font.bold
    assert ws["A9"].border.top.style == "thin"
    assert rows[11][0].startswith("*Antallet er udregnet ved:")
