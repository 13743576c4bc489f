"""Rich tables that read like STAR's report tables.

Shares as whole percents, thousands with ``.``, ``✓`` where a target is met,
``–`` where there is no share, areas sorted by the latest share and Hele
landet last, set apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fleksmon import areas, texts
from fleksmon.numbers import format_int, format_number
from fleksmon.periods import covered, parse_period
from fleksmon.render.grid import Grid
from fleksmon.report import count_labels, gap_persons_label

if TYPE_CHECKING:
    import polars as pl

    from fleksmon.api import Result

MET = "✓"
NONE = "–"


def pct(value: float | str | None, decimals: int = 0) -> str:
    """A share in percent, rounded half away from zero: whole in report tables (``89%``),
    one decimal elsewhere (``89,3%``); ``–`` for none; a hidden cell's text as it is."""
    if value is None:
        return NONE
    if isinstance(value, str):
        return value
    return f"{format_number(value, decimals) if decimals else format_int(value)}%"


def target(value: float) -> str:
    """A target in percent as the tables print it: ``90%``, ``87,5%``."""
    return f"{format_number(value, 1) if value % 1 else format_int(value)}%"


def count(value: float | str | None) -> str:
    """A count with Danish thousands separators, ``–`` for missing; a hidden cell's text
    (``<5``, ``x``) as it is."""
    if isinstance(value, str):
        return value
    return NONE if value is None else format_int(value)


def area_rank(name: str) -> int:
    area = areas.try_area(name)
    return {"kommune": 0, "region": 1, "land": 2}[area.kind] if area else 0


def is_group(row: dict[str, Any]) -> bool:
    """True for a comparison group's row (``--compare``)."""
    return row.get("compare_group") is not None and row.get("compare_group") == row["kommune"]


def row_rank(row: dict[str, Any]) -> float:
    """Where a row goes: kommuner, the comparison group, regions, Hele landet."""
    return 0.5 if is_group(row) else area_rank(row["kommune"])


def ordered(rows: list[dict[str, Any]], descending: bool) -> list[dict[str, Any]]:
    def key(row: dict[str, Any]) -> tuple[float, int, float, str]:
        share = row.get("share_pct")
        missing = not isinstance(share, float | int)
        number = float(share) if isinstance(share, float | int) else 0.0
        value = -number if descending else number
        return (row_rank(row), int(missing), value, row["kommune"])

    return sorted(rows, key=key)


def area_rows(result: Result) -> list[dict[str, Any]]:
    """One row per area: the latest record plus ``series`` (share by period code),
    in report order (best share first, Hele landet last)."""
    latest = result.periods[-1].code()
    by_area: dict[str, dict[str, Any]] = {}
    for rec in shown_records(result):
        entry = by_area.setdefault(rec["kommune"], {"kommune": rec["kommune"], "series": {}})
        entry["series"][rec["period"]] = rec["share_pct"]
        entry["baseline_pct"] = rec["baseline_pct"]
        if rec["period"] == latest:
            entry.update(rec)
    return ordered(list(by_area.values()), result.criterion.direction != "lower")


def shown_records(result: Result) -> list[dict[str, Any]]:
    """The records as a table shows them: hidden cells (discretion) as their text."""
    return [
        {**rec, **result.hidden.get((rec["kommune"], rec["period"]), {})}
        for rec in result.records.to_dicts()
    ]


def _gap_cells(row: dict[str, Any], decimals: int = 0) -> tuple[str, str]:
    if row.get("met") is True:
        return MET, MET
    if row.get("gap_pp") is None:
        return NONE, NONE
    return pct(row["gap_pp"], decimals).rstrip("%"), count(row["gap_persons"])


def _grid_rows(grid: Grid, rows: list[dict[str, Any]], make: Any) -> None:
    previous = 0.0
    for row in rows:
        rank = row_rank(row)
        grid.add_row(make(row), new_section=is_group(row) or (rank == 2 and previous != 2))
        previous = rank


def series_table(result: Result) -> Grid:
    """Baseline, the monthly (or window) shares, the latest counts and the gap."""
    crit = result.criterion
    periods = [p.code() for p in result.periods]
    span = covered(result.periods)
    base = result.baseline.human() if result.baseline else ""
    last = result.periods[-1].human()
    grid = Grid(
        f"{texts.title(crit)}\n{span}",
        [
            texts.LABELS["area"],
            f"{texts.LABELS['baseline']}\n{base}",
            *(f"{texts.LABELS['share']}\n{p.human()}" for p in result.periods),
            *(f"{label}\n{last}" for label in count_labels(crit)),
            texts.LABELS["gap_pp"],
            gap_persons_label(crit),
        ],
    )

    def make(row: dict[str, Any]) -> list[str]:
        shares = [pct(row["series"].get(p)) for p in periods]
        return [
            row["kommune"],
            pct(row.get("baseline_pct")),
            *shares,
            count(row.get("population")),
            count(row.get("hits")),
            *(count(row.get(name)) for name, _ in crit.extras),
            *_gap_cells(row),
        ]

    _grid_rows(grid, area_rows(result), make)
    return grid


def gap_table(result: Result) -> Grid:
    """The distance to target in the latest period: share, target, %-point, persons.

    Not a report table, so shares and %-points carry one decimal."""
    crit = result.criterion
    period = result.periods[-1].human()
    grid = Grid(
        f"{texts.title(crit)}\n{period}",
        [
            texts.LABELS["area"],
            texts.LABELS["share"],
            texts.LABELS["target"],
            texts.LABELS["gap_pp"],
            gap_persons_label(crit),
            texts.population_label(crit),
            texts.hits_label(crit),
        ],
    )

    def make(row: dict[str, Any]) -> list[str]:
        return [
            row["kommune"],
            pct(row["share_pct"], 1),
            target(row["target_pct"]),
            *_gap_cells(row, 1),
            count(row["population"]),
            count(row["hits"]),
        ]

    _grid_rows(grid, ordered(shown_records(result), crit.direction != "lower"), make)
    return grid


def noegletal_notes(result: Result) -> list[str]:
    """The notes under a nøgletal table: what the top-10 line is (or why it is missing),
    every note on missing, old or summed figures (the one-month delay among them) and
    the ``--as-of`` state."""
    notes = [n for n in result.notes if n.startswith("Top-10")]
    notes += result.reasons
    if result.query.as_of is not None:
        notes.append(texts.as_of_note(result.query.as_of))
    return list(dict.fromkeys(notes))


def noegletal_table(result: Result, series: pl.DataFrame) -> Grid:
    """Months as rows; the kommuner, Hele landet, the top-10 average and how many
    kommuner had a share that month as columns; the notes (what the top-10 is, where
    and why it is missing) as caption."""
    from fleksmon.report import TOP10

    crit = result.criterion
    notes = noegletal_notes(result)
    areas_shown = list(dict.fromkeys(series["omraade"].to_list()))
    grid = Grid(
        texts.message("noegletal_title", statement=texts.title(crit)),
        [texts.LABELS["period"], *areas_shown, texts.LABELS["kommuner_med_data"]],
        caption="\n".join(notes or [texts.message("top10")]),
    )
    labels = {p.code(): p.human() for p in result.periods}
    value = {(r["period"], r["omraade"]): r["share_pct"] for r in series.to_dicts()}
    counted = {r["period"]: r["kommuner"] for r in series.to_dicts() if r["omraade"] == TOP10}
    for code, label in labels.items():
        cells = [pct(value.get((code, a)), 1) for a in areas_shown]
        grid.add_row([label, *cells, count(counted.get(code))])
    return grid


PACE_LABELS = {
    "per_month": "Personer pr. måned",
    "pace": "Tempo, %-point pr. måned",
    "reached": "Nås ved nuværende tempo",
    "not_at_pace": "ikke i dette tempo",
}


def reached_cell(row: dict[str, Any]) -> str:
    """``Nås ved nuværende tempo``: the month, ``ikke i dette tempo``, ``✓`` or ``–``."""
    status = row.get("pace_status")
    if status == "met":
        return MET
    if status == "not_at_pace":
        return PACE_LABELS["not_at_pace"]
    if status == "reaches":
        return parse_period(row["reached_at"]).human()
    return NONE


def target_table(result: Result) -> Grid:
    """The gap with months to target (``gap --by``): persons a month to reach the target
    by the deadline, the pace of the last six months and when it reaches the target.

    The target is in the title (a ``Mål`` column only where kommuner have targets of
    their own); the %-point gap and the counts are left to ``gap`` without ``--by``
    and to the data output."""
    crit = result.criterion
    first = result.records.row(0, named=True)
    deadline = parse_period(first["by_period"]).human()
    title = texts.message(
        "to_target_title",
        title=texts.title(crit),
        period=result.periods[-1].human(),
        deadline=deadline,
        months=first["months_left"],
    )
    own_targets = set(result.records["target_pct"].to_list()) != {crit.target_pct}
    headers = [
        texts.LABELS["area"],
        texts.LABELS["share"],
        *([texts.LABELS["target"]] if own_targets else []),
        gap_persons_label(crit),
        PACE_LABELS["per_month"],
        PACE_LABELS["pace"],
        PACE_LABELS["reached"],
    ]
    grid = Grid(title, headers, wrap={len(headers) - 1})

    def make(row: dict[str, Any]) -> list[str]:
        per_month = row.get("per_month")
        pace = row.get("pace_pp_per_month")
        return [
            row["kommune"],
            pct(row["share_pct"], 1),
            *([target(row["target_pct"])] if own_targets else []),
            _gap_cells(row)[1],
            MET if row.get("met") else count(per_month),
            NONE if pace is None else format_number(pace, 1),
            reached_cell(row),
        ]

    _grid_rows(grid, ordered(result.records.to_dicts(), crit.direction != "lower"), make)
    return grid
