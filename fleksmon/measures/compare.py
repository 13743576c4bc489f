"""A comparison group's figure from its kommuner's records, one row per period.

Counts are summed and the share, target, met and gaps recomputed from the sums
(:func:`fleksmon.measures.shares.shares`), never averaged; a measure read from share
columns has no counts, so its group figure is the plain mean of the kommuner's shares
(as the top-10 mean), given only when every kommune has a share. A period where a
kommune of the group has no value has no group value (never summed as if it were 0);
``members_missing`` names those kommuner.

>>> import polars as pl
>>> from fleksmon.criteria import CRITERIA
>>> records = pl.LazyFrame({"kommune": ["Skive", "Lemvig"], "period": ["2019M09"] * 2,
...     "population": [100.0, 50.0], "hits": [90.0, 30.0], "ledighedsydelse": [10.0, 20.0]})
>>> row = group_rows(records, CRITERIA["K1"], "Vest", ["Skive", "Lemvig"]).collect().row(
...     0, named=True)
>>> row["population"], row["hits"], row["share_pct"], row["gap_persons"]
(150.0, 120.0, 80.0, 15)
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from fleksmon.criteria import Criterion
from fleksmon.measures.shares import extra_columns, shares


def group_rows(
    records: pl.LazyFrame, crit: Criterion, name: str, members: Sequence[str]
) -> pl.LazyFrame:
    """The group ``name``'s row per ``period`` of ``records`` (the members' records; a
    member without a record counts as missing)."""
    n = len(members)
    mine = records.filter(pl.col("kommune").is_in(list(members)))
    has_value = pl.col("share_pct").is_not_null() if crit.share else pl.col("hits").is_not_null()
    has_value = has_value & (pl.col("population").is_not_null() | bool(crit.share))
    found = mine.group_by("period").agg(
        pl.col("kommune").filter(has_value).alias("_with"),
        *_sums(crit, n),
    )
    everyone = pl.lit(list(members), pl.List(pl.String))
    rows = found.with_columns(
        pl.lit(name).alias("kommune"),
        everyone.list.set_difference(pl.col("_with")).list.sort().alias("members_missing"),
    ).drop("_with")
    if crit.share:
        return _mean_gaps(rows, crit).sort("period")
    return shares(rows, crit).sort("period")


def _sums(crit: Criterion, n: int) -> list[pl.Expr]:
    """Each count summed when all ``n`` members have it; for a share-only measure the
    mean of the members' shares when all have one."""
    complete = pl.len() == n
    if crit.share:
        share = pl.col("share_pct")
        return [pl.when(complete & (share.null_count() == 0)).then(share.mean()).alias("share_pct")]
    return [
        pl.when(complete & (pl.col(c).null_count() == 0)).then(pl.col(c).sum()).alias(c)
        for c in ["population", "hits", *extra_columns(crit)]
    ]


def _mean_gaps(rows: pl.LazyFrame, crit: Criterion) -> pl.LazyFrame:
    """Target, met and %-point gap of a mean share (no counts, so no persons gap)."""
    share, target = pl.col("share_pct"), pl.lit(crit.target_pct)
    excess = (share - target) if crit.direction == "lower" else (target - share)
    met = pl.when(share.is_not_null()).then(excess <= 0)
    return rows.with_columns(
        target.alias("target_pct"),
        met.alias("met"),
        pl.lit(None, pl.Float64).alias("population"),
        pl.lit(None, pl.Float64).alias("hits"),
    ).with_columns(
        pl.when(pl.col("met").not_()).then(excess).alias("gap_pp"),
        pl.lit(None, pl.Int64).alias("gap_persons"),
    )


def small(records: pl.LazyFrame, crit: Criterion, members: Sequence[str], n: int) -> pl.LazyFrame:
    """The periods where a member's count is below ``n`` (discretion): the group's sum
    would then give the hidden count back together with the other members' figures."""
    counts = ["population", "hits", *extra_columns(crit)]
    below = pl.any_horizontal([pl.col(c) < n for c in counts])
    return (
        records.filter(pl.col("kommune").is_in(list(members)) & below.fill_null(False))
        .select("period")
        .unique()
    )
