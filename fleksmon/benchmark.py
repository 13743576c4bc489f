"""The benchmark beside a ranking or the Nøgletal view (``--benchmark``): each kommune's
actual number of full-time persons on public benefits against the number expected from
its framework conditions, from Jobindsats' table Y30R21 in the store
(:mod:`fleksmon.measures.benchmark`).

Y30R21 is published as moving annual totals (``2022QMAT04``: the four quarters up to
4th quarter 2022), twice a year. A ranking shows the newest benchmark period ending at
or before the month it ranks; the Nøgletal view the benchmark periods ending in its
months (else the newest before them). Where there is none, a note says what the store
has; without any Y30R21 data in the store the request is refused in one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from fleksmon import api, areas, texts
from fleksmon.errors import FleksmonError
from fleksmon.measures import benchmark as measure
from fleksmon.periods import Period, span_code, span_human
from fleksmon.periods import series_kind as kind_of
from fleksmon.query import Query

TABLE = "Y30R21"


@dataclass
class Benchmark:
    """Benchmark rows (``kommune``, ``benchmark_*`` keys, one per area and period shown)
    and the notes that say which period they are and what they mean."""

    records: pl.DataFrame
    periods: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _all(q: Query) -> pl.DataFrame:
    """Every stored benchmark row with ``benchmark_period`` (its code), or a one-line
    error when the store holds no Y30R21 figures."""
    tidy = q.frame.lazy() if q.frame is not None else q.data_store().scan("aggregate", q.as_of)
    frame = measure.benchmark(tidy).collect() if tidy is not None else pl.DataFrame()
    if frame.is_empty():
        raise FleksmonError(
            f"--benchmark needs Jobindsats' table {TABLE}, and the store holds none",
            f"load it: fleksmon fetch {TABLE} --period 2022QMAT04 --ingest (or ingest a download)",
        )
    spans = sorted(set(frame.select("fra", "til").iter_rows()))
    kind = kind_of(spans)
    names = pl.DataFrame(
        [(a, b, span_code(a, b, kind), span_human(a, b, kind)) for a, b in spans],
        schema={
            "fra": pl.Int32,
            "til": pl.Int32,
            "benchmark_period": pl.String,
            "_human": pl.String,
        },
        orient="row",
    )
    return frame.join(names, on=["fra", "til"])


def _span(names: list[str]) -> str:
    """The first and last of some periods' names (``A – B``; one name alone)."""
    return names[0] if len(names) == 1 else f"{names[0]} – {names[-1]}"


def _said(rows: pl.DataFrame) -> list[str]:
    """What the benchmark columns are, for the periods shown, and which areas are summed
    from the kommuner."""
    shown = list(dict.fromkeys(rows.sort("til")["_human"].to_list()))
    notes = [texts.message("benchmark", periods=_span(shown), table=TABLE)]
    summed = list(dict.fromkeys(rows.filter(pl.col("benchmark_summed"))["kommune"].to_list()))
    if summed:
        notes.append(texts.message("benchmark_summed", areas=texts.name_list(summed)))
    return notes


def _none(frame: pl.DataFrame, upto: Period) -> list[str]:
    have = list(dict.fromkeys(frame.sort("til")["_human"].to_list()))
    return [texts.message("benchmark_none", period=upto.human(), have=_span(have))]


def at(q: Query, period: Period, names: Sequence[str]) -> Benchmark:
    """The benchmark of the areas ``names`` in the newest Y30R21 period ending at or
    before ``period`` (none, and a note, where the store has no earlier period)."""
    frame = _all(q)
    before = frame.filter(pl.col("til") <= period.end)
    if before.is_empty():
        return Benchmark(pl.DataFrame(schema={"kommune": pl.String}), [], _none(frame, period))
    rows = before.filter(pl.col("til") == before["til"].max())
    rows = rows.filter(pl.col("kommune").is_in(list(names)))
    code = rows["benchmark_period"][0]
    return Benchmark(rows.select("kommune", *measure.COLUMNS), [code], _said(rows))


def within(q: Query, names: Sequence[str], first: int, last: int) -> Benchmark:
    """The benchmark of ``names`` in each Y30R21 period ending from month ``first`` to
    ``last`` (else the newest ending before ``first``), oldest first."""
    frame = _all(q)
    mine = frame.filter(pl.col("kommune").is_in(list(names)) & (pl.col("til") <= last))
    inside = mine.filter(pl.col("til") >= first)
    rows = inside if not inside.is_empty() else mine.filter(pl.col("til") == mine["til"].max())
    if rows.is_empty():
        return Benchmark(
            pl.DataFrame(schema={"kommune": pl.String}), [], _none(frame, Period(last, last))
        )
    order = {name: i for i, name in enumerate(names)}
    rows = rows.sort(pl.col("kommune").replace_strict(order, return_dtype=pl.Int64), "til")
    codes = list(dict.fromkeys(rows.sort("til")["benchmark_period"].to_list()))
    return Benchmark(rows.select("kommune", *measure.COLUMNS), codes, _said(rows))


def for_noegletal(result: api.Result) -> Benchmark:
    """The benchmark of a Nøgletal view's areas (and Hele landet) in its months."""
    names = [*result.query.areas(), areas.HELE_LANDET]
    return within(
        result.query, list(dict.fromkeys(names)), result.periods[0].end, result.periods[-1].end
    )


def as_series(found: Benchmark, criterion: str = TABLE) -> pl.DataFrame:
    """The benchmark rows in the Nøgletal view's long form (``criterion`` ``Y30R21``,
    ``period``, ``omraade``, the ``benchmark_*`` keys)."""
    return found.records.select(
        pl.lit(criterion).alias("criterion"),
        pl.col("benchmark_period").alias("period"),
        pl.col("kommune").alias("omraade"),
        *measure.COLUMNS,
    )
