"""Which period kinds a computation accepts: one line naming the kind it needs.

K1–K3 follow months, R1/R2 count a month, a quarter or a year, the Jobcenteroverblik
needs quarters (see the kinds in :mod:`fleksmon.periods`); own measures follow the kind
their data has (:func:`fleksmon.measures.shares.series_kind`).
"""

from __future__ import annotations

import polars as pl

from fleksmon.criteria import Criterion
from fleksmon.errors import FleksmonError
from fleksmon.measures import overblik, shares
from fleksmon.periods import PERIOD_KINDS, span_code, span_kind


def refuse_non_monthly(crit: Criterion, tidy: pl.LazyFrame) -> None:
    """A monthly criterion never spreads a quarter's or a year's value over its months."""
    found = shares.non_monthly(tidy, crit)
    if found is not None:
        measure, fra, til = found
        raise FleksmonError(
            f"{crit.id} needs monthly values, but the data holds {measure} for "
            f"{span_code(fra, til)} ({KIND_ONE[span_kind(fra, til)]})",
            "download the table by month (Periode: måned) and ingest it again",
        )


KIND_ONE = {
    "month": "a month",
    "quarter": "a quarter",
    "year": "a year",
    "mat": "a moving annual total",
    "ytd": "a year to date",
    "span": "more than one month",
}


def refuse_running_spans(crit: Criterion, whole: tuple[int, int]) -> None:
    """A whole-period criterion (R1/R2) counts a month, a quarter or a year, never a moving
    annual total or a year to date."""
    kind = span_kind(*whole)
    if kind in ("mat", "ytd"):
        raise FleksmonError(
            f"{crit.id} needs a month, a quarter or a year, but its period is "
            f"{span_code(*whole)} ({KIND_ONE[kind]})",
            "download the table by quarter or month and ingest it, or give --period",
        )


def refuse_other_spans(tidy: pl.LazyFrame, area: str) -> None:
    """The overblik needs quarters: say so when the area's data has other periods."""
    spans = overblik.other_spans(tidy, area)
    if spans:
        kinds = list(dict.fromkeys(PERIOD_KINDS[span_kind(*s)] for s in spans))
        raise FleksmonError(
            f"the Jobcenteroverblik needs quarters, but the data for {area} has "
            f"{' and '.join(kinds)} ({span_code(*spans[0])}..{span_code(*spans[-1])})",
            "download the table by quarter (Periode: kvartal, e.g. 2018Q2) and ingest it "
            "with --kind overblik",
        )
