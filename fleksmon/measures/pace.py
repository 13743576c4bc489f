"""Months to target: persons a month to reach the target by a month, and the month the
share reaches it at the pace of the last six months.

For an area with persons still missing ``g`` (``gap_persons``, 0 when met) in the
latest month *M* and *k* months from *M* to the deadline *D*:
``per_month = ceil(g / k)`` at the current population. The pace is the average
monthly change of the share from *M−6* to *M*, ``(share_M − share_{M−6}) / 6``
(%-point a month); if it moves the share toward the target (up, or down where
lower is better), the target is reached in month ``M + ceil((t − share_M) / pace)``.

>>> import polars as pl
>>> records = pl.DataFrame({"kommune": ["Viborg"], "share_pct": [88.0], "target_pct": [90.0],
...                         "met": [False], "gap_persons": [49]})
>>> earlier = pl.DataFrame({"kommune": ["Viborg"], "share_pct": [85.0]})
>>> row = months_to_target(records, earlier, direction="higher",
...                        latest=2019 * 12 + 8, by=2020 * 12 + 11).row(0, named=True)
>>> row["months_left"], row["per_month"], row["pace_pp_per_month"], row["reached_at"]
(15, 4, 0.5, '2020M01')
"""

from __future__ import annotations

import polars as pl

from fleksmon.periods import month_code

PACE_MONTHS = 6
"""The pace is measured over the six months before the latest month."""

MET = "met"
REACHES = "reaches"
NOT_AT_PACE = "not_at_pace"
NO_PACE = "no_pace"
PACE_STATUSES = (MET, REACHES, NOT_AT_PACE, NO_PACE)
"""``pace_status``: met already; reaches the target at ``reached_at``; not moving toward
the target; no share at M−6 (no pace). Null where the area has no share at M."""

COLUMNS = (
    "by_period",
    "months_left",
    "per_month",
    "pace_from",
    "pace_pp_per_month",
    "reached_at",
    "pace_status",
)
"""The keys months-to-target adds to a gap record."""

_TOLERANCE = 1e-9
"""Absorbs binary noise in ``(t − share) / pace`` before rounding up (4.000…01 is 4)."""


def month_code_expr(month: pl.Expr) -> pl.Expr:
    """A month index as ``2019M11`` text."""
    year = (month // 12).cast(pl.String)
    return year + "M" + (month % 12 + 1).cast(pl.String).str.zfill(2)


def months_to_target(
    records: pl.DataFrame | pl.LazyFrame,
    earlier: pl.DataFrame | pl.LazyFrame | None,
    *,
    direction: str,
    latest: int,
    by: int,
    earlier_period: str | None = None,
) -> pl.DataFrame:
    """``records`` (``kommune``, ``share_pct``, ``target_pct``, ``met``, ``gap_persons`` at
    month ``latest``) with the months-to-target columns (:data:`COLUMNS`) added.

    ``earlier`` holds each area's ``share_pct`` at ``latest − 6`` (``None``: no pace
    for any area, e.g. a whole-period criterion); ``by`` is the deadline's month
    index, after ``latest``; ``earlier_period`` names the period the pace starts
    from in ``pace_from`` (default: the month ``latest − 6``, as ``2019M03``).
    """
    if by <= latest:
        raise ValueError(f"deadline {by} is not after the latest month {latest}")
    months_left = by - latest
    lazy = records.lazy()
    if earlier is None:
        before = pl.LazyFrame(schema={"kommune": pl.String, "_earlier": pl.Float64})
    else:
        before = earlier.lazy().select("kommune", pl.col("share_pct").alias("_earlier"))
    share, met = pl.col("share_pct"), pl.col("met")
    missing = (
        pl.when(share.is_null()).then(None).when(met).then(0).otherwise(pl.col("gap_persons"))
    ).cast(pl.Int64)
    pace = (share - pl.col("_earlier")) / PACE_MONTHS
    toward = pace < 0 if direction == "lower" else pace > 0
    moving = pl.when(toward).then(pace)
    steps = ((pl.col("target_pct") - share) / moving - _TOLERANCE).ceil().cast(pl.Int64)
    status = (
        pl.when(share.is_null())
        .then(None)
        .when(met)
        .then(pl.lit(MET))
        .when(pace.is_null())
        .then(pl.lit(NO_PACE))
        .when(toward)
        .then(pl.lit(REACHES))
        .otherwise(pl.lit(NOT_AT_PACE))
    )
    return (
        lazy.join(before, on="kommune", how="left", maintain_order="left")
        .with_columns(
            pl.lit(month_code(by)).alias("by_period"),
            pl.lit(months_left, pl.Int64).alias("months_left"),
            ((missing + months_left - 1) // months_left).alias("per_month"),
            pl.when(share.is_not_null())
            .then(pl.lit(earlier_period or month_code(latest - PACE_MONTHS)))
            .alias("pace_from"),
            pl.when(share.is_not_null()).then(pace).alias("pace_pp_per_month"),
            status.alias("pace_status"),
        )
        .with_columns(
            pl.when(pl.col("pace_status") == REACHES)
            .then(month_code_expr(latest + steps))
            .alias("reached_at")
        )
        .select(*lazy.collect_schema().names(), *COLUMNS)
        .collect()
    )
