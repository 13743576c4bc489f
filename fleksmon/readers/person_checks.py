"""Checks of a person-level extract that need several rows: repeated rows
and what needs a person's whole history (overlapping spells, two kommuner in a
month, more than 744 hours in a month, months given twice).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.readers.person_cells import MAX_MONTH_HOURS_CENT
from fleksmon.readers.person_columns import ROW, fail, first_row

REPEATS_SCHEMA = {ROW: pl.Int64, "_twin": pl.Int64, "person": pl.UInt64}
"""What :func:`repeated_rows` returns: a repeated row, its first twin, the person."""


def repeated_rows(frame: pl.DataFrame, keys: Sequence[str] = ()) -> pl.DataFrame:
    """The rows of ``frame`` identical to an earlier row (``_twin``: the first such row).

    ``frame`` must hold all rows of its persons (identical rows share the person);
    the repeats of person-disjoint parts of a file are concatenated for
    :func:`repeat_error`. A frame sorted by ``keys`` is searched only where a row's keys
    equal its neighbour's (identical rows are there, next to each other by key).
    """
    if keys:
        same = pl.all_horizontal(pl.col(k) == pl.col(k).shift(1) for k in keys).fill_null(False)
        frame = frame.filter(same | same.shift(-1).fill_null(False))
    data = [c for c in frame.columns if c != ROW]
    digest = frame.select(pl.struct(data).hash(seed=0)).to_series()
    ordered = digest.sort()  # sorting finds repeats faster than a hash table here
    repeated = ordered.filter(ordered == ordered.shift(1)).unique()
    if repeated.is_empty():
        return pl.DataFrame(schema=REPEATS_SCHEMA)
    return (
        frame.select(ROW, pl.col("person").cast(pl.UInt64))
        .with_columns(digest.alias("_h"))
        .filter(pl.col("_h").is_in(repeated.implode()))
        .with_columns(pl.col(ROW).min().over("_h").alias("_twin"))
        .filter(pl.col("_twin") < pl.col(ROW))
        .select(ROW, "_twin", "person")
    )


MIN_BLOCK = 3
"""The fewest consecutive rows that make a repeated block (see :func:`repeat_error`)."""


def repeat_error(
    source: str, kind: str, repeats: pl.DataFrame, ids: list[str]
) -> FleksmonError | None:
    """The error for rows repeated where no extract can hold them twice, or ``None``.

    Two identical rows are legitimate in an hours panel without employer or line
    ids (two employers paying the same hours in one month: they are summed), and
    harmless in benefit months (counted once). Refused are: a block of at least
    :data:`MIN_BLOCK` consecutive rows covering two persons or more that repeats an
    earlier block row by row (the extract, or a part of it, exported twice; two
    consecutive rows do repeat by chance in a large panel, e.g. second employers'
    zero-hour rows); with an employer or line id column (``ids``), any row
    identical to an earlier one; and a spell given twice.
    """
    if repeats.is_empty():
        return None
    ordered = repeats.sort(ROW)
    row, twin = pl.col(ROW), pl.col("_twin")
    chained = (row.shift(1) == row - 1) & (twin.shift(1) == twin - 1)
    blocks = (
        ordered.with_columns((~chained.fill_null(False)).cum_sum().alias("_run"))
        .group_by("_run")
        .agg(
            row.min().alias("first"),
            row.max().alias("last"),
            twin.min().alias("from"),
            twin.max().alias("to"),
            pl.col("person").n_unique().alias("persons"),
        )
        .filter((pl.col("persons") >= 2) & (pl.col("last") - pl.col("first") + 1 >= MIN_BLOCK))
        .sort("first")
    )
    if blocks.height:
        b = blocks.row(0, named=True)
        return FleksmonError(
            f"{source}: rows {b['first']}–{b['last']} repeat rows {b['from']}–{b['to']} "
            "exactly: the extract, or a part of it, was exported twice",
            "export it again, or delete the repeated rows (if they are a second employer's, "
            "add the employer column, e.g. cvr)",
        )
    later, earlier = (int(v) for v in ordered.select(ROW, "_twin").row(0))
    if ids:
        what = "employer" if "employer" in ids else "line id"
        return FleksmonError(
            f"{source}: row {later} repeats row {earlier} exactly, {what} included",
            "delete the repeated row: one employer's row for a person and month is given once",
        )
    if kind == "ly-forloeb":
        return fail(source, later, "start", f"the same spell as row {earlier}", "delete it")
    return None


HOURS_COLUMN = {"fleksjob-timer": "timer_cent", "ressourceforloeb": "loentimer_cent"}
"""The hours column of the kinds that have one."""

_HISTORY: tuple[tuple[str, str, str, str], ...] = (
    ("backwards", "slut", "the spell ends before it starts", "correct start or slut"),
    (
        "marking_backwards",
        "til",
        "the marking ends (til) before it begins (fra)",
        "correct fra or til (a month in til means its last day)",
    ),
    (
        "overlap",
        "start",
        "the spell overlaps another spell of the same person",
        "merge or correct the person's spells (a running spell must be the last one)",
    ),
    (
        "two_kommuner",
        "kommune",
        "the person is in two kommuner in the same month",
        "give each person one kommune a month",
    ),
    (
        "over_744",
        "timer",
        "the person's rows of this month add up to more than 744 hours",
        "check for duplicated rows",
    ),
)
"""The checks that need a person's whole history, in the order they are reported."""


def history_problems(
    frame: pl.DataFrame, kind: str, *, ordered: bool = False
) -> tuple[dict[str, int], int]:
    """The first offending row (``ROW``) of each person-history check that fails in
    ``frame``, and the number of person-months given more than once (``ly-maaneder``).

    ``frame`` must hold all rows of its persons (``ordered``: already sorted by person,
    month, kommune and row, as a staged part is; the checks then run on shifts, without
    a group-by); the checks of person-disjoint parts combine by taking each check's
    smallest row.
    """
    found: dict[str, int] = {}
    if kind == "persongruppe":
        backwards = (frame.get_column("til") < frame.get_column("fra")).fill_null(False)
        if backwards.any():
            found["marking_backwards"] = first_row(frame, backwards)
        return found, 0
    if kind == "ly-forloeb":
        backwards = (frame.get_column("slut") < frame.get_column("start")).fill_null(False)
        if backwards.any():
            found["backwards"] = first_row(frame, backwards)
        spells = frame.sort("person", "start", "slut", nulls_last=True)
        prev_end = pl.col("slut").shift(1)
        overlap = spells.filter(
            (pl.col("person") == pl.col("person").shift(1))
            & (prev_end.is_null() | (pl.col("start") <= prev_end))
        )
        if overlap.height:
            found["overlap"] = int(overlap.get_column(ROW).min())  # type: ignore[arg-type]
        return found, 0
    hours = HOURS_COLUMN.get(kind)
    if not ordered:
        frame = frame.sort("person", "maaned", "kommune_kode", ROW)
    person, month, kommune = pl.col("person"), pl.col("maaned"), pl.col("kommune_kode")
    same = ((person == person.shift(1)) & (month == month.shift(1))).fill_null(False)
    flags = [
        (~same).cum_sum().alias("_run"),
        (same & (kommune != kommune.shift(1))).alias("_two"),
        (same & ~same.shift(1).fill_null(False)).alias("_repeat"),
    ]
    if hours is not None:
        before = pl.when(~same).then(pl.col(hours).cum_sum() - pl.col(hours)).forward_fill()
        last = ~same.shift(-1).fill_null(False)
        total = pl.col(hours).cum_sum() - before
        flags.append((last & (total > MAX_MONTH_HOURS_CENT)).alias("_absurd"))
    marked = frame.select(ROW, *flags)
    checks = [("two_kommuner", "_two")] + ([("over_744", "_absurd")] if hours is not None else [])
    for name, flag in checks:
        runs = marked.filter(pl.col(flag)).get_column("_run")
        if runs.len():
            rows = marked.filter(pl.col("_run").is_in(runs.implode())).get_column(ROW)
            found[name] = int(rows.min())  # type: ignore[arg-type]
    if hours is not None:
        return found, 0
    return found, int(marked.get_column("_repeat").sum())


def history_error(source: str, kind: str, found: dict[str, int]) -> FleksmonError | None:
    """The error for the first failed person-history check (see :func:`history_problems`)."""
    for name, column, what, fix in _HISTORY:
        if name in found:
            shown = HOURS_COLUMN[kind].removesuffix("_cent") if name == "over_744" else column
            return fail(source, found[name], shown, what, fix)
    return None


def duplicates_warning(dupes: int) -> list[str]:
    """The warning for person-months given more than once (counted once)."""
    return [f"{dupes} person-months appeared more than once and were counted once"] if dupes else []
