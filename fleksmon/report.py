"""What an Excel report needs beyond :func:`fleksmon.api.compute`: chart series and provenance.

Pure functions: they compute, they do not write or print. The writer is
:mod:`fleksmon.render.excel`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from fleksmon import __version__, api, areas, comparison, latest, provenance, sources, texts
from fleksmon.criteria import Criterion
from fleksmon.errors import FleksmonError
from fleksmon.measure_ids import MEASURE_LABELS
from fleksmon.measures import overblik as overblik_measures
from fleksmon.measures import shares
from fleksmon.periods import Period, covered, month_code, month_human
from fleksmon.query import Query
from fleksmon.store import Batch

CHART_AREAS = 10
"""Without ``kommuner``, chart every kommune of the result when there are at most this many."""
TOP10 = "Top-10 gns."


@dataclass
class Section:
    """One criterion's result, its chart series (``period`` + a share column each) and texts."""

    result: api.Result
    chart: pl.DataFrame
    chart_notes: list[str] = field(default_factory=list)

    def title(self) -> str:
        """The table's title: ``Succeskriterie 1: … skal øges til minimum 90 pct.``"""
        return texts.title(self.result.criterion)

    def period_line(self) -> str:
        """The months the table covers (``Mar.–Sep. 2019``)."""
        periods = self.result.periods
        return covered(periods)

    def stamp(self) -> str:
        """The period line, with the store state asked for with ``--as-of`` (``Mar.–Sep.
        2019 · lageret som det var ved udgangen af 31.10.2019``)."""
        as_of = self.result.query.as_of
        if as_of is None:
            return self.period_line()
        return f"{self.period_line()} · lageret som det var {texts.as_of_stamp(as_of)}"

    def status(self) -> str:
        """The header over the shares and counts (``Status for andel i fleksjob``)."""
        name = self.result.criterion.name
        return f"Status for {name[:1].lower() + name[1:] if name[1:2].islower() else name}"

    def headers(self) -> list[str]:
        """Column headers: area, baseline, a share per period, latest counts, the gaps."""
        result, crit = self.result, self.result.criterion
        last = result.periods[-1].human()
        base = result.baseline.human() if result.baseline else ""
        share = texts.LABELS["share"]
        return [
            texts.LABELS["area"],
            f"{share}\n{base}",
            *[f"{share}\n{p.human()}" for p in result.periods],
            *[f"{label}\n{last}" for label in count_labels(crit)],
            texts.LABELS["gap_pp"],
            gap_persons_label(crit),
        ]

    def notes(self) -> list[str]:
        """The lines under the table: the gap formula, ``Anm.:`` notes and ``Kilde:``."""
        return note_lines(self.result)


def count_labels(crit: Criterion) -> list[str]:
    """The labels of the counts a report table shows: population, hits, extras."""
    extras = [MEASURE_LABELS[m] for _, m in crit.extras]
    return [texts.population_label(crit), texts.hits_label(crit), *extras]


def gap_persons_label(crit: Criterion) -> str:
    """``Antal personer*`` (the star points at the formula under the table)."""
    label = texts.LABELS["gap_persons"]
    return f"{label}*" if texts.gap_formula(crit) else label


def note_lines(result: api.Result) -> list[str]:
    """The lines under a table or sheet: the gap formula, ``Anm.:`` lines and the source."""
    crit = result.criterion
    formula = texts.gap_formula(crit)
    lines = [formula] if formula else []
    lines += [f"Anm.: {note}" for note in (*crit.notes, *result.notes)]
    return [*lines, texts.source_line(result.source)]


@dataclass
class ReportData:
    """Everything a workbook shows: a section per criterion and where the data came from."""

    sections: list[Section]
    used: list[provenance.Used] = field(default_factory=list)
    replaced: list[Batch] = field(default_factory=list)
    store_root: str | None = None
    as_of: dt.datetime | None = None
    extra: list[tuple[str, Callable[[Any], None]]] = field(default_factory=list)
    """Further sheets after the criteria: a name and a function that fills an empty
    worksheet (the Jobcenteroverblik, months to target)."""

    @property
    def batches(self) -> list[Batch]:
        """The batches behind the figures, oldest first."""
        return [u.batch for u in self.used]

    def provenance(self) -> list[str]:
        """Where the figures come from: the store, the as-of time, when and by what, and
        the discretion applied."""
        stamp = self.as_of.isoformat() if self.as_of else "seneste indlæsning"
        n = self.sections[0].result.query.discretion if self.sections else 0
        return [
            f"Lager: {self.store_root or '(data givet direkte)'}",
            f"Data som lagret: {stamp}",
            f"Lavet {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC med fleksmon {__version__}",
            *([texts.message("discretion", n=n)] if n else []),
        ]

    @property
    def records(self) -> pl.DataFrame:
        """Every section's records in one frame (the JSON/CSV schema)."""
        frames = [s.result.records for s in self.sections]
        return pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]


def _chart_areas(result: api.Result) -> list[str]:
    if result.query.kommuner:
        names = list(result.query.areas())
    else:
        shown = list(dict.fromkeys(result.records["kommune"].to_list()))
        names = [n for n in shown if (a := areas.try_area(n)) is not None and a.kind == "kommune"]
        names = names if len(names) <= CHART_AREAS else []
    return [n for n in names if n != areas.HELE_LANDET] + [areas.HELE_LANDET]


def chart_series(result: api.Result) -> pl.DataFrame:
    """Share (percent) per period of the chosen areas, Hele landet and the top-10 average.

    Areas are the query's kommuner (or the result's kommuner when few), then Hele
    landet; the top-10 average is the plain mean of the ten best kommuner and is
    given only in periods where ten kommuner have a share. Series without any
    value are left out. Read from the same data and query as ``result``.
    """
    return _chart(result)[0]


def _discreet(
    result: api.Result, found: pl.DataFrame, value: dict[tuple[str, int], float | None]
) -> dict[tuple[str, int], float | None]:
    """Chart points under discretion: an area's share as its record shows it (hidden
    there, hidden here); areas without a record lose shares built on small counts."""
    code = {p.end: p.code() for p in result.periods}
    shown = {(r["kommune"], r["period"]): r["share_pct"] for r in result.records.to_dicts()}
    n = result.query.discretion
    out = dict(value)
    for kommune, month, _, population, hits in found.iter_rows():
        key = (kommune, code[month])
        if key in shown:
            out[(kommune, month)] = shown[key]
        elif any(c is not None and c < n for c in (population, hits)):
            out[(kommune, month)] = None
    return out


def _chart(result: api.Result) -> tuple[pl.DataFrame, list[str], dict[int, int]]:
    """The chart series, the notes under the chart (what the top-10 line is, or why
    it is left out) and how many kommuner had a share each month."""
    crit, q = result.criterion, result.query
    if q.frame is not None:
        tidy = q.frame.lazy()
    else:
        period = result.periods[0] if crit.window == 0 else None
        tidy, _ = sources.tidy_for(
            crit, q.data_store(), as_of=q.as_of, source=result.source, period=period
        )
    whole = (result.periods[0].start, result.periods[0].end) if crit.window == 0 else None
    full = shares.series(tidy, crit, whole)
    months = [p.end for p in result.periods]
    names = _chart_areas(result)
    found = (
        full.filter(pl.col("maaned").is_in(months) & pl.col("kommune").is_in(names))
        .select("kommune", "maaned", "share_pct", "population", "hits")
        .collect()
    )
    value = {(k, m): s for k, m, s, *_ in found.iter_rows()}
    if q.discretion:
        value = _discreet(result, found, value)
    columns: dict[str, list[float | None]] = {n: [value.get((n, m)) for m in months] for n in names}
    country = columns.pop(areas.HELE_LANDET)
    columns = {**columns, **comparison.series(result), areas.HELE_LANDET: country}
    top = shares.top10_mean(full, crit).collect()
    by_month = {m: (v, n) for m, v, n in top.select("maaned", "top10_pct", "top10_n").iter_rows()}
    with_share = dict(top.select("maaned", "kommuner_n").iter_rows())
    columns[TOP10] = [
        v if n == 10 else None for v, n in (by_month.get(m, (None, 0)) for m in months)
    ]
    kept = {name: vals for name, vals in columns.items() if any(v is not None for v in vals)}
    labels = [p.human() for p in result.periods]
    frame = pl.DataFrame(
        {"period": labels, **kept},
        schema={"period": pl.String, **dict.fromkeys(kept, pl.Float64)},
    )
    short = {p.human(): by_month.get(p.end, (None, 0))[1] for p in result.periods}
    notes = [*_top10_notes(short), *comparison.notes(result)]
    if crit.share and areas.HELE_LANDET not in kept:
        notes.append(texts.message("land_missing"))
    land = full.filter(
        (pl.col("kommune") == areas.HELE_LANDET)
        & pl.col("maaned").is_in(months)
        & pl.col("kommuner_present").is_not_null()
        & pl.col("share_pct").is_not_null()
    )
    if areas.HELE_LANDET in kept and land.select(pl.len()).collect().item() > 0:
        notes.append(texts.message("summed_land"))
    return frame, notes, {m: int(with_share.get(m, 0)) for m in months}


def _top10_notes(kommuner_with_data: dict[str, int]) -> list[str]:
    """Say what the top-10 line is, and in which periods it is left out and why."""
    short = {label: n for label, n in kommuner_with_data.items() if n < 10}
    if not short:
        return [texts.message("top10")]
    count = max(short.values())
    if len(short) == len(kommuner_with_data):
        return [texts.message("top10_left_out", where="", count=count)]
    where = f" for {', '.join(short)}"
    return [texts.message("top10"), texts.message("top10_left_out", where=where, count=count)]


def _with_hele_landet(result: api.Result) -> api.Result:
    """The result with Hele landet's rows added when only some kommuner were chosen:
    the table always has the country to compare with."""
    q = result.query
    if not q.kommuner or areas.HELE_LANDET in set(result.records["kommune"].to_list()):
        return result
    try:
        land = api.compute(result.criterion, q.but(kommuner=[areas.HELE_LANDET]))
    except FleksmonError:
        land = None
    if land is None or land.records["population"].is_null().all():
        return replace(result, notes=[*result.notes, texts.message("land_no_data")])
    records = pl.concat([result.records, land.records], how="diagonal_relaxed")
    return replace(result, records=records)


def workbook_data(criteria_ids: Sequence[str], query: Query) -> ReportData:
    """The results, chart series and provenance for a workbook of ``criteria_ids``.

    Each criterion is computed as :func:`fleksmon.api.compute` does (the report's
    default columns, or the query's period); with chosen kommuner Hele landet is
    added as the row to compare with. A query on tidy rows (``frame``) has no
    batches to list.
    """
    sections = []
    for cid in criteria_ids:
        result = comparison.with_group(_with_hele_landet(api.compute(cid, query)))
        chart, notes, _ = _chart(result)
        sections.append(Section(result, chart, notes))
    if query.frame is not None:
        return ReportData(sections, as_of=query.as_of)
    store = query.data_store()
    used, replaced = provenance.behind(store, _needs(sections), query.as_of)
    return ReportData(sections, used, replaced, str(store.root.resolve()), query.as_of)


def _needs(sections: list[Section]) -> dict[str, list[str] | None]:
    """What the sections read: the aggregate measures, or whole person-level kinds."""
    needs: dict[str, list[str] | None] = {}
    for section in sections:
        crit = section.result.criterion
        if section.result.source == "aggregate":
            measures = needs.get("aggregate") or []
            needs["aggregate"] = list(dict.fromkeys([*measures, *crit.measures]))
        else:
            needs.update(dict.fromkeys(sources.PERSON_KINDS_FOR.get(crit.id, ())))
    return needs


def noegletal(
    criterion: str | Criterion, query: Query, *, months: int = 25
) -> tuple[api.Result, pl.DataFrame]:
    """The key-figure view: the query's kommuner's last ``months`` shares against Hele
    landet and the top-10 average (the plain mean of the ten best kommuner each month,
    best by the measure's direction; only where at least ten kommuner have a share).

    Without a period the series ends one month before the latest month with data
    (the reports' one-month delay, :func:`fleksmon.latest.delayed`; said in a note).
    Any monthly share measure: a built-in criterion, or an own measure from two
    stored counts or from stored share columns. Ends at the last month of the
    query's period. Returns the kommuner's
    records and the series in long form: ``criterion``, ``period``, ``omraade`` (a
    kommune, Hele landet or ``Top-10 gns.``), ``share_pct`` and ``kommuner`` (on the
    top-10 rows: how many kommuner had a share that month; no top-10 value below 10).
    The result's notes say what the top-10 line is, and where and why it is missing.
    """
    crit = query.criterion(criterion)
    if crit.window == 0:
        raise FleksmonError(
            f"{crit.id} covers one whole period; nøgletal follow a monthly measure",
            "use K1, K2 or K3 (or a monthly measure of your own)",
        )
    if months < 1:
        raise FleksmonError(f"--months {months} is not a number of months", "give 1 or more")
    last = api.gap(crit, query).periods[-1]
    end = last.end
    delay: list[str] = []
    monthly = len(last) == max(crit.window, 1)  # a moving annual total etc. has no delay
    if query.period is None and monthly:
        end, delay = latest.delayed(end), [texts.message("delay", month=month_human(end))]
    try:
        result = comparison.with_group(
            api.compute(crit, query.but(period=Period(end - months + 1, end)))
        )
    except FleksmonError as exc:
        if not delay:
            raise
        newest = month_code(end + latest.DELAY)
        raise FleksmonError(
            f"nøgletal leave out the newest month ({newest}: data med én måneds "
            f"forsinkelse), and the {crit.id} data holds no month before it",
            f"give --period {newest} to show that month",
        ) from exc
    wide, notes, with_share = _chart(result)
    codes = pl.Series("period", [p.code() for p in result.periods], dtype=pl.String)
    counts = pl.DataFrame(
        {
            "period": [p.code() for p in result.periods],
            "omraade": [TOP10] * len(result.periods),
            "kommuner": [with_share.get(p.end, 0) for p in result.periods],
        },
        schema={"period": pl.String, "omraade": pl.String, "kommuner": pl.Int64},
    )
    series = (
        wide.with_columns(codes)
        .unpivot(index="period", variable_name="omraade", value_name="share_pct")
        .join(counts, on=["period", "omraade"], how="left")
        .with_columns(pl.lit(crit.id).alias("criterion"))
        .select("criterion", "period", "omraade", "share_pct", "kommuner")
    )
    if TOP10 not in set(series["omraade"].to_list()):
        top = counts.with_columns(
            pl.lit(crit.id).alias("criterion"), pl.lit(None, pl.Float64).alias("share_pct")
        )
        series = pl.concat([series, top.select(series.columns)])
    summed = [n for n in notes if n == texts.message("summed_land")]
    reasons = [*result.reasons, *delay, *summed]
    said = replace(result, notes=[*result.notes, *delay, *notes], reasons=reasons)
    return said, _noegletal_notes(said, _every_area(result, series, codes))


def _every_area(result: api.Result, series: pl.DataFrame, codes: pl.Series) -> pl.DataFrame:
    """The series with a row (no share) for each period of every area asked for that has
    none: an area without data is said, not left out."""
    have = set(series["omraade"].to_list())
    lacking = [a for a in result.query.areas() if a not in have]
    if not lacking:
        return series
    empty = pl.DataFrame(
        {
            "criterion": result.criterion.id,
            "period": [c for _ in lacking for c in codes.to_list()],
            "omraade": [a for a in lacking for _ in codes.to_list()],
        }
    )
    return pl.concat([series, empty], how="diagonal_relaxed")


def _noegletal_notes(result: api.Result, series: pl.DataFrame) -> pl.DataFrame:
    """Each row's ``note`` (the area's reason from the result's records, or why the
    top-10 value is left out) and ``as_of``."""
    said = result.records.filter(pl.col("note").is_not_null())
    by_area = dict(said.select("kommune", "note").unique("kommune", keep="first").iter_rows())
    if texts.message("summed_land") in result.reasons:
        by_area.setdefault(areas.HELE_LANDET, texts.message("summed_land"))
    counts = series.filter(pl.col("omraade") == TOP10)["kommuner"].drop_nulls().unique()
    few = {n: texts.message("top10_left_out", where="", count=n) for n in counts.to_list()}
    top10 = pl.when(pl.col("share_pct").is_null()).then(
        pl.col("kommuner").replace_strict(few, default=None, return_dtype=pl.String)
    )
    as_of = result.query.as_of.isoformat() if result.query.as_of else None
    return series.with_columns(
        pl.when(pl.col("omraade") == TOP10)
        .then(top10)
        .otherwise(pl.col("omraade").replace_strict(by_area, default=None, return_dtype=pl.String))
        .alias("note"),
        pl.lit(as_of, pl.String).alias("as_of"),
    )


def overblik_for_export(query: Query) -> api.Overblik | None:
    """The Jobcenteroverblik a workbook for ``query`` includes: for its one kommune, at
    the query's quarter when the data has it, else at the latest; ``None`` without data."""
    if not api.has_overblik(query):
        return None
    period = query.period
    if period is not None and overblik_measures.is_quarter(period):
        try:
            return api.jobcenteroverblik(query)
        except FleksmonError:
            pass
    return api.jobcenteroverblik(query.but(period=None))
