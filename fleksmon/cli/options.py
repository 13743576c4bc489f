"""Options shared by the commands, defined once as ``Annotated`` aliases."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

SELECT = "Selection"
OUTPUT = "Output"
DATA = "Data"


class Format(StrEnum):
    """How results are written."""

    table = "table"
    csv = "csv"
    csv_da = "csv-da"
    json = "json"
    xlsx = "xlsx"


class Source(StrEnum):
    """Which data a criterion is computed from."""

    auto = "auto"
    aggregate = "aggregate"
    person = "person"


def several(values: list[str] | None) -> list[str] | None:
    """Comma-separated values as several: ``-k Viborg,Thisted`` is ``-k Viborg -k Thisted``."""
    if not values:
        return values
    parts = [part.strip() for value in values for part in value.split(",")]
    if not all(parts):
        from fleksmon.errors import FleksmonError

        given = " ".join(repr(v) for v in values)
        raise FleksmonError(
            f"an empty name in {given}", "give one name each time, or separate names with commas"
        )
    return parts


CriterionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--criterion",
        "-c",
        help="K1, K2, K3, R1 or R2 (or 1, 2, 3); repeat or separate with commas for several "
        "(-c 1,3); default: all with data.",
        callback=several,
        rich_help_panel=SELECT,
    ),
]
KommuneOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kommune",
        "-k",
        help="Kommune, region or 'Hele landet' (name, alias or DST code); repeat or separate "
        "with commas for several (-k Viborg,Thisted).",
        callback=several,
        rich_help_panel=SELECT,
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="Month (2019M11, 'nov 2019'), quarter (2019K3) or range (2019M09..2019M11).",
        rich_help_panel=SELECT,
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help=(
            "table in a terminal, csv when piped (default), json, csv-da (';', decimal "
            "comma, BOM: for a Danish Excel) or xlsx (a workbook; with -o)."
        ),
        rich_help_panel=OUTPUT,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write results to this file (format from .csv/.json/.xlsx).",
        rich_help_panel=OUTPUT,
    ),
]
DiscretionOpt = Annotated[
    int,
    typer.Option(
        "--discretion",
        metavar="N",
        help=(
            "Hide counts below N (shown <N; null with suppressed=true in data output), "
            "the shares and gaps on them, and any count that would reveal them."
        ),
        rich_help_panel=OUTPUT,
    ),
]
BomOpt = Annotated[
    bool,
    typer.Option("--bom", help="Start CSV with a BOM so Excel reads æøå.", rich_help_panel=OUTPUT),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        "-s",
        envvar="FLEKSMON_STORE",
        help="Store folder [default: the user's data directory].",
        rich_help_panel=DATA,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Use the store as it was at the end of this day, Danish time (2019-10-31), "
        "or at a time (2019-10-31T12:00): re-make a published figure.",
        rich_help_panel=DATA,
    ),
]
SourceOpt = Annotated[
    Source,
    typer.Option(
        "--source",
        help="auto = person-level data where the store has it, else aggregates.",
        rich_help_panel=DATA,
    ),
]
TargetsOpt = Annotated[
    Path | None,
    typer.Option(
        "--targets",
        envvar="FLEKSMON_TARGETS",
        help="TOML file with the kommune's own targets and baselines.",
        rich_help_panel=DATA,
    ),
]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Deadline month (2020M12): add persons a month to reach the target by then, "
        "and when the pace of the last six months reaches it.",
        rich_help_panel=SELECT,
    ),
]
