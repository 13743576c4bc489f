"""The "Udvikling i fleksjob" paper as data: one chapter per criterion, then Datagrundlag.

A view of what the report workbook reads (:func:`fleksmon.report.workbook_data`:
each criterion's result with Hele landet, its chart series and notes, and the batches
behind them) and, with a deadline, of :func:`fleksmon.api.months_to_target`. Nothing
here computes a figure: every number is a record's value, printed as the report
tables print it (:class:`fleksmon.paper.model.Cell`).

Each criterion's chapter, worded as STAR's reports: the heading (``Succeskriterie 1:
Andel i fleksjob``), the statement with the declared or own target, the report table
(baseline, the months, the latest counts, %-point and persons; Hele landet last, set
apart) under the header bands ``Baseline / Status for … / Afstand til målsætning``,
the ``*Antallet…``, ``Anm.:`` and ``Kilde:`` lines, the chart with the target line
and its notes, and with a deadline the months-to-target table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from fleksmon import api, report, texts
from fleksmon.errors import FleksmonError
from fleksmon.paper.basis import datagrundlag, front, subject
from fleksmon.paper.model import (
    Band,
    Block,
    Cell,
    Chapter,
    Figure,
    Heading,
    Paper,
    Paragraph,
    Row,
    Table,
)
from fleksmon.paper.wording import text
from fleksmon.periods import parse_period
from fleksmon.query import Query
from fleksmon.render import chart
from fleksmon.render.table import MET, PACE_LABELS, area_rank, area_rows, ordered, reached_cell

KIND = "fleksjob"


def criteria_ids(query: Query, wanted: Sequence[str] = ()) -> list[str]:
    """The criteria the paper shows: those asked for, else every monthly criterion (K1–K3
    and own monthly measures) the store has data for. R1/R2 cover a whole period and
    belong to the ressourceforløb report, so asking for them here is refused."""
    if wanted:
        ids = api.criteria_ids(query, wanted)
        whole = [c for c in ids if query.criterion(c).window == 0]
        if whole:
            raise FleksmonError(
                f"the fleksjob paper follows monthly measures; {', '.join(whole)} "
                f"{'covers' if len(whole) == 1 else 'cover'} a "
                "whole period",
                "leave them out here; 'fleksmon rf' and 'fleksmon export' show R1 and R2",
            )
        return ids
    ids = [c for c in api.criteria_ids(query) if query.criterion(c).window != 0]
    if not ids:
        raise FleksmonError(
            "the store holds no data for K1, K2 or K3",
            "load extracts first with 'fleksmon ingest FILE'",
        )
    return ids


def paper(
    ids: Sequence[str], query: Query, *, by: str | None = None, made: dt.datetime | None = None
) -> Paper:
    """The paper for the criteria ``ids`` and ``query`` (``by``: add months to target
    for that deadline month); ``made`` is the time it is made (now by default)."""
    deadline = parse_period(by) if by is not None else None
    data = report.workbook_data(list(ids), query)
    paces = []
    if deadline is not None:
        gaps = api.results(ids, query, latest_only=True)
        paces = [api.months_to_target(r, deadline) for r in gaps]
    return build(data, paces, made or dt.datetime.now(dt.UTC))


def build(data: report.ReportData, paces: Sequence[api.Result], made: dt.datetime) -> Paper:
    """The paper from the workbook's data and the months-to-target results."""
    query = data.sections[0].result.query
    pace = {r.criterion.id: r for r in paces}
    chapters = [_chapter(s, pace.get(s.result.criterion.id)) for s in data.sections]
    chapters.append(datagrundlag(data, made, query.discretion))
    latest = max(s.result.periods[-1].end for s in data.sections)
    title = text(KIND)
    about, _ = subject(query)
    return Paper(
        kind=KIND,
        front=front(title, query, latest, made),
        chapters=tuple(chapters),
        contents=text("contents"),
        footer=text("footer", title=title, subject=about),
        table_label=text("table"),
        figure_label=text("figure"),
    )


def heading(section: report.Section) -> str:
    """A criterion chapter's heading: ``Succeskriterie 1: Andel i fleksjob`` (an own
    measure: its name)."""
    crit = section.result.criterion
    return f"{crit.title_label}: {crit.name}" if crit.title_label else crit.name


def _chapter(section: report.Section, pace: api.Result | None) -> Chapter:
    crit = section.result.criterion
    blocks: list[Block] = [Paragraph(texts.statement(crit), "statement"), report_table(section)]
    drawn = chart.of_section(section)
    if len(drawn.lines) > 1:
        blocks.append(figure(section, drawn))
    if pace is not None:
        blocks += [Heading(text("pace")), pace_table(pace)]
    return Chapter(heading(section), tuple(blocks), key=crit.id)


def _gap_cells(row: dict[str, Any]) -> tuple[Cell, Cell]:
    """The %-point and persons gap: ``✓`` twice where met, ``–`` where unknown."""
    if row.get("met") is True:
        return Cell(MET, "points"), Cell(MET, "count")
    return Cell(row.get("gap_pp"), "points"), Cell(row.get("gap_persons"), "count")


def report_table(section: report.Section) -> Table:
    """The criterion's report table, as the workbook's sheet and STAR's report show it."""
    result, crit = section.result, section.result.criterion
    codes = [p.code() for p in result.periods]
    counts = ["population", "hits", *(name for name, _ in crit.extras)]
    rows = []
    for row in area_rows(result):
        cells = (
            Cell(row["kommune"]),
            Cell(row.get("baseline_pct"), "share"),
            *(Cell(row["series"].get(code), "share") for code in codes),
            *(Cell(row.get(name), "count") for name in counts),
            *_gap_cells(row),
        )
        rows.append(Row(cells, apart=area_rank(row["kommune"]) == 2))
    bands = (
        Band("", 1),
        Band(texts.LABELS["baseline"], 1),
        Band(section.status(), len(codes) + len(counts)),
        Band(texts.LABELS["distance"], 2),
    )
    headers = tuple(section.headers())
    return Table(
        key=crit.id,
        caption=f"{section.title()}, {section.stamp()}",
        headers=headers,
        rows=tuple(rows),
        bands=bands,
        notes=tuple(section.notes()),
    )


def alt_text(drawn: chart.Chart) -> str:
    """What the chart shows, in words: each line's first and last value, and the target."""
    parts = []
    target = ""
    for line in drawn.lines:
        if line.role == "target":
            target = text("alt_target", target=_pct(line.values[0]))
            continue
        points = [
            (lab, v) for lab, v in zip(drawn.labels, line.values, strict=True) if v is not None
        ]
        if points:
            (start, first), (end, last) = points[0], points[-1]
            parts.append(
                text(
                    "alt_line",
                    name=line.name,
                    first=_pct(first),
                    start=start,
                    last=_pct(last),
                    end=end,
                )
            )
    return text("alt", title=drawn.title, lines="; ".join([*parts, target]))


def _pct(fraction: float | None) -> str:
    return Cell(None if fraction is None else fraction * 100, "share1").text


def figure(section: report.Section, drawn: chart.Chart) -> Figure:
    """The chart under the table: the chosen kommuner, Hele landet, the top-10 average
    and the target line; the chart's notes and source under it."""
    return Figure(
        key=section.result.criterion.id,
        caption=drawn.title,
        chart=drawn,
        alt=alt_text(drawn),
        notes=drawn.notes,
    )


def pace_table(result: api.Result) -> Table:
    """Months to target (``--by``): per area the share, the target, the persons missing,
    persons a month to the deadline, the pace of the last six months and when it
    reaches the target."""
    crit = result.criterion
    first = result.records.row(0, named=True)
    deadline = parse_period(first["by_period"]).human()
    caption = texts.message(
        "to_target_title",
        title=texts.title(crit),
        period=result.periods[-1].human(),
        deadline=deadline,
        months=first["months_left"],
    ).replace("\n", ", ")
    rows = []
    for row in ordered(result.records.to_dicts(), crit.direction != "lower"):
        met = row.get("met") is True
        cells = (
            Cell(row["kommune"]),
            Cell(row["share_pct"], "share1"),
            Cell(row["target_pct"], "target"),
            Cell(MET, "count") if met else Cell(row["gap_persons"], "count"),
            Cell(MET, "count") if met else Cell(row.get("per_month"), "count"),
            Cell(row.get("pace_pp_per_month"), "decimal"),
            Cell(reached_cell(row)),
        )
        rows.append(Row(cells, apart=area_rank(row["kommune"]) == 2))
    headers = (
        texts.LABELS["area"],
        texts.LABELS["share"],
        texts.LABELS["target"],
        report.gap_persons_label(crit),
        PACE_LABELS["per_month"],
        PACE_LABELS["pace"],
        PACE_LABELS["reached"],
    )
    return Table(
        key=f"{crit.id}-tempo",
        caption=caption,
        headers=headers,
        rows=tuple(rows),
        notes=tuple(report.note_lines(result)),
    )
