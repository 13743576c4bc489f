"""The ressourceforløb report as print-ready Excel sheets laid out like STAR's Jan.–Mar.
2020 report: "Ressourceforløb" (title, period, the overview, Resultatkrav 1 and 2 with
the sums in bold, ``Anm.:`` and ``Kilde:``) and "Indikatorer" (one row per area).

Counts are real numbers (``#,##0``), shares percent cells (``0.0%``), ``–`` where a
population is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from fleksmon import texts
from fleksmon.numbers import fraction
from fleksmon.periods import month_human
from fleksmon.render import excel
from fleksmon.render.cells import set_value
from fleksmon.render.rf import NONE, indicator_note_lines, note_lines, period_text, sum_label
from fleksmon.rfreport import DURATIONS, LABELS, R1_KEY, R1_ROWS, R2_KEY, R2_ROWS

if TYPE_CHECKING:
    from fleksmon.rfreport import RfReport

SHEET, INDICATOR_SHEET = "Ressourceforløb", "Indikatorer"
SHARE, COUNT = "0.0%", "#,##0"
_NOTE = Alignment(wrap_text=True, vertical="top")
Cell = tuple[Any, str | None]


def _value(report: RfReport, row: dict[str, Any], key: str) -> Cell:
    """A count or share (``…_pct``) cell, with discretion's ``<5``/``x`` or ``–``."""
    value = row[key]
    if value is None:
        return (report.shown_instead(row["kommune"], key) or NONE, None)
    return (fraction(value), SHARE) if key.endswith("_pct") else (value, COUNT)


def _block(
    ws: Any, top: int, title: str, heads: list[str], rows: list[list[Cell]], bold: list[bool]
) -> int:
    """A titled table from row ``top``: the title, the header row, the rows (bold where
    asked, a rule under the last); the row after it."""
    ws.cell(top, 1, title).font = excel.BOLD
    for col, head in enumerate(heads, start=1):
        cell = ws.cell(top + 1, col)
        set_value(cell, head)
        cell.font, cell.alignment, cell.border = excel.BOLD, excel.HEAD, excel.UNDER
    row = top + 1
    for row, (cells, strong) in enumerate(zip(rows, bold, strict=True), start=top + 2):
        for col, (value, fmt) in enumerate(cells, start=1):
            cell = ws.cell(row, col)
            set_value(cell, value)
            if fmt:
                cell.number_format = fmt
            elif col > 1 and value == NONE:
                cell.alignment = excel.RIGHT
            if strong:
                cell.font = excel.BOLD
    for col in range(1, len(heads) + 1):
        ws.cell(row, col).border = excel.UNDER
    return row + 2


def _notes(ws: Any, top: int, lines: list[str], last: int, width: float) -> None:
    for at, text in enumerate(lines, start=top):
        set_value(ws.cell(at, 1), text)
        ws.cell(at, 1).alignment = _NOTE
        ws.merge_cells(start_row=at, start_column=1, end_row=at, end_column=last)
        ws.row_dimensions[at].height = round((len(text) // (width * 1.1) + 1) * 11 * 1.3 + 3, 1)


def _widths(ws: Any, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def rf_sheet(ws: Any, report: RfReport) -> None:
    """Fill an empty worksheet with the overview and Resultatkrav 1 and 2."""
    ws.cell(1, 1, texts.message("rf_title")).font = excel.TITLE
    set_value(ws.cell(2, 1), report.period.human())
    overview = [
        [
            (row["kommune"], None),
            (period_text(report), None),
            _value(report, row, "population"),
            _value(report, row, f"{R1_KEY}_pct"),
            _value(report, row, f"{R2_KEY}_pct"),
        ]
        for row in report.areas.to_dicts()
    ]
    row = _block(
        ws,
        4,
        texts.message("rf_overview", area=report.headline),
        list(texts.RF_OVERVIEW_HEADERS),
        overview,
        report.areas["total"].to_list(),
    )
    (area,) = report.areas.filter(report.areas["kommune"] == report.headline).to_dicts()
    for n, key, keys, crit in ((1, R1_KEY, R1_ROWS, report.r1), (2, R2_KEY, R2_ROWS, report.r2)):
        rows = [
            [
                (sum_label(k, crit) if k == keys[-1] else LABELS[k], None),
                _value(report, area, k),
                _value(report, area, f"{k}_pct"),
            ]
            for k in keys
        ]
        title = f"{texts.message('rf_requirement', n=n)} - {report.headline}"
        heads = [LABELS[key], "Antal", "Andel"]
        row = _block(ws, row, title, heads, rows, [False] * (len(keys) - 1) + [True])
    widths = [52, 18, 18, 22, 22]
    _widths(ws, widths)
    ws.row_dimensions[5].height = 45
    _notes(ws, row, note_lines(report), len(widths), sum(widths))
    excel._print_setup(ws, SHEET, report.period.human(), titles="5:5", freeze=None)


def indicator_sheet(ws: Any, report: RfReport) -> None:
    """Fill an empty worksheet with the indicators, one row per area."""
    month = month_human(report.period.end)
    ws.cell(1, 1, texts.message("rf_title")).font = excel.TITLE
    rows = []
    for record in report.indicators.to_dicts():
        keys = ["lange_forloeb", "uden_indsats", "uden_indsats_pct", "forloeb"]
        for key in DURATIONS:
            keys += [key, f"{key}_pct"]
        rows.append([(record["kommune"], None), *(_value(report, record, k) for k in keys)])
    heads = list(texts.RF_INDICATOR_HEADERS)
    row = _block(
        ws,
        3,
        texts.message("rf_indicators", month=month),
        heads,
        rows,
        report.indicators["total"].to_list(),
    )
    widths = [28] + [14] * (len(heads) - 1)
    _widths(ws, widths)
    ws.row_dimensions[4].height = 60
    _notes(ws, row, indicator_note_lines(report), len(widths), sum(widths))
    excel._print_setup(ws, INDICATOR_SHEET, month, titles="4:4", freeze="B5")


def extra_sheets(report: RfReport) -> list[tuple[str, Callable[[Any], None]]]:
    """The sheets as a workbook's extra sheets (see :class:`fleksmon.report.ReportData`);
    "Indikatorer" only when the data holds the indicators."""
    sheets: list[tuple[str, Callable[[Any], None]]] = [(SHEET, lambda ws: rf_sheet(ws, report))]
    if report.has_indicators:
        sheets.append((INDICATOR_SHEET, lambda ws: indicator_sheet(ws, report)))
    return sheets


def write_rf(report: RfReport, output: Path) -> list[str]:
    """Write a workbook with the "Ressourceforløb" sheet (and "Indikatorer" when the data
    holds them); the sheets written."""
    from openpyxl import Workbook

    excel.check_paths(output)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    rf_sheet(ws, report)
    if not report.has_indicators:
        excel.save(wb, output)
        return [SHEET]
    indicator_sheet(wb.create_sheet(INDICATOR_SHEET), report)
    excel.save(wb, output)
    return [SHEET, INDICATOR_SHEET]
