"""``fleksmon ingest``: load extracts into the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import DATA, StoreOpt, TargetsOpt

if TYPE_CHECKING:
    from rich.progress import Progress

    from fleksmon.persongruppe import Project


def ingest(
    files: Annotated[list[Path], typer.Argument(help="CSV, xlsx, JSON or Parquet extracts.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="aggregate, overblik (full-time persons by Ydelsesgrupper, kept per group), "
            "ly-forloeb, ly-maaneder, fleksjob-timer, ressourceforloeb or persongruppe "
            "(a project's marking: person, kommune, fra, til; with --persongruppe) "
            "[default: from the columns].",
            rich_help_panel=DATA,
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="Jobindsats table id (Y08A02 fleksjob, Y09A02 ledighedsydelse).",
            rich_help_panel=DATA,
        ),
    ] = None,
    persongruppe: Annotated[
        str | None,
        typer.Option(
            "--persongruppe",
            help="Load the files as the marking extract (person, kommune, fra, til) of this "
            "person group, e.g. Projekt; a newer extract of the group replaces the older. "
            "Not a [grupper] group of kommuner.",
            rich_help_panel=DATA,
        ),
    ] = None,
    project_start: Annotated[
        str | None,
        typer.Option(
            "--project-start",
            help="With --persongruppe: the month the project began (2018M09), unless the "
            "targets file declares it under [persongrupper.NAME].",
            rich_help_panel=DATA,
        ),
    ] = None,
    project_end: Annotated[
        str | None,
        typer.Option(
            "--project-end",
            help="With --persongruppe: the project's last month, where it has ended.",
            rich_help_panel=DATA,
        ),
    ] = None,
    store: StoreOpt = None,
    targets: TargetsOpt = None,
) -> None:
    """Read extracts (Danish CSV, xlsx, Jobindsats JSON, person-level files) and store them.

    All files are read and checked first; then they are committed together, so a bad
    file stores nothing. A file already loaded changes nothing; a newer extract
    replaces older values and the history says so. CPR numbers are pseudonymized.

    Example: fleksmon ingest examples/k1-sep-2019.csv --store demo-store
    """
    from fleksmon.cli import common
    from fleksmon.cli.output import err_console
    from fleksmon.errors import mask_cpr
    from fleksmon.ingest import ingest as run_ingest

    labels, project = _from_targets(targets, persongruppe, project_start, project_end)
    the_store = common.open_store(store)
    with _progress() as bar:
        task = bar.add_task("Reading", total=len(files) + 1)
        rows_task = bar.add_task("Rows", total=None, visible=False)

        def step(path: Path) -> None:
            bar.update(task, description=mask_cpr(f"Reading {path.name}"), advance=0)
            bar.update(rows_task, completed=0, total=None, visible=False)

        def rows(done: int, total: int | None) -> None:
            bar.update(rows_task, completed=done, total=total, visible=True)

        reports = run_ingest(
            the_store,
            files,
            kind=kind,
            table=table,
            labels=labels,
            progress=step,
            done=lambda: bar.advance(task),
            rows_progress=rows,
            persongruppe=project,
        )
        bar.update(task, description="Committed", completed=len(files) + 1)
    for report in reports:
        for warning in report.warnings:
            err_console.print(mask_cpr(f"Warning: {report.path.name}: {warning}"), markup=False)
        err_console.print(mask_cpr(_describe(report)), markup=False)
    err_console.print(mask_cpr(f"Store: {the_store.root}"), markup=False)


def _progress() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from fleksmon.cli.output import err_console

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


def _from_targets(
    targets: Path | None, name: str | None, start: str | None, end: str | None
) -> tuple[dict[str, str] | None, Project | None]:
    """The targets file's labels, and the person group to load (``--persongruppe``)."""
    from fleksmon.errors import FleksmonError
    from fleksmon.persongruppe import for_ingest

    read = None
    if targets is not None:
        from fleksmon.targets import read_targets

        read = read_targets(targets)
    labels = dict(read.labels) if read is not None else None
    if name is None:
        if start is not None or end is not None:
            raise FleksmonError(
                "--project-start and --project-end belong to a person group",
                "name it: --persongruppe Projekt --project-start 2018M09",
            )
        return labels, None
    declared = read.persongrupper if read is not None else {}
    return labels, for_ingest(name, start, end, declared)


def _describe(report: object) -> str:
    from fleksmon.ingest import FileReport

    assert isinstance(report, FileReport)
    s = report.summary
    name = report.path.name
    if report.repaired:
        return f"{name}: the stored batch was damaged and has been written again."
    if report.duplicate_of is not None:
        return f"{name}: already loaded on {report.duplicate_of.ingested_at[:10]}; nothing changed."
    from fleksmon.numbers import format_int as n
    from fleksmon.periods import parse_period
    from fleksmon.persongruppe import Project

    parts = [f"{n(s['rows'])} rows", f"{s['kommuner']} kommuner", s["periods"]]
    if "measures" in s:
        parts.append("measures " + ", ".join(s["measures"]))
    if s.get("suppressed"):
        parts.append(f"{n(s['suppressed'])} suppressed values")
    if "persons" in s:
        parts.insert(1, f"{n(s['persons'])} persons")
    if s.get("censored_spells"):
        parts.append(f"{n(s['censored_spells'])} spells running in the first month left out of K3")
    what = report.kind
    if s.get("persongruppe"):
        start = parse_period(s["project_start"]).start
        end = parse_period(s["project_end"]).end if s.get("project_end") else None
        what += (
            f" {s['persongruppe']} (projekt {Project(s['persongruppe'], start, end).period_text()})"
        )
    line = f"{name}: loaded {what}: " + ", ".join(parts)
    if s.get("dimensions"):
        line += "; " + "; ".join(s["dimensions"])
    files = report.batch.summary.get("files", []) if report.batch is not None else []
    if len(files) > 1:
        line += f" (one extract with the other {len(files) - 1} {report.kind} file(s))"
    if report.batch is not None and report.batch.replaced:
        b = report.batch
        line += f"; replaced {n(b.replaced)} older values ({n(b.changed)} changed)"
    return line + "."
