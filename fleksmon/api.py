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

from fleksmon import coverage, latest, period_checks, sources, texts
from fleksmon.criteria import CRITERIA, Criterion
from fleksmon.errors import FleksmonError
from fleksmon.jobcenteroverblik import Overblik as Overblik
from fleksmon.jobcenteroverblik import has_overblik as has_overblik
from fleksmon.jobcenteroverblik import jobcenteroverblik as jobcenteroverblik
from fleksmon.measures import discretion, pace, shares
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
    "note",
    "as_of",
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
    reasons: list[str] = field(default_factory=list)
    """The notes that say where figures are missing, old or summed (also among
    ``notes``): CSV and JSON output prints them on stderr."""


def compute(
    criterion: str | Criterion = "K1",
    query: Query | None = None,
    *,
    latest_only: bool = False,
    **selection: Unpack[QueryFields],
) -> Result:
    """A criterion's records for the selected areas and periods.

    The selection is ``query`` (a :class:`~fleksmon.query.Query`) or its fields
    as keywords (``kommuner=["Viborg"], store=…``), or both (keywords win); its
    area names are resolved before any data is read. Without a period: the
    report's default columns (the last 7 months, or the last 3 rolling windows
    for K2) up to the latest period (:mod:`fleksmon.latest`); with ``latest_only``
    just the last of them (what ``gap`` shows). Every area asked for is a record,
    with a figure or a ``note`` saying why not (:mod:`fleksmon.coverage`).
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
    whole: tuple[int, int] | None = None
    kind = shares.series_kind(tidy, crit)
    if crit.window != 0 and crit.id in CRITERIA:
        period_checks.refuse_non_monthly(crit, tidy)
    if crit.window == 0:
        whole = _whole_period(crit, tidy, period)
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
    periods = [_period_of(crit, m, whole, kind) for m in months]
    cover = coverage.select(crit, full, wanted, months, lambda m: _period_of(crit, m, whole, kind))
    said: list[str] = []
    if q.frame is None:
        if period is None:
            said = coverage.newer_in_store(q, crit, used, periods[-1])
        else:
            said = coverage.partial_period(q, crit, used, period)
    baseline = _baseline(crit, tidy, whole)
    base = _baseline_shares(crit, full, tidy, baseline, q.discretion)
    notes_of = {k: " ".join([*v, *said]) for k, v in cover.by_area.items()}
    records = _records(crit, cover.rows, months, base, whole, kind).with_columns(
        pl.col("kommune").replace_strict(notes_of, default=" ".join(said) or None).alias("note"),
        pl.lit(q.as_of.isoformat() if q.as_of else None, pl.String).alias("as_of"),
    )
    reasons = [*cover.lines, *said]
    notes = [_data_note(used, periods), *reasons]
    if q.frame is None:
        notes.extend(_store_notes(q, crit, used, months[-1]))
    if q.as_of is not None:
        notes.append(texts.as_of_note(q.as_of))
    hidden: dict[tuple[str, str], dict[str, str]] = {}
    if q.discretion:
        small_base = set(base.filter(pl.col("base_small"))["kommune"].to_list())
        records, hidden = discretion.suppress(records, crit, q.discretion, small_base)
        notes.append(texts.message("discretion", n=q.discretion))
    return Result(crit, records, periods, baseline, used, notes, q, hidden, reasons)


def _whole_period(crit: Criterion, tidy: pl.LazyFrame, period: Period | None) -> tuple[int, int]:
    """A whole-period criterion's period: the one asked for, else the newest whole
    quarter its counts are given for (:func:`fleksmon.latest.latest_span`), else (no
    quarter given) the newest period, which the period checks may refuse."""
    if period is not None:
        return period.start, period.end
    spans = (
        tidy.filter(pl.col("maaling").is_in(list(crit.population)) & pl.col("vaerdi").is_not_null())
        .select("fra", "til")
        .unique()
        .collect()
    )
    if spans.is_empty():
        raise FleksmonError(f"no {crit.id} data in the store", "ingest an extract with it")
    found = latest.latest_span(spans.iter_rows())
    if found is not None:
        return found.start, found.end
    fra, til = spans.sort("til", "fra").row(-1)  # no quarter: the newest span, if it is usable
    return int(fra), int(til)


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
        newest = latest.latest_month(available)
        assert newest is not None
        count = 1 if latest_only else crit.columns
        if kind != "month":
            return available[-count:]
        return [m for m in available if newest - count < m <= newest]
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
    kind_order = pl.col("_kind").replace_strict(coverage.KIND_ORDER, default=0)
    return (
        selected.join(codes, on="maaned")
        .join(base, on="kommune", how="left")
        .with_columns(pl.lit(crit.id).alias("criterion"), pl.lit(None, pl.String).alias("note"))
        .with_columns(
            [pl.lit(None, pl.Float64).alias(c) for c in shares.VALUE_COLUMNS] if crit.share else []
        )
        .with_columns(pl.col("note").alias("as_of"))
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
