"""The Jobcenteroverblik: an area's population 16–66 by labour-market status in a quarter.

Per status (see :mod:`fleksmon.statuses`): full-time persons, their share of the
population 16–66, the same share for Hele landet, and the change of both
against the same quarter a year before in %-point. Shares are computed from
counts; Hele landet is used as given, or summed from the kommuner only when all
98 have the figure. A figure the input lacks stays missing (printed ``-``).
"""

from __future__ import annotations

import polars as pl

from fleksmon import areas, statuses
from fleksmon.latest import is_quarter as is_quarter
from fleksmon.measures.shares import fill_areas
from fleksmon.periods import Period

RECORD_COLUMNS = (
    "kommune",
    "period",
    "previous_period",
    "status",
    "label",
    "fuldtidspersoner",
    "population",
    "share_pct",
    "land_share_pct",
    "change_pp",
    "land_change_pp",
)
"""One record per status (the population last): the JSON/CSV keys."""

_POP = "population"


def year_before(quarter: Period) -> Period:
    """The same quarter a year before."""
    return Period(quarter.start - 12, quarter.end - 12)


def overblik_rows(tidy: pl.LazyFrame) -> pl.LazyFrame:
    """The tidy rows the Jobcenteroverblik reads: a status or the population, per quarter."""
    measure = pl.col("maaling")
    return tidy.filter(
        (measure.str.starts_with(statuses.PREFIX) | (measure == statuses.POPULATION))
        & (pl.col("til") - pl.col("fra") == 2)
        & (pl.col("fra") % 3 == 0)
    )


def other_spans(tidy: pl.LazyFrame, area: str) -> list[tuple[int, int]]:
    """The spans (first, last month) other than quarters that ``area``'s status rows have:
    what to name when the overblik, which needs quarters, finds none."""
    measure = pl.col("maaling")
    found = tidy.filter(
        (measure.str.starts_with(statuses.PREFIX) | (measure == statuses.POPULATION))
        & (pl.col("kommune") == area)
        & ~((pl.col("til") - pl.col("fra") == 2) & (pl.col("fra") % 3 == 0))
    )
    return sorted(found.select("fra", "til").unique().collect().iter_rows())


def _share(count: pl.Expr, population: pl.Expr) -> pl.Expr:
    return pl.when(count.is_not_null() & (population > 0)).then(100.0 * count / population)


def overblik(tidy: pl.LazyFrame, area: str, quarter: Period) -> pl.DataFrame:
    """The Jobcenteroverblik of ``area`` (a resolved area name) for ``quarter``.

    One row per status found in the input for the area or Hele landet in either
    quarter, in the report's order, then the population row (its count only).
    """
    before = year_before(quarter)
    rows = overblik_rows(tidy).filter(pl.col("til").is_in([quarter.end, before.end]))
    measures = sorted(rows.select("maaling").unique().collect()["maaling"].to_list())
    columns = [_POP if m == statuses.POPULATION else m for m in measures]
    wide = rows.group_by("kommune", pl.col("til").alias("maaned")).agg(
        [
            pl.col("vaerdi").filter(pl.col("maaling") == m).first().alias(c)
            for m, c in zip(measures, columns, strict=True)
        ]
    )
    if _POP not in columns:
        wide = wide.with_columns(pl.lit(None, pl.Float64).alias(_POP))
        columns.append(_POP)
    filled = fill_areas(wide, columns).filter(pl.col("kommune").is_in([area, areas.HELE_LANDET]))
    long = filled.unpivot(
        index=["kommune", "maaned"], on=columns, variable_name="measure", value_name="value"
    )

    def pick(name: str, month: int) -> pl.Expr:
        where = (pl.col("kommune") == name) & (pl.col("maaned") == month)
        return pl.col("value").filter(where).first()

    values = long.group_by("measure").agg(
        pick(area, quarter.end).alias("n"),
        pick(area, before.end).alias("n0"),
        pick(areas.HELE_LANDET, quarter.end).alias("l"),
        pick(areas.HELE_LANDET, before.end).alias("l0"),
    )
    pops = values.filter(pl.col("measure") == _POP).select(
        pl.col("n").alias("p"), pl.col("n0").alias("p0"), pl.col("l").alias("lp"),
        pl.col("l0").alias("lp0"),
    )  # fmt: skip
    status = values.filter(
        (pl.col("measure") != _POP) & pl.any_horizontal(pl.col("n", "n0", "l", "l0").is_not_null())
    ).join(pops, how="cross")
    share, share0 = _share(pl.col("n"), pl.col("p")), _share(pl.col("n0"), pl.col("p0"))
    land, land0 = _share(pl.col("l"), pl.col("lp")), _share(pl.col("l0"), pl.col("lp0"))
    records = status.with_columns(
        pl.col("n").alias("fuldtidspersoner"),
        pl.col("p").alias("population"),
        share.alias("share_pct"),
        land.alias("land_share_pct"),
        (share - share0).alias("change_pp"),
        (land - land0).alias("land_change_pp"),
    )
    population_row = pops.select(
        pl.lit(statuses.POPULATION).alias("measure"),
        pl.col("p").alias("fuldtidspersoner"),
        pl.col("p").alias("population"),
    )
    out = pl.concat([records, population_row], how="diagonal_relaxed").collect()
    order = {m: statuses.order_of(m) for m in out["measure"].to_list()}
    return (
        out.with_columns(
            pl.lit(area).alias("kommune"),
            pl.lit(quarter.code()).alias("period"),
            pl.lit(before.code()).alias("previous_period"),
            pl.col("measure").str.strip_prefix(statuses.PREFIX).alias("status"),
            pl.col("measure")
            .replace_strict({m: statuses.label_of(m) for m in order}, return_dtype=pl.String)
            .alias("label"),
            pl.col("measure").replace_strict(order, return_dtype=pl.Int64).alias("_order"),
        )
        .sort("_order", "measure")
        .select(*RECORD_COLUMNS)
    )


def suppress(records: pl.DataFrame, n: int) -> pl.DataFrame:
    """The records with every count below ``n`` (the area's full-time persons in a
    status) hidden with the shares and changes built on it, and a ``suppressed``
    column (``--discretion``). The statuses are not parts of a total (a person can
    count in several), so hiding one reveals nothing else."""
    small = pl.col("fuldtidspersoner") < n
    hidden = ("fuldtidspersoner", "share_pct", "change_pp")
    return records.with_columns(
        *[pl.when(small).then(None).otherwise(pl.col(c)).alias(c) for c in hidden],
        small.fill_null(False).alias("suppressed"),
    )
