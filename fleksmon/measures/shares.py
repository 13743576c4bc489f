"""Shares, windows, areas and gaps from aggregated counts, for any declared criterion.

The pipeline is ``counts → fill_areas → windows → shares``; every step takes
and returns a LazyFrame keyed by ``kommune`` (area name) and ``maaned`` (the
month index; for windows, the window's last month).
"""

from __future__ import annotations

import polars as pl

from fleksmon import areas, periods
from fleksmon.criteria import CRITERIA, Criterion
from fleksmon.errors import FleksmonError

VALUE_COLUMNS = ("population", "hits")
SHARE_BASE = 100.0
"""The stand-in population of a measure read from share columns (percent)."""


def extra_columns(crit: Criterion) -> list[str]:
    """Names of the criterion's extra count columns (e.g. K2's ``crossings``)."""
    return [name for name, _ in crit.counts]


def _all_or_null(exprs: list[pl.Expr]) -> pl.Expr:
    """Sum of expressions, null if any is null (a suppressed part makes the whole unknown)."""
    total = exprs[0]
    for e in exprs[1:]:
        total = total + e
    return total


def series_kind(tidy: pl.LazyFrame, crit: Criterion) -> str:
    """The kind of periods (:data:`~fleksmon.periods.PERIOD_KINDS`) a criterion is
    followed over: months for a built-in criterion; for an own measure the kind of series
    its stored values form (:func:`~fleksmon.periods.series_kind`: months where there
    are months; a table published only as moving annual totals, such as Y30R21, is
    followed over those)."""
    if crit.id in CRITERIA or crit.window != 1:
        return "month"
    spans = (
        tidy.filter(pl.col("maaling").is_in(list(crit.measures)))
        .select("fra", "til")
        .unique()
        .collect()
    )
    return periods.series_kind(list(spans.iter_rows()))


def of_kind(tidy: pl.LazyFrame, kind: str) -> pl.LazyFrame:
    """The rows whose period belongs to a series of ``kind``
    (:func:`~fleksmon.periods.in_series`)."""
    if kind == "month":
        return tidy.filter(pl.col("fra") == pl.col("til"))
    spans = tidy.select("fra", "til").unique().collect()
    keep = [(a, b) for a, b in spans.iter_rows() if periods.in_series(kind, a, b)]
    wanted = pl.LazyFrame(keep, schema={"fra": pl.Int32, "til": pl.Int32}, orient="row")
    return tidy.join(wanted, on=["fra", "til"], how="semi")


def counts(
    tidy: pl.LazyFrame,
    crit: Criterion,
    period: tuple[int, int] | None = None,
    kind: str = "month",
) -> pl.LazyFrame:
    """Population, hits and extras per area and month from tidy aggregate rows.

    The rows of periods of ``kind`` are used (monthly rows, ``fra == til``, unless an own
    measure follows another kind), keyed by their last month; with ``period`` given,
    rows covering exactly that period instead (R1/R2 take a whole period).
    """
    if period is None:
        rows = of_kind(tidy, kind)
    else:
        rows = tidy.filter((pl.col("fra") == period[0]) & (pl.col("til") == period[1]))
    rows = rows.filter(pl.col("maaling").is_in(list(crit.measures)))
    share_measures = list(dict.fromkeys(crit.population + crit.hits))
    wide = rows.group_by("kommune", pl.col("til").alias("maaned")).agg(
        *[pl.col("vaerdi").filter(pl.col("maaling") == m).first().alias(m) for m in crit.measures],
        pl.col("vaerdi")
        .filter(pl.col("maaling").is_in(share_measures))
        .is_null()
        .any()
        .alias("missing"),
    )
    if crit.share:
        # A share read from share columns (percent): population 100, hits the share, so
        # that every rule below applies; :func:`shares` drops these stand-in counts.
        total = _all_or_null([pl.col(m) for m in crit.share])
        return wide.select(
            "kommune",
            "maaned",
            pl.when(total.is_not_null()).then(pl.lit(SHARE_BASE)).alias("population"),
            total.alias("hits"),
        )
    return wide.select(
        "kommune",
        "maaned",
        _all_or_null([pl.col(m) for m in crit.population]).alias("population"),
        _all_or_null([pl.col(m) for m in crit.hits]).alias("hits"),
        *[pl.col(m).alias(name) for name, m in crit.counts],
        "missing",
    )


def non_monthly(tidy: pl.LazyFrame, crit: Criterion) -> tuple[str, int, int] | None:
    """The first (measure, fra, til) of the criterion's values that cover more than one
    month (a quarter or a year), or ``None``: a monthly criterion cannot use them."""
    rows = (
        tidy.filter(pl.col("maaling").is_in(list(crit.measures)) & (pl.col("fra") != pl.col("til")))
        .select("maaling", "fra", "til")
        .sort("fra", "til", "maaling")
        .head(1)
        .collect()
    )
    if rows.is_empty():
        return None
    measure, fra, til = rows.row(0)
    return str(measure), int(fra), int(til)


def _membership() -> pl.LazyFrame:
    rows = [
        (area.name, member.name)
        for area in areas.all_areas()
        if area.kind != "kommune"
        for member in areas.members(area)
    ]
    return pl.LazyFrame(rows, schema={"area": pl.String, "kommune": pl.String}, orient="row")


def _member_counts() -> pl.LazyFrame:
    rows = [(a.name, len(areas.members(a))) for a in areas.all_areas() if a.kind != "kommune"]
    return pl.LazyFrame(rows, schema={"area": pl.String, "n_members": pl.Int64}, orient="row")


def fill_areas(
    monthly: pl.LazyFrame, value_columns: list[str], *, summable: bool = True
) -> pl.LazyFrame:
    """Add region and Hele landet rows summed from kommuner where the input lacks them.

    Rows given in the input are kept as given. A summed area's values are null
    unless every one of its kommuner has a value that month; ``complete`` says
    whether the row is usable, ``kommuner_present`` how many kommuner it had,
    ``covered`` whether every kommune is in the data (with or without a value) and
    ``missing_members`` which of its kommuner are in the data with a value missing
    (``missing``, from :func:`counts`; false when not given) — the area is then
    unknown, never summed as if it were 0.
    Shares (``summable=False``) are never summed: only the given rows are kept.
    """
    if "missing" not in monthly.collect_schema().names():
        monthly = monthly.with_columns(pl.lit(False).alias("missing"))
    given = monthly.with_columns(
        pl.lit(True).alias("complete"),
        pl.lit(None, pl.Int64).alias("kommuner_present"),
        pl.lit([], pl.List(pl.String)).alias("missing_members"),
        pl.lit(True).alias("covered"),
    )
    if not summable:
        return given
    kommune_rows = monthly.join(_membership(), on="kommune", how="inner")
    summed = (
        kommune_rows.group_by("area", "maaned")
        .agg(
            pl.col("population").is_not_null().sum().alias("kommuner_present"),
            pl.col("kommune").filter(pl.col("missing")).sort().alias("missing_members"),
            pl.col("missing").any().alias("missing"),
            pl.len().alias("_in_data"),
            *[
                pl.when(pl.col(c).null_count() == 0).then(pl.col(c).sum()).alias(c)
                for c in value_columns
            ],
        )
        .join(_member_counts(), on="area")
        .with_columns(
            (pl.col("kommuner_present") == pl.col("n_members")).alias("complete"),
            (pl.col("_in_data") == pl.col("n_members")).alias("covered"),
        )
        .with_columns([pl.when(pl.col("complete")).then(pl.col(c)).alias(c) for c in value_columns])
        .rename({"area": "kommune"})
        .join(monthly.select("kommune", "maaned"), on=["kommune", "maaned"], how="anti")
        .select(given.collect_schema().names())
    )
    return pl.concat([given, summed], how="vertical_relaxed")


def windows(
    monthly: pl.LazyFrame, size: int, value_columns: list[str], key: str = "kommune"
) -> pl.LazyFrame:
    """Rolling sums over ``size`` consecutive months per ``key``, keyed by the window's
    last month (``maaned``). A window with a month missing or suppressed has null values.

    This is the one definition of K2's rolling windows; ``complete``,
    ``kommuner_present``, ``missing`` and ``missing_members`` (from :func:`counts`
    and :func:`fill_areas`) are carried when present.
    """
    if size <= 1:
        return monthly
    shifted = pl.concat(
        [monthly.with_columns(pl.col("maaned") + k) for k in range(size)], how="vertical_relaxed"
    )
    carried = [
        expr
        for name, expr in (
            ("complete", pl.col("complete").all()),
            ("kommuner_present", pl.col("kommuner_present").min()),
            ("covered", pl.col("covered").all()),
            ("missing", pl.col("missing").any()),
            ("missing_members", pl.col("missing_members").explode().drop_nulls().unique().sort()),
        )
        if name in monthly.collect_schema().names()
    ]
    return shifted.group_by(key, "maaned").agg(
        *[
            pl.when((pl.len() == size) & (pl.col(c).null_count() == 0))
            .then(pl.col(c).sum())
            .alias(c)
            for c in value_columns
        ],
        *carried,
        (pl.len() == size).alias("window_complete"),
    )


COUNT_UNITS = 10_000
"""Counts are compared in integer ten-thousandths of a person (full-time persons carry
two decimals), so sums over areas and months never depend on binary float noise."""
TARGET_UNITS = 100
"""Targets are compared in integer hundredths of a percent."""


def _units(value: pl.Expr) -> pl.Expr:
    """A (possibly float-summed) count as an exact integer number of ``COUNT_UNITS``."""
    return (value * COUNT_UNITS).round(0).cast(pl.Int64)


def _from_units(units: pl.Expr) -> pl.Expr:
    """An exact number of ``COUNT_UNITS`` as the float nearest to it: ``29000`` is 2.9, as
    written in the file. (A float division by a constant is done as a multiplication by
    its reciprocal in a lazy plan, which gives 2.9000000000000004; a decimal does not.)"""
    scale = pl.Decimal(38, 4)
    return (units.cast(scale) / pl.lit(COUNT_UNITS).cast(scale)).cast(pl.Float64)


def _target_units(cid: str, target_pct: float) -> int:
    """A target in percent as an exact integer number of ``TARGET_UNITS``."""
    scaled = target_pct * TARGET_UNITS
    if abs(scaled - round(scaled)) > 1e-6:
        raise FleksmonError(
            f"{cid}: target {target_pct:g} % has more than two decimals",
            "give the target in percent with at most two decimals",
        )
    return round(scaled)


def _div_half_away(num: pl.Expr, den: int) -> pl.Expr:
    """``num / den`` rounded half away from zero, in exact integer arithmetic."""
    return num.sign() * ((2 * num.abs() + den) // (2 * den))


def shares(frame: pl.LazyFrame, crit: Criterion) -> pl.LazyFrame:
    """Share, target, met, %-point and persons gap, by the criterion's direction.

    ``share = hits/population``; for a target *t* not met,
    ``gap_pp = 100·(t − share)`` and ``gap_persons = round(t·N − P)`` (half away
    from zero); the reverse for lower-is-better. Population 0 gives no share.
    A kommune with a target of its own (``crit.kommune_targets``) is measured
    against that target. Everything is decided on exact counts (integer
    ``COUNT_UNITS``): ``met`` is an integer comparison (F = 8,1 and L = 0,9 is exactly
    90 %), ``gap_persons`` an integer rounding, and ``share_pct`` and ``gap_pp`` are each
    one division of exact integers, so a tie such as 24,25 % is the float nearest to it,
    never 24,2499…. A measure read from share columns has no persons gap (its
    population and hits are stand-ins, see :func:`counts`).
    """
    extras = [name for name in extra_columns(crit) if name in frame.collect_schema().names()]
    exact = frame.with_columns(
        [_units(pl.col(c)).alias(f"_{c}") for c in [*VALUE_COLUMNS, *extras]]
    )
    n, p = pl.col("_population"), pl.col("_hits")
    t: pl.Expr = pl.lit(_target_units(crit.id, crit.target_pct), dtype=pl.Int64)
    if crit.kommune_targets:
        own = {k: _target_units(crit.id, pct) for k, pct in crit.kommune_targets}
        t = pl.col("kommune").replace_strict(
            list(own), list(own.values()), default=t, return_dtype=pl.Int64
        )
    has_share = n.is_not_null() & p.is_not_null() & (n > 0)
    share = pl.when(has_share).then((100 * p).cast(pl.Float64) / n.cast(pl.Float64))
    if crit.share:
        share = pl.when(has_share).then(_from_units(p))
    # excess = (t·N − P) in units of 1/(100·TARGET_UNITS·COUNT_UNITS) persons.
    excess = t * n - 100 * TARGET_UNITS * p
    if crit.direction == "lower":
        excess = -excess
    return (
        exact.with_columns(
            share.alias("share_pct"),
            (t.cast(pl.Float64) / TARGET_UNITS).alias("target_pct"),
            pl.when(has_share).then(excess <= 0).alias("met"),
            *[_from_units(pl.col(f"_{c}")).alias(c) for c in [*VALUE_COLUMNS, *extras]],
        )
        .with_columns(
            pl.when(pl.col("met").not_())
            .then(excess.cast(pl.Float64) / (TARGET_UNITS * n).cast(pl.Float64))
            .alias("gap_pp"),
            pl.when(pl.col("met").not_())
            .then(_div_half_away(excess, 100 * TARGET_UNITS * COUNT_UNITS))
            .alias("gap_persons"),
        )
        .drop([f"_{c}" for c in [*VALUE_COLUMNS, *extras]])
        .with_columns([pl.lit(None, pl.Int64).alias("gap_persons")] if crit.share else [])
    )


def series(
    tidy: pl.LazyFrame, crit: Criterion, period: tuple[int, int] | None = None
) -> pl.LazyFrame:
    """The criterion's full series: every area (filled) and month (or window, or period of
    the kind an own measure follows, :func:`series_kind`), with gaps."""
    values = [*VALUE_COLUMNS, *extra_columns(crit)]
    kind = series_kind(tidy, crit) if period is None else "month"
    monthly = fill_areas(counts(tidy, crit, period, kind), values, summable=not crit.share)
    size = crit.window if period is None else 1
    return shares(windows(monthly, size, values), crit)


def top10_mean(frame: pl.LazyFrame, crit: Criterion, n: int = 10) -> pl.LazyFrame:
    """Plain mean share of the ``n`` best kommuner each month (nøgletal's "top 10").

    Best is the highest share, or the lowest for a lower-is-better measure;
    kommuner without a share that month are left out. ``kommuner_n`` is how many
    kommuner had a share, ``top10_n`` how many were averaged; with fewer than ``n``
    kommuner there is no top-10 value (``top10_pct`` is null).
    """
    kommune_names = [k.name for k in areas.kommuner()]
    ranked = frame.filter(
        pl.col("kommune").is_in(kommune_names) & pl.col("share_pct").is_not_null()
    ).with_columns(
        pl.col("share_pct")
        .rank("ordinal", descending=crit.direction != "lower")
        .over("maaned")
        .alias("_rank"),
        pl.len().over("maaned").alias("kommuner_n"),
    )
    return (
        ranked.filter(pl.col("_rank") <= n)
        .group_by("maaned")
        .agg(
            pl.col("share_pct").mean().alias("top10_pct"),
            pl.len().alias("top10_n"),
            pl.col("kommuner_n").first().cast(pl.Int64),
        )
        .with_columns(pl.when(pl.col("top10_n") == n).then(pl.col("top10_pct")).alias("top10_pct"))
        .sort("maaned")
    )
