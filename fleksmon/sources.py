"""Where a criterion's counts come from: aggregated extracts or person-level data.

Person-level data in the store (spells, benefit months, hours panels,
ressourceforløb months) is turned into the same tidy aggregate rows that
downloaded extracts give, so every criterion is computed one way from there.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from fleksmon import areas, texts
from fleksmon.criteria import Criterion
from fleksmon.errors import FleksmonError
from fleksmon.periods import Period, month_date, month_human
from fleksmon.store import Store

SOURCES = ("auto", "aggregate", "person")
PERSON_KINDS_FOR = {
    "K2": ("ly-forloeb", "ly-maaneder"),
    "K3": ("fleksjob-timer",),
    "R1": ("ressourceforloeb",),
    "R2": ("ressourceforloeb",),
}


def kode_frame() -> pl.LazyFrame:
    rows = [(a.name, a.code, a.kind) for a in areas.all_areas()]
    return pl.LazyFrame(
        rows,
        schema={"kommune": pl.String, "kommune_kode": pl.String, "_kind": pl.String},
        orient="row",
    )


def _rf_tidy(
    store: Store, crit: Criterion, as_of: dt.datetime | None, period: Period | None
) -> pl.LazyFrame | None:
    """R1/R2 counts (and the indicators at the period's last month) from person-level
    ressourceforløb months, for the selected period (default: the last three months
    with data) and for the baseline period."""
    panel = store.scan("ressourceforloeb", as_of)
    if panel is None:
        return None
    from fleksmon.measures.rf import rf_aggregate, rf_counts, rf_indicators

    latest = panel.select(pl.col("maaned").max()).collect().item()
    if latest is None:
        return None
    wanted = period or Period(int(latest) - 2, int(latest))
    present = _coverage(panel.select("kommune_kode").unique())

    def rows(p: Period) -> pl.LazyFrame:
        counts = rf_counts(panel, p.start, p.end).join(
            rf_indicators(panel, p.end), on="kommune_kode", how="full", coalesce=True
        )
        filled = present.join(counts, on="kommune_kode", how="left").fill_null(0)
        return rf_aggregate(filled, p.start, p.end)

    return pl.concat([rows(p) for p in dict.fromkeys([crit.baseline_period(), wanted])])


def _kode_names(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Replace ``kommune_kode`` (Int16) by the kommune's name."""
    names = (
        kode_frame()
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
        wide = k3_partitioned(panel)
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


def k2_censored_note(store: Store, as_of: dt.datetime | None) -> list[str]:
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
    return [texts.message("k2_censored", count=int(count), month=month_human(int(first)))]


PART_ROWS = 20_000_000
"""Above this many rows the K3 panel is computed in person-disjoint parts (hash of
``person``), one at a time, so peak memory stays that of one part."""


def k3_partitioned(panel: pl.LazyFrame) -> pl.LazyFrame:
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


_COUNTS: dict[tuple[object, ...], pl.DataFrame | None] = {}


def _person_counts(
    store: Store, crit: Criterion, as_of: dt.datetime | None, period: Period | None
) -> pl.DataFrame | None:
    """Person-level counts, computed once per store state and question in this process
    (a table, its chart and its gap all read the same counts)."""
    batches = store.batches(as_of)
    key = (
        str(store.root.resolve()),
        tuple(b.id for b in batches),
        crit.id,
        crit.measures,
        crit.baseline,
        period,
    )
    if key not in _COUNTS:
        if len(_COUNTS) > 32:
            _COUNTS.clear()
        tidy = _person_tidy(store, crit, as_of, period)
        _COUNTS[key] = None if tidy is None else tidy.collect()
    return _COUNTS[key]


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
        person = _person_counts(store, crit, as_of, period)
        if person is not None:
            return person.lazy(), "person"
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


def has_aggregate(store: Store, crit: Criterion, as_of: dt.datetime | None) -> bool:
    agg = store.scan("aggregate", as_of)
    if agg is None:
        return False
    rows = agg.filter(pl.col("maaling").is_in(list(crit.population))).select(pl.len())
    return bool(rows.collect().item())


def k3_censored_note(store: Store, as_of: dt.datetime | None) -> str:
    from fleksmon.measures.k3 import k3_censored

    panel = store.scan("fleksjob-timer", as_of)
    count = 0
    if panel is not None:
        total = k3_censored(panel).select(pl.col("k3_censored").sum()).collect().item()
        count = int(total or 0)
    return texts.message("k3_censored", count=count)
