"""Excel workbooks that read like STAR's report tables and print as they are.

One sheet per criterion (named by its id): the statement in row 1, the period
line in row 2, the header rows "Baseline / Status for … / Afstand til
målsætning" in rows 4–5 (repeated on every printed page, panes frozen below
them), one row per area from row 6 (best share first, Hele landet last and
set apart), the ``*Antallet er udregnet ved:``, ``Anm.:`` and ``Kilde:`` lines,
then the chart (straight lines, the target as "Mål"), its notes and the
figures it draws. Cells hold exact values; formats show the report's whole
percents (``0%``), counts (``#,##0``) and whole %-points (``0``). Sheets print
landscape, one page wide, with the criterion and page number in the margins.
A "Data" sheet holds every record under Danish headers and a "Kilder" sheet
the batches behind the figures.

Text from users (names, paths, notes) is always stored as a string, with a
quote prefix where it starts like a formula, so Excel never runs it.

With a template, a sheet named by the criterion id is filled by meaning (see
:mod:`fleksmon.render.template`); its "Data" and "Kilder" sheets are refilled
keeping their cells' styles; sheets it lacks are added in fleksmon's layout.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import textwrap
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from fleksmon import texts
from fleksmon.errors import FleksmonError, mask_cpr
from fleksmon.measure_ids import MEASURE_LABELS
from fleksmon.numbers import fraction
from fleksmon.render import chart
from fleksmon.render import template as filler
from fleksmon.render.cells import COUNT, PCT, PP, Cell, row_values, set_value
from fleksmon.render.table import MET, NONE, area_rank, area_rows, count, is_group, pct
from fleksmon.report import ReportData, Section

GROUP_ROW, HEAD_ROW, FIRST_ROW = 4, 5, 6
HEADER_WIDTH = 14
"""Header texts are wrapped at this many characters (words kept whole)."""
CHART_ROWS, MIN_CHART_ROWS = 18, 12
"""Rows (of 15 points) the chart covers below the table (its height is half as many cm):
as many as are left on the first page, at most 18; fewer than 12 left starts a new page."""
EMU_PER_POINT = 12700
DEFAULT_ROW = 15.0
"""Points of a row without a height of its own."""
PRINT_WIDTH_CM, PRINT_HEIGHT_PT = 29.7 - 2 * 1.27, (21.0 - 2 * 0.8 * 2.54) / 2.54 * 72 - 30
"""The printable area of a landscape A4 page within the margins (less the page header)."""
FONT = "Calibri"
BOLD = Font(name=FONT, size=11, bold=True)
TITLE = Font(name=FONT, size=13, bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
HEAD = Alignment(wrap_text=True, vertical="bottom", horizontal="center")
GROUP = Alignment(wrap_text=True, vertical="center", horizontal="center")
RIGHT = Alignment(horizontal="right")
UNDER = Border(bottom=Side(style="thin"))
ABOVE = Border(top=Side(style="thin"))


@dataclass
class _Target:
    """A sheet being written; ``keep`` for a template's sheet (keep its styles and headers)."""

    ws: Any
    keep: bool

    def put(self, row: int, col: int, value: Any, fmt: str | None = None, **style: Any) -> None:
        """Write a value safely; style it unless a template cell has its own style."""
        cell = self.ws.cell(row=row, column=col)
        if isinstance(cell, MergedCell):
            return
        if self.keep and row < FIRST_ROW and cell.value not in (None, ""):
            return
        styled = self.keep and cell.has_style
        set_value(cell, value)
        if fmt and not (styled and cell.number_format != "General"):
            cell.number_format = fmt
        if not styled:
            for name, val in style.items():
                setattr(cell, name, val)


def _table_rows(section: Section) -> list[dict[str, Any]]:
    return area_rows(section.result)


def _row_cells(section: Section, row: dict[str, Any]) -> list[Cell]:
    return list(row_values(section, row).values())


def _wrap(text: str, width: int = HEADER_WIDTH) -> str:
    r"""A header text broken into lines of at most ``width`` characters (words kept whole,
    a long word may break after ``/``).

    >>> _wrap("Virksomhedspraktik/løntilskud\nJan.–Mar. 2020")
    'Virksomhedspraktik/\nløntilskud\nJan.–Mar. 2020'
    """
    lines = []
    for line in text.split("\n"):
        parts = textwrap.wrap(line.replace("/", "/\x00 "), width, break_long_words=False)
        lines += [part.replace("\x00 ", "").replace("\x00", "") for part in parts] or [""]
    return "\n".join(lines)


def _shown(value: Any, fmt: str | None) -> str:
    """The text a cell shows (for fitting column widths)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if fmt == PCT:
        return pct(value * 100.0)
    if fmt in (COUNT, PP):
        return count(value)
    return str(value)


def _lines(text: str, width_chars: float, size: float = 11.0, bold: bool = True) -> int:
    """How many lines ``text`` takes wrapped in ``width_chars`` of column width (plain
    text runs about 1,1 characters a width unit, bold 0,95)."""
    per_line = max((width_chars - 1) * 11.0 / size * (0.95 if bold else 1.1), 1.0)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def _height(lines: int, size: float = 11.0) -> float:
    """Row height (points) for ``lines`` lines of text at font ``size``."""
    return round(lines * size * 1.3 + 3, 1)


def _widths(table: list[list[tuple[Any, str | None]]], heads: list[str]) -> list[float]:
    """Column widths fitted to the headers' longest line and the cells' shown text."""
    out = []
    for col, head in enumerate(heads):
        longest = max(len(line) for line in head.split("\n"))
        shown = [len(_shown(*row[col])) for row in table]
        out.append(round(max([longest * 1.15 + 1, *shown, 6]) + 2.0, 1))
    return out


def _wide_text(t: _Target, row: int, text: str, last_col: int, width: float, **style: Any) -> None:
    """A line of text across the table's columns, wrapped, its row as high as it needs."""
    font = style.get("font")
    size = float(font.size) if font is not None and font.size else 11.0
    bold = bool(font is not None and font.b)
    t.put(row, 1, text, alignment=WRAP, **style)
    if last_col > 1:
        t.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    t.ws.row_dimensions[row].height = _height(_lines(text, width, size, bold), size)


def _header_block(t: _Target, section: Section, widths: list[float]) -> None:
    heads = [_wrap(h) for h in section.headers()]
    total = sum(widths)
    _wide_text(t, 1, section.title(), len(heads), total, font=TITLE)
    t.put(2, 1, section.stamp())
    last_status = len(heads) - 2
    groups = (
        (2, 2, "Baseline"),
        (3, last_status, section.status()),
        (last_status + 1, len(heads), "Afstand til målsætning"),
    )
    group_lines = 1
    for first, end, text in groups:
        t.put(GROUP_ROW, first, text, font=BOLD, alignment=GROUP, border=UNDER)
        span = sum(widths[first - 1 : end])
        group_lines = max(group_lines, _lines(text, span))
        if end > first:
            t.ws.merge_cells(
                start_row=GROUP_ROW, start_column=first, end_row=GROUP_ROW, end_column=end
            )
    for col, text in enumerate(heads, start=1):
        t.put(HEAD_ROW, col, text, font=BOLD, alignment=HEAD, border=UNDER)
    t.ws.row_dimensions[GROUP_ROW].height = _height(group_lines)
    t.ws.row_dimensions[HEAD_ROW].height = _height(max(h.count("\n") + 1 for h in heads))
    for col, size in enumerate(widths, start=1):
        t.ws.column_dimensions[get_column_letter(col)].width = size


def _print_setup(
    ws: Any,
    header: str,
    period: str,
    titles: str = f"{GROUP_ROW}:{HEAD_ROW}",
    freeze: str | None = f"B{FIRST_ROW}",
) -> None:
    """Landscape A4, one page wide, header rows repeated, panes frozen below them,
    a page header with the title and period and a footer with the page number."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.8, bottom=0.8, header=0.3, footer=0.3)
    ws.print_title_rows = titles
    ws.freeze_panes = freeze
    ws.sheet_view.showGridLines = False
    ws.oddHeader.left.text = _hf(header)
    ws.oddHeader.right.text = _hf(period)
    ws.oddFooter.left.text = "fleksmon"
    ws.oddFooter.right.text = "Side &P af &N"


def _hf(text: str) -> str:
    """Text for a page header or footer: ``&`` starts a code there, so it is doubled."""
    return text.replace("&", "&&")


def _criterion_sheet(t: _Target, section: Section) -> None:
    """A fresh sheet with the criterion's report table, notes, chart and its figures."""
    table = [_row_cells(section, area) for area in _table_rows(section)]
    widths = _widths(table, [_wrap(h) for h in section.headers()])
    _header_block(t, section, widths)
    row = FIRST_ROW
    for area, cells in zip(_table_rows(section), table, strict=True):
        set_apart = area_rank(area["kommune"]) == 2 or is_group(area)
        apart = {"border": ABOVE, "font": BOLD} if set_apart else {}
        for col, (value, fmt) in enumerate(cells, start=1):
            marks = {"alignment": RIGHT} if value in (MET, NONE) and col > 1 else {}
            t.put(row, col, value, fmt, **apart, **marks)
        row += 1
    row += 1
    for line in section.notes():
        _wide_text(t, row, line, len(widths), sum(widths))
        row += 1
    crit = section.result.criterion
    _print_setup(t.ws, f"{crit.id}: {crit.name}", section.stamp())
    rows = _rows_left(t.ws, row, widths)
    if rows < MIN_CHART_ROWS:
        t.ws.row_breaks.append(Break(id=row - 1))
        rows = CHART_ROWS
    _chart(t, section, row + 1, widths, min(rows, CHART_ROWS))


def _rows_left(ws: Any, last_row: int, widths: list[float]) -> int:
    """Rows of default height left on the first printed page (landscape A4 at the scale
    that fits the table's width) below ``last_row``, so the chart is never cut."""
    scale = min(1.0, PRINT_WIDTH_CM / _width_cm(widths))
    used = sum(ws.row_dimensions[r].height or DEFAULT_ROW for r in range(1, last_row + 1))
    return int((PRINT_HEIGHT_PT / scale - used) // DEFAULT_ROW)


def _chart(
    t: _Target, section: Section, row: int, widths: list[float], rows: int = CHART_ROWS
) -> None:
    """The chart below the table, ``rows`` rows high (straight lines, the target as the
    line "Mål"), the notes under it and, below them, the figures it draws."""
    crit = section.result.criterion
    drawn = chart.lines(section.chart, crit, section.result.query.compare)
    if len(drawn) == 1:
        return
    labels = section.chart["period"].to_list()
    data_row = row + rows + 1 + len(section.chart_notes) + 1
    for offset, note in enumerate(section.chart_notes, start=row + rows + 1):
        _wide_text(t, offset, note, len(widths), sum(widths))
    t.put(data_row, 1, "Data til figuren", font=BOLD)
    t.put(data_row + 1, 1, "Periode", font=BOLD, border=UNDER)
    for col, line in enumerate(drawn, start=2):
        t.put(data_row + 1, col, line.name, font=BOLD, border=UNDER, alignment=HEAD)
        for offset, value in enumerate(line.values, start=data_row + 2):
            t.put(offset, col, NONE if value is None else value, PCT)
    for offset, label in enumerate(labels, start=data_row + 2):
        t.put(offset, 1, label)
    t.ws.add_chart(
        _line_chart(t.ws, section, drawn, data_row + 1, _width_cm(widths), rows), f"A{row}"
    )


def _width_cm(widths: list[float]) -> float:
    """How wide columns of these Excel widths are on paper (7 px a character at 96 dpi)."""
    return sum((w * 7 + 5) / 96 * 2.54 for w in widths)


def _line_chart(
    ws: Any, section: Section, drawn: list[chart.Line], head: int, width: float, rows: int
) -> LineChart:
    """A native line chart of the figures under ``head``: one straight series per line."""
    crit = section.result.criterion
    plot = LineChart()
    plot.title = chart.title(crit, section.period_line())
    plot.style = 2
    plot.height = rows * 0.5
    plot.width = max(width, 16.0)
    plot.legend.position = "b"
    plot.y_axis.number_format = PCT
    plot.y_axis.title = "Andel"
    plot.y_axis.scaling.min, plot.y_axis.scaling.max = chart.share_range(drawn)
    plot.y_axis.majorUnit = (
        0.05 if plot.y_axis.scaling.max - plot.y_axis.scaling.min <= 0.3 else 0.1
    )
    grid = GraphicalProperties(ln=LineProperties(solidFill="D9D9D9"))
    plot.y_axis.majorGridlines = ChartLines(spPr=grid)
    plot.x_axis.delete = plot.y_axis.delete = False
    last = head + section.chart.height
    for col, line in enumerate(drawn, start=2):
        values = Reference(ws, min_col=col, min_row=head, max_row=last)
        series = Series(values, title_from_data=True)
        series.smooth = False
        series.graphicalProperties.line.solidFill = line.colour
        series.graphicalProperties.line.width = int(line.width * EMU_PER_POINT)
        series.graphicalProperties.line.prstDash = line.dash
        series.marker.symbol = "circle" if line.marker else "none"
        if line.marker:
            series.marker.size = 6
            series.marker.graphicalProperties = GraphicalProperties(solidFill=line.colour)
            series.marker.graphicalProperties.line.solidFill = line.colour
        plot.series.append(series)
    labels = Reference(ws, min_col=1, min_row=head + 1, max_row=last)
    for series in plot.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))
    return plot


SHARE_KEYS = ("share_pct", "target_pct", "baseline_pct", "compare_share_pct")
NOTE_WIDTH = 60
"""The widest the Data sheet's ``note`` column gets (a long reason runs on)."""


def _record_labels(data: ReportData) -> dict[str, str]:
    """Danish headers for the records' columns: fixed ones, then each count's measure label."""
    labels = dict(texts.RECORD_LABELS)
    for section in data.sections:
        for name, measure in section.result.criterion.counts:
            labels.setdefault(name, MEASURE_LABELS.get(measure, name))
    return labels


def _record_format(name: str, values: pl.Series) -> tuple[str | None, bool]:
    """A records column's number format, and whether it holds percents (divided by 100)."""
    if name in SHARE_KEYS:
        return "0.0%", True
    if name in ("gap_pp", "compare_diff_pp"):
        return "0.0", False
    if values.dtype.is_integer():
        return COUNT, False
    if values.dtype.is_float():
        present = values.drop_nulls()
        whole = bool((present == present.round(0)).all())
        return (COUNT if whole else "#,##0.0#"), False
    return None, False


def _data_sheet(t: _Target, data: ReportData) -> None:
    """Every record behind the figures, one per row, with Danish headers and formats."""
    records = data.records
    labels = _record_labels(data)
    yes, no = texts.SOURCE_LABELS["yes"], texts.SOURCE_LABELS["no"]
    widths = []
    for col, name in enumerate(records.columns, start=1):
        head = _wrap(labels.get(name, name))
        t.put(1, col, head, font=BOLD, alignment=HEAD, border=UNDER)
        series = records[name]
        fmt, percent = _record_format(name, series)
        shown = [len(_wrap(head).split("\n")[0]) + 2]
        for row, value in enumerate(series.to_list(), start=2):
            if isinstance(value, bool):
                value = yes if value else no
            elif percent and value is not None:
                value = fraction(value)
            t.put(row, col, value, fmt)
            shown.append(len(_shown(value, PCT if percent else fmt)) + 2)
        widest = max(max(shown), max(len(x) for x in head.split("\n")) * 1.15 + 2)
        widths.append(min(widest, NOTE_WIDTH) if name == "note" else widest)
    if t.keep:
        return
    last = get_column_letter(max(len(records.columns), 1))
    t.ws.auto_filter.ref = f"A1:{last}{records.height + 1}"
    t.ws.row_dimensions[1].height = _height(
        max(_wrap(labels.get(n, n)).count("\n") + 1 for n in records.columns)
    )
    for col, size in enumerate(widths, start=1):
        t.ws.column_dimensions[get_column_letter(col)].width = round(size, 1)
    _print_setup(t.ws, "Data", "", titles="1:1", freeze="B2")


def _sources_sheet(t: _Target, data: ReportData) -> None:
    """Where the figures come from: the store and time, then each batch behind them."""
    words = texts.SOURCE_LABELS
    t.put(1, 1, words["title"], font=TITLE)
    lines = data.provenance()
    for row, text in enumerate(lines, start=2):
        t.put(row, 1, text)
    head = len(lines) + 3
    columns = ("file", "kind", "rows", "sha256", "time", "status")
    for col, key in enumerate(columns, start=1):
        t.put(head, col, words[key], font=BOLD, border=UNDER)
    row = head
    for row, used in enumerate(data.used, start=head + 1):
        batch = used.batch
        when = batch.time.astimezone(dt.UTC).replace(tzinfo=None)
        status = words["partly_replaced" if used.partly_replaced else "in_use"]
        cells = [
            (mask_cpr(batch.source), None),
            (words.get(batch.kind, batch.kind), None),
            (batch.rows, COUNT),
            (batch.sha256, None),
            (when, "yyyy-mm-dd hh:mm:ss"),
            (status, None),
        ]
        for col, (value, fmt) in enumerate(cells, start=1):
            t.put(row, col, value, fmt)
    if data.store_root is None:
        t.put(row + 2, 1, words["none"])
    if data.replaced:
        names = ", ".join(
            f"{mask_cpr(b.source)} ({b.time.astimezone(dt.UTC):%Y-%m-%d %H:%M})"
            for b in data.replaced
        )
        t.put(row + 2, 1, words["replaced"].format(names=names))
    if not t.keep:
        for letter, size in zip("ABCDEF", (40, 26, 10, 66, 20, 32), strict=True):
            t.ws.column_dimensions[letter].width = size
        _print_setup(t.ws, words["title"], "", titles=f"{head}:{head}", freeze=None)


def _clear(ws: Any, from_row: int) -> None:
    for line in ws.iter_rows(min_row=from_row):
        for cell in line:
            if not isinstance(cell, MergedCell):
                cell.value = None


def _sheet_name(text: str, taken: set[str]) -> str:
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in text).strip("'")[:31] or "Ark"
    while name.lower() in taken:
        name = name[:30] + "_"
    taken.add(name.lower())
    return name


def _target(wb: Any, name: str, template: bool) -> _Target:
    if template and name in wb.sheetnames:
        ws = wb[name]
        if name in ("Data", "Kilder"):
            _clear(ws, 1)
        return _Target(ws, keep=True)
    return _Target(wb.create_sheet(name), keep=False)


def check_paths(output: Path, template: Path | None = None) -> None:
    """Refuse an output that is not .xlsx or whose folder is missing, and a missing template."""
    if output.suffix.lower() != ".xlsx":
        raise FleksmonError(f"cannot write {output}: not an .xlsx file", "name it like report.xlsx")
    if not output.parent.is_dir():
        raise FleksmonError(
            f"cannot write {output}: the folder {output.parent} does not exist",
            "create the folder first or pick another path",
        )
    if template is not None and not template.is_file():
        raise FleksmonError(f"template {template} not found", "pass an existing .xlsx file")


def _open(template: Path | None) -> Any:
    if template is None:
        wb = Workbook()
        wb.remove(wb.active)
        return wb
    try:
        wb = load_workbook(template)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FleksmonError(
            f"cannot read template {template} ({exc})", "pass an .xlsx workbook saved by Excel"
        ) from exc
    wb.template = False
    return wb


def save(wb: Any, output: Path, hint: str = "pick another path") -> None:
    """Write a workbook whole or not at all (a temporary file, then a rename)."""
    tmp = output.with_name(f".{output.name}.{uuid.uuid4().hex}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FleksmonError(f"cannot write {output} ({exc.strerror})", hint) from exc


def write_workbook(data: ReportData, output: Path, template: Path | None = None) -> list[str]:
    """Write the report workbook (into a copy of ``template`` if given); the sheets written."""
    check_paths(output, template)
    wb = _open(template)
    if template is not None:
        ids = [section.result.criterion.id for section in data.sections]
        filler.check_chart_sheets(wb, template.name, ["Data", "Kilder", *ids])
    taken = {"data", "kilder", *(n.lower() for n in wb.sheetnames)}
    names = []
    for section in data.sections:
        cid = section.result.criterion.id
        if template is not None and cid in wb.sheetnames:
            filler.fill(wb, wb[cid], section, template.name)
            names.append(cid)
            continue
        name = _sheet_name(cid, taken)
        _criterion_sheet(_Target(wb.create_sheet(name), keep=False), section)
        names.append(name)
    for title, fill_sheet in data.extra:
        name = _sheet_name(title, taken)
        fill_sheet(wb.create_sheet(name))
        names.append(name)
    for name, fill in (("Data", _data_sheet), ("Kilder", _sources_sheet)):
        fill(_target(wb, name, template is not None), data)
        names.append(name)
    save(wb, output)
    return names
