"""Which areas an answer shows, and what it says where a figure is missing, old or summed.

Every area asked for (a group's kommuner included) is a row of the answer in every
period shown, with or without a figure; where there is none, the row's reason says
why: no data in the period (naming the area's latest month with data), missing in the
download, or a region or Hele landet that cannot be summed (naming the kommuner
missing). A region or Hele landet summed from the kommuner says so. Without areas
asked for, every area with data is shown, and the kommuner whose data ends before the
period shown are named. The reasons are the records' ``note`` and the lines under
the tables (and on stderr beside CSV and JSON). So is a latest period that ends before
the store's newest data of the same table or person-level kind, and a whole period asked
for that the data covers only in part.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from fleksmon import areas, sources, texts
from fleksmon.criteria import Criterion
from fleksmon.periods import Period, month_human
from fleksmon.query import Query

KIND_ORDER = {"kommune": 0, "region": 1, "land": 2}


@dataclass
class Coverage:
    """The rows an answer shows and what it says about them."""

    rows: pl.DataFrame
    """One row per area shown and period (``maaned``), with or without a figure."""
    by_area: dict[str, list[str]] = field(default_factory=dict)
    """Each area's reasons, in the order said (the records' ``note``)."""
    lines: list[str] = field(default_factory=list)
    """Every reason as a line under the table, in order."""


def unit(crit: Criterion) -> str:
    """What one period of the criterion is called in a note: ``måned`` or ``periode``."""
    return "måned" if crit.window == 1 else "periode"


def select(
    crit: Criterion,
    full: pl.DataFrame,
    wanted: Sequence[str],
    months: list[int],
    period_of: Callable[[int], Period],
) -> Coverage:
    """The rows of the areas asked for (or every area with data) in the periods shown
    (``months``: each period's last month; ``period_of`` the period a last month stands
    for), and the reasons said about them."""
    labels = {m: period_of(m).human() for m in months}
    in_months = full.filter(pl.col("maaned").is_in(months))
    said = pl.col("population").is_not_null() | pl.col("missing").fill_null(False)
    out = Coverage(in_months.clear())
    if wanted:
        rows = in_months.filter(pl.col("kommune").is_in(list(wanted)))
        found = set(rows.filter(said)["kommune"].to_list())
        for name in (w for w in wanted if w not in found):
            text = _absent_note(crit, name, rows.filter(pl.col("kommune") == name))
            text = " ".join([text, *_earlier(crit, full, name, months[-1], period_of)])
            _say(out, name, text)
        out.rows = _with_empty_rows(crit, rows, wanted, months)
    else:
        unknown_sum = pl.col("covered").fill_null(False) & pl.col("missing").fill_null(False)
        shown = in_months.filter(
            (pl.col("_kind") == "kommune") | pl.col("complete").fill_null(False) | unknown_sum
        )
        with_data = set(shown.filter(said)["kommune"].to_list())
        out.rows = shown.filter(pl.col("kommune").is_in(with_data))
    for name, text in _missing_notes(crit, out.rows, labels):
        _say(out, name, text)
    _summed(out)
    if not wanted:
        out.lines.extend(_ended_earlier(crit, full, months[-1], period_of))
        land = in_months.filter(pl.col("kommune") == areas.HELE_LANDET)
        if areas.HELE_LANDET not in set(out.rows["kommune"].to_list()) and not land.is_empty():
            present = int(land["kommuner_present"].fill_null(0).cast(pl.Int64).max() or 0)  # type: ignore[arg-type]
            out.lines.append(texts.message("land_not_shown", present=present))
    return out


def _say(out: Coverage, area: str, text: str) -> None:
    out.by_area.setdefault(area, []).append(text)
    out.lines.append(text)


def _with_empty_rows(
    crit: Criterion, rows: pl.DataFrame, wanted: Sequence[str], months: list[int]
) -> pl.DataFrame:
    """``rows`` with a row without figures for every area asked and month it lacks."""
    have = set(rows.select("kommune", "maaned").iter_rows())
    empty = [(n, m) for n in wanted for m in months if (n, m) not in have]
    if not empty:
        return rows
    kinds = {a.name: (a.code, a.kind) for a in areas.all_areas()}
    frame = pl.DataFrame(
        {
            "kommune": [n for n, _ in empty],
            "maaned": [m for _, m in empty],
            "target_pct": [crit.target_pct_for(n) for n, _ in empty],
            "kommune_kode": [kinds[n][0] for n, _ in empty],
            "_kind": [kinds[n][1] for n, _ in empty],
        },
        schema_overrides={"maaned": rows.schema["maaned"]},
    )
    return pl.concat([rows, frame], how="diagonal_relaxed")


def _absent_note(crit: Criterion, name: str, rows: pl.DataFrame) -> str:
    """Why an area asked for has no figure: no data at all, or too few kommuner to sum."""
    if rows.is_empty() or rows["kommuner_present"].is_null().all():
        return texts.message("no_data", area=name, crit=crit.id)
    area = areas.resolve(name)
    present = int(rows["kommuner_present"].fill_null(0).cast(pl.Int64).max() or 0)  # type: ignore[arg-type]
    return texts.message(
        "area_incomplete", area=name, present=present, total=len(areas.members(area))
    )


def _latest(full: pl.DataFrame) -> dict[str, int]:
    """Each area's latest month (or window) with a figure."""
    usable = full.filter(pl.col("population").is_not_null())
    found = usable.group_by("kommune").agg(pl.col("maaned").max())
    return {str(k): int(m) for k, m in found.iter_rows()}


def _earlier(
    crit: Criterion,
    full: pl.DataFrame,
    name: str,
    last: int,
    period_of: Callable[[int], Period],
) -> list[str]:
    """``Seneste måned med data for Thisted: Nov. 2019.`` when the area's data ends
    before the period shown."""
    latest = _latest(full.filter(pl.col("kommune") == name)).get(name)
    if latest is None or latest >= last or crit.window == 0:
        return []
    when = period_of(latest).human()
    return [texts.message("latest_for_area", unit=unit(crit), area=name, latest=when)]


def _ended_earlier(
    crit: Criterion, full: pl.DataFrame, last: int, period_of: Callable[[int], Period]
) -> list[str]:
    """The kommuner with data in an earlier month but none in the period shown."""
    if crit.window == 0:
        return []
    kommuner = {a.name for a in areas.kommuner()}
    latest = {k: m for k, m in _latest(full).items() if k in kommuner and m < last}
    if not latest:
        return []
    named = [
        texts.message("earlier_one", area=k, unit=unit(crit), latest=period_of(m).human())
        for k, m in sorted(latest.items())
    ]
    return [
        texts.message(
            "earlier_only",
            crit=crit.id,
            period=period_of(last).human(),
            areas=texts.name_list(named),
        )
    ]


def _missing_notes(
    crit: Criterion, rows: pl.DataFrame, labels: dict[int, str]
) -> list[tuple[str, str]]:
    """A note per area whose value is missing in the download (or, for a summed area,
    missing for a member), naming the months (and the members)."""
    gaps = rows.filter(pl.col("population").is_null() | pl.col("hits").is_null()).filter(
        pl.col("missing").fill_null(False)
    )
    out: dict[str, tuple[list[str], list[str]]] = {}
    order = pl.col("_kind").replace_strict(KIND_ORDER, default=0)
    ordered = gaps.sort(order, "kommune", "maaned")
    for name, month, members in ordered.select("kommune", "maaned", "missing_members").iter_rows():
        seen_months, seen_members = out.setdefault(name, ([], []))
        seen_months.append(labels[month])
        seen_members.extend(m for m in members or [] if m not in seen_members)
    notes = []
    for name, (months, members) in out.items():
        span = texts.name_list(months)
        if members:
            text = texts.message(
                "sum_unknown", area=name, months=span, members=texts.name_list(members)
            )
        else:
            text = texts.message("missing_in_download", area=name, crit=crit.id, months=span)
        notes.append((name, text))
    return notes


def _summed(out: Coverage) -> None:
    """Say which regions and Hele landet shown are summed from the kommuner: one line under
    the table, and each such area's own note."""
    rows = out.rows
    if "kommuner_present" not in rows.columns or rows.is_empty():
        return
    summed = rows.filter(
        pl.col("kommuner_present").is_not_null()
        & pl.col("population").is_not_null()
        & pl.col("hits").is_not_null()
        & pl.col("_kind").is_in(["region", "land"])
    )
    order = (
        summed.select("kommune", "_kind")
        .unique()
        .sort(pl.col("_kind").replace_strict(KIND_ORDER, default=0), "kommune")
    )
    names = order["kommune"].to_list()
    if not names:
        return
    for name in names:
        key = "summed_land" if name == areas.HELE_LANDET else "summed_region"
        out.by_area.setdefault(name, []).append(texts.message(key, area=name))
    out.lines.append(texts.message("summed", areas=texts.name_list(names)))


def newer_in_store(q: Query, crit: Criterion, used: str, shown: Period) -> list[str]:
    """Say so where the store holds newer data of the table (or person-level kind) the
    criterion is read from than the latest period it has values for."""
    unit = {0: "hele kvartal", 1: "måned"}.get(crit.window, "periode")
    return [
        texts.message(
            "store_newer",
            crit=crit.id,
            unit=unit,
            period=shown.human(),
            source=name,
            latest=month_human(newest),
        )
        for name, newest in sources.newest_of_same(crit, q.data_store(), q.as_of, used)
        if newest > shown.end
    ]


def partial_period(q: Query, crit: Criterion, used: str, period: Period) -> list[str]:
    """A whole period asked for (R1/R2) that the person-level data covers only in part."""
    if crit.window != 0 or used != "person":
        return []
    held = sources.person_months(crit, q.data_store(), q.as_of)
    lacking = [month_human(m) for m in period.months if m not in held]
    if not lacking:
        return []
    return [
        texts.message(
            "partial_period", crit=crit.id, period=period.human(), months=texts.name_list(lacking)
        )
    ]
