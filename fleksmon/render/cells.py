"""Cell values for the report workbooks: numbers with the report's formats, text that is
never a formula, and one report-table row by meaning (what each column holds).

Shares are fractions shown ``0%`` (the cell holds the exact value, the format
shows the report's whole percent), counts ``#,##0``, %-points ``0``; ``✓``
where the target is met, ``–`` where there is no value.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from fleksmon.numbers import fraction
from fleksmon.render.table import MET, NONE
from fleksmon.report import Section

PCT, COUNT, PP = "0%", "#,##0", "0"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these would be read as a formula by Excel or LibreOffice."""

Cell = tuple[Any, str | None]
"""A value and its number format (``None``: leave the format alone)."""


def set_value(cell: Any, value: Any) -> None:
    """Set a cell's value; text is always a string, never a formula (formula-like text
    gets Excel's quote prefix, so editing the cell keeps it text)."""
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True


def share_cell(value: float | str | None) -> Cell:
    """A share in percent as a fraction cell shown as a whole percent (a cell hidden by
    discretion: its text, ``x``)."""
    if isinstance(value, str):
        return (value, None)
    return (NONE, None) if value is None else (fraction(value), PCT)


def count_cell(value: float | str | None) -> Cell:
    """A count shown with thousands separators (hidden by discretion: ``<5`` or ``x``)."""
    if isinstance(value, str):
        return (value, None)
    return (NONE, None) if value is None else (value, COUNT)


def gap_cells(row: dict[str, Any]) -> tuple[Cell, Cell]:
    """The %-point and persons gap: ``✓`` twice where met, ``–`` where unknown."""
    if row.get("met") is True:
        return (MET, None), (MET, None)
    if row.get("gap_pp") is None:
        return (NONE, None), (NONE, None)
    return (row["gap_pp"], PP), (row["gap_persons"], COUNT)


def row_values(section: Section, row: dict[str, Any]) -> dict[str, Cell]:
    """One area's report-table cells by meaning: ``area``, ``baseline``, ``share:<period
    code>`` for each period, ``population``, ``hits``, each extra count, ``gap_pp`` and
    ``gap_persons`` — in the report table's column order."""
    result = section.result
    pp, persons = gap_cells(row)
    return {
        "area": (row["kommune"], None),
        "baseline": share_cell(row.get("baseline_pct")),
        **{f"share:{p.code()}": share_cell(row["series"].get(p.code())) for p in result.periods},
        "population": count_cell(row.get("population")),
        "hits": count_cell(row.get("hits")),
        **{name: count_cell(row.get(name)) for name, _ in result.criterion.extras},
        "gap_pp": pp,
        "gap_persons": persons,
    }
