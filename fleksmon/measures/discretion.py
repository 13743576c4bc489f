"""Small-cell discretion: hide counts below a threshold and whatever would reveal them.

Primary suppression hides every count below ``n``. Secondary suppression then
looks at each sum the output shows — a record's population as the sum of its
parts (K1: fleksjob + ledighedsydelse), R1/R2's hits as the sum of their
categories, the criterion's declared ``count_sums`` (spells of at least a year),
and Hele landet or a region as the sum of its kommuner when all of them are
shown — and where exactly one cell of such a sum is hidden, hides the
next smallest too, so that no total minus the others gives it back; this repeats
until nothing changes. Shares, gaps and ``met`` built on a hidden count are hidden.

>>> import polars as pl
>>> from fleksmon.criteria import CRITERIA
>>> rows = pl.DataFrame({"kommune": ["Læsø"], "period": ["2019M09"], "population": [12.0],
...     "hits": [9.0], "ledighedsydelse": [3.0], "share_pct": [75.0], "gap_pp": [15.0],
...     "gap_persons": [2], "met": [False]})
>>> out, hidden = suppress(rows, CRITERIA["K1"], 5)
>>> out.row(0, named=True)["hits"], out.row(0, named=True)["suppressed"]
(None, True)
>>> hidden[("Læsø", "2019M09")]["ledighedsydelse"], hidden[("Læsø", "2019M09")]["hits"]
('<5', 'x')
"""

from __future__ import annotations

from typing import Any

import polars as pl

from fleksmon import areas
from fleksmon.criteria import Criterion

DERIVED = ("share_pct", "gap_pp", "gap_persons", "met")
"""Values computed from population and hits: hidden with either."""
SECONDARY = "x"
"""How a count hidden only because it would reveal another one is shown."""

Cell = tuple[int, str]
"""A record (row number) and a count column."""


def count_columns(crit: Criterion) -> list[str]:
    """The count columns of the criterion's records."""
    return ["population", "hits", *(name for name, _ in crit.counts)]


def _row_sums(crit: Criterion) -> list[tuple[str, list[str]]]:
    """Totals within a record that are the sum of other columns shown: (total, parts)."""
    column = {m: name for name, m in crit.counts}
    if len(crit.hits) == 1:
        column.setdefault(crit.hits[0], "hits")
    sums = []
    for total, measures in (("population", crit.population), ("hits", crit.hits)):
        parts = [column.get(m) for m in measures]
        if len(parts) > 1 and all(p is not None and p != total for p in parts):
            sums.append((total, [p for p in parts if p is not None]))
    return sums + [(total, list(parts)) for total, parts in crit.count_sums]


def _groups(rows: list[dict[str, Any]], crit: Criterion) -> list[tuple[Cell, list[Cell]]]:
    """Every sum the records show, as (total cell, part cells): areas summed from their
    kommuner first, then the sums within each record."""
    groups: list[tuple[Cell, list[Cell]]] = []
    where = {(r["kommune"], r["period"]): i for i, r in enumerate(rows)}
    periods = dict.fromkeys(r["period"] for r in rows)
    for area in areas.all_areas():
        if area.kind == "kommune":
            continue
        members = [m.name for m in areas.members(area)]
        for period in periods:
            total = where.get((area.name, period))
            parts = [where.get((m, period)) for m in members]
            if total is None or any(p is None for p in parts):
                continue
            for col in count_columns(crit):
                groups.append(((total, col), [(p, col) for p in parts if p is not None]))
    row_sums = _row_sums(crit)
    for i in range(len(rows)):
        groups += [((i, total), [(i, p) for p in parts]) for total, parts in row_sums]
    return groups


def suppress(
    records: pl.DataFrame, crit: Criterion, n: int, small_baseline: set[str] | None = None
) -> tuple[pl.DataFrame, dict[tuple[str, str], dict[str, str]]]:
    """The records with hidden cells as null and a ``suppressed`` column, and what the
    tables show instead, by (kommune, period): ``<n`` for a count below ``n``, ``x``
    for a count hidden so it cannot be worked out, and for shares and gaps on them.
    ``small_baseline`` names the areas whose baseline share rests on a small count."""
    rows = records.to_dicts()
    display: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        if row["kommune"] in (small_baseline or set()) and row.get("baseline_pct") is not None:
            row["baseline_pct"] = None
            display.setdefault((row["kommune"], row["period"]), {})["baseline_pct"] = SECONDARY
    columns = [c for c in count_columns(crit) if c in records.columns]

    def value(cell: Cell) -> Any:
        return rows[cell[0]].get(cell[1])

    primary = {
        (i, c) for i, row in enumerate(rows) for c in columns if row[c] is not None and row[c] < n
    }
    hidden = set(primary)
    groups = _groups(rows, crit)
    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            shown = [c for c in (total, *parts) if value(c) is not None]
            if sum(c in hidden for c in shown) != 1:
                continue
            others = [p for p in parts if p in shown and p not in hidden]
            if not others and total in shown and total not in hidden:
                others = [total]
            if others:
                hidden.add(min(others, key=lambda c: (value(c), c)))
                changed = True
    for i, col in sorted(hidden):
        row = rows[i]
        text = f"<{n}" if (i, col) in primary else SECONDARY
        display.setdefault((row["kommune"], row["period"]), {})[col] = text
        row[col] = None
        if col in ("population", "hits"):
            for name in DERIVED:
                if name in row:
                    row[name] = None
                    display[(row["kommune"], row["period"])][name] = SECONDARY
    for i, row in enumerate(rows):
        row["suppressed"] = any((i, c) in hidden for c in columns) or (
            (row["kommune"], row["period"]) in display
        )
    schema = {**records.schema, "suppressed": pl.Boolean()}
    return pl.DataFrame(rows, schema=schema), display
