"""The Jobcenteroverblik as a print-ready Excel sheet, laid out like Figur 2 of the report.

Title and caption on top, the header row (the quarter, then the report's column
headers), one row per status with real numbers (counts ``#,##0``, shares as
percents ``0.0%``, %-point changes ``0.0``), ``-`` where the data has no
figure, and the ``Anm.:`` and ``Kilde:`` lines below.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from fleksmon import texts
from fleksmon.numbers import fraction
from fleksmon.render import excel
from fleksmon.render.cells import set_value
from fleksmon.render.overblik import HIDDEN, MISSING, note_lines

if TYPE_CHECKING:
    from fleksmon.api import Overblik

SHEET = "Jobcenteroverblik"
HEADER_ROW, FIRST_ROW = 4, 5
SHARE, POINTS, COUNT = "0.0%", "0.0", "#,##0"
WIDTHS = (34, 16, 16, 18, 22, 24)
"""Column widths (characters): the status labels, then the five figures."""
_NOTE = Alignment(wrap_text=True, vertical="top")


def _wrap(text: str, width: int) -> str:
    """A header broken into lines that fit the column (words kept whole)."""
    return "\n".join(textwrap.wrap(text, width - 2, break_long_words=False))


def _cells(row: dict[str, Any], discretion: int = 0) -> list[tuple[Any, str | None]]:
    hidden = bool(row.get("suppressed"))

    def share(value: float | None, own: bool = False) -> tuple[Any, str | None]:
        if hidden and own:
            return (HIDDEN, None)
        return (MISSING, None) if value is None else (fraction(value), SHARE)

    def points(value: float | None, own: bool = False) -> tuple[Any, str | None]:
        if hidden and own:
            return (HIDDEN, None)
        return (MISSING, None) if value is None else (value, POINTS)

    count = row["fuldtidspersoner"]
    shown = (f"<{discretion}", None) if hidden else (MISSING, None)
    return [
        (row["label"], None),
        shown if count is None else (count, COUNT),
        share(row["share_pct"], own=True),
        share(row["land_share_pct"]),
        points(row["change_pp"], own=True),
        points(row["land_change_pp"]),
    ]


def overblik_sheet(ws: Any, result: Overblik) -> None:
    """Fill an empty worksheet with the Jobcenteroverblik."""
    last = len(WIDTHS)
    ws.cell(1, 1, texts.message("overblik_title", area=result.area)).font = excel.TITLE
    set_value(ws.cell(2, 1), texts.message("overblik_figure"))
    heads = [texts.quarter(result.quarter), *texts.OVERBLIK_HEADERS]
    for col, (head, width) in enumerate(zip(heads, WIDTHS, strict=True), start=1):
        cell = ws.cell(HEADER_ROW, col)
        set_value(cell, _wrap(head, width))
        cell.font, cell.alignment, cell.border = excel.BOLD, excel.HEAD, excel.UNDER
        ws.column_dimensions[get_column_letter(col)].width = width
    lines = max(_wrap(h, w).count("\n") + 1 for h, w in zip(heads, WIDTHS, strict=True))
    ws.row_dimensions[HEADER_ROW].height = round(lines * 11 * 1.3 + 3, 1)
    row = FIRST_ROW
    for row, record in enumerate(result.records.to_dicts(), start=FIRST_ROW):
        for col, (value, fmt) in enumerate(_cells(record, result.query.discretion), start=1):
            cell = ws.cell(row, col)
            set_value(cell, value)
            if fmt:
                cell.number_format = fmt
            elif col > 1:
                cell.alignment = excel.RIGHT
    if result.records.height:
        for col in range(1, last + 1):
            ws.cell(row, col).border = excel.UNDER
    for offset, text in enumerate(note_lines(result), start=2):
        at = row + offset
        set_value(ws.cell(at, 1), text)
        ws.cell(at, 1).alignment = _NOTE
        ws.merge_cells(start_row=at, start_column=1, end_row=at, end_column=last)
        chars = sum(WIDTHS) * 1.1
        ws.row_dimensions[at].height = round((len(text) // chars + 1) * 11 * 1.3 + 3, 1)
    excel._print_setup(
        ws,
        SHEET,
        texts.quarter(result.quarter),
        titles=f"{HEADER_ROW}:{HEADER_ROW}",
        freeze=f"B{FIRST_ROW}",
    )


def extra_sheet(result: Overblik) -> tuple[str, Callable[[Any], None]]:
    """The sheet as a workbook's extra sheet (see :class:`fleksmon.report.ReportData`)."""
    return SHEET, lambda ws: overblik_sheet(ws, result)


def write_overblik(result: Overblik, output: Path) -> list[str]:
    """Write a workbook with the Jobcenteroverblik sheet; the sheets written."""
    from openpyxl import Workbook

    excel.check_paths(output)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    overblik_sheet(ws, result)
    excel.save(wb, output)
    return [SHEET]
