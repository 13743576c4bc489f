"""A comparison group beside the areas: ``--compare GRUPPE`` in gap, compute, noegletal,
export, chart and rank.

A group of kommuner from the targets file's ``[grupper]`` (e.g. the kommuner with the
same framework conditions) gets a figure of its own in every period a result shows:
:func:`with_group` computes the kommuner's records (:func:`fleksmon.api.compute`,
exact counts, no discretion) and makes the group's row from them
(:func:`fleksmon.measures.compare.group_rows`: counts summed and the share recomputed,
or for a share-only measure the plain mean of the kommuner's shares, only when every
kommune has one). The group's rows join the result's records (after the kommuner, set
apart in tables); every record gains ``compare_group``, ``compare_share_pct`` (the
group's share that period) and ``compare_diff_pp`` (the record's share minus it).
Notes say how the figure is made and where a kommune of the group is missing.

With discretion, a group figure is hidden where its own count is below the limit or
a kommune of the group has a count below it (the sum would give it back).
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from fleksmon import api, areas, texts
from fleksmon.errors import FleksmonError
from fleksmon.measures import compare
from fleksmon.measures.discretion import SECONDARY, count_columns
from fleksmon.periods import Period

COMPARE_COLUMNS = ("compare_group", "compare_share_pct", "compare_diff_pp")
"""The keys every record gains with ``--compare``."""


def members(result: api.Result) -> tuple[str, ...]:
    """The kommuner of the result's comparison group (empty without one)."""
    q = result.query
    if q.compare is None:
        return ()
    return tuple(areas.resolve(k).name for k in q.groups[q.compare])


def with_group(result: api.Result) -> api.Result:
    """``result`` with its query's comparison group (``Query.compare``) as rows of its own
    and the ``compare_*`` keys on every record; ``result`` itself without a group."""
    q = result.query
    name = q.compare
    if name is None or result.records.is_empty():
        return result
    if name in set(result.records["kommune"].to_list()):
        return result
    crit, kommuner = result.criterion, members(result)
    codes = [p.code() for p in result.periods]
    recs = _member_records(
        result, kommuner, Period(result.periods[0].start, result.periods[-1].end)
    )
    recs = recs.filter(pl.col("period").is_in(codes))
    group = compare.group_rows(recs.lazy(), crit, name, kommuner).collect()
    group = _all_periods(group, codes, name, kommuner)
    group = group.with_columns(
        pl.lit(_baseline_share(result, kommuner), pl.Float64).alias("baseline_pct")
    )
    made = texts.message(
        "compare_mean" if crit.share else "compare_sum",
        group=name,
        n=len(kommuner),
        members=texts.name_list(list(kommuner)),
    )
    lacking = _missing_note(result, group, name)
    notes_by_period = {
        code: " ".join([made, *([lacking[code]] if code in lacking else [])]) for code in codes
    }
    group = group.with_columns(
        pl.col("period").replace_strict(notes_by_period, return_dtype=pl.String).alias("note"),
        pl.lit(q.as_of.isoformat() if q.as_of else None, pl.String).alias("as_of"),
        pl.lit(crit.id).alias("criterion"),
    )
    hidden = dict(result.hidden)
    if q.discretion:
        group = _discreet(group, recs, result, hidden)
    records = pl.concat(
        [result.records, group.select(_known(result, group))], how="diagonal_relaxed"
    )
    records = _compare_keys(records, group, name)
    said = list(dict.fromkeys(lacking.values()))
    return replace(
        result,
        records=records,
        notes=[*result.notes, made, *said],
        reasons=[*result.reasons, made, *said],
        hidden=hidden,
    )


def notes(result: api.Result) -> list[str]:
    """The result's notes on its comparison group (how it is made, where it is unknown),
    for the lines under a chart."""
    name = result.query.compare
    if name is None or "compare_group" not in result.records.columns:
        return []
    return [n for n in result.notes if n.startswith(f"{name}: ")]


def series(result: api.Result) -> dict[str, list[float | None]]:
    """The comparison group's share in each period of ``result`` (a chart's line), by
    the group's name; empty when the result has no group rows."""
    name = result.query.compare
    if name is None or "compare_group" not in result.records.columns:
        return {}
    rows = result.records.filter(pl.col("kommune") == name)
    share = dict(rows.select("period", "share_pct").iter_rows())
    return {name: [share.get(p.code()) for p in result.periods]}


def _member_records(result: api.Result, kommuner: tuple[str, ...], span: Period) -> pl.DataFrame:
    """The group's kommuners' records over ``span``, exact (no discretion, no group)."""
    q = result.query.but(kommuner=kommuner, period=span, compare=None, discretion=0)
    try:
        return api.compute(result.criterion, q).records
    except FleksmonError:
        return result.records.clear()


def _all_periods(
    group: pl.DataFrame, codes: list[str], name: str, kommuner: tuple[str, ...]
) -> pl.DataFrame:
    """A row for every period shown, also where no kommune of the group has a record."""
    have = set(group["period"].to_list())
    absent = [c for c in codes if c not in have]
    if not absent:
        return group
    empty = pl.DataFrame(
        {
            "period": absent,
            "kommune": [name] * len(absent),
            "members_missing": [sorted(kommuner)] * len(absent),
        },
        schema={"period": pl.String, "kommune": pl.String, "members_missing": pl.List(pl.String)},
    )
    return pl.concat([group, empty], how="diagonal_relaxed").sort("period")


def _baseline_share(result: api.Result, kommuner: tuple[str, ...]) -> float | None:
    """The group's share at the result's baseline period (``None`` where unknown)."""
    base = result.baseline
    if base is None:
        return None
    recs = _member_records(result, kommuner, base)
    if recs.is_empty():
        return None
    last = recs["period"].max()
    rows = compare.group_rows(
        recs.filter(pl.col("period") == last).lazy(),
        result.criterion,
        "",
        kommuner,
    ).collect()
    value = rows["share_pct"][0] if rows.height else None
    return None if value is None else float(value)


def _missing_note(result: api.Result, group: pl.DataFrame, name: str) -> dict[str, str]:
    """By period code, the note where the group has no figure because kommuner lack one."""
    human = {p.code(): p.human() for p in result.periods}
    by_members: dict[tuple[str, ...], list[str]] = {}
    for code, missing in group.select("period", "members_missing").iter_rows():
        if missing:
            by_members.setdefault(tuple(missing), []).append(code)
    out = {}
    for missing, codes in by_members.items():
        text = texts.message(
            "compare_missing",
            group=name,
            periods=texts.name_list([human[c] for c in codes]),
            members=texts.name_list(list(missing)),
        )
        out.update(dict.fromkeys(codes, text))
    return out


def _discreet(
    group: pl.DataFrame,
    recs: pl.DataFrame,
    result: api.Result,
    hidden: dict[tuple[str, str], dict[str, str]],
) -> pl.DataFrame:
    """The group's rows with counts hidden where they, or a kommune's count, are below
    the discretion limit; what tables show instead recorded in ``hidden``."""
    crit, n = result.criterion, result.query.discretion
    counts = [c for c in count_columns(crit) if c in group.columns]
    risky = set(compare.small(recs.lazy(), crit, members(result), n).collect()["period"].to_list())
    derived = ["share_pct", "gap_pp", "gap_persons", "met"]
    rows = []
    for row in group.to_dicts():
        own = {c for c in counts if row.get(c) is not None and row[c] < n}
        if own or row["period"] in risky:
            shown = {c: (f"<{n}" if c in own else SECONDARY) for c in counts}
            hidden[(row["kommune"], row["period"])] = shown
            row.update(dict.fromkeys([*counts, *derived]))
            row["suppressed"] = True
        else:
            row["suppressed"] = False
        rows.append(row)
    return pl.DataFrame(rows, schema={**group.schema, "suppressed": pl.Boolean()})


def _known(result: api.Result, group: pl.DataFrame) -> list[str]:
    """The group's columns that the result's records have (others are left out)."""
    return [c for c in result.records.columns if c in group.columns]


def _compare_keys(records: pl.DataFrame, group: pl.DataFrame, name: str) -> pl.DataFrame:
    """Every record with the group's name, its share that period and the difference."""
    shares = group.select("period", pl.col("share_pct").alias("compare_share_pct"))
    joined = records.join(shares, on="period", how="left", maintain_order="left")
    return joined.with_columns(
        pl.lit(name).alias("compare_group"),
        (pl.col("share_pct") - pl.col("compare_share_pct")).alias("compare_diff_pp"),
    ).select(pl.exclude(*COMPARE_COLUMNS), *COMPARE_COLUMNS)
