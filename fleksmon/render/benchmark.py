"""The benchmark (``noegletal --benchmark``) as a terminal table and an Excel sheet.

One row per area and benchmark period: actual and expected full-time persons on
public benefits, their difference (actual − expected, signed), the shares and their
difference in %-point where the download has them, and Jobindsats' position on its
benchmark list; the notes (which periods, what the difference means) below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from fleksmon import texts
from fleksmon.numbers import format_number, fraction
from fleksmon.periods import parse_period
from fleksmon.render.grid import Grid
from fleksmon.render.rank import signed
from fleksmon.render.table import NONE, count, pct

if TYPE_CHECKING:
    from fleksmon.benchmark import Benchmark

TABLE_KEY = "Område, periode"
"""The terminal table's key column: each area's name, its periods below it."""
HEADERS = (
    "Område",
    "Periode",
    "Faktisk antal",
    "Forventet antal",
    "Forskel",
    "Faktisk andel",
    "Forventet andel",
    "Forskel, %-point",
    "Placering (Jobindsats)",
)
SHEET = "Benchmark"


def _pp(value: float | None) -> str:
    if value is None:
        return NONE
    text = format_number(value, 2)
    return f"+{text}" if value > 0 else text


def benchmark_table(found: Benchmark) -> Grid:
    """The benchmark rows as a :class:`~fleksmon.render.grid.Grid`: each area's name (bold)
    with its periods below it, so that stacked parts still say whose row it is; notes
    below."""
    notes = [f"Anm.: {n}" for n in found.notes]
    grid = Grid(texts.message("benchmark_title"), [TABLE_KEY, *HEADERS[2:]], notes=notes)
    area = None
    for row in found.records.to_dicts():
        if row["kommune"] != area:
            area = row["kommune"]
            grid.add_row([area, *[""] * (len(HEADERS) - 2)], new_section=True, bold=True)
        grid.add_row(
            [
                parse_period(row["benchmark_period"]).human(),
                count(row["benchmark_actual"]),
                count(row["benchmark_expected"]),
                signed(row["benchmark_diff"]),
                pct(row["benchmark_actual_pct"], 2),
                pct(row["benchmark_expected_pct"], 2),
                _pp(row["benchmark_diff_pp"]),
                NONE if row["benchmark_rank"] is None else str(row["benchmark_rank"]),
            ]
        )
    return grid


def benchmark_sheet(ws: Any, found: Benchmark) -> None:
    """Fill an empty worksheet with the benchmark rows (numbers as numbers)."""
    from fleksmon.render import excel
    from fleksmon.render.cells import set_value

    ws.cell(1, 1, texts.message("benchmark_title")).font = excel.TITLE
    for col, head in enumerate(HEADERS, start=1):
        cell = ws.cell(3, col)
        set_value(cell, head)
        cell.font, cell.alignment, cell.border = excel.BOLD, excel.HEAD, excel.UNDER
    row = 4
    for record in found.records.to_dicts():
        values: list[tuple[Any, str | None]] = [
            (record["kommune"], None),
            (parse_period(record["benchmark_period"]).human(), None),
            (record["benchmark_actual"], "#,##0"),
            (record["benchmark_expected"], "#,##0"),
            (record["benchmark_diff"], "+#,##0;-#,##0;0"),
            *[
                (None if record[k] is None else fraction(record[k]), "0.00%")
                for k in ("benchmark_actual_pct", "benchmark_expected_pct")
            ],
            (record["benchmark_diff_pp"], "+0.00;-0.00;0.00"),
            (record["benchmark_rank"], None),
        ]
        for col, (value, fmt) in enumerate(values, start=1):
            cell = ws.cell(row, col)
            set_value(cell, NONE if value is None else value)
            if fmt and value is not None:
                cell.number_format = fmt
        row += 1
    for text in found.notes:
        row += 1
        set_value(ws.cell(row, 1), f"Anm.: {text}")
    for col, width in enumerate((18, 26, 12, 12, 10, 12, 12, 12, 14), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    excel._print_setup(ws, SHEET, "", titles="3:3", freeze="B4")


def extra_sheet(found: Benchmark) -> tuple[str, Callable[[Any], None]]:
    """The benchmark as a workbook's extra sheet."""
    return SHEET, lambda ws: benchmark_sheet(ws, found)
