"""The benchmark (Y30R21): actual against expected full-time persons on public benefits,
their difference, and a ranking of it — checked against the numbers Jobindsats published
(examples/y30r21-benchmark.csv: all 98 kommuner, 2020QMAT02..2022QMAT04)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import benchmark, ranking
from fleksmon.measures.benchmark import benchmark as measure
from fleksmon.periods import parse_period
from fleksmon.query import Query
from fleksmon.store import Store
from fleksmon.targets import read_targets

Run = Callable[..., Any]
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "y30r21-benchmark.csv"
G1 = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: "
G2 = "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: "


def _published() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _number(text: str) -> float:
    return float(text.replace(",", "."))


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("bench") / "store")
    from fleksmon.ingest import ingest

    ingest(store, [EXAMPLE])
    return store


def test_the_difference_is_actual_minus_expected_as_published(bench: Store) -> None:
    tidy = bench.scan("aggregate", None)
    assert tidy is not None
    ours = measure(tidy).collect()
    period = {parse_period(c).end: c for c in {r["Periode"] for r in _published()}}
    got = {
        (k, period[t]): (d, pp)
        for k, t, d, pp in ours.select(
            "kommune", "til", "benchmark_diff", "benchmark_diff_pp"
        ).iter_rows()
    }
    rows = _published()
    assert len(rows) == 98 * 6
    for row in rows:
        # Jobindsats' "Forskel mellem forventet og faktisk antal" is actual - expected
        assert got[(row["Område"], row["Periode"])] == (
            float(row[G1 + "Forskel mellem forventet og faktisk antal"]),
            _number(row[G2 + "Forskel mellem forventet og faktisk andel (pct. point)"]),
        )
    randers = ours.filter((pl.col("kommune") == "Randers") & (pl.col("til") == 2020 * 12 + 5))
    assert randers.select("benchmark_actual", "benchmark_expected", "benchmark_diff").row(0) == (
        6770.0,
        6690.0,
        80.0,
    )


def test_hele_landet_is_summed_from_the_kommuner(bench: Store) -> None:
    found = benchmark.at(Query(store=bench), parse_period("2022M12"), ["Hele landet"])
    land = found.records.row(0, named=True)
    rows = [r for r in _published() if r["Periode"] == "2022QMAT04"]
    assert land["benchmark_actual"] == sum(float(r[G1 + "Faktisk antal"]) for r in rows)
    assert land["benchmark_expected"] == sum(float(r[G1 + "Forventet antal"]) for r in rows)
    assert land["benchmark_actual_pct"] is None
    assert found.notes[-1] == (
        "Benchmark for Hele landet: summeret af kommunernes faktiske og forventede antal "
        "(andele summeres ikke)."
    )


def test_ranking_the_benchmark_gives_jobindsats_positions(bench: Store) -> None:
    """Ranked by actual minus expected share (lower is better), the kommuner take
    Jobindsats' published positions; where the published two-decimal differences tie,
    they share the best position of the tied group (Jobindsats breaks the tie on the
    unrounded shares)."""
    read = read_targets(ROOT / "examples" / "viborg.toml")
    for code in ("2020QMAT02", "2021QMAT04", "2022QMAT04"):
        ours = ranking.rank(
            "BENCHMARK", store=bench, criteria=read.criteria, period=parse_period(code)
        )
        got = dict(
            ours.records.filter(pl.col("rank").is_not_null()).select("kommune", "rank").rows()
        )
        rows = [r for r in _published() if r["Periode"] == code]
        diff = {
            r["Område"]: _number(r[G2 + "Forskel mellem forventet og faktisk andel (pct. point)"])
            for r in rows
        }
        place = {r["Område"]: int(r["Placering på benchmarkranglisten"]) for r in rows}
        expected = {k: min(place[o] for o in diff if diff[o] == diff[k]) for k in diff}
        assert got == expected


def test_rank_with_the_benchmark(cli: Run, bench: Store) -> None:
    args = ("rank", "-c", "BENCHMARK", "-k", "Viborg", "--top", "1", "--benchmark")
    targets = str(ROOT / "examples" / "viborg.toml")
    result = cli(*args, "--targets", targets, "-s", str(bench.root), "-f", "json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    read = read_targets(ROOT / "examples" / "viborg.toml")
    library = ranking.rank(
        "BENCHMARK", store=bench, criteria=read.criteria, kommuner=["Viborg"], top=1, benchmark=True
    )
    assert records == library.records.to_dicts()
    viborg = next(r for r in records if r["kommune"] == "Viborg")
    assert {k: viborg[k] for k in viborg if k.startswith("benchmark_")} == {
        "benchmark_period": "2022QMAT04",
        "benchmark_expected": 4570.0,
        "benchmark_actual": 4560.0,
        "benchmark_diff": -10.0,
        "benchmark_expected_pct": 7.55,
        "benchmark_actual_pct": 7.52,
        "benchmark_diff_pp": -0.03,
        "benchmark_rank": 49,
    }
    assert viborg["rank"] == 49


def test_noegletal_with_the_benchmark(cli: Run, bench: Store, tmp_path: Path) -> None:
    targets = str(ROOT / "examples" / "viborg.toml")
    args = ("noegletal", "-c", "BENCHMARK", "-k", "Viborg", "-m", "7", "--benchmark")
    result = cli(*args, "--targets", targets, "-s", str(bench.root), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = [r for r in csv.DictReader(result.stdout.splitlines()) if r["criterion"] == "Y30R21"]
    assert [(r["period"], r["omraade"], r["benchmark_diff"]) for r in rows] == [
        ("2022QMAT02", "Viborg", "-30.0"),
        ("2022QMAT04", "Viborg", "-10.0"),
        ("2022QMAT02", "Hele landet", "-730.0"),
        ("2022QMAT04", "Hele landet", "100.0"),
    ]
    out = tmp_path / "noegletal.xlsx"
    written = cli(*args, "--targets", targets, "-s", str(bench.root), "-o", str(out))
    assert written.exit_code == 0, written.stderr
    import openpyxl

    ws = openpyxl.load_workbook(out)["Benchmark"]
    assert [c.value for c in ws[4]] == [
        "Viborg", "Løbende år til 2. kvt. 2022", 4720, 4750, -30, 0.0777, 0.0782, -0.05, 45,
    ]  # fmt: skip
    assert ws["E4"].number_format == "+#,##0;-#,##0;0"


def test_benchmark_without_y30r21_is_refused(cli: Run, k1_store: Store) -> None:
    result = cli("rank", "-c", "1", "--benchmark", "-s", str(k1_store.root))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --benchmark needs Jobindsats' table Y30R21, and the store holds none. Load it: "
        "fleksmon fetch Y30R21 --period 2022QMAT04 --ingest (or ingest a download).\n"
    )


def test_a_benchmark_later_than_the_ranked_month_is_said(bench: Store) -> None:
    found = benchmark.at(Query(store=bench), parse_period("2019M09"), ["Viborg"])
    assert found.records.is_empty()
    assert found.notes == [
        "Benchmark: ingen tal fra Y30R21 til og med Sep. 2019 (lageret har Løbende år til "
        "2. kvt. 2020 – Løbende år til 4. kvt. 2022)."
    ]
