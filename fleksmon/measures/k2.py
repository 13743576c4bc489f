"""K2 — ledighedsydelse spells ended within 6 months, from person-level spells (pure polars).

Rules (criteria.md, K2): a spell lasted under six months when
``slut < start + 6 calendar months`` (clamped to month end: 31 Aug + 6 months
= 28/29 Feb); it crosses six months on ``start + 6 months`` when ``slut`` is
empty or ``slut ≥ start + 6 months``. Monthly counts are summed over rolling
three-month windows by :func:`k2_windows` (or by the caller).
"""

from __future__ import annotations

import polars as pl

from fleksmon.measures.shares import windows

COUNTS = ("ly_afsluttet", "ly_afsluttet_under_6m", "ly_krydser_6m")
"""The monthly K2 counts, as measure ids."""


def _month(date: pl.Expr) -> pl.Expr:
    return (date.dt.year().cast(pl.Int32) * 12 + date.dt.month().cast(pl.Int32) - 1).cast(pl.Int32)


def spells_from_months(months: pl.LazyFrame) -> pl.LazyFrame:
    """Build ``ly-forloeb`` spells from ``ly-maaneder`` benefit months.

    A run of consecutive months is one spell (a month without benefit ends it),
    starting on the 1st of its first month and ending on the last day of its
    last month. A spell whose last month is the latest month of the input is
    still running (``slut`` null). The spell's kommune is that of its last month.
    """
    key = pl.col("person")
    month = pl.col("maaned")
    ordered = (
        months.select("person", "kommune_kode", pl.col("maaned").cast(pl.Int32))
        .unique(["person", "maaned"], keep="last")
        .sort("person", "maaned")
    )
    new_spell = ((key != key.shift(1)) | (month != month.shift(1) + 1)).fill_null(True)
    last = ((key != key.shift(-1)) | (month != month.shift(-1) - 1)).fill_null(True)
    first_month = pl.when(pl.col("_new")).then(month).forward_fill()
    latest = month.max()
    return (
        ordered.with_columns(_new=new_spell, _last=last, _latest=latest)
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


def k2_monthly(spells: pl.LazyFrame) -> pl.LazyFrame:
    """Monthly K2 counts per ``kommune_kode`` (Int16) and ``maaned`` (Int32).

    ``ly_afsluttet``: spells ending in the month; ``ly_afsluttet_under_6m``: of
    those, spells that lasted under six months; ``ly_krydser_6m``: spells whose
    six-month anniversary falls in the month and that are still running then.
    Counts are Int64; only kommune-months with a count above zero appear.
    """
    six = pl.col("start").dt.offset_by("6mo")
    base = spells.select(pl.col("kommune_kode").cast(pl.Int16), "start", "slut", _six=six)
    ended = base.filter(pl.col("slut").is_not_null()).select(
        "kommune_kode",
        maaned=_month(pl.col("slut")),
        ly_afsluttet=pl.lit(1, dtype=pl.Int64),
        ly_afsluttet_under_6m=(pl.col("slut") < pl.col("_six")).cast(pl.Int64),
        ly_krydser_6m=pl.lit(0, dtype=pl.Int64),
    )
    crossing = base.filter(pl.col("slut").is_null() | (pl.col("slut") >= pl.col("_six"))).select(
        "kommune_kode",
        maaned=_month(pl.col("_six")),
        ly_afsluttet=pl.lit(0, dtype=pl.Int64),
        ly_afsluttet_under_6m=pl.lit(0, dtype=pl.Int64),
        ly_krydser_6m=pl.lit(1, dtype=pl.Int64),
    )
    return (
        pl.concat([ended, crossing])
        .group_by("kommune_kode", "maaned")
        .agg(pl.col(c).sum() for c in COUNTS)
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
