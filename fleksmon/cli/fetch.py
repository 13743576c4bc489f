"""``fleksmon fetch``: download a Jobindsats table with your API token (and ingest it)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from fleksmon.cli.options import DATA, OUTPUT, SELECT, PeriodOpt, StoreOpt


def fetch(
    table: Annotated[str, typer.Argument(help="Jobindsats table id, e.g. Y08A02 or Y09A02.")],
    period: PeriodOpt = None,
    months: Annotated[
        int,
        typer.Option(
            "--months", "-m", help="Without --period: the last N months.", rich_help_panel=SELECT
        ),
    ] = 13,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="JOBINDSATS_TOKEN",
            help="Your Jobindsats API token.",
            show_default=False,
            rich_help_panel=DATA,
        ),
    ] = None,
    api: Annotated[
        str, typer.Option("--api", help="API version: v2 or v3.", rich_help_panel=DATA)
    ] = "v2",
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="Extra v3 query parameter KEY=VALUE (repeatable), e.g. hierarchy._nykom=/.",
            rich_help_panel=DATA,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to save the response [default: TABLE.json].",
            rich_help_panel=OUTPUT,
        ),
    ] = None,
    ingest: Annotated[
        bool,
        typer.Option("--ingest", help="Load the saved file into the store.", rich_help_panel=DATA),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Download a table from the Jobindsats API and save the response (every area).

    The file keeps the table id in its name, so ingest knows what the counts are.
    The token comes from --token or $JOBINDSATS_TOKEN and is never saved. Answers
    429 and 5xx are retried up to 5 times (1, 2, 4, 8, 16 s, or Retry-After up to
    60 s); any error saves nothing.

    Example: fleksmon fetch Y08A02 --period 2019M04..2019M09 --ingest
    """
    from fleksmon.cli import common
    from fleksmon.cli.output import err_console
    from fleksmon.errors import FleksmonError
    from fleksmon.fetch import fetch as download

    extra = dict(p.split("=", 1) for p in param or [] if "=" in p)
    if param and len(extra) != len(param):
        raise FleksmonError("--param takes KEY=VALUE", "e.g. --param hierarchy._nykom=/")
    waiting = (
        err_console.status(f"Fetching {table.upper()} from the Jobindsats API …")
        if err_console.is_terminal
        else contextlib.nullcontext()
    )
    with waiting:
        body = download(
            table.upper(),
            token=token or "",
            period=common.period_arg(period),
            months=months,
            version=api,
            params=extra,
            notify=lambda message: err_console.print(message, markup=False),
        )
    target = output or Path(f"{table.upper()}.json")
    _save(target, body)
    err_console.print(f"Saved {len(body):,} bytes to {target}".replace(",", "."), markup=False)
    if ingest:
        from fleksmon.cli.ingest import ingest as run_ingest

        run_ingest([target], kind=None, table=table.upper(), store=store, targets=None)


def _save(target: Path, body: bytes) -> None:
    """Write the answer whole or not at all (a partial file is removed)."""
    from fleksmon.errors import FleksmonError

    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(body)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise FleksmonError(
            f"cannot write {target} ({exc.strerror})", "pick another -o path"
        ) from exc
