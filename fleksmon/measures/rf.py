"""R1, R2 — ressourceforløb, from a monthly person-level panel (pure polars).

Input: a ``ressourceforloeb`` frame (``person``, ``kommune_kode``, ``maaned`` and
the month's flags, see :data:`fleksmon.schema.PERSON_KINDS`); a row is a month
in ressourceforløb. Rules (criteria.md, R1, R2):

- population (*målgruppe*) of a period: persons with a month in it, counted in
  the kommune of their last such month;
- a person is touched by a category when any month of the period has it:
  selvforsørget = beskæftigelsesgrad > 50, uddannelse = SU, fleksjob,
  ordinære løntimer = wage hours > 0, praktik/løntilskud;
- each person counts once, in the first category of the hierarchy
  (:data:`fleksmon.criteria.RF_CATEGORIES`) that touched them; R1 sums
  categories 1–5, R2 categories 1–4;
- indicators at a month *M*: spells (runs of consecutive months) running at *M*
  by duration, and among spells of 12 months or more those with no
  virksomhedsrettet indsats (praktik/løntilskud or wage hours > 0) in M−11..M.

Several rows of one person and month never count the person twice; should they
name different kommuner, the highest code is taken, so row order never matters.
Missing flags count as not touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from fleksmon import areas
from fleksmon.criteria import RF_CATEGORIES
from fleksmon.measures.parallel import collect_parts

SELVFORSOERGET_OVER = 50.0
"""Selvforsørget: beskæftigelsesgrad strictly above this (per cent)."""
LONG_MONTHS = 12
"""A spell of this many months or more is long (1 year)."""
OVER_2_MONTHS = 24
"""A spell of this many months or more has lasted over 2 years."""

TOUCHES: dict[str, pl.Expr] = {
    "rf_selvforsoerget": pl.col("beskaeftigelsesgrad") > SELVFORSOERGET_OVER,
    "rf_uddannelse": pl.col("su"),
    "rf_fleksjob": pl.col("fleksjob"),
    "rf_loentimer": pl.col("loentimer_cent") > 0,
    "rf_praktik_loentilskud": pl.col("praktik_loentilskud"),
}
"""Per row: does the month touch the category (keyed by measure id)."""

CATEGORY_IDS: tuple[str, ...] = tuple(measure for _, measure in RF_CATEGORIES)
"""Category measure ids in hierarchy order, first category first."""

VIRKSOMHEDSRETTET = (TOUCHES["rf_praktik_loentilskud"] | TOUCHES["rf_loentimer"]).fill_null(False)
"""Per row: virksomhedsrettet indsats (praktik/løntilskud or wage hours > 0)."""

RF_SCHEMA: dict[str, pl.DataType] = {
    "kommune_kode": pl.Int16(),
    "rf_maalgruppe": pl.Int64(),
    **{measure: pl.Int64() for measure in CATEGORY_IDS},
}
"""The columns of :func:`rf_counts`."""

RF_INDICATOR_SCHEMA: dict[str, pl.DataType] = {
    "kommune_kode": pl.Int16(),
    "rf_lange_forloeb": pl.Int64(),
    "rf_uden_indsats": pl.Int64(),
    "rf_under_1_aar": pl.Int64(),
    "rf_1_2_aar": pl.Int64(),
    "rf_over_2_aar": pl.Int64(),
}
"""The columns of :func:`rf_indicators`."""


def _category() -> pl.Expr:
    """The hierarchy position (1–5) of a person's first touched category, 0 for none."""
    category = pl.lit(0, pl.Int8)
    for position, measure in reversed(list(enumerate(CATEGORY_IDS, start=1))):
        category = pl.when(pl.col(measure)).then(pl.lit(position, pl.Int8)).otherwise(category)
    return category


def rf_counts(panel: pl.LazyFrame, start: int, end: int) -> pl.LazyFrame:
    """R1/R2 counts for the months ``start..end`` (inclusive) per ``kommune_kode``.

    ``rf_maalgruppe`` is the population; each category column counts the persons
    whose first touched category (in hierarchy order) it is. One row per kommune
    with a population, columns as :data:`RF_SCHEMA`, sorted by kommune.
    """
    month = pl.col("maaned")
    last_kommune = pl.col("kommune_kode").filter(month == month.max()).max()
    persons = (
        panel.filter(month.is_between(start, end))
        .group_by("person")
        .agg(
            last_kommune.alias("kommune_kode"),
            *[TOUCHES[m].fill_null(False).any().alias(m) for m in CATEGORY_IDS],
        )
        .with_columns(_category().alias("_category"))
    )
    return (
        persons.group_by("kommune_kode")
        .agg(
            pl.len().alias("rf_maalgruppe"),
            *[
                (pl.col("_category") == position).sum().alias(measure)
                for position, measure in enumerate(CATEGORY_IDS, start=1)
            ],
        )
        .select([pl.col(name).cast(dtype) for name, dtype in RF_SCHEMA.items()])
        .sort("kommune_kode")
    )


def rf_aggregate(counts: pl.LazyFrame, start: int, end: int) -> pl.LazyFrame:
    """Counts per ``kommune_kode`` (:func:`rf_counts`, :func:`rf_indicators`) as tidy
    aggregate rows (:data:`fleksmon.schema.AGGREGATE`).

    One row per kommune (by name) and count column, ``fra=start``, ``til=end``;
    codes that are no kommune are dropped.
    """
    names = pl.LazyFrame(
        [(int(k.code), k.name) for k in areas.kommuner() if k.code],
        schema={"kommune_kode": pl.Int16, "kommune": pl.String},
        orient="row",
    )
    return (
        counts.join(names, on="kommune_kode")
        .drop("kommune_kode")
        .unpivot(index="kommune", variable_name="maaling", value_name="vaerdi")
        .select(
            "kommune",
            pl.lit(start, pl.Int32).alias("fra"),
            pl.lit(end, pl.Int32).alias("til"),
            "maaling",
            pl.col("vaerdi").cast(pl.Float64),
        )
    )


def rf_indicators(panel: pl.LazyFrame, month: int, *, ordered_input: bool = False) -> pl.LazyFrame:
    """Spell indicators at ``month`` per ``kommune_kode`` (the person's kommune then).

    ``rf_lange_forloeb``: persons whose spell at the month has lasted ≥ 12 months;
    ``rf_uden_indsats``: of those, persons with no virksomhedsrettet indsats in
    any of their rows (any kommune) in the 12 months ending at the month;
    ``rf_under_1_aar``, ``rf_1_2_aar``, ``rf_over_2_aar``: running spells of
    1–11, 12–23 and 24+ months. Columns as :data:`RF_INDICATOR_SCHEMA`.
    ``ordered_input``: ``panel`` is sorted by person, month and kommune already (a
    store part), so it is not sorted again.

    One pass over the rows up to ``month``, sorted by person and month, with no join:
    a running count of indsats rows in the 12 months, less its value where the person's
    rows begin, tells at the person's last row whether there was one; the spell at the
    month starts at the last row where a month was skipped.
    """
    key, when = pl.col("person"), pl.col("maaned")
    rows = panel.filter(when <= month).select(
        "person",
        "maaned",
        "kommune_kode",
        _flag=(VIRKSOMHEDSRETTET & (when > month - LONG_MONTHS)).cast(pl.Int32),
    )
    if not ordered_input:
        rows = rows.sort("person", "maaned", "kommune_kode")
    new_person = (key != key.shift(1)).fill_null(True)
    running = pl.col("_flag").cum_sum()
    before = pl.when(new_person).then(running - pl.col("_flag")).forward_fill()
    last_of_month = ((key != key.shift(-1)) | (when != when.shift(-1))).fill_null(True)
    new_spell = ((key != key.shift(1)) | (when != when.shift(1) + 1)).fill_null(True)
    spell_first = pl.when(new_spell).then(when).forward_fill()
    length = pl.col("_months")
    long_spell = length >= LONG_MONTHS
    return (
        rows.with_columns(_indsats=running > before, _last=last_of_month)
        .filter(pl.col("_last"))
        .with_columns(_months=when - spell_first + 1)
        .filter(when == month)
        .group_by("kommune_kode")
        .agg(
            long_spell.sum().alias("rf_lange_forloeb"),
            (long_spell & ~pl.col("_indsats")).sum().alias("rf_uden_indsats"),
            (length < LONG_MONTHS).sum().alias("rf_under_1_aar"),
            (long_spell & (length < OVER_2_MONTHS)).sum().alias("rf_1_2_aar"),
            (length >= OVER_2_MONTHS).sum().alias("rf_over_2_aar"),
        )
        .select([pl.col(name).cast(dtype) for name, dtype in RF_INDICATOR_SCHEMA.items()])
        .sort("kommune_kode")
    )


def rf_period_counts(
    parts: Iterable[pl.LazyFrame], periods: Sequence[tuple[int, int]], *, ordered: bool = False
) -> list[pl.DataFrame]:
    """:func:`rf_counts` with :func:`rf_indicators` at the period's last month, for each
    period ``(start, end)``, summed over person-disjoint parts of a panel.

    One frame per period: ``kommune_kode`` and the columns of :data:`RF_SCHEMA` and
    :data:`RF_INDICATOR_SCHEMA` (zero where a kommune has none). Each part is read
    once for every period (one plan), parts side by side (:func:`collect_parts`).
    ``ordered``: every part is sorted by person, month and kommune already.
    """

    def plan(part: pl.LazyFrame) -> pl.LazyFrame:
        return pl.concat(
            [
                rf_counts(part, start, end)
                .join(
                    rf_indicators(part, end, ordered_input=ordered),
                    on="kommune_kode",
                    how="full",
                    coalesce=True,
                )
                .with_columns(pl.lit(i, pl.Int32).alias("_period"))
                for i, (start, end) in enumerate(periods)
            ],
            how="diagonal",
        )

    found = list(collect_parts(plan(part) for part in parts))
    columns = [*RF_SCHEMA, *list(RF_INDICATOR_SCHEMA)[1:]]
    every = (
        pl.concat(found, how="diagonal").fill_null(0)
        if found
        else pl.DataFrame(schema={**RF_SCHEMA, **RF_INDICATOR_SCHEMA, "_period": pl.Int32})
    )
    summed = every.group_by("_period", "kommune_kode").agg(pl.col(columns[1:]).sum())
    return [
        summed.filter(pl.col("_period") == i).select(columns).sort("kommune_kode")
        for i in range(len(periods))
    ]
