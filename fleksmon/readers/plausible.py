"""Plausibility of an aggregated extract: what no real download can hold is refused.

Every built-in measure is a count (of persons, full-time persons or spells):
never negative, never a share, never more than Denmark's people. Columns kept
from a known table (``y08a02.…``) are counts too, except share columns (never
checked as counts) and change columns (``Ændring …``, which may be negative).
Within one file a criterion's hits are part of its population. Each check
names the first offending row.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from fleksmon.criteria import CRITERIA
from fleksmon.errors import FleksmonError, shown
from fleksmon.measure_ids import is_derived, is_share_measure
from fleksmon.numbers import (
    ENGLISH_THOUSANDS,
    THOUSANDS_DOT,
    decimal_comma_expr,
    decimal_point_expr,
    format_int,
    not_thousands,
    number_body,
    undecided_dot_expr,
)
from fleksmon.periods import Period, month_index, month_of_date

COUNT_LIMIT = 10_000_000
"""No count can exceed this (Denmark has about six million people)."""
FIRST_MONTH = month_index(2000, 1)
MONTHS_AHEAD = 12

_CHANGE_WORDS = frozenset({"aendring", "udvikling", "forskel", "difference", "change"})
_THREE_DECIMALS_CELL = r"^[+-]?[1-9]\d{0,2},\d{3}0$"
"""A number cell (Excel, JSON) with exactly three decimals (see ``formats.sheet.exact_text``)."""
_FEW_DECIMALS = r",(\d?[1-9]|[1-9]\d)$"
_NUMBER_FIX = (
    "Write thousands with a dot (1.227) and decimals with a comma (83,5), as Jobindsats does"
)


def _clean(raw: pl.Expr) -> pl.Expr:
    return raw.fill_null("").str.replace_all("[\u00a0\u2009\u202f]", " ").str.strip_chars()


def _words(measure: str) -> set[str]:
    """The words of a derived id's label part (``y01a02.aendring_i_antal`` → aendring, i, antal)."""
    return set(measure.partition(".")[2].split("_"))


def check_values(frame: pl.DataFrame, name: str) -> None:
    """Refuse shares, non-finite, negative, huge and ambiguous numbers in count columns.

    ``frame`` has ``line``, ``column``, ``measure``, ``raw``, ``value`` and ``pct``.
    """
    raw = _clean(pl.col("raw"))
    body = number_body(pl.col("raw"))
    english = body.str.contains(ENGLISH_THOUSANDS)
    commas = frame.filter(decimal_comma_expr(pl.col("raw"))).sort("line")
    danish = commas.height > 0
    point = frame.select(decimal_point_expr(pl.col("raw")).any()).item()
    three = raw.str.contains(_THREE_DECIMALS_CELL)
    thousands = frame.filter(body.str.contains(THOUSANDS_DOT)).sort("line")
    fractions = frame.select(raw.str.contains(_FEW_DECIMALS).any()).item()
    value = pl.col("value")
    measures = frame.get_column("measure").unique().to_list()
    shares = [m for m in measures if m and is_share_measure(m)]
    changes = [m for m in measures if m and is_derived(m) and _CHANGE_WORDS & _words(m)]
    problem = (
        pl.when(undecided_dot_expr(pl.col("raw")) & pl.lit(danish or not point))
        .then(pl.lit("undecided"))
        .when(decimal_point_expr(pl.col("raw")) & pl.lit(thousands.height > 0))
        .then(pl.lit("dots"))
        .when(pl.col("measure").is_in(shares))
        .then(pl.when(value.is_nan() | value.is_infinite()).then(pl.lit("finite")))
        .when(pl.col("pct"))
        .then(pl.lit("share"))
        .when(value.is_nan() | value.is_infinite())
        .then(pl.lit("finite"))
        .when((value < 0) & ~pl.col("measure").is_in(changes))
        .then(pl.lit("negative"))
        .when(value > COUNT_LIMIT)
        .then(pl.lit("huge"))
        .when(english & pl.lit(not danish))
        .then(pl.lit("ambiguous"))
        .when(three & pl.lit(not fractions))
        .then(pl.lit("thousands-read"))
    )
    bad = frame.with_columns(_problem=problem).filter(pl.col("_problem").is_not_null())
    if bad.height == 0:
        return
    row = bad.sort("line", maintain_order=True).row(0, named=True)
    where = f"{name}, row {row['line']}, column {row['column']!r}: {shown(row['raw'])}"
    measure = row["measure"]
    kind = row["_problem"]
    if kind == "share":
        raise FleksmonError(
            f"{where} is a share, but {measure} is a count",
            "Download the counts (Antal …) instead of the shares",
        )
    if kind == "finite":
        raise FleksmonError(f"{where} is not a finite number", _NUMBER_FIX)
    if kind == "negative":
        raise FleksmonError(
            f"{where} is negative, but {measure} is a count",
            "Check the column (a change measure, 'Ændring', is not a count)",
        )
    if kind == "undecided":
        why = (
            f"the file writes decimals with a comma (row {commas['line'][0]}: "
            f"{shown(commas['raw'][0])})"
            if danish
            else "no number in the file has a decimal point"
        )
        raise FleksmonError(
            f"{where} is not a thousands number ({not_thousands(str(row['raw']))}), and "
            f"{why}, so it is not read as a decimal either",
            _NUMBER_FIX,
        )
    if kind == "dots":
        other = thousands.row(0, named=True)
        raise FleksmonError(
            f"{where} has a decimal point, but the file writes thousands with a dot "
            f"(row {other['line']}: {shown(other['raw'])}), so one of them is read wrong",
            _NUMBER_FIX,
        )
    if kind == "thousands-read":
        number = str(row["raw"])[:-1]
        raise FleksmonError(
            f"{name}, row {row['line']}, column {row['column']!r}: the number {number} has "
            f"exactly three decimals, but {measure} is a count and no other number in the file "
            f"has decimals: a thousands number ({number.replace(',', '.')}) read as a decimal "
            "when the file was opened in Excel",
            "Type the count as a whole number (or format the cells as text), or export the "
            "table again from Jobindsats",
        )
    if kind == "huge":
        raise FleksmonError(
            f"{where} is more than {format_int(COUNT_LIMIT)}, more people than Denmark has",
            "Check the column and the number format (1.227 is one thousand two hundred "
            "and twenty-seven)",
        )
    raise FleksmonError(
        f"{where} is ambiguous: no number in the file has a decimal comma, so it may be "
        "English thousands or a Danish decimal",
        _NUMBER_FIX,
    )


def check_period(period: Period, text: str) -> str | None:
    """Why a period cannot be one of these data (before 2000, or over a year ahead)."""
    latest = month_of_date(dt.date.today()) + MONTHS_AHEAD
    if period.start < FIRST_MONTH:
        return f"period {period.code()} (from {shown(text)}) is before 2000"
    if period.end > latest:
        return f"period {period.code()} (from {shown(text)}) is more than 12 months after today"
    return None


def check_hits(frame: pl.DataFrame, name: str) -> None:
    """Within one file, a criterion's hits never exceed its population (same area, period)."""
    keys = ["kommune", "fra", "til"]
    present = set(frame.get_column("maaling").unique().to_list())
    for crit in CRITERIA.values():
        needed = set(crit.hits) | set(crit.population)
        if not needed <= present:
            continue
        rows = frame.filter(pl.col("maaling").is_in(list(needed)))
        wide = rows.group_by(keys).agg(
            hits=pl.col("value").filter(pl.col("maaling").is_in(list(crit.hits))).sum(),
            population=pl.col("value").filter(pl.col("maaling").is_in(list(crit.population))).sum(),
            line=pl.col("line").filter(pl.col("maaling") == crit.hits[0]).min(),
            column=pl.col("column").filter(pl.col("maaling") == crit.hits[0]).first(),
            complete=pl.col("value").is_not_null().all(),
        )
        over = wide.filter(pl.col("complete") & (pl.col("hits") > pl.col("population")))
        if over.height:
            r = over.sort("line").row(0, named=True)
            hits = " + ".join(crit.hits)
            population = " + ".join(crit.population)
            raise FleksmonError(
                f"{name}, row {r['line']}, column {r['column']!r}: {crit.id} hits ({hits}, "
                f"{format_int(r['hits'])}) exceed the population ({population}, "
                f"{format_int(r['population'])}) for {r['kommune']} "
                f"{Period(r['fra'], r['til']).code()}: the hits are part of the population",
                "Check that each column holds the measure its header names",
            )
