"""Where a kommune stands among the 98: every kommune with a figure, ranked best first.

:func:`rank` computes a criterion (or an own share measure) for every area with
:func:`fleksmon.api.gap` — the latest period, or the query's — and ranks the kommuner
with a share by the measure's direction (:mod:`fleksmon.measures.rank`: ties share a
position, 1, 2, 2, 4), each with its share, gap and the change in position since the
baseline period (the criterion's, or ``baseline``). Hele landet and the top-10 mean
(:func:`fleksmon.measures.shares.top10_mean`: the plain mean of the ten best shares,
none with fewer than ten) follow as reference rows. The kommuner of the query are
highlighted (``highlight``) and kept when ``top`` cuts the list.

>>> import polars as pl
>>> from fleksmon.schema import AGGREGATE
>>> m = 2019 * 12 + 8
>>> rows = [(k, m, m, measure, value) for k, f, ly in
...         [("Viborg", 90, 10), ("Thisted", 80, 20), ("Skive", 90, 10)]
...         for measure, value in (("fleksjob_fuldtid", f), ("ledighedsydelse_fuldtid", ly))]
>>> ranking = rank("K1", frame=pl.DataFrame(rows, schema=AGGREGATE, orient="row"),
...                kommuner=["Thisted"])
>>> ranking.records.select("kommune", "rank", "share_pct", "highlight").rows()[:3]
[('Skive', 1, 90.0, False), ('Viborg', 1, 90.0, False), ('Thisted', 3, 80.0, True)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from fleksmon import api, areas, comparison, texts
from fleksmon import benchmark as benchmarks
from fleksmon.criteria import Criterion
from fleksmon.errors import FleksmonError
from fleksmon.measures import rank as positions
from fleksmon.measures.benchmark import COLUMNS as BENCHMARK_COLUMNS
from fleksmon.measures.shares import top10_mean
from fleksmon.periods import Period, parse_period
from fleksmon.query import Query, QueryFields, make_query

if TYPE_CHECKING:
    from typing_extensions import Unpack

TOP10 = "Top-10 gns."
"""The reference row of the top-10 mean (as in the Nøgletal view)."""

RANK_COLUMNS = (
    "kommune",
    "kommune_kode",
    "criterion",
    "period",
    "rank",
    "kommuner",
    "rank_change",
    "baseline_rank",
    "baseline_period",
    "share_pct",
    "target_pct",
    "gap_pp",
    "gap_persons",
    "met",
    "population",
    "hits",
    "highlight",
    "note",
    "as_of",
)
"""The keys of a ranking record, in order."""

_SCHEMA: dict[str, pl.DataType] = {
    "kommune": pl.String(),
    "kommune_kode": pl.String(),
    "criterion": pl.String(),
    "period": pl.String(),
    "rank": pl.Int64(),
    "kommuner": pl.Int64(),
    "rank_change": pl.Int64(),
    "baseline_rank": pl.Int64(),
    "baseline_period": pl.String(),
    "share_pct": pl.Float64(),
    "target_pct": pl.Float64(),
    "gap_pp": pl.Float64(),
    "gap_persons": pl.Int64(),
    "met": pl.Boolean(),
    "population": pl.Float64(),
    "hits": pl.Float64(),
    "highlight": pl.Boolean(),
    "note": pl.String(),
    "as_of": pl.String(),
}


@dataclass
class Ranking:
    """A criterion's ranking in one period: the records (ranked kommuner best first,
    then highlighted kommuner without a share, then the reference rows) and what a
    table needs to say."""

    criterion: Criterion
    period: Period
    baseline: Period | None
    records: pl.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    """The notes on missing figures (also among ``notes``): data formats print them on
    stderr."""
    query: Query = field(default_factory=Query)
    top: int | None = None
    hidden: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @property
    def ranked(self) -> int:
        """How many kommuner have a share (and a position)."""
        counts = self.records["kommuner"].drop_nulls()
        return int(counts[0]) if len(counts) else 0

    def highlighted(self) -> list[str]:
        """The kommuner asked for, in the order the records show them."""
        return self.records.filter(pl.col("highlight"))["kommune"].to_list()


def rank(
    criterion: str | Criterion = "K1",
    query: Query | None = None,
    *,
    baseline: Period | str | None = None,
    top: int | None = None,
    benchmark: bool = False,
    **selection: Unpack[QueryFields],
) -> Ranking:
    """Every kommune with a share in the query's period (else the latest), ranked best
    first, with the change in position since ``baseline`` (default: the criterion's
    baseline period), Hele landet and the top-10 mean; the query's kommuner highlighted.

    ``top`` keeps the kommuner ranked ``top`` or better (a tie at the cut kept whole)
    and the highlighted ones; ``benchmark`` adds each area's actual against expected
    number on public benefits (:func:`fleksmon.benchmark.at`, the ``benchmark_*`` keys).
    Takes the selection as :func:`fleksmon.api.compute`.
    """
    q = make_query(query, **selection)
    crit = q.criterion(criterion)
    if top is not None and top < 1:
        raise FleksmonError(f"--top {top} is not a number of places", "give 1 or more")
    wanted = q.areas()
    now = comparison.with_group(api.gap(crit, q.but(kommuner=())))
    period = now.periods[-1]
    kommune_names = {k.name for k in areas.kommuner()}
    records = now.records
    ranked = positions.positions(
        records.filter(pl.col("kommune").is_in(kommune_names)).lazy(), crit.direction
    )
    base_period, before, base_notes = _baseline_ranks(crit, q, period, baseline)
    ranked = positions.with_change(ranked, before.lazy())
    highlight = [w for w in wanted if w in kommune_names]
    shown = positions.cut(ranked, top, highlight).collect()
    lacking = [k for k in highlight if k not in set(shown["kommune"].to_list())]
    asked = _asked(crit, q, now, lacking, wanted)
    unranked = _unranked(crit, asked, lacking, period)
    reasons = _unsaid(unranked, now.reasons)
    references = _references(crit, asked, lacking, ranked.collect(), period)
    as_of = q.as_of.isoformat() if q.as_of else None
    frame = pl.concat([shown, unranked, references], how="diagonal_relaxed").with_columns(
        pl.lit(crit.id).alias("criterion"),
        pl.lit(period.code()).alias("period"),
        pl.lit(base_period.code() if base_period else None, pl.String).alias("baseline_period"),
        pl.col("kommune").is_in(highlight).alias("highlight"),
        pl.lit(as_of, pl.String).alias("as_of"),
    )
    said: list[str] = []
    if benchmark:
        found = benchmarks.at(q, period, frame["kommune"].to_list())
        frame = frame.join(found.records, on="kommune", how="left", maintain_order="left")
        said = found.notes
    frame = _conform(frame)
    notes = [*_notes(crit, now, frame, period, base_period, base_notes, top), *said]
    return Ranking(
        crit,
        period,
        base_period,
        frame,
        now.source,
        [*notes, *reasons],
        [*now.reasons, *reasons],
        q,
        top,
        now.hidden,
    )


def _conform(frame: pl.DataFrame) -> pl.DataFrame:
    """The records in :data:`RANK_COLUMNS` order and types (missing keys null), then the
    ``compare_*`` keys where there is a comparison group."""
    known = (*comparison.COMPARE_COLUMNS, *BENCHMARK_COLUMNS)
    extra = [c for c in known if c in frame.columns]
    return frame.select(
        *[
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in _SCHEMA.items()
        ],
        *extra,
    )


def _baseline_ranks(
    crit: Criterion, q: Query, period: Period, asked: Period | str | None
) -> tuple[Period | None, pl.DataFrame, list[str]]:
    """The baseline period, every kommune's position then, and a note where there is
    none. An explicit ``asked`` period must lie before ``period``."""
    empty = pl.DataFrame(schema={"kommune": pl.String, "rank": pl.Int64})
    chosen = parse_period(asked) if isinstance(asked, str) else asked
    if chosen is not None and chosen.end >= period.end:
        raise FleksmonError(
            f"--baseline {chosen.code()} is not before the ranked period {period.code()}",
            "give an earlier period, e.g. the criterion's baseline",
        )
    base = chosen if chosen is not None else crit.baseline_period()
    if base.end >= period.end:
        return None, empty, []
    try:
        then = api.gap(crit, q.but(kommuner=(), period=base))
    except FleksmonError:
        note = texts.message("rank_no_baseline", crit=crit.id, baseline=base.human())
        return base, empty, [note]
    kommune_names = {k.name for k in areas.kommuner()}
    then_kommuner = then.records.filter(pl.col("kommune").is_in(kommune_names))
    ranked = positions.positions(then_kommuner.lazy(), crit.direction).collect()
    shown = then.periods[-1]
    if ranked.is_empty():
        note = texts.message("rank_no_baseline", crit=crit.id, baseline=shown.human())
        return shown, empty, [note]
    return shown, ranked.select("kommune", "rank"), []


def _asked(
    crit: Criterion, q: Query, now: api.Result, lacking: Sequence[str], wanted: Sequence[str]
) -> pl.DataFrame:
    """The records (with their ``note``) of the kommuner asked for without a share, the
    regions asked for and Hele landet, in the ranked period: from ``now`` where it has
    them, else computed for them alone (every area asked for is a record there)."""
    regions = [w for w in wanted if (a := areas.try_area(w)) is not None and a.kind == "region"]
    names = [*lacking, *([q.compare] if q.compare else []), *regions, areas.HELE_LANDET]
    have = now.records.filter(pl.col("kommune").is_in(names))
    rest = [n for n in names if n not in set(have["kommune"].to_list()) and n != q.compare]
    if rest:
        more = api.gap(crit, q.but(kommuner=rest, period=now.periods[-1]))
        have = pl.concat([have, more.records], how="diagonal_relaxed")
    order = {name: i for i, name in enumerate(names)}
    keyed = pl.col("kommune").replace_strict(order, default=len(names), return_dtype=pl.Int64)
    return have.sort(keyed)


def _unranked(
    crit: Criterion, asked: pl.DataFrame, lacking: Sequence[str], period: Period
) -> pl.DataFrame:
    """A row for each kommune asked for that has no share (and so no position), with
    its reason (``rank_unranked`` where the record gives none)."""
    rows = asked.filter(pl.col("kommune").is_in(lacking))
    fallback = {
        name: texts.message("rank_unranked", area=name, crit=crit.id, period=period.human())
        for name in lacking
    }
    rows = rows.with_columns(
        pl.coalesce(
            pl.col("note"),
            pl.col("kommune").replace_strict(fallback, default=None, return_dtype=pl.String),
        ).alias("note")
    )
    return rows


def _unsaid(rows: pl.DataFrame, said: Sequence[str]) -> list[str]:
    """The notes of ``rows`` whose area the lines ``said`` do not name already."""
    import re

    def named(name: str) -> bool:
        return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", line) for line in said)

    return [n for k, n in rows.select("kommune", "note").iter_rows() if n and not named(k)]


def _references(
    crit: Criterion,
    asked: pl.DataFrame,
    lacking: Sequence[str],
    ranked: pl.DataFrame,
    period: Period,
) -> pl.DataFrame:
    """The reference rows: regions asked for, Hele landet (with its note where it has no
    figure) and the top-10 mean of the ranked kommuner's shares."""
    rows = asked.filter(~pl.col("kommune").is_in(lacking))
    top = (
        top10_mean(ranked.lazy().with_columns(pl.lit(period.end).alias("maaned")), crit)
        .collect()
        .select(
            pl.lit(TOP10).alias("kommune"),
            pl.col("top10_pct").alias("share_pct"),
            pl.col("kommuner_n").alias("kommuner"),
        )
    )
    count = len(ranked)
    if top.is_empty() or top["share_pct"][0] is None:
        left_out = texts.message("top10_left_out", where="", count=count)
        top = pl.DataFrame({"kommune": [TOP10], "kommuner": [count], "note": [left_out]})
    return pl.concat([rows, top], how="diagonal_relaxed")


def _notes(
    crit: Criterion,
    now: api.Result,
    frame: pl.DataFrame,
    period: Period,
    base: Period | None,
    base_notes: list[str],
    top: int | None,
) -> list[str]:
    """What the ranking is (order and ties, the change, the cut, the top-10) and the
    result's own notes (data, missing areas)."""
    count = int(frame["kommuner"].drop_nulls().max() or 0)  # type: ignore[arg-type]
    order = "rank_order_lower" if crit.direction == "lower" else "rank_order_higher"
    notes = [texts.message(order, count=count, period=period.human())]
    if base is not None and not base_notes:
        notes.append(texts.message("rank_change", baseline=base.human()))
    notes.extend(base_notes)
    if top is not None and count > top:
        notes.append(texts.message("rank_top", top=top, count=count))
    notes.append(
        texts.message("top10")
        if count >= 10
        else texts.message("top10_left_out", where="", count=count)
    )
    return [*notes, *now.notes]
