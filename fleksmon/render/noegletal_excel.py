"""Nøgletal as an Excel sheet: the months as rows, the kommune, Hele landet, the top-10
mean and how many kommuner had a share, then the chart as the report draws it.

The chart, its notes and the figures it draws are written by the report
workbook's chart code (:mod:`fleksmon.render.excel`), so they look the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from openpyxl.utils import get_column_letter

from fleksmon import report, texts
from fleksmon.numbers import fraction
from fleksmon.render import excel
from fleksmon.render.cells import COUNT
from fleksmon.render.table import NONE, noegletal_notes

if TYPE_CHECKING:
    from fleksmon.api import Result

SHEET = "Nøgletal"
HEADER_ROW = 3
PERIOD_WIDTH, VALUE_WIDTH = 12.0, 14.0
SHARE = "0.0%"
"""Shares with one decimal, as ``fleksmon noegletal`` prints them."""


def noegletal_sheet(ws: object, result: Result, series: pl.DataFrame) -> None:
    """Fill an empty worksheet with the nøgletal table and chart of ``result``."""
    t = excel._Target(ws, keep=False)
    crit = result.criterion
    areas_shown = list(dict.fromkeys(series["omraade"].to_list()))
    heads = [texts.LABELS["period"], *areas_shown, texts.LABELS["kommuner_med_data"]]
    widths = [PERIOD_WIDTH, *[VALUE_WIDTH] * (len(heads) - 1)]
    t.put(1, 1, texts.message("noegletal_title", statement=texts.title(crit)), font=excel.TITLE)
    for col, (head, width) in enumerate(zip(heads, widths, strict=True), start=1):
        t.put(HEADER_ROW, col, head, font=excel.BOLD, alignment=excel.HEAD, border=excel.UNDER)
        t.ws.column_dimensions[get_column_letter(col)].width = width
    value = {(r["period"], r["omraade"]): r["share_pct"] for r in series.to_dicts()}
    counted = {
        r["period"]: r["kommuner"] for r in series.to_dicts() if r["omraade"] == report.TOP10
    }
    row = HEADER_ROW
    for row, period in enumerate(result.periods, start=HEADER_ROW + 1):
        code = period.code()
        t.put(row, 1, period.human())
        for col, area in enumerate(areas_shown, start=2):
            share = value.get((code, area))
            t.put(row, col, NONE if share is None else fraction(share), SHARE)
        t.put(row, len(heads), counted.get(code), COUNT)
    wide = series.with_columns(
        pl.col("period").replace_strict({p.code(): p.human() for p in result.periods})
    ).pivot(on="omraade", index="period", values="share_pct")
    drawn = [a for a in areas_shown if a in wide.columns and wide[a].is_not_null().any()]
    wide = wide.select("period", *drawn)
    section = report.Section(result, wide, noegletal_notes(result))
    excel._chart(t, section, row + 2, widths)
    excel._print_setup(
        t.ws,
        SHEET,
        section.stamp(),
        titles=f"{HEADER_ROW}:{HEADER_ROW}",
        freeze=f"B{HEADER_ROW + 1}",
    )


def write_noegletal(
    result: Result,
    series: pl.DataFrame,
    output: Path,
    extra: Sequence[tuple[str, Callable[[Any], None]]] = (),
) -> list[str]:
    """Write a workbook with the nøgletal sheet (and ``extra`` sheets: a name and a
    function that fills an empty worksheet); the sheets written."""
    from openpyxl import Workbook

    excel.check_paths(output)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    noegletal_sheet(ws, result, series)
    for name, fill in extra:
        fill(wb.create_sheet(name))
    excel.save(wb, output)
    return [SHEET, *(name for name, _ in extra)]
