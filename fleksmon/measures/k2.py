"""K2 — ledighedsydelse spells ended within 6 months, from person-level spells (pure polars).

Rules (criteria.md, K2): a spell lasted under six months when
``slut < start + 6 calendar months`` (clamped to month end: 31 Aug + 6 months
= 28/29 Feb); it crosses six months on ``start + 6 months`` when ``slut`` is
empty or ``slut ≥ start + 6 months``. Monthly counts are summed over rolling
three-month windows by :func:`k2_windows` (or by the caller).
"""

from __future__ import annotations

from functools import cache

import polars as pl

from fleksmon.measures.shares import windows
from fleksmon.schema import FIRST_DATE, LAST_DATE

COUNTS = ("ly_afsluttet", "ly_afsluttet_under_6m", "ly_krydser_6m")
"""The monthly K2 counts, as measure ids."""


def _month(date: pl.Expr) -> pl.Expr:
    return (date.dt.year().cast(pl.Int32) * 12 + date.dt.month().cast(pl.Int32) - 1).cast(pl.Int32)


def spells_from_months(
    months: pl.LazyFrame, *, latest: int | None = None, ordered: bool = False
) -> pl.LazyFrame:
    """Build ``ly-forloeb`` spells from ``ly-maaneder`` benefit months.

    A run of consecutive months is one spell (a month without benefit ends it),
    starting on the 1st of its first month and ending on the last day of its
    last month. A spell whose last month is the latest month of the input is
    still running (``slut`` null). The spell's kommune is that of its last month.
    ``latest``: the latest month of all benefit records (default: of ``months``;
    pass it for a part of the persons). ``ordered``: ``months`` is sorted by
    person, month and kommune already (a store part); of several rows of a
    person and month the last one is kept.
    """
    key = pl.col("person")
    month = pl.col("maaned")
    rows = months.select("person", "kommune_kode", pl.col("maaned").cast(pl.Int32))
    if not ordered:
        rows = rows.sort("person", "maaned", "kommune_kode")
    one_a_month = ((key != key.shift(-1)) | (month != month.shift(-1))).fill_null(True)
    ordered_rows = rows.filter(one_a_month)
    new_spell = ((key != key.shift(1)) | (month != month.shift(1) + 1)).fill_null(True)
    last = ((key != key.shift(-1)) | (month != month.shift(-1) - 1)).fill_null(True)
    first_month = pl.when(pl.col("_new")).then(month).forward_fill()
    newest = month.max() if latest is None else pl.lit(latest, pl.Int32)
    return (
        ordered_rows.with_columns(_new=new_spell, _last=last, _latest=newest)
        .with_columns(_first=first_month)
        .filter(pl.col("_last"))
        .select(
            "person",
            pl.col("kommune_kode").cast(pl.Int16),
            start=pl.date(pl.col("_first") // 12, pl.col("_first") % 12 + 1, 1),
            slut=pl.when(month == pl.col("_latest"))
            .then(None)
            .otherwise(pl.date(month // 12, month % 12 + 1, 1).dt.month_end()),
        )
    )


@cache
def _calendar() -> pl.DataFrame:
    """One row per day from FIRST_DATE to LAST_DATE: its month, and the day and month six
    calendar months later (clamped to the month's end, as ``offset_by("6mo")``: 31 Aug →
    28/29 Feb).

    K2 looks dates up here by day number instead of doing calendar arithmetic on
    every spell. Built from the months (their first days and lengths), not day by day.
    """
    first = FIRST_DATE.year * 12 + FIRST_DATE.month - 1
    last = LAST_DATE.year * 12 + LAST_DATE.month - 1
    m = pl.col("month")
    months = (
        pl.DataFrame({"month": pl.int_range(first, last + 8, dtype=pl.Int32, eager=True)})
        .with_columns(day1=pl.date(m // 12, m % 12 + 1, 1).cast(pl.Int32))
        .with_columns(length=pl.col("day1").shift(-1) - pl.col("day1"))
        .with_columns(six_day1=pl.col("day1").shift(-6), six_length=pl.col("length").shift(-6))
    )
    return (
        months.head(last - first + 1)
        .with_columns(_d=pl.int_ranges(0, pl.col("length"), dtype=pl.Int32))
        .explode("_d")
        .select(
            "month",
            six_day=pl.col("six_day1") + pl.min_horizontal("_d", pl.col("six_length") - 1),
            six_month=pl.col("month") + 6,
        )
    )


def k2_monthly(spells: pl.LazyFrame) -> pl.LazyFrame:
    """Monthly K2 counts per ``kommune_kode`` (Int16) and ``maaned`` (Int32).

    ``ly_afsluttet``: spells ending in the month; ``ly_afsluttet_under_6m``: of
    those, spells that lasted under six months (``slut < start + 6 months``);
    ``ly_krydser_6m``: spells whose six-month anniversary falls in the month and
    that are still running then (``slut`` empty or ``≥ start + 6 months``).
    Counts are Int64; only kommune-months with a count above zero appear. Dates
    must lie within :data:`fleksmon.schema.FIRST_DATE`..``LAST_DATE``.
    """
    cal = _calendar()
    day0 = pl.lit(FIRST_DATE).cast(pl.Int32)
    start = pl.col("start").cast(pl.Int32) - day0
    end = pl.col("slut").cast(pl.Int32)
    base = spells.select(
        pl.col("kommune_kode").cast(pl.Int16),
        _six=pl.lit(cal["six_day"]).gather(start),
        _six_month=pl.lit(cal["six_month"]).gather(start),
        _end=end,
        _end_month=pl.lit(cal["month"]).gather(end - day0),
    )
    under = pl.col("_end") < pl.col("_six")
    ended = (
        base.filter(pl.col("_end").is_not_null())
        .group_by("kommune_kode", pl.col("_end_month").alias("maaned"))
        .agg(
            ly_afsluttet=pl.len().cast(pl.Int64),
            ly_afsluttet_under_6m=under.sum().cast(pl.Int64),
        )
    )
    crossing = (
        base.filter(pl.col("_end").is_null() | ~under)
        .group_by("kommune_kode", pl.col("_six_month").alias("maaned"))
        .agg(ly_krydser_6m=pl.len().cast(pl.Int64))
    )
    return (
        ended.join(crossing, on=["kommune_kode", "maaned"], how="full", coalesce=True)
        .with_columns(pl.col(c).fill_null(0) for c in COUNTS)
        .select("kommune_kode", "maaned", *COUNTS)
        .sort("kommune_kode", "maaned")
    )


def k2_windows(monthly: pl.LazyFrame, first: int, last: int, width: int = 3) -> pl.LazyFrame:
    """Rolling ``width``-month sums of :func:`k2_monthly` for windows ending ``first..last``.

    Every kommune present in ``monthly`` gets every window (zeros filled);
    ``maaned`` is the window's last month. Adds ``ly_share`` (null when no
    spell ended in the window). The window rule is :func:`fleksmon.measures.shares.windows`.
    """
    kommuner = monthly.select("kommune_kode").unique()
    grid = kommuner.join(
        pl.LazyFrame(
            {"maaned": pl.int_range(first - width + 1, last + 1, dtype=pl.Int32, eager=True)}
        ),
        how="cross",
    )
    filled = grid.join(monthly, on=["kommune_kode", "maaned"], how="left").with_columns(
        pl.col(c).fill_null(0) for c in COUNTS
    )
    summed = windows(filled, width, list(COUNTS), key="kommune_kode").drop("window_complete")
    return (
        summed.filter(pl.col("maaned").is_between(first, last))
        .with_columns(
            ly_share=pl.when(pl.col("ly_afsluttet") > 0).then(
                pl.col("ly_afsluttet_under_6m") / pl.col("ly_afsluttet")
            )
        )
        .sort("kommune_kode", "maaned")
    )
