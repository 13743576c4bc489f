"""``fleksmon store``: what the store holds and where it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import FormatOpt, StoreOpt

if TYPE_CHECKING:
    from fleksmon.cli.options import Format
    from fleksmon.store import Store


def store(
    store: StoreOpt = None,
    fmt: FormatOpt = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Verify every batch file (SHA-256, row count) and list orphan files.",
        ),
    ] = False,
    gc: Annotated[
        bool,
        typer.Option("--gc", help="Remove orphan files left by interrupted ingests."),
    ] = False,
    measures: Annotated[
        bool,
        typer.Option(
            "--measures",
            help="List the stored measure ids with label, table, kind, periods and areas.",
        ),
    ] = False,
) -> None:
    """List what the store holds: each loaded file, when, its rows and content hash.

    With --measures: every stored measure id (built-in ids and the table.label ids
    of columns kept from known Jobindsats tables), with label, table, kind (antal or
    andel), periods and number of areas; these ids are what own measures in the
    targets file use.

    The table's caption gives the store's format and the fingerprint of the key its
    person-level data was pseudonymized with (never the key itself).

    Example: fleksmon store --store demo-store
    """
    import json
    import sys
    from pathlib import Path

    from rich.table import Table

    from fleksmon.cli import common
    from fleksmon.cli.options import Format
    from fleksmon.cli.output import err_console, resolve_format
    from fleksmon.errors import FleksmonError, mask_cpr
    from fleksmon.numbers import format_int

    the_store = common.open_store(store)
    if measures:
        _measures(the_store, fmt)
        return
    if gc:
        removed = the_store.gc()
        for path in removed:
            err_console.print(f"Removed {path.relative_to(the_store.root)}", markup=False)
        err_console.print(
            f"Store {the_store.root}: removed {len(removed)} orphan file(s).", markup=False
        )
        return
    if check:
        health = the_store.check()
        for problem in health.problems:
            err_console.print(mask_cpr(f"Problem: {problem}"), markup=False)
        for path in health.orphans:
            err_console.print(
                f"Orphan: {path.relative_to(the_store.root)} (left by an interrupted ingest)",
                markup=False,
            )
        if health.problems:
            raise FleksmonError(
                f"the store at {the_store.root} has {len(health.problems)} problem(s)",
                "re-ingest the source files named above (that repairs their batches)",
            )
        orphans = (
            f"; {len(health.orphans)} orphan file(s), 'fleksmon store --gc' removes them"
            if health.orphans
            else ""
        )
        err_console.print(f"Store {the_store.root}: ok{orphans}", markup=False)
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
    fingerprint = the_store.key_fingerprint() or "none yet (no person-level data)"
    table = Table(
        title=f"Store {the_store.root}",
        title_justify="left",
        caption=f"Format {the_store.format_version() or '-'}; key fingerprint: {fingerprint}",
        caption_justify="left",
    )
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


def _measures(the_store: Store, fmt: Format | None) -> None:
    """``--measures``: the measure ids an own measure in the targets file can use."""
    from rich.table import Table

    from fleksmon.catalog import stored_measures
    from fleksmon.cli.output import emit_frame

    frame = stored_measures(the_store)
    table = Table(title=f"Measures in {the_store.root}", title_justify="left")
    for col in ("Measure", "Label", "Table", "Kind", "Periods", "Areas"):
        table.add_column(col, justify="right" if col == "Areas" else "left")
    for row in frame.iter_rows(named=True):
        alias = f" (= {row['alias']})" if row["alias"] else ""
        table.add_row(
            f"{row['measure']}{alias}",
            row["label"],
            row["table"] or "",
            row["kind"],
            row["periods"],
            str(row["areas"]),
        )
    emit_frame(frame, fmt, None, bom=False, table=table)
