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
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from fleksmon import areas
from fleksmon.criteria import CRITERIA, Criterion, get_criterion
from fleksmon.errors import FleksmonError
from fleksmon.measures import shares
from fleksmon.periods import Period, month_code, month_date, month_human
from fleksmon.store import Store

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
SOURCES = ("auto", "aggregate", "person")
PERSON_KINDS_FOR = {
    "K2": ("ly-forloeb", "ly-maaneder"),
    "K3": ("fleksjob-timer",),
    "R1": ("ressourceforloeb",),
    "R2": ("ressourceforloeb",),
}


@dataclass
class Result:
    """A criterion's records (one per area and period) with what a table needs to say."""

    criterion: Criterion
    records: pl.DataFrame
    periods: list[Period]
    baseline: Period | None
    source: str
    notes: list[str] = field(default_factory=list)


def _kode_frame() -> pl.LazyFrame:
    rows = [(a.name, a.code, a.kind) for a in areas.all_areas()]
    return pl.LazyFrame(
        rows,
        schema={"kommune": pl.String, "kommune_kode": pl.String, "_kind": pl.String},
        orient="row",
    )


def _rf_tidy(
    store: Store, crit: Criterion, as_of: dt.datetime | None, period: Period | None
) -> pl.LazyFrame | None:
    """R1/R2 counts from person-level ressourceforløb months, for the selected period
    (default: the last three months with data) and for the baseline period."""
    panel = store.scan("ressourceforloeb", as_of)
    if panel is None:
        return None
    from fleksmon.measures.rf import rf_counts

    latest = panel.select(pl.col("maaned").max()).collect().item()
    if latest is None:
        return None
    wanted = period or Period(int(latest) - 2, int(latest))
    base = crit.baseline_period()
    present = _coverage(panel.select("kommune_kode").unique())
    frames = [
        _kode_names(
            present.join(rf_counts(panel, p.start, p.end), on="kommune_kode", how="left").fill_null(
                0
            )
        )
        .unpivot(index="kommune", variable_name="maaling", value_name="vaerdi")
        .select(
            "kommune",
            pl.lit(p.start, pl.Int32).alias("fra"),
            pl.lit(p.end, pl.Int32).alias("til"),
            "maaling",
            pl.col("vaerdi").cast(pl.Float64),
        )
        for p in dict.fromkeys([base, wanted])
    ]
    return pl.concat(frames)


def _kode_names(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Replace ``kommune_kode`` (Int16) by the kommune's name."""
    names = (
        _kode_frame()
        .filter(pl.col("_kind") == "kommune")
        .select(pl.col("kommune_kode").cast(pl.Int16), "kommune")
    )
    return frame.join(names, on="kommune_kode").drop("kommune_kode")


def _person_tidy(
    store: Store, crit: Criterion, as_of: dt.datetime | None, period: Period | None = None
) -> pl.LazyFrame | None:
    """Aggregate rows computed from person-level data, or ``None`` if there is none."""
    if crit.window == 0:
        return _rf_tidy(store, crit, as_of, period)
    if crit.id == "K3":
        panel = store.scan("fleksjob-timer", as_of)
        if panel is None:
            return None
        wide = _k3_partitioned(panel)
        measures = ["k3_population", "k3_progression"]
        span = panel.select(pl.col("maaned").min().alias("lo"), pl.col("maaned").max().alias("hi"))
        present = panel.select("kommune_kode").unique()
    elif crit.id == "K2":
        from fleksmon.measures.k2 import k2_monthly, spells_from_months

        spells = store.scan("ly-forloeb", as_of)
        months = store.scan("ly-maaneder", as_of)
        built = spells_from_months(months) if months is not None else None
        every = [s for s in (spells, built) if s is not None]
        if not every:
            return None
        all_spells = pl.concat(every, how="vertical_relaxed")
        known = [s for s in (spells, _known_start(built, months)) if s is not None]
        wide = k2_monthly(pl.concat(known, how="vertical_relaxed"))
        measures = ["ly_afsluttet", "ly_afsluttet_under_6m", "ly_krydser_6m"]
        start_m = pl.col("start").dt.year() * 12 + pl.col("start").dt.month() - 1
        end_m = pl.col("slut").dt.year() * 12 + pl.col("slut").dt.month() - 1
        span = all_spells.select(
            start_m.min().cast(pl.Int32).alias("lo"),
            pl.max_horizontal(end_m.max(), start_m.max()).cast(pl.Int32).alias("hi"),
        )
        present = all_spells.select("kommune_kode").unique()
    else:
        return None
    lo, hi = span.collect().row(0)
    if lo is None:
        return None
    present = _coverage(present)
    grid = present.join(
        pl.LazyFrame({"maaned": pl.int_range(lo, hi + 1, eager=True).cast(pl.Int32)}),
        how="cross",
    )
    filled = grid.join(
        wide.with_columns(pl.col("kommune_kode").cast(pl.Int16), pl.col("maaned").cast(pl.Int32)),
        on=["kommune_kode", "maaned"],
        how="left",
    ).with_columns([pl.col(m).fill_null(0) for m in measures])
    return (
        _kode_names(filled)
        .unpivot(
            index=["kommune", "maaned"], on=measures, variable_name="maaling", value_name="vaerdi"
        )
        .select(
            "kommune",
            pl.col("maaned").alias("fra"),
            pl.col("maaned").alias("til"),
            "maaling",
            pl.col("vaerdi").cast(pl.Float64),
        )
    )


def _known_start(spells: pl.LazyFrame | None, months: pl.LazyFrame | None) -> pl.LazyFrame | None:
    """Spells built from benefit months, less those running in the data's first month:
    their start, and so their duration, is unknown."""
    if spells is None or months is None:
        return spells
    first = months.select(pl.col("maaned").min()).collect().item()
    return spells.filter(pl.col("start") > month_date(int(first)))


def _k2_censored_note(store: Store, as_of: dt.datetime | None) -> list[str]:
    months = store.scan("ly-maaneder", as_of)
    if months is None:
        return []
    from fleksmon.measures.k2 import spells_from_months

    first = months.select(pl.col("maaned").min()).collect().item()
    count = (
        spells_from_months(months)
        .filter(pl.col("start") == month_date(int(first)))
        .select(pl.len())
        .collect()
        .item()
    )
    return [
        f"{count} ledighedsydelse spells already running in {month_human(int(first))} "
        "(the first month of the benefit records) are left out: their start is unknown."
    ]


PART_ROWS = 20_000_000
"""Above this many rows the K3 panel is computed in person-disjoint parts (hash of
``person``), one at a time, so peak memory stays that of one part."""


def _k3_partitioned(panel: pl.LazyFrame) -> pl.LazyFrame:
    """K3 monthly counts; a large panel is split by a hash of the person."""
    from fleksmon.measures.k3 import k3_monthly, k3_monthly_parts

    rows, first = panel.select(pl.len(), pl.col("maaned").min()).collect().row(0)
    parts = -(-int(rows) // PART_ROWS)
    if parts <= 1:
        return k3_monthly(panel)
    bucket = pl.col("person").hash(seed=0) % parts
    pieces = (panel.filter(bucket == i) for i in range(parts))
    return k3_monthly_parts(pieces, first_month=int(first), engine="streaming").lazy()


NATIONAL_COVERAGE = 88
"""Person-level data covering at least this many kommuner is taken as a national
extract: kommuner without persons in it count as zero (so Hele landet and regions
can be summed)."""


def _coverage(present: pl.LazyFrame) -> pl.LazyFrame:
    codes = present.collect()
    if codes.height < NATIONAL_COVERAGE:
        return codes.lazy()
    every = [int(a.code) for a in areas.kommuner() if a.code]
    return pl.LazyFrame({"kommune_kode": every}, schema={"kommune_kode": pl.Int16})


def tidy_for(
    crit: Criterion,
    store: Store,
    *,
    as_of: dt.datetime | None = None,
    source: str = "auto",
    period: Period | None = None,
) -> tuple[pl.LazyFrame, str]:
    """The aggregate rows a criterion is computed from, and which source they came from.

    ``auto`` takes person-level data where the store holds it for the criterion
    (it is exact), else the aggregated extracts.
    """
    if source not in SOURCES:
        raise FleksmonError(f"unknown source {source!r}", f"use one of {', '.join(SOURCES)}")
    if source in ("auto", "person"):
        person = _person_tidy(store, crit, as_of, period)
        if person is not None:
            return person, "person"
        if source == "person":
            kinds = PERSON_KINDS_FOR.get(crit.id, ())
            raise FleksmonError(
                f"the store holds no person-level data for {crit.id}",
                f"ingest a {' or '.join(kinds)} extract, or use --source aggregate"
                if kinds
                else "use --source aggregate",
            )
    agg = store.scan("aggregate", as_of)
    if agg is None:
        raise FleksmonError(
            f"the store at {store.root} holds no data for {crit.id}",
            "load extracts first with 'fleksmon ingest FILE'",
        )
    return agg, "aggregate"


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
    *,
    kommuner: list[str] | None = None,
    period: Period | None = None,
    store: Store | None = None,
    frame: pl.LazyFrame | pl.DataFrame | None = None,
    as_of: dt.datetime | None = None,
    source: str = "auto",
    latest_only: bool = False,
    criteria: dict[str, Criterion] | None = None,
) -> Result:
    """A criterion's records for the selected areas and periods.

    Without ``period``: the report's default columns (the last 7 months, or
    the last 3 rolling windows for K2) up to the latest month with data; with
    ``latest_only`` just the last of them (what ``gap`` shows). ``frame`` takes
    tidy aggregate rows directly instead of a store.
    """
    crit = criterion if isinstance(criterion, Criterion) else get_criterion(criterion, criteria)
    if frame is not None:
        tidy, used = frame.lazy(), "aggregate"
    else:
        tidy, used = tidy_for(crit, store or Store(), as_of=as_of, source=source, period=period)
    notes: list[str] = []
    whole: tuple[int, int] | None = None
    if crit.window == 0:
        whole = (period.start, period.end) if period else _latest_whole_period(tidy, crit)
        if whole is None:
            raise FleksmonError(f"no {crit.id} data in the store", "ingest an extract with it")
    full = shares.series(tidy, crit, whole).join(_kode_frame(), on="kommune", how="left").collect()
    usable = full.filter(pl.col("population").is_not_null())
    if usable.is_empty():
        raise FleksmonError(
            f"no {crit.id} data: the {used} data lacks {', '.join(crit.measures)}",
            "ingest an extract with these measures",
        )
    months = _select_months(crit, usable, period, latest_only, whole)
    selected = _select_areas(crit, full, kommuner, months, notes)
    baseline = _baseline(crit, tidy, whole)
    base = _baseline_shares(crit, full, tidy, baseline)
    records = _records(crit, selected, months, base, whole)
    periods = [_period_of(crit, m, whole) for m in months]
    notes.insert(0, _data_note(crit, used, periods))
    if frame is None and used == "aggregate":
        notes.extend(_provisional_note(store or Store(), as_of, months[-1]))
    if used == "person" and crit.id == "K3" and frame is None:
        notes.append(_censored_note(store or Store(), as_of))
    if used == "person" and crit.id == "K2" and frame is None:
        notes.extend(_k2_censored_note(store or Store(), as_of))
    if used == "person" and frame is None and _has_aggregate(store or Store(), crit, as_of):
        notes.append(
            f"The store also holds aggregated {crit.id} figures; --source aggregate uses them."
        )
    return Result(crit, records, periods, baseline, used, notes)


def _has_aggregate(store: Store, crit: Criterion, as_of: dt.datetime | None) -> bool:
    agg = store.scan("aggregate", as_of)
    if agg is None:
        return False
    rows = agg.filter(pl.col("maaling").is_in(list(crit.population))).select(pl.len())
    return bool(rows.collect().item())


def _provisional_note(store: Store, as_of: dt.datetime | None, latest: int) -> list[str]:
    """Jobindsats revises recent months: say so when the data is younger than 3 months."""
    batches = [b for b in store.batches(as_of) if b.kind == "aggregate"]
    if not batches:
        return []
    loaded = max(b.time for b in batches).date()
    settled = month_date(latest + 4) - dt.timedelta(days=1)
    if loaded > settled:
        return []
    return [
        f"{month_human(latest)} is provisional: Jobindsats revises recent months upward "
        "(efterregistreringer); load a newer extract later."
    ]


def _censored_note(store: Store, as_of: dt.datetime | None) -> str:
    from fleksmon.measures.k3 import k3_censored

    panel = store.scan("fleksjob-timer", as_of)
    count = 0
    if panel is not None:
        total = k3_censored(panel).select(pl.col("k3_censored").sum()).collect().item()
        count = int(total or 0)
    return (
        f"{count} flexjob spells already running in the panel's first month are left out "
        "(their start is unknown)."
    )


def _period_of(crit: Criterion, month: int, whole: tuple[int, int] | None) -> Period:
    if whole is not None:
        return Period(*whole)
    return Period(month - max(crit.window, 1) + 1, month)


def _select_months(
    crit: Criterion,
    usable: pl.DataFrame,
    period: Period | None,
    latest_only: bool,
    whole: tuple[int, int] | None,
) -> list[int]:
    available = sorted(set(usable["maaned"].to_list()))
    if whole is not None:
        return [whole[1]]
    if period is None:
        latest = available[-1]
        count = 1 if latest_only else crit.columns
        return [m for m in available if latest - count < m <= latest]
    wanted = period.months[-1:] if latest_only else period.months
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
    kommuner: list[str] | None,
    months: list[int],
    notes: list[str],
) -> pl.DataFrame:
    in_months = full.filter(pl.col("maaned").is_in(months))
    if kommuner:
        wanted = list(dict.fromkeys(areas.resolve(k).name for k in kommuner))
        rows = in_months.filter(pl.col("kommune").is_in(wanted))
        found = set(rows.filter(pl.col("population").is_not_null())["kommune"].to_list())
        missing = [w for w in wanted if w not in found]
        if len(missing) == len(wanted):
            raise FleksmonError(
                f"no {crit.id} data for {', '.join(missing)} in the selected period",
                "check the kommune, or ingest an extract that covers it",
            )
        for name in missing:
            notes.append(f"{name}: no {crit.id} data for the selected period.")
        return rows
    shown = in_months.filter((pl.col("_kind") == "kommune") | pl.col("complete").fill_null(False))
    with_data = set(shown.filter(pl.col("population").is_not_null())["kommune"].to_list())
    shown = shown.filter(pl.col("kommune").is_in(with_data))
    land = in_months.filter(pl.col("kommune") == areas.HELE_LANDET)
    if areas.HELE_LANDET not in with_data and not land.is_empty():
        present = int(land["kommuner_present"].fill_null(0).cast(pl.Int64).max() or 0)  # type: ignore[arg-type]
        notes.append(
            f"Hele landet is not shown: only {present} of 98 kommuner have data "
            "(it is summed only when all are present)."
        )
    return shown


def _baseline(crit: Criterion, tidy: pl.LazyFrame, whole: tuple[int, int] | None) -> Period | None:
    base = crit.baseline_period()
    if crit.window == 0:
        return base
    return Period(base.end - max(crit.window, 1) + 1, base.end)


def _baseline_shares(
    crit: Criterion, full: pl.DataFrame, tidy: pl.LazyFrame, baseline: Period | None
) -> pl.DataFrame:
    if baseline is None:
        return pl.DataFrame(schema={"kommune": pl.String, "baseline_pct": pl.Float64})
    if crit.window == 0:
        frame = shares.series(tidy, crit, (baseline.start, baseline.end)).collect()
    else:
        frame = full.filter(pl.col("maaned") == baseline.end)
    return frame.select("kommune", pl.col("share_pct").alias("baseline_pct"))


def _records(
    crit: Criterion,
    selected: pl.DataFrame,
    months: list[int],
    base: pl.DataFrame,
    whole: tuple[int, int] | None,
) -> pl.DataFrame:
    codes = pl.DataFrame(
        {"maaned": months, "period": [_period_of(crit, m, whole).code() for m in months]},
        schema={"maaned": pl.Int32, "period": pl.String},
    )
    kind_order = pl.col("_kind").replace_strict({"kommune": 0, "region": 1, "land": 2}, default=0)
    return (
        selected.join(codes, on="maaned")
        .join(base, on="kommune", how="left")
        .with_columns(pl.lit(crit.id).alias("criterion"))
        .sort(kind_order, "kommune", "maaned")
        .select(*RECORD_COLUMNS, *shares.extra_columns(crit))
    )


def _data_note(crit: Criterion, used: str, periods: list[Period]) -> str:
    what = "person-level data" if used == "person" else "aggregated extracts"
    span = (
        periods[0].human() if len(periods) == 1 else f"{periods[0].human()} – {periods[-1].human()}"
    )
    return f"{crit.id} from {what}, {span}."


def gap(
    criterion: str | Criterion = "K1",
    *,
    kommuner: list[str] | None = None,
    period: Period | None = None,
    store: Store | None = None,
    frame: pl.LazyFrame | pl.DataFrame | None = None,
    as_of: dt.datetime | None = None,
    source: str = "auto",
    criteria: dict[str, Criterion] | None = None,
) -> Result:
    """The distance to target now: the latest period with data, or the last of ``period``."""
    return compute(
        criterion,
        kommuner=kommuner,
        period=period,
        store=store,
        frame=frame,
        as_of=as_of,
        source=source,
        latest_only=True,
        criteria=criteria,
    )


def available_criteria(
    store: Store, as_of: dt.datetime | None = None, criteria: dict[str, Criterion] | None = None
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
        person = any(k in kinds for k in PERSON_KINDS_FOR.get(cid, ()))
        if person or (set(crit.population) <= measures and set(crit.hits) <= measures):
            out.append(cid)
    return out


def month_label(m: int) -> str:
    """Human label of a month index (``Nov. 2019``)."""
    return month_human(m)


def open_store(path: Path | str | None = None) -> Store:
    """Open (or name, before the first ingest) a store folder; default as the CLI."""
    return Store(path)
