"""The project group: K2, K3 and R1/R2 for the persons of a person group (pure polars).

Rules (criteria.md, "The project group"): a marking row (person, kommune, fra, til) marks
the person from ``fra`` to ``til`` (inclusive; ``til`` null: still marked), for the
kommune on its row only; a person's rows are united. The project period runs from the
first day of its start month to the last day of its end month (no end unless given);
only marking within it counts. With a person group selected:

- **K3** at *M* counts a person only if marked (in the kommune of *M*) at some time
  from the project start to the end of *M*, and only spells whose start month lies in
  the project period (:func:`k3_rows`);
- **K2** counts a spell only if the person was marked (in the spell's kommune) at some
  time from the later of the spell's start and the project start to the spell's end —
  for a running spell, the window's last day (:func:`k2_windows`);
- **R1/R2** count a person of the målgruppe only if marked (in the kommune the person
  counts in) at some time from the project start to the end of the period
  (:func:`keep_marked`).

"Marked at some time from day *a* to day *b*" is one test throughout: the first day
from *a* on that a marking row covers (:func:`_first_marked`) is on or before *b*.
Nothing here runs without a person group: the kernels call these hooks only when one
is selected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from fleksmon.periods import month_date

MARKING_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.UInt64(),
    "kommune_kode": pl.Int16(),
    "fra": pl.Date(),
    "til": pl.Date(),
}
"""The columns of a marking."""
MARKED = "_marked"
"""The month from which a person counts as marked (first marked day's month)."""


@dataclass(frozen=True, eq=False)
class Marking:
    """A person group's marking rows (:data:`MARKING_SCHEMA`) and project period (months;
    ``end`` ``None`` while the project runs)."""

    rows: pl.DataFrame
    start: int
    end: int | None = None

    @property
    def first_day(self) -> dt.date:
        """The project's first day."""
        return month_date(self.start)

    @property
    def last_day(self) -> dt.date | None:
        """The project's last day, or ``None`` while it runs."""
        return None if self.end is None else month_date(self.end + 1) - dt.timedelta(days=1)

    def persons(self) -> pl.LazyFrame:
        """The group's persons, each once (``person``)."""
        return self.rows.lazy().select("person").unique()

    def in_project(self) -> pl.LazyFrame:
        """The marking rows that reach into the project period."""
        rows = self.rows.lazy().filter(pl.col("til").is_null() | (pl.col("til") >= self.first_day))
        if self.last_day is not None:
            rows = rows.filter(pl.col("fra") <= self.last_day)
        return rows

    def spell_starts(self, month: pl.Expr) -> pl.Expr:
        """True where a spell's start ``month`` lies in the project period."""
        inside = month >= self.start
        return inside if self.end is None else inside & (month <= self.end)


def _month(day: pl.Expr) -> pl.Expr:
    return (day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1).cast(pl.Int32)


def marked_from(marking: Marking) -> pl.LazyFrame:
    """Per person and kommune, the month from which the person counts as marked within the
    project period (:data:`MARKED`): marked at some time from the project start to the
    end of month *M* exactly when ``M >= _marked``."""
    first = pl.max_horizontal(pl.col("fra"), pl.lit(marking.first_day))
    return (
        marking.in_project()
        .group_by("person", "kommune_kode")
        .agg(_month(first.min()).alias(MARKED))
    )


def k3_rows(rows: pl.LazyFrame, marking: Marking) -> pl.LazyFrame:
    """K3's person-months (``person``, ``kommune_kode``, ``maaned`` and the spell's first
    month ``_first``) of the group only: the spell started in the project period and the
    person marked in the month's kommune from the project start to the end of the month."""
    return (
        rows.filter(marking.spell_starts(pl.col("_first")))
        .join(marked_from(marking), on=["person", "kommune_kode"], how="inner")
        .filter(pl.col("maaned") >= pl.col(MARKED))
        .drop(MARKED)
    )


def group_persons(panel: pl.LazyFrame, marking: Marking) -> pl.LazyFrame:
    """The rows of ``panel`` (in their order) of the group's persons only: every measure
    is per person, so leaving the others out first changes nothing but the work."""
    return panel.join(marking.persons(), on="person", how="semi", maintain_order="left")


def keep_marked(persons: pl.LazyFrame, marking: Marking, end: int) -> pl.LazyFrame:
    """The rows of ``persons`` (``person``, ``kommune_kode``) marked in that kommune at some
    time from the project start to the end of month ``end`` (R1/R2, their indicators)."""
    return (
        persons.join(marked_from(marking), on=["person", "kommune_kode"], how="inner")
        .filter(pl.col(MARKED) <= end)
        .drop(MARKED)
    )


def _first_marked(spells: pl.LazyFrame, marking: Marking) -> pl.LazyFrame:
    """Each spell (``_spell``, with ``person``, ``kommune_kode``, ``start``) with ``_day``:
    the first day from the later of its start and the project start that a marking row of
    its kommune covers within the project period (spells never marked so are left out)."""
    low = pl.max_horizontal(pl.col("start"), pl.lit(marking.first_day))
    return (
        spells.select("_spell", "person", "kommune_kode", low.alias("_low"))
        .join(marking.in_project(), on=["person", "kommune_kode"], how="inner")
        .filter(pl.col("til").is_null() | (pl.col("til") >= pl.col("_low")))
        .group_by("_spell")
        .agg(pl.max_horizontal(pl.col("fra"), pl.col("_low")).min().alias("_day"))
    )


def k2_windows(
    spells: pl.LazyFrame, marking: Marking, first: int, last: int, width: int = 3
) -> pl.LazyFrame:
    """K2's window counts of the group, per ``kommune_kode`` and window end ``maaned``
    (``first..last``): columns as :func:`fleksmon.measures.k2.k2_windows` without the share.

    An ended spell counts (in every count) when the person was marked from the later of
    its start and the project start to its end; a running spell's crossing counts in a
    window when the person was marked from then to the window's last day. The ended
    spells' monthly counts are summed by the one window rule; the running spells'
    crossings are added per window.
    """
    from fleksmon.measures.k2 import COUNTS, k2_monthly
    from fleksmon.measures.k2 import k2_windows as windows

    numbered = spells.select("person", "kommune_kode", "start", "slut").with_row_index("_spell")
    found = numbered.join(_first_marked(numbered, marking), on="_spell", how="inner")
    limit = (
        pl.col("slut")
        if marking.last_day is None
        else pl.min_horizontal(pl.col("slut"), pl.lit(marking.last_day))
    )
    ended = found.filter(pl.col("slut").is_not_null() & (pl.col("_day") <= limit))
    counted = windows(k2_monthly(ended), first, last, width).drop("ly_share")
    running = found.filter(pl.col("slut").is_null())
    if marking.last_day is not None:
        running = running.filter(pl.col("_day") <= marking.last_day)
    crossing = _month(pl.col("start").dt.offset_by("6mo"))
    window = pl.int_ranges(pl.max_horizontal(crossing, _month(pl.col("_day"))), crossing + width)
    crossings = (
        running.select(pl.col("kommune_kode").cast(pl.Int16), window.alias("maaned"))
        .explode("maaned")
        .filter(pl.col("maaned").is_between(first, last))
        .group_by("kommune_kode", pl.col("maaned").cast(pl.Int32))
        .agg(pl.len().cast(pl.Int64).alias("_running"))
    )
    return (
        counted.join(crossings, on=["kommune_kode", "maaned"], how="full", coalesce=True)
        .with_columns(pl.col(c).fill_null(0) for c in (*COUNTS, "_running"))
        .with_columns(pl.col("ly_krydser_6m") + pl.col("_running"))
        .select("kommune_kode", "maaned", *COUNTS)
        .sort("kommune_kode", "maaned")
    )
