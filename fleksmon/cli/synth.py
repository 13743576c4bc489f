"""``fleksmon synth``: write a seeded synthetic person-level panel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fleksmon.errors import FleksmonError

KINDS = ("fleksjob-timer", "ly-forloeb", "ly-maaneder", "ressourceforloeb")


def synth(
    kind: Annotated[
        str, typer.Argument(help="fleksjob-timer, ly-forloeb, ly-maaneder or ressourceforloeb")
    ],
    output: Annotated[
        Path,
        typer.Argument(help="a .parquet or .csv file, or a directory for a chunked Parquet panel"),
    ],
    persons: Annotated[int, typer.Option(help="number of persons")] = 10_000,
    months: Annotated[int, typer.Option(help="number of months in the panel")] = 60,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same panel)")] = 1,
    start: Annotated[str, typer.Option(help="first month of the panel, e.g. 2015M01")] = "2015M01",
) -> None:
    """Write a synthetic person-level panel (opaque ids, no CPR numbers).

    CSV output is a Danish extract (';', decimal comma, months as 2019M11);
    an output path without a suffix gets Parquet files of 250.000 persons each
    (fleksjob-timer only), for panels too large for memory.

    ressourceforloeb writes months in ressourceforløb with their flags (R1/R2).

    Example: fleksmon synth fleksjob-timer timer.csv --persons 2000 --months 48
    """
    from fleksmon import synth as generate
    from fleksmon.cli.output import err_console as err
    from fleksmon.periods import parse_period

    if kind not in KINDS:
        raise FleksmonError(f"unknown synthetic kind {kind!r}", f"use one of {', '.join(KINDS)}")
    period = parse_period(start)
    first = period.start
    suffix = output.suffix.lower()
    if suffix not in ("", ".parquet", ".csv"):
        raise FleksmonError(
            f"cannot write {output.name}", "give a .parquet or .csv file, or a directory"
        )
    if suffix == "":
        if kind != "fleksjob-timer":
            raise FleksmonError(
                "a chunked (directory) panel is only for fleksjob-timer",
                "give a .parquet or .csv file",
            )
        paths = generate.write_hours_parquet(output, persons, months, seed, first, per_file=250_000)
        err.print(f"Wrote {len(paths)} Parquet files to {output}")
        return
    if kind == "fleksjob-timer":
        frame = generate.hours_panel(persons, months, seed, first)
    elif kind == "ressourceforloeb":
        frame = generate.rf_panel(persons, months, seed, first)
    else:
        frame = generate.ly_spells(persons, months, seed, first)
        if kind == "ly-maaneder":
            frame = generate.ly_months(frame, first + months - 1)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        generate.write_danish_csv(frame, output)
    else:
        frame.write_parquet(output)
    err.print(f"Wrote {frame.height:,} rows ({kind}) to {output}".replace(",", "."))
