"""A ranking as an Excel sheet (``export --rank``): the terminal table's rows and notes.

The criterion's title and ``Placering blandt kommunerne, ‹periode›``, a header row,
the ranked kommuner best first, the marked kommuner outside the list and the
reference rows set apart (a line above), the notes below. Numbers are numbers:
positions and changes whole, shares ``0.0%``, %-points ``0.0``, persons ``#,##0``;
``✓`` where met, ``–`` where there is no figure. Marked kommuner are bold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from fleksmon import texts
from fleksmon.numbers import fraction
from fleksmon.render import excel
from fleksmon.render.cells import set_value
from fleksmon.render.rank import (
    has_benchmark,
    headers,
    note_lines,
    own_targets,
    sections,
    title,
)
from fleksmon.render.table import MET, NONE

if TYPE_CHECKING:
    from fleksmon.ranking import Ranking

SHARE, PP, COUNT, CHANGE, DIFF = "0.0%", "0.0", "#,##0", "+0;-0;0", "+#,##0;-#,##0;0"
FIRST_ROW = 4


def sheet_name(ranking: Ranking) -> str:
    """``Placering K1``."""
    return f"Placering {ranking.criterion.id}"


def _cells(ranking: Ranking, row: dict[str, Any]) -> list[tuple[Any, str | None]]:
    reference = row["rank"] is None and not row["highlight"]
    share = row["share_pct"]
    if row.get("met") is True:
        gaps: list[tuple[Any, str | None]] = [(MET, None), (MET, None)]
    elif reference and row["population"] is None:
        gaps = [(None, None), (None, None)]
    elif row.get("gap_pp") is None:
        gaps = [(NONE, None), (NONE, None)]
    else:
        gaps = [(row["gap_pp"], PP), (row["gap_persons"], COUNT)]
    target = row["target_pct"]
    change = row["rank_change"]
    place = (NONE, None) if row["rank"] is None else (row["rank"], None)
    return [
        (row["kommune"], None),
        (None, None) if reference else place,
        (NONE, None) if share is None or isinstance(share, str) else (fraction(share), SHARE),
        *([(None if target is None else fraction(target), SHARE)] if own_targets(ranking) else []),
        *gaps[: 1 if ranking.criterion.share else 2],
        *(
            [(None, None) if reference else ((NONE, None) if change is None else (change, CHANGE))]
            if ranking.baseline
            else []
        ),
        *(_benchmark(row) if has_benchmark(ranking) else []),
    ]


def _benchmark(row: dict[str, Any]) -> list[tuple[Any, str | None]]:
    if row.get("benchmark_period") is None:
        return [(None, None)] * 3
    return [
        (row["benchmark_actual"], COUNT),
        (row["benchmark_expected"], COUNT),
        (row["benchmark_diff"], DIFF),
    ]


def rank_sheet(ws: Any, ranking: Ranking) -> None:
    """Fill an empty worksheet with one criterion's ranking."""
    head, period = title(ranking).split("\n", 1)
    ws.cell(1, 1, head).font = excel.TITLE
    set_value(ws.cell(2, 1), period)
    heads = headers(ranking)
    for col, text in enumerate(heads, start=1):
        cell = ws.cell(FIRST_ROW - 1, col)
        set_value(cell, text)
        cell.font, cell.alignment, cell.border = excel.BOLD, excel.HEAD, excel.UNDER
    ws.row_dimensions[FIRST_ROW - 1].height = 32
    row = FIRST_ROW
    for block in sections(ranking):
        for i, record in enumerate(block):
            for col, (value, fmt) in enumerate(_cells(ranking, record), start=1):
                cell = ws.cell(row, col)
                set_value(cell, value)
                if fmt:
                    cell.number_format = fmt
                elif col > 1:
                    cell.alignment = excel.RIGHT
                if i == 0 and row > FIRST_ROW:
                    cell.border = excel.ABOVE
                if record["highlight"]:
                    cell.font = excel.BOLD
            row += 1
    row += 1
    for line in note_lines(ranking):
        set_value(ws.cell(row, 1), line)
        row += 1
    widths = [22, 10, 10, *([10] if own_targets(ranking) else []), 10, 14, 14, 12, 12, 12]
    for col, width in enumerate(widths[: len(heads)], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    stamp = ranking.period.human()
    excel._print_setup(
        ws,
        f"{ranking.criterion.id}: {texts.message('rank_title', period=stamp)}",
        stamp,
        titles=f"{FIRST_ROW - 1}:{FIRST_ROW - 1}",
        freeze=f"B{FIRST_ROW}",
    )


def extra_sheets(rankings: list[Ranking]) -> list[tuple[str, Callable[[Any], None]]]:
    """A sheet per ranking, as a workbook's extra sheets (see
    :class:`fleksmon.report.ReportData`)."""

    def filler(ranking: Ranking) -> Callable[[Any], None]:
        return lambda ws: rank_sheet(ws, ranking)

    return [(sheet_name(r), filler(r)) for r in rankings]
