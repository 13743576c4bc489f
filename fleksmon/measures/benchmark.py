"""The benchmark: a kommune's actual number of full-time persons on public benefits
against the number expected from its framework conditions (Jobindsats' table Y30R21,
"Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse", published as
moving annual totals).

``benchmark_diff`` is actual − expected, as Jobindsats' own column "Forskel mellem
forventet og faktisk antal" (København 2020QMAT02: 44.010 − 43.070 = 940): positive
means more persons on benefits than expected, negative fewer (better). The shares and
their difference (%-point) come with it where the download has them, and Jobindsats'
position on its benchmark list (``benchmark_rank``). Differences are taken in exact
units, so ``9,28 − 9,08`` is ``0.2``. Regions and Hele landet are summed from the
kommuner's counts when every kommune has them (shares are never summed).

>>> import polars as pl
>>> tidy = pl.LazyFrame({"kommune": ["Randers"] * 4, "fra": [24234] * 4, "til": [24245] * 4,
...     "maaling": ["y30r21.forventet_antal", "y30r21.faktisk_antal",
...                 "y30r21.forventet_andel_pct", "y30r21.faktisk_andel_pct"],
...     "vaerdi": [6690.0, 6770.0, 10.69, 10.81]})
>>> row = benchmark(tidy).collect().row(0, named=True)
>>> row["benchmark_diff"], row["benchmark_diff_pp"]
(80.0, 0.12)
"""

from __future__ import annotations

import polars as pl

from fleksmon.measures.shares import _from_units, _units, fill_areas

MEASURES: dict[str, str] = {
    "benchmark_expected": "y30r21.forventet_antal",
    "benchmark_actual": "y30r21.faktisk_antal",
    "benchmark_expected_pct": "y30r21.forventet_andel_pct",
    "benchmark_actual_pct": "y30r21.faktisk_andel_pct",
    "benchmark_rank": "y30r21.placering_paa_benchmarkranglisten",
}
"""The stored Y30R21 measures a benchmark reads, by the record key they give."""
COUNTS = ("benchmark_expected", "benchmark_actual")
COLUMNS = (
    "benchmark_period",
    "benchmark_expected",
    "benchmark_actual",
    "benchmark_diff",
    "benchmark_expected_pct",
    "benchmark_actual_pct",
    "benchmark_diff_pp",
    "benchmark_rank",
)
"""The keys a record gains with a benchmark (``benchmark_period`` set by the caller)."""


def benchmark(tidy: pl.LazyFrame) -> pl.LazyFrame:
    """Per area and period (``fra``, ``til``): expected and actual counts, their
    difference, the shares and theirs, and Jobindsats' position; areas summed from the
    kommuner where the download has none (counts only, every kommune needed;
    ``benchmark_summed`` says so)."""
    rows = tidy.filter(pl.col("maaling").is_in(list(MEASURES.values())))
    wide = rows.group_by("kommune", "fra", "til").agg(
        pl.col("vaerdi").filter(pl.col("maaling") == m).first().alias(key)
        for key, m in MEASURES.items()
    )
    spans = wide.select("fra", pl.col("til").alias("maaned")).unique()
    # fill_areas counts the kommuner present by "population": expected plays it here
    as_counts = {"benchmark_expected": "population", "benchmark_actual": "hits"}
    counts = wide.select("kommune", pl.col("til").alias("maaned"), *COUNTS).rename(as_counts)
    filled = (
        fill_areas(counts, list(as_counts.values()))
        .filter(pl.col("complete"))
        .select(
            "kommune",
            "maaned",
            *as_counts.values(),
            pl.col("kommuner_present").is_not_null().alias("benchmark_summed"),
        )
        .rename({v: k for k, v in as_counts.items()} | {"maaned": "til"})
        .join(spans.rename({"maaned": "til"}), on="til")
    )
    others = wide.drop(*COUNTS)
    joined = filled.join(others, on=["kommune", "fra", "til"], how="left")
    return joined.with_columns(
        _difference("benchmark_actual", "benchmark_expected").alias("benchmark_diff"),
        _difference("benchmark_actual_pct", "benchmark_expected_pct").alias("benchmark_diff_pp"),
        pl.col("benchmark_rank").cast(pl.Int64),
    )


def _difference(a: str, b: str) -> pl.Expr:
    """``a − b`` in exact units (the numbers as written, not their binary floats)."""
    return _from_units(_units(pl.col(a)) - _units(pl.col(b)))
