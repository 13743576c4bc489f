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
from fleksmon.latest import latest_quarter
from fleksmon.periods import Period, month_date, month_human, month_of_date
from fleksmon.query import check_source
from fleksmon.store import Store

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
    ressourceforløb months, for the selected period (default: the newest whole quarter
    with data, :func:`fleksmon.latest.latest_quarter`) and for the baseline period when
    the data covers it. Each store part is read once, only its months up to the last
    period's end, and every period is computed from it; the parts hold disjoint persons,
    so counts add up."""
    data = store.person("ressourceforloeb", as_of)
    span = data.months() if data is not None else None
    if data is None or span is None:
        return None
    from fleksmon.measures.rf import rf_aggregate, rf_period_counts

    held = set(data.keys.get_column("maaned").to_list())
    wanted = period or latest_quarter(held)
    if wanted is None:
        whole = Period(*span).code()
        raise FleksmonError(
            f"the ressourceforløb data holds no whole quarter ({whole})",
            f"give --period {whole} to count the months there are (a partial quarter)",
        )
    baseline = crit.baseline_period()
    covered = set(baseline.months) <= held
    periods = list(dict.fromkeys([wanted, *([baseline] if covered else [])]))
    last = max(p.end for p in periods)
    parts = data.parts(where=pl.col("maaned") <= last)
    counts = rf_period_counts(parts, [(p.start, p.end) for p in periods], ordered=True)
    present = _coverage(data.kommuner())

    def summed(p: Period, found: pl.DataFrame) -> pl.LazyFrame:
        filled = present.join(found.lazy(), on="kommune_kode", how="left").fill_null(0)
        return rf_aggregate(filled, p.start, p.end)

    return pl.concat([summed(p, c) for p, c in zip(periods, counts, strict=True)])


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
        hours = store.person("fleksjob-timer", as_of)
        months = hours.months() if hours is not None else None
        if hours is None or months is None:
            return None
        from fleksmon.measures.k3 import k3_monthly_parts

        wide = k3_monthly_parts(hours.parts(), first_month=months[0], ordered=True).lazy()
        measures = ["k3_population", "k3_progression"]
        lo, hi = months
        present = hours.kommuner()
    elif crit.id == "K2":
        found = _k2_monthly(store, as_of)
        if found is None:
            return None
        wide, (lo, hi), present = found
        measures = ["ly_afsluttet", "ly_afsluttet_under_6m", "ly_krydser_6m"]
    else:
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


def _k2_monthly(
    store: Store, as_of: dt.datetime | None
) -> tuple[pl.LazyFrame, tuple[int, int], pl.LazyFrame] | None:
    """Monthly K2 counts from person-level spells and benefit months, the months they
    span and the kommuner present; ``None`` without such data.

    Spells built from benefit months that run in the records' first month are left
    out (their start, and so their duration, is unknown). Stored spells are read in
    one scan of the three columns counted, their dates' span taken from the key files
    where kept; benefit months part by part (each part is read once; spells are per
    person, so the parts' counts add up).
    """
    from fleksmon.measures.k2 import k2_monthly, spells_from_months

    spells = store.person("ly-forloeb", as_of)
    months = store.person("ly-maaneder", as_of)
    record_span = months.months() if months is not None else None
    counts: list[pl.DataFrame] = []
    spans: list[pl.DataFrame] = []
    span = (  # first and last date (their months are taken after the aggregation)
        pl.col("start").min().alias("lo"),
        pl.max_horizontal(pl.col("slut").max(), pl.col("start").max()).alias("hi"),
    )

    def add(every: pl.LazyFrame, known: pl.LazyFrame) -> None:
        found, monthly = pl.collect_all([every.select(span), k2_monthly(known)])
        spans.append(found)
        counts.append(monthly)

    if spells is not None:
        rows = spells.rows(["kommune_kode", "start", "slut"])
        known = spells.dates()
        if known is None:
            add(rows, rows)
        else:
            spans.append(pl.DataFrame({"lo": [known[0]], "hi": [known[1]]}))
            counts.append(k2_monthly(rows).collect())
    if months is not None and record_span is not None:
        first, latest = record_span
        for part in months.parts():
            built = spells_from_months(part, latest=latest, ordered=True).collect().lazy()
            add(built, built.filter(pl.col("start") > month_date(first)))
    kommuner = [d.kommuner() for d in (spells, months) if d is not None]
    if not kommuner:
        return None
    lo, hi = pl.concat(spans).select(pl.col("lo").min(), pl.col("hi").max()).row(0)
    if lo is None:
        return None
    monthly = pl.concat(counts).group_by("kommune_kode", "maaned").agg(pl.all().sum())
    return monthly.lazy(), (month_of_date(lo), month_of_date(hi)), pl.concat(kommuner).unique()


def k2_censored_note(store: Store, as_of: dt.datetime | None) -> list[str]:
    months = store.person("ly-maaneder", as_of)
    span = months.months() if months is not None else None
    if months is None or span is None:
        return []
    from fleksmon.measures.k2 import spells_from_months

    first, latest = span
    count = sum(
        spells_from_months(part, latest=latest, ordered=True)
        .filter(pl.col("start") == month_date(first))
        .select(pl.len())
        .collect()
        .item()
        for part in months.parts()
    )
    return [texts.message("k2_censored", count=int(count), month=month_human(first))]


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
    (a table, its chart and its gap all read the same counts; R1 and R2 are one question:
    their counts come from one pass over the ressourceforløb months)."""
    batches = store.batches(as_of)
    asked = ("R1/R2",) if crit.window == 0 else (crit.id, crit.measures)
    key = (str(store.root.resolve()), tuple(b.id for b in batches), *asked, crit.baseline, period)
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
    check_source(source)
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

    hours = store.person("fleksjob-timer", as_of)
    months = hours.months() if hours is not None else None
    count = 0
    if hours is not None and months is not None:
        for part in hours.parts():
            total = k3_censored(part, first_month=months[0]).select(pl.col("k3_censored").sum())
            count += int(total.collect().item() or 0)
    return texts.message("k3_censored", count=count)


KIND_LABELS = {
    "ressourceforloeb": "ressourceforløb",
    "fleksjob-timer": "løntimer i fleksjob",
    "ly-forloeb": "ledighedsydelsesforløb",
    "ly-maaneder": "ledighedsydelsesmåneder",
}
"""How a note names a person-level kind."""


def _tables(crit: Criterion) -> dict[str, set[str]]:
    """The Jobindsats tables a criterion's measures come from, with the measure ids that
    belong to each (a built-in measure's table, and every kept column of it)."""
    from fleksmon.measure_ids import TABLE_MEASURES

    found: dict[str, set[str]] = {}
    for measure in crit.measures:
        table = next((t for t, ids in TABLE_MEASURES.items() if measure in ids.values()), None)
        if table is None and "." in measure:
            table = measure.partition(".")[0].upper()
        if table is not None:
            found[table] = {*TABLE_MEASURES.get(table, {}).values()}
    return found


def newest_of_same(
    crit: Criterion, store: Store, as_of: dt.datetime | None, used: str
) -> list[tuple[str, int]]:
    """The store's newest month of the data the criterion is read from: of each Jobindsats
    table its measures belong to (``Y08A02``), or of its person-level kinds; as (name for
    a note, month)."""
    if used == "person":
        out = []
        for kind in PERSON_KINDS_FOR.get(crit.id, ()):
            data = store.person(kind, as_of)
            span = data.months() if data is not None else None
            if span is not None:
                out.append((KIND_LABELS.get(kind, kind), span[1]))
        return out
    agg = store.scan("aggregate", as_of)
    if agg is None:
        return []
    out = []
    for table, built_in in _tables(crit).items():
        mine = pl.col("maaling").str.starts_with(table.lower() + ".") | pl.col("maaling").is_in(
            list(built_in)
        )
        newest = agg.filter(mine & pl.col("vaerdi").is_not_null()).select(pl.col("til").max())
        month = newest.collect().item()
        if month is not None:
            out.append((table, int(month)))
    return out


def person_months(crit: Criterion, store: Store, as_of: dt.datetime | None) -> set[int]:
    """The months the criterion's person-level data holds for any kommune."""
    held: set[int] = set()
    for kind in PERSON_KINDS_FOR.get(crit.id, ()):
        data = store.person(kind, as_of)
        if data is not None and "maaned" in data.keys.columns:
            held |= set(data.keys.get_column("maaned").to_list())
    return held
