"""The Jobcenteroverblik as a rich table laid out like Figur 2 of STAR's Nøgletal report.

Counts with thousands dots, shares and %-point changes with one decimal, ``-``
wherever the input has no figure (as the report prints it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fleksmon import texts
from fleksmon.numbers import format_int, format_number
from fleksmon.render.grid import Grid

if TYPE_CHECKING:
    from fleksmon.api import Overblik

MISSING = "-"
HIDDEN = "x"
VALUE_KEYS = ("share_pct", "land_share_pct", "change_pp", "land_change_pp")


def cells(row: dict[str, Any], discretion: int = 0) -> list[str]:
    """A record's printed cells: label, count, the two shares and the two changes (with
    ``--discretion``, a hidden count as ``<N`` and the area's share and change on it as
    ``x``)."""
    count = row["fuldtidspersoner"]
    if row.get("suppressed"):
        own = {"share_pct": HIDDEN, "change_pp": HIDDEN}
        shown = [own.get(k) or _number(row[k]) for k in VALUE_KEYS]
        return [row["label"], f"<{discretion}", *shown]
    return [
        row["label"],
        MISSING if count is None else format_int(count),
        *[_number(row[k]) for k in VALUE_KEYS],
    ]


def _number(value: float | None) -> str:
    return MISSING if value is None else format_number(value, 1)


def title(result: Overblik) -> str:
    """``Jobcenteroverblik, Ballerup`` and the figure's caption."""
    heading = texts.message("overblik_title", area=result.area)
    return f"{heading}\n{texts.message('overblik_figure')}"


def note_lines(result: Overblik) -> list[str]:
    """The ``Anm.:`` lines and the source under the table."""
    notes = [texts.message("overblik_note"), *result.notes]
    return [*(f"Anm.: {n}" for n in notes), texts.source_line("aggregate")]


def overblik_table(result: Overblik) -> Grid:
    """The table, then its notes."""
    grid = Grid(
        title(result),
        [texts.quarter(result.quarter), *texts.OVERBLIK_HEADERS],
        notes=note_lines(result),
    )
    for row in result.records.to_dicts():
        grid.add_row(cells(row, result.query.discretion))
    return grid
