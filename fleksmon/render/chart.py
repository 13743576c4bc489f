"""What a criterion's chart shows and how each line looks, for every chart fleksmon draws.

The Excel chart (:mod:`fleksmon.render.excel`) and the PNG/SVG images
(:mod:`fleksmon.render.image`) take their lines from :func:`lines`, so they show
the same series in the same style: the chosen kommuner emphasised in colour,
Hele landet black and dashed, the top-10 average grey and dotted, and the
target as a straight red line named "Mål". Values are shares as fractions.

>>> import polars as pl
>>> from fleksmon import criteria
>>> frame = pl.DataFrame({"period": ["Aug. 2019", "Sep. 2019"], "Viborg": [87.1, 87.9],
...                       "Hele landet": [85.0, 85.5]})
>>> [(line.name, line.role, line.values) for line in lines(frame, criteria.CRITERIA["K1"])]
... # doctest: +NORMALIZE_WHITESPACE
[('Viborg', 'kommune', [0.871, 0.879]), ('Hele landet', 'land', [0.85, 0.855]),
 ('Mål', 'target', [0.9, 0.9])]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fleksmon import areas, texts
from fleksmon.criteria import Criterion
from fleksmon.numbers import fraction
from fleksmon.report import TOP10

if TYPE_CHECKING:
    import polars as pl

    from fleksmon.report import Section

TARGET = "Mål"
KOMMUNE_COLOURS = (
    "1F77B4",
    "FF7F0E",
    "2CA02C",
    "9467BD",
    "8C564B",
    "E377C2",
    "17BECF",
    "BCBD22",
    "393B79",
    "AD494A",
)
"""Colours for the chosen kommuner (no red: red is the target, no grey: grey is top-10)."""


@dataclass(frozen=True)
class Line:
    """One line of a chart: its name, values (fractions, ``None`` where missing) and look.

    ``role`` is ``kommune``, ``group`` (the comparison group), ``land`` (Hele landet),
    ``top10`` or ``target``;
    ``colour`` is ``RRGGBB``; ``width`` in points; ``dash`` one of ``solid``,
    ``dash``, ``dashDot``, ``sysDot`` (DrawingML names); ``marker`` whether points are marked.
    """

    name: str
    values: list[float | None]
    role: str
    colour: str
    width: float
    dash: str
    marker: bool


def lines(chart: pl.DataFrame, crit: Criterion, group: str | None = None) -> list[Line]:
    """The chart's lines: each area's share per period, then the target line; ``group``
    names the comparison group's line (dark blue, dash-dot)."""
    out = []
    single = chart.height == 1
    colours = iter(KOMMUNE_COLOURS * 10)
    for name in chart.columns[1:]:
        values = [None if v is None else fraction(v) for v in chart[name].to_list()]
        if name == areas.HELE_LANDET:
            out.append(Line(name, values, "land", "000000", 2.0, "dash", single))
        elif name == TOP10:
            out.append(Line(name, values, "top10", "7F7F7F", 2.0, "sysDot", single))
        elif name == group:
            out.append(Line(name, values, "group", "1F3864", 2.25, "dashDot", True))
        else:
            out.append(Line(name, values, "kommune", next(colours), 2.75, "solid", True))
    target = [crit.target] * chart.height
    out.append(Line(TARGET, list(target), "target", "C00000", 2.25, "solid", single))
    return out


def share_range(drawn: list[Line]) -> tuple[float, float]:
    """The value axis: from 10 %-points steps below the lowest value (or target) to the
    step above the highest, within 0–100 %."""
    values = [v for line in drawn for v in line.values if v is not None]
    low = math.floor((min(values) - 0.02) * 10) / 10
    high = math.ceil((max(values) + 0.02) * 10) / 10
    return max(low, 0.0), min(high, 1.0)


def title(crit: Criterion, period_line: str) -> str:
    """The chart's title: the criterion's name and the periods shown."""
    return f"{crit.name}, {period_line}"


@dataclass(frozen=True)
class Chart:
    """A chart as data, for any image or document writer: its title, the periods along
    the axis, the lines (:func:`lines`) and the notes under it (what the top-10 line is,
    the source)."""

    title: str
    labels: tuple[str, ...]
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()


def of_section(section: Section) -> Chart:
    """A report section's chart: its series, the target line, the chart notes, the
    ``--as-of`` state and the source line."""
    crit = section.result.criterion
    as_of = section.result.query.as_of
    stamp = [texts.as_of_note(as_of)] if as_of is not None else []
    return Chart(
        title(crit, section.period_line()),
        tuple(section.chart["period"].to_list()),
        tuple(lines(section.chart, crit, section.result.query.compare)),
        (*section.chart_notes, *stamp, section.notes()[-1]),
    )
