"""Fill a kommune's own report workbook by meaning, never by position.

A template's sheet named by the criterion id (``K1``…) is read like a person
reads it: the header row is the row whose texts name what fleksmon writes
("Andel …", "%-point", "Antal personer", the count labels), the area column is
the one holding kommune names, and each area's row is found by its name, so a
reference to Viborg's row stays Viborg's. Defined names ``<ID>_<key>`` (e.g.
``K1_gap_pp``, ``K1_area``, ``K1_shares``) pin a column where a header is worded
otherwise. Share columns take the latest periods in order (the baseline column
is the one under "Baseline" or named so); their month in the header is updated.

Nothing is overwritten that the user made: a cell with a formula stays as it is,
styles and number formats stay (a General cell gets the report's format), and
a column with a header fleksmon cannot place is refused in one line, unless it
holds only formulas (the user's own calculation). Areas the template lists
without data are emptied; an empty table is filled in report order.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter, range_boundaries

from fleksmon import areas
from fleksmon.criteria import Criterion
from fleksmon.errors import FleksmonError
from fleksmon.measure_ids import MEASURES
from fleksmon.periods import Period
from fleksmon.render.cells import Cell, row_values, set_value
from fleksmon.render.table import area_rows
from fleksmon.report import Section

HEADER_SEARCH = 30
"""The header row is looked for in the sheet's first this many rows."""
MONTH = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zæøå]*\.?[\s\-–]*(?:\d{4}|\d{2})\b"
    r"(?:\s*[\-–]\s*(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zæøå]*\.?[\s\-–]*(?:\d{4}|\d{2})\b)?"
    r"|\b\d{4}\s*[mMkKqQ]\s*\d{1,2}\b)",
    re.IGNORECASE,
)
"""A period inside a header text (``Sep. 2019``, ``april 2019``, ``apr-19``, ``2019M09``)."""


AREA_WORDS = ("område", "kommune", "kommuner", "jobcenter", "kommunenavn", "area")


@dataclass
class Layout:
    """Where a template's table is: header row, area column and a column per meaning."""

    head: int
    area: int
    columns: dict[str, int]
    shares: list[int]


def _fold(text: str) -> str:
    """Lower case, no accents on letters other than æøå, single spaces, no stars."""
    text = unicodedata.normalize("NFC", str(text)).lower().replace("*", " ")
    return " ".join(text.replace("–", "-").split())


def _words(crit: Criterion) -> dict[str, list[str]]:
    """Header words per meaning (folded), longest first, from the criterion's labels."""
    from fleksmon import texts

    labels = {m.id: [m.label, *m.aliases] for m in MEASURES}
    words = {
        "population": [texts.population_label(crit), "antal i alt"],
        "hits": [texts.hits_label(crit)],
        "gap_pp": ["%-point", "procentpoint"],
        "gap_persons": ["antal personer", "personer der mangler"],
        **{name: [name, *labels.get(m, [])] for name, m in crit.extras},
    }
    if len(crit.population) == 1:
        words["population"] += labels.get(crit.population[0], [])
    if len(crit.hits) == 1:
        words["hits"] += labels.get(crit.hits[0], [])
    return {k: sorted({_fold(w) for w in v if w}, key=len, reverse=True) for k, v in words.items()}


def _meaning(text: str, words: dict[str, list[str]]) -> str | None:
    """What a header names: ``share``, ``baseline`` or a count key; ``None`` if nothing."""
    folded = _fold(MONTH.sub(" ", text))
    if folded in AREA_WORDS:
        return "area"
    if folded.startswith("andel"):
        return "baseline" if "baseline" in folded else "share"
    if folded == "baseline":
        return "baseline"
    best: tuple[int, str] | None = None
    for key, options in words.items():
        for word in options:
            if folded == word or (len(word) > 3 and word in folded):
                score = len(word) + (1000 if folded == word else 0)
                if best is None or score > best[0]:
                    best = (score, key)
    return best[1] if best else None


def _named(wb: Any, ws: Any, cid: str, source: str) -> dict[str, list[tuple[int, int]]]:
    """Defined names ``<cid>_<key>`` on this sheet: key → (row, column) cells."""
    out: dict[str, list[tuple[int, int]]] = {}
    prefix = f"{cid.lower()}_"
    scoped = list(getattr(ws, "defined_names", {}).items())
    for name, defined in [*wb.defined_names.items(), *scoped]:
        if not name.lower().startswith(prefix):
            continue
        for sheet, ref in defined.destinations:
            if sheet != ws.title:
                continue
            if "#REF!" in ref or not ref.replace("$", "").strip():
                raise FleksmonError(
                    f"template {source}, sheet {ws.title}: the defined name {name} refers to "
                    "#REF! (a cell that was deleted)",
                    "point the name at the column's header cell, or delete it "
                    "(Formulas > Name Manager)",
                )
            cells = ws[ref.replace("$", "")]
            rows = cells if isinstance(cells, tuple) else ((cells,),)
            flat = [c for line in rows for c in (line if isinstance(line, tuple) else (line,))]
            out[name[len(prefix) :].lower()] = [(c.row, c.column) for c in flat]
    return out


def _group_text(ws: Any, row: int, col: int) -> str:
    """The text above a header cell (the group row), reading through merged ranges."""
    if row < 1:
        return ""
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            return str(ws.cell(merged.min_row, merged.min_col).value or "")
    return str(ws.cell(row, col).value or "")


def _area_column(ws: Any, head: int) -> int | None:
    """The column below ``head`` holding the most area names."""
    best, column = 0, None
    for col in range(1, ws.max_column + 1):
        found = sum(
            1
            for row in range(head + 1, ws.max_row + 1)
            if isinstance(v := ws.cell(row, col).value, str) and areas.try_area(v) is not None
        )
        if found > best:
            best, column = found, col
    return column


def _is_formula(cell: Any) -> bool:
    return cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))


def layout(wb: Any, ws: Any, crit: Criterion, name: str) -> Layout:
    """Find the table in a template sheet; refuse a header fleksmon cannot place."""
    words = _words(crit)
    named = _named(wb, ws, crit.id, name)
    scored = []
    for row in range(1, min(ws.max_row, HEADER_SEARCH) + 1):
        hits = sum(
            1
            for col in range(1, ws.max_column + 1)
            if isinstance(v := ws.cell(row, col).value, str) and _meaning(v, words)
        )
        scored.append((hits, -row))
    hits, minus_row = max(scored, default=(0, 0))
    head = -minus_row if hits >= 2 else 0
    if named:
        head = min(r for cells in named.values() for r, _ in cells)
    if not head:
        raise FleksmonError(
            f"template {name}, sheet {ws.title}: no header row names what fleksmon writes",
            "give the table headers such as 'Andel Sep. 2019', '%-point' and 'Antal personer'",
        )
    columns: dict[str, int] = {}
    shares: list[int] = []
    for key, cells in named.items():
        if key == "shares":
            shares = sorted({c for _, c in cells})
        else:
            columns[key] = cells[0][1]
    taken = set(columns.values()) | set(shares)
    area = columns.pop("area", None) or _area_column(ws, head)
    for col in range(1, ws.max_column + 1):
        text = ws.cell(head, col).value
        if col in taken or col == area or text in (None, ""):
            continue
        meaning = _meaning(str(text), words)
        group = _group_text(ws, head - 1, col)
        if meaning is None and MONTH.search(str(text)) and _meaning(group, words) == "share":
            meaning = "share"  # a month under a group header "Andel" merged over months
        if meaning == "area" and area is None:
            area = col
            continue
        if meaning == "share" and "baseline" in _fold(group):
            meaning = "baseline"
        if meaning in (None, "area") or (meaning != "share" and meaning in columns):
            if _only_formulas(ws, head, col):
                continue
            letter = get_column_letter(col)
            raise FleksmonError(
                f"template {name}, sheet {ws.title}, column {letter}: the header "
                f"{str(text)!r} names nothing fleksmon writes"
                + (" (or names it twice)" if meaning else ""),
                f"name it as the report does ({_known(words)}) or as a defined name "
                f"{crit.id}_<key>, or remove the column",
            )
        if meaning == "share":
            shares.append(col)
        else:
            columns[meaning] = col
    if area is None:
        area = 1
    return Layout(head, area, columns, sorted(shares))


def _known(words: dict[str, list[str]]) -> str:
    firsts = [options[-1] for options in words.values() if options]
    return ", ".join(["Område", "Baseline", "Andel <måned>", *firsts])


def _only_formulas(ws: Any, head: int, col: int) -> bool:
    cells = [ws.cell(r, col) for r in range(head + 1, ws.max_row + 1)]
    filled = [c for c in cells if c.value not in (None, "")]
    return bool(filled) and all(_is_formula(c) for c in filled)


def _put(ws: Any, row: int, col: int, cell_value: Cell) -> None:
    """Write a value unless the cell holds a formula; keep its style and its own format."""
    cell = ws.cell(row, col)
    if isinstance(cell, MergedCell) or _is_formula(cell):
        return
    value, fmt = cell_value
    set_value(cell, value)
    if fmt and cell.number_format == "General":
        cell.number_format = fmt


def _period_header(text: str, period: Period) -> str:
    """A share header with its month replaced by ``period`` (or the period added)."""
    if MONTH.search(text):
        return MONTH.sub(lambda _: period.human(), text, count=1)
    return f"{text.rstrip()}\n{period.human()}"


def _area_rows(ws: Any, where: Layout) -> dict[str, int]:
    """Rows below the header by the area they name (aliases resolved)."""
    out: dict[str, int] = {}
    for row in range(where.head + 1, ws.max_row + 1):
        value = ws.cell(row, where.area).value
        if isinstance(value, str) and (area := areas.try_area(value)) is not None:
            out.setdefault(area.name, row)
    return out


def fill(wb: Any, ws: Any, section: Section, name: str) -> None:
    """Fill a template sheet with a criterion's report table, by meaning (module doc)."""
    result = section.result
    where = layout(wb, ws, result.criterion, name)
    periods = result.periods[-len(where.shares) :] if where.shares else []
    for col, period in zip(where.shares[len(where.shares) - len(periods) :], periods, strict=True):
        head = ws.cell(where.head, col)
        if not _is_formula(head):
            set_value(head, _period_header(str(head.value or "Andel"), period))
    rows = area_rows(result)
    found = _area_rows(ws, where)
    if not found:
        found = {row["kommune"]: where.head + 1 + i for i, row in enumerate(rows)}
        for area_name, row in found.items():
            _put(ws, row, where.area, (area_name, None))
    _rename_table_columns(ws, where.head)
    by_area = {row["kommune"]: row_values(section, row) for row in rows}
    for area_name, row in found.items():
        values = by_area.get(area_name, {})
        for key, col in _targets(where, periods):
            _put(ws, row, col, values.get(key, (None, None)))


def _rename_table_columns(ws: Any, head: int) -> None:
    """An Excel table whose header row is ``head`` names its columns as the header cells now
    read (Excel repairs a file whose table column names differ from its header cells)."""
    for table in ws.tables.values():
        min_col, min_row, max_col, _ = range_boundaries(table.ref)
        if min_row != head or table.tableColumns is None:
            continue
        for column, col in zip(table.tableColumns, range(min_col, max_col + 1), strict=False):
            cell = ws.cell(head, col)
            if cell.value not in (None, "") and not _is_formula(cell):
                column.name = str(cell.value)


def _targets(where: Layout, periods: Iterable[Period]) -> list[tuple[str, int]]:
    """(meaning, column) pairs to write: the counts and gaps, the baseline, each share."""
    pairs = list(where.columns.items())
    shares = list(periods)
    columns = where.shares[-len(shares) :] if shares else []
    pairs += [(f"share:{p.code()}", c) for p, c in zip(shares, columns, strict=True)]
    unused = where.shares[: len(where.shares) - len(columns)]
    return pairs + [("", c) for c in unused]


def check_chart_sheets(wb: Any, name: str, targets: Iterable[str]) -> None:
    """Refuse a template whose sheet where a table goes (``K1``, ``Data``, …) is a chart sheet."""
    for sheet in wb.chartsheets:
        if sheet.title in set(targets):
            raise FleksmonError(
                f"template {name}: the sheet {sheet.title!r} is a chart sheet, where fleksmon "
                "writes a table",
                f"rename the chart sheet (e.g. '{sheet.title} figur'), or delete it",
            )


def template_warnings(template: Path) -> list[str]:
    """What a template holds that the workbook writer cannot carry into the filled copy
    (pictures in page headers, shapes or grouped drawings: openpyxl keeps only plain
    pictures), said in a line instead of dropped without a word."""
    with zipfile.ZipFile(template) as archive:
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
    kept = sum(len(ws._images) for ws in openpyxl.load_workbook(template).worksheets)
    if len(media) <= kept:
        return []
    lost = len(media) - kept
    return [
        f"template {template.name}: {lost} of its {len(media)} pictures (a logo in the page "
        "header, in a shape or a group?) cannot be carried into the filled workbook and are "
        "left out; insert them again there, or as a plain picture on a sheet of the template"
    ]
