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
VALUE_KEYS = ("share_pct", "land_share_pct", "change_pp", "land_change_pp")


def cells(row: dict[str, Any]) -> list[str]:
    """A record's printed cells: label, count, the two shares and the two changes."""
    count = row["fuldtidspersoner"]
    return [
        row["label"],
        MISSING if count is None else format_int(count),
        *[MISSING if row[k] is None else format_number(row[k], 1) for k in VALUE_KEYS],
    ]


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
        grid.add_row(cells(row))
    return grid
