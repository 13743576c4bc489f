"""K3 — progression in small flexjobs, from a monthly hours panel (pure polars).

Input: a ``fleksjob-timer`` frame (``person``, ``kommune_kode``, ``maaned``,
``timer_cent``; hours in integer hundredths). The plan sorts once by person and
month and then works with shifts on the sorted rows (no per-month loop, no
window group-bys), so the whole monthly series of every kommune comes out of
one lazy plan. Rules (criteria.md, K3):

- a person's rows of one month (one per employer) are summed;
- a spell is a run of consecutive months; its first three months are its start;
- a spell running in the panel's first month is left-censored: left out, counted;
- population at *M*: the spell's 12th month or later, and the start sum *S*
  satisfies ``650 ≤ S < 13650`` hundredths (6,5–136,49 hours: 1–10 a week);
- progression at *M*: ``min(hours M-2..M) > max(hours of the start months)``;
- a person counts in the kommune of month *M*.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import polars as pl

Engine = Literal["auto", "in-memory", "streaming"]

S_MIN = 650
"""Smallest start sum in the population: 6,50 hours (1 hour a week, rounded)."""
S_END = 13_650
"""Start sums from 136,50 hours (11 hours a week, rounded) are out."""
MIN_MONTHS = 12
"""A spell counts from its 12th month."""

K3_SCHEMA: dict[str, pl.DataType] = {
    "kommune_kode": pl.Int16(),
    "maaned": pl.Int32(),
    "k3_population": pl.Int64(),
    "k3_progression": pl.Int64(),
}
"""The columns of :func:`k3_monthly`."""


_PANEL_FIRST = pl.col("maaned").min()


def person_months(hours: pl.LazyFrame, *, ordered: bool = False) -> pl.LazyFrame:
    """One row per person and month, sorted by person and month: employer rows summed.

    ``kommune_kode`` is the kommune of the month's last row (the reader refuses
    a person in two kommuner in one month). ``ordered``: the rows are already
    sorted by person and month (a store part), so they are not sorted again.
    """
    key = pl.col("person")
    month = pl.col("maaned")
    ordered_rows = hours.select("person", "kommune_kode", "maaned", "timer_cent")
    if not ordered:
        ordered_rows = ordered_rows.sort("person", "maaned", "kommune_kode")
    last_of_month = (key != key.shift(-1)).fill_null(True) | (month != month.shift(-1)).fill_null(
        True
    )
    running = pl.col("timer_cent").cum_sum()
    return (
        ordered_rows.with_columns(_run=running, _last=last_of_month)
        .filter(pl.col("_last"))
        .with_columns(timer_cent=(pl.col("_run") - pl.col("_run").shift(1).fill_null(0)))
        .drop("_run", "_last")
    )


def _with_spells(months: pl.LazyFrame, first_month: int | pl.Expr) -> pl.LazyFrame:
    """Per person-month row: position in its spell, start sum and max, last-3 min, censoring."""
    key = pl.col("person")
    month = pl.col("maaned")
    h = pl.col("timer_cent")
    new_spell = ((key != key.shift(1)) | (month != month.shift(1) + 1)).fill_null(True)
    idx = pl.int_range(pl.len(), dtype=pl.Int64)
    pos = idx - pl.when(pl.col("_new")).then(idx).forward_fill()
    third = pl.col("_pos") == 2
    start_sum = pl.when(third).then(h + h.shift(1) + h.shift(2)).forward_fill()
    start_max = pl.when(third).then(pl.max_horizontal(h, h.shift(1), h.shift(2))).forward_fill()
    last_min = pl.min_horizontal(h, h.shift(1), h.shift(2))
    spell_first = pl.when(pl.col("_new")).then(month).forward_fill()
    return (
        months.with_columns(_new=new_spell)
        .with_columns(_pos=pos, _first=spell_first)
        .with_columns(
            _censored=pl.col("_first") == first_month,
            _s=start_sum,
            _smax=start_max,
            _lmin=last_min,
        )
    )


def k3_monthly(
    hours: pl.LazyFrame, *, first_month: int | None = None, ordered: bool = False
) -> pl.LazyFrame:
    """K3 counts per ``kommune_kode`` (Int16) and ``maaned`` (Int32).

    Columns ``k3_population`` and ``k3_progression`` (Int64); only kommune-months
    with a population appear. ``first_month`` is the panel's first month (the
    earliest month of all hours data in the store); by default the earliest
    month in ``hours``. Pass it when computing on a partition of the persons.
    ``ordered``: ``hours`` is sorted by person and month already (see :func:`person_months`).
    """
    first: int | pl.Expr = (
        pl.lit(first_month, dtype=pl.Int32) if first_month is not None else _PANEL_FIRST
    )
    rows = _with_spells(person_months(hours, ordered=ordered), first)
    in_population = (
        (pl.col("_pos") >= MIN_MONTHS - 1)
        & ~pl.col("_censored")
        & (pl.col("_s") >= S_MIN)
        & (pl.col("_s") < S_END)
    )
    return (
        rows.filter(in_population)
        .group_by("kommune_kode", "maaned")
        .agg(
            k3_population=pl.len().cast(pl.Int64),
            k3_progression=(pl.col("_lmin") > pl.col("_smax")).sum().cast(pl.Int64),
        )
        .select(
            pl.col("kommune_kode").cast(pl.Int16),
            pl.col("maaned").cast(pl.Int32),
            "k3_population",
            "k3_progression",
        )
        .sort("kommune_kode", "maaned")
    )


def k3_censored(hours: pl.LazyFrame, *, first_month: int | None = None) -> pl.LazyFrame:
    """Left-censored spells (running in the panel's first month) per ``kommune_kode``.

    Column ``k3_censored`` (Int64), counted in the kommune of the spell's first
    (panel-first) month; these spells are left out of :func:`k3_monthly`.
    """
    first: int | pl.Expr = (
        pl.lit(first_month, dtype=pl.Int32) if first_month is not None else _PANEL_FIRST
    )
    return (
        hours.select("person", "kommune_kode", "maaned")
        .filter(pl.col("maaned") == first)
        .unique(["person"], keep="last")
        .group_by("kommune_kode")
        .agg(k3_censored=pl.len().cast(pl.Int64))
        .select(pl.col("kommune_kode").cast(pl.Int16), "k3_censored")
        .sort("kommune_kode")
    )


def k3_monthly_parts(
    parts: Iterable[pl.LazyFrame],
    *,
    first_month: int,
    ordered: bool = False,
    engine: Engine = "auto",
) -> pl.DataFrame:
    """:func:`k3_monthly` over person-disjoint parts of a panel, summed.

    Each part must hold *all* rows of its persons (e.g. one Parquet file per
    block of persons, or a filter on a hash of ``person``). Only one part is in
    memory at a time, which keeps peak memory flat for 100-million-row panels.
    ``ordered``: every part is sorted by person and month already.
    """
    results = [
        k3_monthly(part, first_month=first_month, ordered=ordered).collect(engine=engine)
        for part in parts
    ]
    if not results:
        return pl.DataFrame(schema=K3_SCHEMA)
    return (
        pl.concat(results)
        .group_by("kommune_kode", "maaned")
        .agg(pl.col("k3_population", "k3_progression").sum())
        .sort("kommune_kode", "maaned")
    )
