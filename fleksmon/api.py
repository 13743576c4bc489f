"""The library behind the CLI: open a store, compute a criterion, find the gap.

>>> import polars as pl
>>> from fleksmon.schema import AGGREGATE
>>> sep_2019 = 2019 * 12 + 8
>>> rows = [("Gentofte", sep_2019, sep_2019, "fleksjob_fuldtid", 401.0),
...         ("Gentofte", sep_2019, sep_2019, "ledighedsydelse_fuldtid", 48.0)]
>>> record = gap("K1", frame=pl.DataFrame(rows, schema=AGGREGATE, orient="row")).records.row(
...     0, named=True)
>>> round(record["share_pct"], 1), record["gap_persons"], record["met"]
(89.3, 3, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from fleksmon import areas, period_checks, sources, texts
from fleksmon.criteria import CRITERIA, Criterion
from fleksmon.errors import FleksmonError
from fleksmon.measures import discretion, overblik, pace, shares
from fleksmon.periods import (
    Period,
    in_series,
    month_code,
    month_date,
    month_human,
    parse_period,
    span_ending,
)
from fleksmon.query import Query, QueryFields, make_query
from fleksmon.store import Store

if TYPE_CHECKING:
    from typing_extensions import Unpack

RECORD_COLUMNS = (
    "kommune",
    "kommune_kode",
    "criterion",
    "period",
    "population",
    "hits",
    "share_pct",
    "target_pct",
    "gap_pp",
    "gap_persons",
    "met",
    "baseline_pct",
)


@dataclass
class Result:
    """A criterion's records (one per area and period) with what a table needs to say."""

    criterion: Criterion
    records: pl.DataFrame
    periods: list[Period]
    baseline: Period | None
    source: str
    notes: list[str] = field(default_factory=list)
    query: Query = field(default_factory=Query)
    hidden: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    """With discretion: what the tables show instead of hidden cells, by (kommune,
    period) and column (``<5`` for a small count, ``x`` for one that would reveal it)."""


def _latest_whole_period(tidy: pl.LazyFrame, crit: Criterion) -> tuple[int, int] | None:
    rows = (
        tidy.filter(pl.col("maaling").is_in(list(crit.population)))
        .select("fra", "til")
        .unique()
        .sort("til", "fra")
        .collect()
    )
    if rows.is_empty():
        return None
    fra, til = rows.row(-1)
    return int(fra), int(til)


def compute(
    criterion: str | Criterion = "K1",
    query: Query | None = None,
    *,
    latest_only: bool = False,
    **selection: Unpack[QueryFields],
) -> Result:
    """A criterion's records for the selected areas and periods.

    The selection is ``query`` (a :class:`~fleksmon.query.Query`) or its fields
    as keywords (``kommuner=["Viborg"], store=…``), or both (keywords win).
    Without a period: the report's default columns (the last 7 months, or the
    last 3 rolling windows for K2) up to the latest month with data; with
    ``latest_only`` just the last of them (what ``gap`` shows).
    """
    q = make_query(query, **selection)
    crit = q.criterion(criterion)
    wanted = q.areas()
    period = q.period
    if q.frame is not None:
        tidy, used = q.frame.lazy(), "aggregate"
    else:
        tidy, used = sources.tidy_for(
            crit, q.data_store(), as_of=q.as_of, source=q.source, period=period
        )
    notes: list[str] = []
    whole: tuple[int, int] | None = None
    kind = shares.series_kind(tidy, crit)
    if crit.window != 0 and crit.id in CRITERIA:
        period_checks.refuse_non_monthly(crit, tidy)
    if crit.window == 0:
        whole = (period.start, period.end) if period else _latest_whole_period(tidy, crit)
        if whole is None:
            raise FleksmonError(f"no {crit.id} data in the store", "ingest an extract with it")
        period_checks.refuse_running_spans(crit, whole)
    full = (
        shares.series(tidy, crit, whole)
        .join(sources.kode_frame(), on="kommune", how="left")
        .collect()
    )
    usable = full.filter(pl.col("population").is_not_null())
    if usable.is_empty():
        raise _lacking(crit, tidy, used)
    months = _select_months(crit, usable, period, latest_only, whole, kind)
    labels = {m: _period_of(crit, m, whole, kind).human() for m in months}
    selected = _select_areas(crit, full, wanted, labels, notes)
    baseline = _baseline(crit, tidy, whole)
    base = _baseline_shares(crit, full, tidy, baseline, q.discretion)
    records = _records(crit, selected, months, base, whole, kind)
    periods = [_period_of(crit, m, whole, kind) for m in months]
    notes.insert(0, _data_note(used, periods))
    if q.frame is None:
        notes.extend(_store_notes(q, crit, used, months[-1]))
    hidden: dict[tuple[str, str], dict[str, str]] = {}
    if q.discretion:
        small_base = set(base.filter(pl.col("base_small"))["kommune"].to_list())
        records, hidden = discretion.suppress(records, crit, q.discretion, small_base)
        notes.append(texts.message("discretion", n=q.discretion))
    return Result(crit, records, periods, baseline, used, notes, q, hidden)


def _lacking(crit: Criterion, tidy: pl.LazyFrame, used: str) -> FleksmonError:
    """No share anywhere: name the measures the data lacks, and the closest stored id."""
    import difflib

    stored = sorted(tidy.select("maaling").unique().collect()["maaling"].to_list())
    absent = [m for m in crit.inputs if m not in stored] or list(crit.measures)
    close = difflib.get_close_matches(absent[0], stored, n=1, cutoff=0.6)
    hint = (
        "ingest an extract with these measures ('fleksmon store --measures' lists the stored ids)"
    )
    if close and close[0] != absent[0]:
        hint = f"did you mean {close[0]!r}? 'fleksmon store --measures' lists the stored ids"
    return FleksmonError(f"no {crit.id} data: the {used} data lacks {', '.join(absent)}", hint)


def _store_notes(q: Query, crit: Criterion, used: str, latest: int) -> list[str]:
    """Notes only a store can give: provisional months, left-out spells, other sources."""
    store = q.data_store()
    if used == "aggregate":
        return _provisional_note(store, q.as_of, latest)
    notes = []
    if crit.id == "K3":
        notes.append(sources.k3_censored_note(store, q.as_of))
    if crit.id == "K2":
        notes.extend(sources.k2_censored_note(store, q.as_of))
    if sources.has_aggregate(store, crit, q.as_of):
        notes.append(texts.message("also_aggregate", crit=crit.id))
    return notes


def _provisional_note(store: Store, as_of: dt.datetime | None, latest: int) -> list[str]:
    """Jobindsats revises recent months: say so when the data is younger than 3 months."""
    batches = [b for b in store.batches(as_of) if b.kind == "aggregate"]
    if not batches:
        return []
    loaded = max(b.time for b in batches).date()
    settled = month_date(latest + 4) - dt.timedelta(days=1)
    if loaded > settled:
        return []
    return [texts.message("provisional", month=month_human(latest))]


def _period_of(
    crit: Criterion, month: int, whole: tuple[int, int] | None, kind: str = "month"
) -> Period:
    if whole is not None:
        return Period(*whole)
    if kind != "month":
        return span_ending(kind, month)
    return Period(month - max(crit.window, 1) + 1, month)


def _select_months(
    crit: Criterion,
    usable: pl.DataFrame,
    period: Period | None,
    latest_only: bool,
    whole: tuple[int, int] | None,
    kind: str = "month",
) -> list[int]:
    available = sorted(set(usable["maaned"].to_list()))
    if whole is not None:
        return [whole[1]]
    if period is None:
        latest = available[-1]
        count = 1 if latest_only else crit.columns
        if kind != "month":
            return available[-count:]
        return [m for m in available if latest - count < m <= latest]
    wanted = period.months[-1:] if latest_only else period.months
    if kind != "month" and in_series(kind, period.start, period.end):
        wanted = [period.end]  # one period of the series' own kind (2020QMAT02)
    have = [m for m in wanted if m in set(available)]
    if not have:
        span = f"{month_code(available[0])}..{month_code(available[-1])}"
        raise FleksmonError(
            f"no {crit.id} data for {period.code()}",
            f"the data covers {span}; pick a period inside it",
        )
    return have


def _select_areas(
    crit: Criterion,
    full: pl.DataFrame,
    wanted: Sequence[str],
    labels: dict[int, str],
    notes: list[str],
) -> pl.DataFrame:
    """The rows of the areas asked for (or every area with data) in the selected months,
    with a note for each area that has no data, a value missing in the download, or a
    sum that is unknown because a member's value is missing."""
    in_months = full.filter(pl.col("maaned").is_in(list(labels)))
    said = pl.col("population").is_not_null() | pl.col("missing").fill_null(False)
    if wanted:
        rows = in_months.filter(pl.col("kommune").is_in(wanted))
        found = set(rows.filter(said)["kommune"].to_list())
        absent = [w for w in wanted if w not in found]
        if len(absent) == len(wanted):
            raise FleksmonError(
                f"no {crit.id} data for {', '.join(absent)} in the selected period",
                "check the kommune, or ingest an extract that covers it",
            )
        for name in absent:
            notes.append(_absent_note(crit, name, rows.filter(pl.col("kommune") == name)))
        notes.extend(_missing_notes(crit, rows, labels))
        return rows
    unknown_sum = pl.col("covered").fill_null(False) & pl.col("missing").fill_null(False)
    shown = in_months.filter(
        (pl.col("_kind") == "kommune") | pl.col("complete").fill_null(False) | unknown_sum
    )
    with_data = set(shown.filter(said)["kommune"].to_list())
    shown = shown.filter(pl.col("kommune").is_in(with_data))
    notes.extend(_missing_notes(crit, shown, labels))
    land = in_months.filter(pl.col("kommune") == areas.HELE_LANDET)
    if areas.HELE_LANDET not in with_data and not land.is_empty():
        present = int(land["kommuner_present"].fill_null(0).cast(pl.Int64).max() or 0)  # type: ignore[arg-type]
        notes.append(texts.message("land_not_shown", present=present))
    return shown


def _absent_note(crit: Criterion, name: str, rows: pl.DataFrame) -> str:
    """Why an area asked for has no figure: no data at all, or too few kommuner to sum."""
    if rows.is_empty() or rows["kommuner_present"].is_null().all():
        return texts.message("no_data", area=name, crit=crit.id)
    area = areas.resolve(name)
    present = int(rows["kommuner_present"].fill_null(0).cast(pl.Int64).max() or 0)  # type: ignore[arg-type]
    return texts.message(
        "area_incomplete", area=name, present=present, total=len(areas.members(area))
    )


def _missing_notes(crit: Criterion, rows: pl.DataFrame, labels: dict[int, str]) -> list[str]:
    """A note per area whose value is missing in the download (or, for a summed area,
    missing for a member), naming the months (and the members)."""
    gaps = rows.filter(pl.col("population").is_null() | pl.col("hits").is_null()).filter(
        pl.col("missing").fill_null(False)
    )
    out: dict[str, tuple[list[str], list[str]]] = {}
    order = pl.col("_kind").replace_strict({"kommune": 0, "region": 1, "land": 2}, default=0)
    ordered = gaps.sort(order, "kommune", "maaned")
    for name, month, members in ordered.select("kommune", "maaned", "missing_members").iter_rows():
        seen_months, seen_members = out.setdefault(name, ([], []))
        seen_months.append(labels[month])
        seen_members.extend(m for m in members or [] if m not in seen_members)
    notes = []
    for name, (months, members) in out.items():
        span = texts.name_list(months)
        if members:
            notes.append(
                texts.message(
                    "sum_unknown", area=name, months=span, members=texts.name_list(members)
                )
            )
        else:
            notes.append(texts.message("missing_in_download", area=name, crit=crit.id, months=span))
    return notes


def _baseline(crit: Criterion, tidy: pl.LazyFrame, whole: tuple[int, int] | None) -> Period | None:
    base = crit.baseline_period()
    if crit.window == 0:
        return base
    return Period(base.end - max(crit.window, 1) + 1, base.end)


def _baseline_shares(
    crit: Criterion, full: pl.DataFrame, tidy: pl.LazyFrame, baseline: Period | None, small: int
) -> pl.DataFrame:
    """Each area's baseline share; ``base_small`` where it rests on a count below
    ``small`` (discretion hides it)."""
    if baseline is None:
        return pl.DataFrame(
            schema={"kommune": pl.String, "baseline_pct": pl.Float64, "base_small": pl.Boolean}
        )
    if crit.window == 0:
        frame = shares.series(tidy, crit, (baseline.start, baseline.end)).collect()
    else:
        frame = full.filter(pl.col("maaned") == baseline.end)
    is_small = (pl.col("population") < small) | (pl.col("hits") < small)
    return frame.select(
        "kommune",
        pl.col("share_pct").alias("baseline_pct"),
        is_small.fill_null(False).alias("base_small"),
    )


def _records(
    crit: Criterion,
    selected: pl.DataFrame,
    months: list[int],
    base: pl.DataFrame,
    whole: tuple[int, int] | None,
    kind: str = "month",
) -> pl.DataFrame:
    codes = pl.DataFrame(
        {"maaned": months, "period": [_period_of(crit, m, whole, kind).code() for m in months]},
        schema={"maaned": pl.Int32, "period": pl.String},
    )
    kind_order = pl.col("_kind").replace_strict({"kommune": 0, "region": 1, "land": 2}, default=0)
    return (
        selected.join(codes, on="maaned")
        .join(base, on="kommune", how="left")
        .with_columns(pl.lit(crit.id).alias("criterion"))
        .with_columns(
            [pl.lit(None, pl.Float64).alias(c) for c in shares.VALUE_COLUMNS] if crit.share else []
        )
        .sort(kind_order, "kommune", "maaned")
        .select(*RECORD_COLUMNS, *shares.extra_columns(crit))
    )


def _data_note(used: str, periods: list[Period]) -> str:
    return texts.message(f"data_{used}", span=texts.span(periods))


def gap(
    criterion: str | Criterion = "K1",
    query: Query | None = None,
    **selection: Unpack[QueryFields],
) -> Result:
    """The distance to target now: the latest period with data, or the last of the period.

    Takes the selection as :func:`compute` does.
    """
    return compute(criterion, query, latest_only=True, **selection)


def months_to_target(result: Result, by: Period | str) -> Result:
    """A :func:`gap` result with, per area, what it takes to reach the target by ``by``.

    ``by`` is the deadline month *D* (a quarter or year counts as its last month);
    it must lie after the result's latest month *M*. Adds ``by_period``,
    ``months_left`` (*k*), ``per_month`` (``ceil(g / k)``, ``g`` the persons still
    missing, 0 when met), ``pace_from`` (the period six months before *M*),
    ``pace_pp_per_month`` (the share's average monthly change since then),
    ``reached_at`` and ``pace_status`` (see :mod:`fleksmon.measures.pace`).
    A whole-period criterion (R1/R2) has no pace.
    """
    deadline = (by if isinstance(by, Period) else parse_period(by)).end
    crit, latest = result.criterion, result.periods[-1].end
    if deadline <= latest:
        raise FleksmonError(
            f"the deadline {month_code(deadline)} is not after the latest month "
            f"{month_code(latest)}",
            f"give --by a month after {month_code(latest)}",
        )
    earlier_code = _period_of(crit, latest - pace.PACE_MONTHS, None).code()
    earlier: pl.DataFrame | None = None
    if crit.window != 0:
        span = compute(crit, result.query.but(period=Period(latest - pace.PACE_MONTHS, latest)))
        earlier = span.records.filter(pl.col("period") == earlier_code)
    records = pace.months_to_target(
        result.records,
        earlier,
        direction=crit.direction,
        latest=latest,
        by=deadline,
        earlier_period=earlier_code,
    )
    notes = [*result.notes, *_pace_notes(crit, records, latest, deadline)]
    return replace(result, records=records, notes=notes)


def _pace_notes(crit: Criterion, records: pl.DataFrame, latest: int, deadline: int) -> list[str]:
    """What the months-to-target columns mean, and which areas have no pace and why."""
    start = month_human(latest - pace.PACE_MONTHS)
    notes = [
        texts.message(
            "per_month",
            months=deadline - latest,
            latest=month_human(latest),
            deadline=month_human(deadline),
        )
    ]
    if crit.window == 0:
        return [*notes, texts.message("no_pace_whole", crit=crit.id)]
    notes.append(texts.message("pace", start=start, latest=month_human(latest)))
    without = records.filter(pl.col("pace_status") == pace.NO_PACE)["kommune"].to_list()
    if without:
        notes.append(texts.message("no_pace", areas=texts.name_list(without), start=start))
    return notes


@dataclass
class Overblik:
    """A Jobcenteroverblik: one record per status for an area and quarter, and its notes."""

    area: str
    quarter: Period
    previous: Period
    records: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    query: Query = field(default_factory=Query)


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
    notes = _overblik_notes(records, area, overblik.year_before(quarter))
    if q.discretion:
        records = overblik.suppress(records, q.discretion)
        notes.append(texts.message("discretion", n=q.discretion))
    return Overblik(area, quarter, overblik.year_before(quarter), records, notes, q)


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


def results(criteria_ids: Sequence[str], query: Query, *, latest_only: bool) -> list[Result]:
    """Each criterion's result for one query (``latest_only``: as :func:`gap`)."""
    return [compute(cid, query, latest_only=latest_only) for cid in criteria_ids]


def criteria_ids(query: Query, wanted: Sequence[str] | None = None) -> list[str]:
    """The criteria asked for (``K1``, ``1``, ``r2``…), or every one the store has data for."""
    if wanted:
        return list(dict.fromkeys(query.criterion(c).id for c in wanted))
    store = query.data_store()
    found = available_criteria(store, query.as_of, query.criteria)
    if not found:
        raise FleksmonError(
            f"the store at {store.root} holds no data yet",
            "load extracts first with 'fleksmon ingest FILE'",
        )
    return found


def all_met(result: Result) -> bool:
    """True when every area of ``result`` and every area its query asked for has a share
    that meets its target: an area without a share cannot be shown to meet it."""
    met = set(result.records.filter(pl.col("met").fill_null(False))["kommune"].to_list())
    shown = set(result.records["kommune"].to_list())
    wanted = set(result.query.areas())
    return (shown | wanted) <= met


def available_criteria(
    store: Store, as_of: dt.datetime | None = None, criteria: Mapping[str, Criterion] | None = None
) -> list[str]:
    """The criteria the store holds data for, in declaration order."""
    table = criteria or CRITERIA
    kinds = set(store.kinds(as_of))
    measures: set[str] = set()
    agg = store.scan("aggregate", as_of)
    if agg is not None:
        measures = set(agg.select("maaling").unique().collect()["maaling"].to_list())
    out = []
    for cid, crit in table.items():
        person = any(k in kinds for k in sources.PERSON_KINDS_FOR.get(cid, ()))
        if person or set(crit.inputs) <= measures:
            out.append(cid)
    return out


def open_store(path: Path | str | None = None) -> Store:
    """Open (or name, before the first ingest) a store folder; default as the CLI."""
    return Store(path)
