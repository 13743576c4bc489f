"""Header rows and column roles of an aggregated extract.

:func:`columns_of` reads the header row (and a group row above it or a second
header row below it) of a :class:`~fleksmon.formats.sheet.Sheet` and tells each
body column's role: area, period, measure, value, a month, data or skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from fleksmon.errors import shown
from fleksmon.formats.sheet import Sheet, fold_label
from fleksmon.numbers import parse_number
from fleksmon.periods import try_parse_period

AREA_NAMES = ("kommune", "omraade", "area", "jobcenter", "kommunenavn", "kommunekode")
ROLE_NAMES: dict[str, frozenset[str]] = {
    "area": frozenset(AREA_NAMES),
    "period": frozenset({"periode", "period", "maaned", "maned", "tid", "dato", "date", "month"}),
    "measure": frozenset({"maaling", "maling", "measure", "variabel", "variable", "indikator"}),
    "value": frozenset({"vaerdi", "vardi", "value", "antal"}),
}
DIMENSION_NAMES = frozenset(
    {"koen", "kon", "herkomst", "alder", "aldersgruppe", "ydelse", "varighed", "branche"}
    | {"ydelsesgruppe", "ydelsesgrupper", "a kasse", "akasse", "uddannelse", "indsats"}
    | {"maalgruppe", "visitationskategori", "match", "matchgruppe", "forloebstype"}
    | {"gender", "sex", "age", "origin"}
)
"""Jobindsats dimension columns: without a total, only a complete set is ever summed."""
TOTALS = ("i alt", "ialt", "total", "alle", "all")
OPTIONAL_NAMES = frozenset(
    {"note", "noter", "kommentar", "kommentarer", "bemaerkning", "bemaerkninger", "fodnote"}
    | {"anmaerkning", "kilde", "source", "comment", "comments", "notes"}
)
"""Columns that may be left out at the end of a short row; never read as data."""

TABLE_GROUPS = {"fleksjob": "Y08A02", "ledighedsydelse": "Y09A02", "ressourceforloeb": "Y11A02"}
"""Measure-group labels (``Fleksjob: Antal fuldtidspersoner``) and the table they stand for."""

GROUP_WORDS = frozenset({"", *TABLE_GROUPS})
_TABLE_RX = re.compile(
    r"(?<!\d)((?i:y\d{2}[a-z]\d{2}))(?!\d)|(?<![A-Za-z0-9])([A-Z]{4}\d{2})(?![A-Za-z0-9])"
)
"""A Jobindsats table id: ``Y08A02`` anywhere in a text (``SAJobindsatsY08A02.csv``), in
any case, not inside a longer number; or four capitals and two digits standing alone
(``OTIJ01``)."""
NOT_CALENDAR_RX = re.compile(r"(?i)qmat|^\d{4}\s*mat\d*$|ytd")
"""Period codes that are not calendar periods: moving annual totals, year-to-date."""


def tables_in(text: str) -> list[str]:
    """Every Jobindsats table id in a text, upper-cased, once each, in order.

    >>> tables_in("SAJobindsatsY08A02.csv"), tables_in("otij01 OTIJ01-2020QMAT02.json")
    (['Y08A02'], ['OTIJ01'])
    """
    found = (m.group(1) or m.group(2) for m in _TABLE_RX.finditer(text))
    return list(dict.fromkeys(t.upper() for t in found))


def find_table(texts: Sequence[str]) -> str | None:
    """The first Jobindsats table id (``Y08A02``) in some texts, upper-cased."""
    for text in texts:
        found = tables_in(text)
        if found:
            return found[0]
    return None


def is_period_label(text: str) -> bool:
    """True for a header naming a period (``2019M09``, ``Sep. 2019``, ``2020QMAT02``)."""
    return try_parse_period(text) is not None or NOT_CALENDAR_RX.search(text) is not None


@dataclass(frozen=True)
class Column:
    """One body column: where it is, its header text and its role."""

    name: str
    label: str
    role: str  # area | period | measure | value | month | data | skip
    month: str | None = None
    group: str | None = None


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _ffill(cells: list[str]) -> list[str]:
    out, last = [], ""
    for cell in cells:
        last = cell or last
        out.append(last)
    return out


def _group_row(top: list[list[str | None]], width: int, area_at: int) -> list[str]:
    """The row above the header when it labels groups of columns (merged cells filled right)."""
    if len(top) < 2:
        return [""] * width
    row = [_text(c) for c in top[-2]] + [""] * width
    if row[area_at] or not any(row[area_at + 1 : width]):
        return [""] * width
    return _ffill(row[:width])


def _fill_groups(header: list[str], lower: list[str]) -> list[str]:
    """A header cell merged over several sub-columns labels each of them (blank cells to its
    right that have a sub-label of their own, as a merged group over months)."""
    out = list(header)
    for i in range(1, len(out)):
        if not out[i] and lower[i] and lower[i - 1] and out[i - 1]:
            out[i] = out[i - 1]
    return out


def _is_text(cell: str) -> bool:
    try:
        parse_number(cell)
    except ValueError:
        return True
    return False


def _sub_row(body: pl.DataFrame, area_name: str) -> list[str] | None:
    """The first body row when it is a second header row (text only, no area)."""
    if body.height == 0:
        return None
    first = body.row(0, named=True)
    cells = [_text(v) for v in first.values()]
    if _text(first[area_name]) or not any(cells):
        return None
    return cells if all(_is_text(c) for c in cells if c) else None


def _classify(name: str, cells: list[str]) -> Column:
    label = ": ".join(cells)
    folded = [fold_label(c) for c in cells]
    if folded and folded[-1] in OPTIONAL_NAMES:
        return Column(name, label, "skip")
    for role, names in ROLE_NAMES.items():
        if any(f in names for f in folded):
            return Column(name, label, role)
    for i, cell in enumerate(cells):
        if is_period_label(cell):
            rest = ": ".join(cells[:i] + cells[i + 1 :])
            return Column(name, label, "month", month=cell, group=rest or None)
    return Column(name, label, "data" if cells else "skip")


def _pick_area(columns: list[Column]) -> list[Column]:
    """Keep one area column (a name before a code); the next is ``area2`` (checked to
    agree), any others are skipped."""
    areas = [c for c in columns if c.role == "area"]
    if len(areas) < 2:
        return columns

    def rank(c: Column) -> int:
        folded = fold_label(c.label.split(": ")[-1])
        return AREA_NAMES.index(folded) if folded in AREA_NAMES else len(AREA_NAMES)

    keep = min(areas, key=rank)
    second = next(c for c in areas if c is not keep)

    def role(c: Column) -> Column:
        if c.role != "area" or c is keep:
            return c
        return Column(c.name, c.label, "area2" if c is second else "skip")

    return [role(c) for c in columns]


def _safe(cell: str, index: int) -> str:
    """A header cell, or ``column N`` where it could be a CPR number (never echoed)."""
    return cell if shown(cell) == repr(cell.strip()) else f"column {index + 1}"


def columns_of(sheet: Sheet) -> tuple[list[Column], Sheet]:
    """Classify the body columns from the header row(s); drop a second header row from the body."""
    width = sheet.body.width
    header = ([_text(c) for c in sheet.top[-1]] + [""] * width)[:width]
    area_at = next((i for i, h in enumerate(header) if fold_label(h) in ROLE_NAMES["area"]), 0)
    upper = _group_row(sheet.top, width, area_at)
    lower = _sub_row(sheet.body, sheet.body.columns[area_at]) or [""] * width
    if any(lower):
        header = _fill_groups(header, lower)
        lines = sheet.lines[1:] if sheet.lines is not None else None
        sheet = Sheet(
            sheet.name,
            sheet.top,
            sheet.body.slice(1),
            sheet.first_line + 1,
            sheet.table,
            lines,
            sheet.ragged,
            sheet.fill_down,
        )
    columns = [
        _classify(name, [_safe(c, i) for c in (upper[i], header[i], lower[i]) if c])
        for i, name in enumerate(sheet.body.columns)
    ]
    return _pick_area(columns), sheet


def title_texts(sheet: Sheet) -> list[str]:
    """The text of the title rows above the header."""
    return [" ".join(_text(c) for c in row if _text(c)) for row in sheet.top[:-1]]


def header_at(sheet: Sheet) -> str:
    """Where the header is, for messages: ``row 3`` (or ``header`` in JSON)."""
    return f"row {sheet.first_line - 1}" if sheet.first_line > 1 else "header"
