"""Options shared by the commands, defined once as ``Annotated`` aliases, and the one
bundle of selection options every command that shows figures takes
(:func:`selection_options`)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from fleksmon.query import SOURCES

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
        readable=False,
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
    str,
    typer.Option(
        "--source",
        metavar="<" + "|".join(SOURCES) + ">",
        help="auto = person-level data where the store has it, else aggregates; aggregate "
        "= the downloads only; person = person-level data only.",
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
CompareOpt = Annotated[
    str | None,
    typer.Option(
        "--compare",
        metavar="GROUP",
        help="Show this [grupper] group of the --targets file beside the areas, Hele landet "
        "and the top-10: its counts summed and the share recomputed (a share-only measure: "
        "the mean of its kommuner's shares, only when all have one).",
        rich_help_panel=SELECT,
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


_SHARED: dict[str, tuple[Any, Any]] = {
    "criterion": (CriterionOpt, None),
    "kommune": (KommuneOpt, None),
    "period": (PeriodOpt, None),
    "store": (StoreOpt, None),
    "as_of": (AsOfOpt, None),
    "source": (SourceOpt, "auto"),
    "targets": (TargetsOpt, None),
    "discretion": (DiscretionOpt, 0),
    "compare": (CompareOpt, None),
}
"""The selection options: name, then the ``Annotated`` type and default."""
_HEAD = ("criterion", "kommune", "period")
"""The options that take the place of ``sel``; the others follow the command's own."""

Command = TypeVar("Command", bound=Callable[..., None])


def _evaluated(param: inspect.Parameter, command: Callable[..., None]) -> inspect.Parameter:
    """A command's parameter with its annotation evaluated in the command's module (the
    modules write annotations as text); ``sel`` is left as it is, it is replaced."""
    if param.name == "sel" or not isinstance(param.annotation, str):
        return param
    names = getattr(command, "__globals__", {})
    return param.replace(annotation=eval(param.annotation, names))


def selection_options(
    *, criteria: bool = True, compare: bool = False
) -> Callable[[Command], Command]:
    """Give a command the shared selection options (``--criterion`` only with
    ``criteria``, ``--compare`` only with ``compare``) in place of its parameter ``sel``,
    and call it with them resolved into one :class:`~fleksmon.selection.Selection` (see
    :func:`fleksmon.selection.resolve`): a typo in a kommune, criterion or period fails
    before the command reads any data.

    >>> @selection_options(criteria=False)
    ... def show(sel, wide: bool = False) -> None:
    ...     print(sel.names, sel.period.code(), wide)
    >>> list(inspect.signature(show).parameters)
    ['kommune', 'period', 'wide', 'store', 'as_of', 'source', 'targets', 'discretion']
    >>> show(kommune=["aarhus"], period="2019K3", wide=True)
    ('Aarhus',) 2019M07..2019M09 True
    """
    names = [n for n in _SHARED if (criteria or n != "criterion") and (compare or n != "compare")]

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command)
        own = [_evaluated(p, command) for p in signature.parameters.values()]
        at = [p.name for p in own].index("sel")
        shared = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=_SHARED[name][0],
                default=_SHARED[name][1],
            )
            for name in names
        ]
        rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[at + 1 :]]
        head = [p for p in shared if p.name in _HEAD]
        tail = [p for p in shared if p.name not in _HEAD]
        params = [*own[:at], *head, *rest, *tail]

        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> None:
            from fleksmon.selection import resolve

            values = {name: kwargs.pop(name, _SHARED[name][1]) for name in names}
            sel = resolve(
                kommuner=values["kommune"],
                criteria=values.get("criterion"),
                period=values["period"],
                source=values["source"],
                as_of=values["as_of"],
                discretion=values["discretion"],
                store=values["store"],
                targets=values["targets"],
                compare=values.get("compare"),
            )
            command(*args, sel=sel, **kwargs)

        run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in params}
        return run  # type: ignore[return-value]

    return decorate
