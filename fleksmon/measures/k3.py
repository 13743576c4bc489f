"""K3 — progression in small flexjobs, from a monthly hours panel (pure polars).

Input: a ``fleksjob-timer`` frame (``person``, ``kommune_kode``, ``maaned``,
``timer_cent``; hours in integer hundredths). The plan sorts once by person and
month (a store part is sorted already) and then works with shifts on the sorted
rows (no per-month loop, no window group-bys, no group-by by person), so the whole
monthly series of every kommune comes out of one lazy plan. Rules (criteria.md, K3):

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

import polars as pl

from fleksmon.measures.parallel import Engine, collect_parts

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
    last_of_month = ((key != key.shift(-1)) | (month != month.shift(-1))).fill_null(True)
    running = pl.col("timer_cent").cum_sum()
    return (
        ordered_rows.with_columns(_run=running, _last=last_of_month)
        .filter(pl.col("_last"))
        .select(
            "person",
            "kommune_kode",
            "maaned",
            timer_cent=pl.col("_run") - pl.col("_run").shift(1, fill_value=0),
        )
    )


def _with_spells(months: pl.LazyFrame) -> pl.LazyFrame:
    """Per person-month row: its position in its spell (``_pos``, 0 for the first month),
    the spell's start sum and start maximum (``_s``, ``_smax``) and the minimum of the
    last three months (``_lmin``, meaningful from the third month on).

    Every value is read off the sorted rows: a spell starts where the person changes or
    a month is skipped; its start row's index is carried forward, and the start sum and
    maximum are taken at that row (``gather``) from the next-three-months sums.
    """
    key = pl.col("person")
    month = pl.col("maaned")
    h = pl.col("timer_cent")
    new_spell = ((key != key.shift(1)) | (month != month.shift(1) + 1)).fill_null(True)
    idx = pl.int_range(pl.len(), dtype=pl.Int32)
    start = pl.col("_start")
    return (
        months.with_columns(_start=pl.when(new_spell).then(idx).forward_fill())
        .with_columns(
            _pos=idx - start,
            _s=(h + h.shift(-1, fill_value=0) + h.shift(-2, fill_value=0)).gather(start),
            _smax=pl.max_horizontal(h, h.shift(-1), h.shift(-2)).gather(start),
            _lmin=pl.min_horizontal(h, h.shift(1), h.shift(2)),
        )
        .drop("_start")
    )


_KEY_MONTHS = 1 << 15
"""K3 counts are grouped by one integer key, ``kommune_kode * 2**15 + maaned`` (months
up to year 2730 fit; one key groups faster than two)."""


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
    month = pl.col("maaned")
    pos = pl.col("_pos")
    in_population = (
        (pos >= MIN_MONTHS - 1)
        & (month - pos != first)  # the spell's first month: censored if the panel's first
        & pl.col("_s").is_between(S_MIN, S_END, closed="left")
    )
    key = pl.col("kommune_kode").cast(pl.Int32) * _KEY_MONTHS + month
    return (
        _with_spells(person_months(hours, ordered=ordered))
        .filter(in_population)
        .group_by(key.alias("_key"))
        .agg(
            k3_population=pl.len().cast(pl.Int64),
            k3_progression=(pl.col("_lmin") > pl.col("_smax")).sum().cast(pl.Int64),
        )
        .select(
            (pl.col("_key") // _KEY_MONTHS).cast(pl.Int16).alias("kommune_kode"),
            (pl.col("_key") % _KEY_MONTHS).cast(pl.Int32).alias("maaned"),
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
    block of persons, or a filter on a hash of ``person``). As many parts are
    computed at once as polars has threads (their shifts and running sums are
    sequential) and no more, which keeps peak memory flat for 100-million-row
    panels. ``ordered``: every part is sorted by person and month already.
    """
    plans = (k3_monthly(part, first_month=first_month, ordered=ordered) for part in parts)
    results = list(collect_parts(plans, engine))
    if not results:
        return pl.DataFrame(schema=K3_SCHEMA)
    return (
        pl.concat(results)
        .group_by("kommune_kode", "maaned")
        .agg(pl.col("k3_population", "k3_progression").sum())
        .sort("kommune_kode", "maaned")
    )
