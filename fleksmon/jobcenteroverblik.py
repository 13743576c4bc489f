"""The Jobcenteroverblik of one area for a quarter (Figur 2 of the Nøgletal reports), from
the statuses stored by ``ingest --kind overblik`` (see :mod:`fleksmon.measures.overblik`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from fleksmon import period_checks, texts
from fleksmon.errors import FleksmonError
from fleksmon.measures import overblik
from fleksmon.periods import Period
from fleksmon.query import Query, QueryFields, make_query

if TYPE_CHECKING:
    from typing_extensions import Unpack


@dataclass
class Overblik:
    """A Jobcenteroverblik: one record per status for an area and quarter, and its notes."""

    area: str
    quarter: Period
    previous: Period
    records: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    query: Query = field(default_factory=Query)
    reasons: list[str] = field(default_factory=list)
    """The notes saying where figures are missing (CSV and JSON print them on stderr)."""


def jobcenteroverblik(query: Query | None = None, **selection: Unpack[QueryFields]) -> Overblik:
    """The Jobcenteroverblik of the query's one kommune (or region, Hele landet) for a quarter.

    The quarter is the query's period (a quarter), else the latest quarter the
    data has for the area. Reads the statuses stored by ``ingest --kind overblik``
    (see :mod:`fleksmon.measures.overblik`).
    """
    q = make_query(query, **selection)
    if q.source == "person":
        raise FleksmonError(
            "the Jobcenteroverblik is made from Jobindsats downloads, not person-level data",
            "use --source auto or --source aggregate",
        )
    names = q.areas()
    if len(names) != 1:
        raise FleksmonError(
            "the Jobcenteroverblik is made for one kommune",
            "give exactly one --kommune, e.g. --kommune Ballerup",
        )
    area = names[0]
    tidy, quarters = _overblik_data(q, area)
    if tidy is not None and not quarters:
        period_checks.refuse_other_spans(tidy, area)
    if tidy is None or not quarters:
        raise FleksmonError(
            f"no Jobcenteroverblik data for {area}",
            "ingest full-time persons by Ydelsesgrupper: 'fleksmon ingest FILE --kind overblik'",
        )
    quarter = q.period if q.period is not None else Period(*quarters[-1])
    if not overblik.is_quarter(quarter):
        raise FleksmonError(
            f"--period {quarter.code()} is not a quarter", "give a quarter, e.g. --period 2018K2"
        )
    if (quarter.start, quarter.end) not in quarters:
        have = ", ".join(texts.quarter(Period(*qr)) for qr in quarters)
        raise FleksmonError(
            f"no Jobcenteroverblik data for {area} in {texts.quarter(quarter)}",
            f"the data has {have}",
        )
    records = overblik.overblik(tidy, area, quarter)
    reasons = _overblik_notes(records, area, overblik.year_before(quarter))
    records = records.with_columns(
        pl.lit(" ".join(reasons) or None, pl.String).alias("note"),
        pl.lit(q.as_of.isoformat() if q.as_of else None, pl.String).alias("as_of"),
    )
    notes = list(reasons)
    if q.as_of is not None:
        notes.append(texts.as_of_note(q.as_of))
    if q.discretion:
        records = overblik.suppress(records, q.discretion)
        notes.append(texts.message("discretion", n=q.discretion))
    before = overblik.year_before(quarter)
    return Overblik(area, quarter, before, records, notes, q, reasons)


def _overblik_data(q: Query, area: str) -> tuple[pl.LazyFrame | None, list[tuple[int, int]]]:
    """The query's aggregate rows and the quarters (first, last month) they hold for ``area``."""
    tidy = q.frame.lazy() if q.frame is not None else q.data_store().scan("aggregate", q.as_of)
    if tidy is None:
        return None, []
    found = overblik.overblik_rows(tidy).filter(pl.col("kommune") == area).select("fra", "til")
    return tidy, sorted(found.unique().collect().iter_rows())


def has_overblik(query: Query) -> bool:
    """True when the query names one area and the data has a Jobcenteroverblik for it."""
    names = query.areas()
    if len(names) != 1:
        return False
    return bool(_overblik_data(query, names[0])[1])


def _overblik_notes(records: pl.DataFrame, area: str, before: Period) -> list[str]:
    """Say where a whole column is missing: no population, no Hele landet, no year before."""
    notes = []
    population = records.filter(pl.col("status") == "befolkning_16_66")["fuldtidspersoner"]
    if population.is_null().all():
        notes.append(texts.message("overblik_no_population", area=area))
    if records["land_share_pct"].is_null().all():
        notes.append(texts.message("overblik_no_land"))
    if records["change_pp"].is_null().all():
        notes.append(texts.message("overblik_no_before", area=area, quarter=texts.quarter(before)))
    return notes
