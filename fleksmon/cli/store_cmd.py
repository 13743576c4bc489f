"""``fleksmon store``: what the store holds and where it came from."""

from __future__ import annotations

from typing import Annotated

import typer

from fleksmon.cli.options import FormatOpt, StoreOpt


def store(
    store: StoreOpt = None,
    fmt: FormatOpt = None,
    check: Annotated[
        bool, typer.Option("--check", help="Verify every batch file is present and readable.")
    ] = False,
) -> None:
    """List what the store holds: each loaded file, when, its rows and content hash.

    Example: fleksmon store --store demo-store
    """
    import json
    import sys
    from pathlib import Path

    from rich.table import Table

    from fleksmon.cli import common
    from fleksmon.cli.options import Format
    from fleksmon.cli.output import err_console, resolve_format
    from fleksmon.errors import FleksmonError
    from fleksmon.numbers import format_int
    from fleksmon.pseudonym import mask_cpr

    the_store = common.open_store(store)
    if check:
        problems = the_store.check()
        for problem in problems:
            err_console.print(mask_cpr(f"Problem: {problem}"), markup=False)
        if problems:
            raise FleksmonError(
                f"the store at {the_store.root} has {len(problems)} problem(s)",
                "re-ingest the files named above",
            )
        err_console.print(f"Store {the_store.root}: ok", markup=False)
        return
    batches = the_store.batches()
    rows = [
        {
            "batch": b.id,
            "kind": b.kind,
            "source": mask_cpr(b.source),
            "ingested_at": b.ingested_at,
            "rows": b.rows,
            "replaced": b.replaced,
            "changed": b.changed,
            "sha256": b.sha256,
            "periods": b.summary.get("periods"),
        }
        for b in batches
    ]
    chosen = resolve_format(fmt, None)
    if chosen is Format.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if chosen is Format.csv:
        import polars as pl

        sys.stdout.write(pl.DataFrame(rows).write_csv() if rows else "")
        return
    table = Table(title=f"Store {the_store.root}", title_justify="left")
    for col in ("Loaded", "Kind", "File", "Periods", "Rows", "Replaced", "Changed", "SHA-256"):
        table.add_column(col, justify="right" if col in ("Rows", "Replaced", "Changed") else "left")
    for r in rows:
        table.add_row(
            str(r["ingested_at"])[:16].replace("T", " "),
            str(r["kind"]),
            Path(str(r["source"])).name,
            str(r["periods"] or ""),
            format_int(int(str(r["rows"]))),
            format_int(int(str(r["replaced"]))),
            format_int(int(str(r["changed"]))),
            str(r["sha256"])[:12],
        )
    from rich.console import Console

    Console(highlight=False).print(table)
