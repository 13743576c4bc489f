"""The ressourceforløb report as rich tables laid out like STAR's Jan.–Mar. 2020 report:
the overview, Resultatkrav 1 and 2 (count and share of the population per category,
the sum in bold) and the indicators.

Shares print with one decimal and a space before ``%`` (``23,9 %``), counts with
thousands dots, ``–`` where a population is empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fleksmon import texts
from fleksmon.numbers import format_int, format_number
from fleksmon.periods import month_human
from fleksmon.render.grid import Grid
from fleksmon.rfreport import DURATIONS, LABELS, R1_KEY, R1_ROWS, R2_KEY, R2_ROWS

if TYPE_CHECKING:
    from fleksmon.criteria import Criterion
    from fleksmon.rfreport import RfReport

NONE = "–"


def share(value: float | None, instead: str | None = None) -> str:
    """``23,9 %``, or ``instead`` (discretion) or ``–`` without a share."""
    return (instead or NONE) if value is None else f"{format_number(value, 1)} %"


def count(value: int | None, instead: str | None = None) -> str:
    """``1.124``, or ``instead`` (discretion) or ``–`` without a count."""
    return (instead or NONE) if value is None else format_int(value)


def cell(report: RfReport, row: dict[str, Any], key: str) -> str:
    """A row's count or share (``…_pct``) as printed, with discretion's ``<5``/``x``."""
    instead = report.shown_instead(row["kommune"], key)
    return share(row[key], instead) if key.endswith("_pct") else count(row[key], instead)


def period_text(report: RfReport) -> str:
    """The period as the overview prints it: ``2020M01-2020M03``."""
    return report.period.code().replace("..", "-")


def sum_label(key: str, crit: Criterion) -> str:
    """``Virksomhedsrettet indsats mv. (resultatkrav 1: 35%)``."""
    n = 1 if key == R1_KEY else 2
    target = (
        format_number(crit.target_pct, 1) if crit.target_pct % 1 else format_int(crit.target_pct)
    )
    return texts.message("rf_sum_label", label=LABELS[key], n=n, target=target)


def overview_rows(report: RfReport) -> list[list[str]]:
    """One row per area: name, period, population, R1 share, R2 share."""
    return [
        [
            row["kommune"],
            period_text(report),
            cell(report, row, "population"),
            cell(report, row, f"{R1_KEY}_pct"),
            cell(report, row, f"{R2_KEY}_pct"),
        ]
        for row in report.areas.to_dicts()
    ]


def requirement_rows(report: RfReport, n: int) -> list[tuple[str, str, str]]:
    """Resultatkrav ``n``'s rows for the headline area: label, count, share; the sum last."""
    (area,) = report.areas.filter(report.areas["kommune"] == report.headline).to_dicts()
    keys, crit = (R1_ROWS, report.r1) if n == 1 else (R2_ROWS, report.r2)
    rows = []
    for key in keys:
        label = sum_label(key, crit) if key == keys[-1] else LABELS[key]
        rows.append((label, cell(report, area, key), cell(report, area, f"{key}_pct")))
    return rows


def indicator_rows(report: RfReport) -> list[list[str]]:
    """One row per area: long spells, those without indsats and their share, then the
    running spells and each duration's count and share."""
    out = []
    for row in report.indicators.to_dicts():
        keys = ["lange_forloeb", "uden_indsats", "uden_indsats_pct", "forloeb"]
        for key in DURATIONS:
            keys += [key, f"{key}_pct"]
        cells = [row["kommune"], *(cell(report, row, k) for k in keys)]
        out.append(cells)
    return out


def note_lines(report: RfReport) -> list[str]:
    """The ``Anm.:`` lines (the criteria's notes, then the report's) and the source."""
    notes = [*report.r1.notes, *report.notes]
    return [*(f"Anm.: {n}" for n in notes), texts.source_line(report.source)]


def indicator_note_lines(report: RfReport) -> list[str]:
    notes = [texts.message("rf_long_note"), texts.message("rf_duration_note"), *report.notes]
    return [*(f"Anm.: {n}" for n in notes), texts.source_line(report.source)]


def rf_tables(report: RfReport) -> list[str | Grid]:
    """The report's title, the overview, Resultatkrav 1 and 2 and the notes."""
    overview = Grid(
        texts.message("rf_overview", area=report.headline),
        list(texts.RF_OVERVIEW_HEADERS),
        left={1},
    )
    for cells, total in zip(overview_rows(report), report.areas["total"].to_list(), strict=True):
        overview.add_row(cells, bold=total)
    parts: list[str | Grid] = [f"{texts.message('rf_title')}\n{report.period.human()}", overview]
    for n, key in ((1, R1_KEY), (2, R2_KEY)):
        table = Grid(
            f"{texts.message('rf_requirement', n=n)} - {report.headline}",
            [LABELS[key], "Antal", "Andel"],
        )
        rows = requirement_rows(report, n)
        for i, row in enumerate(rows):
            table.add_row(list(row), bold=i == len(rows) - 1)
        parts.append(table)
    parts[-1].notes = note_lines(report)  # type: ignore[union-attr]
    return parts


def indicator_table(report: RfReport) -> Grid:
    """The indicators at the period's last month, one row per area, then the notes."""
    month = month_human(report.period.end)
    grid = Grid(
        texts.message("rf_indicators", month=month),
        list(texts.RF_INDICATOR_HEADERS),
        notes=indicator_note_lines(report),
    )
    for cells, total in zip(
        indicator_rows(report), report.indicators["total"].to_list(), strict=True
    ):
        grid.add_row(cells, bold=total)
    return grid
