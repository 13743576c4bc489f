"""Months to target as an Excel sheet (``export --by``): one block per criterion.

Each block: the criterion's title, the latest month and the deadline, then per
area the share, the persons missing, persons a month, the pace (%-point a month)
and the month the target is reached at that pace; the notes below. Numbers are
numbers (shares as percents ``0.0%``, pace ``0.0``, persons ``#,##0``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from fleksmon import texts
from fleksmon.numbers import fraction
from fleksmon.render import excel
from fleksmon.render.cells import set_value
from fleksmon.render.table import MET, NONE, PACE_LABELS, ordered, reached_cell
from fleksmon.report import gap_persons_label, note_lines

if TYPE_CHECKING:
    from fleksmon.api import Result

SHARE, PACE, COUNT = "0.0%", "0.0", "#,##0"
WIDTHS = (22, 10, 10, 14, 14, 16, 18)


def sheet_title(results: list[Result]) -> str:
    """``Tempo mod Dec. 2020``: the sheet's name and heading."""
    deadline = results[0].records["by_period"][0]
    return texts.message("pace_sheet", deadline=_human(deadline))


def _human(code: str) -> str:
    from fleksmon.periods import parse_period

    return parse_period(code).human()


def _cells(row: dict[str, Any]) -> list[tuple[Any, str | None]]:
    share = row["share_pct"]
    pace = row["pace_pp_per_month"]
    met = bool(row.get("met"))
    persons = row["gap_persons"]
    return [
        (row["kommune"], None),
        (NONE, None) if share is None else (fraction(share), SHARE),
        (fraction(row["target_pct"]), SHARE),
        (MET, None) if met else ((NONE, None) if persons is None else (persons, COUNT)),
        (MET, None) if met else (_count(row["per_month"])),
        (NONE, None) if pace is None else (pace, PACE),
        (reached_cell(row), None),
    ]


def _count(value: int | None) -> tuple[Any, str | None]:
    return (NONE, None) if value is None else (value, COUNT)


def pace_sheet(ws: Any, results: list[Result]) -> None:
    """Fill an empty worksheet with a months-to-target block per criterion."""
    ws.cell(1, 1, sheet_title(results)).font = excel.TITLE
    row = 3
    for result in results:
        crit = result.criterion
        first = result.records.row(0, named=True)
        set_value(ws.cell(row, 1), texts.title(crit))
        ws.cell(row, 1).font = excel.BOLD
        line = texts.message(
            "to_target_title",
            title="",
            period=result.periods[-1].human(),
            deadline=_human(first["by_period"]),
            months=first["months_left"],
        ).strip()
        set_value(ws.cell(row + 1, 1), line)
        heads = [
            texts.LABELS["area"],
            texts.LABELS["share"],
            texts.LABELS["target"],
            gap_persons_label(crit),
            PACE_LABELS["per_month"],
            PACE_LABELS["pace"],
            PACE_LABELS["reached"],
        ]
        for col, head in enumerate(heads, start=1):
            cell = ws.cell(row + 2, col)
            set_value(cell, head)
            cell.font, cell.alignment, cell.border = excel.BOLD, excel.HEAD, excel.UNDER
        ws.row_dimensions[row + 2].height = 32
        row += 3
        for record in ordered(result.records.to_dicts(), crit.direction != "lower"):
            for col, (value, fmt) in enumerate(_cells(record), start=1):
                cell = ws.cell(row, col)
                set_value(cell, value)
                if fmt:
                    cell.number_format = fmt
                elif col > 1:
                    cell.alignment = excel.RIGHT
            row += 1
        for text in note_lines(result):
            set_value(ws.cell(row, 1), text)
            row += 1
        row += 1
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    excel._print_setup(ws, sheet_title(results), "", titles="1:1", freeze=None)


def extra_sheet(results: list[Result]) -> tuple[str, Callable[[Any], None]]:
    """The sheet as a workbook's extra sheet (see :class:`fleksmon.report.ReportData`)."""
    return sheet_title(results), lambda ws: pace_sheet(ws, results)
