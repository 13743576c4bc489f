"""``fleksmon store``: what the store holds and where it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from fleksmon.cli.options import FormatOpt, StoreOpt

if TYPE_CHECKING:
    import polars as pl

    from fleksmon.cli.options import Format
    from fleksmon.render.grid import Grid
    from fleksmon.store import Store


def store(
    store: StoreOpt = None,
    fmt: FormatOpt = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Verify every batch file (SHA-256, row count) and the permissions of the "
            "store's folders and files (with the chmod/chgrp that fixes them), and list "
            "orphan files.",
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
    from fleksmon import system
    from fleksmon.cli import common
    from fleksmon.cli.output import emit_frame, err_console
    from fleksmon.errors import FleksmonError, mask_cpr

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
        for line in health.permissions:
            err_console.print(f"Permissions: {line}", markup=False)
        if system.on_windows():
            err_console.print(
                "Permissions: not checked on Windows, where the store folder's inherited "
                "access rules apply (set them on the folder: Properties, Security).",
                markup=False,
            )
        if health.problems:
            raise FleksmonError(
                f"the store at {the_store.root} has {len(health.problems)} problem(s)",
                "re-ingest the source files named above (that repairs their batches)",
            )
        if health.permissions:
            raise FleksmonError(
                f"the store at {the_store.root} has folders or files with the wrong permissions",
                "run the commands above (as their owner, or with sudo)",
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
    emit_frame(_frame(rows), fmt, None, bom=False, table=_batch_grid(the_store, rows))


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """The listing as records (an empty store: no rows, the same columns)."""
    import polars as pl

    schema = {
        "batch": pl.String,
        "kind": pl.String,
        "source": pl.String,
        "ingested_at": pl.String,
        "rows": pl.Int64,
        "replaced": pl.Int64,
        "changed": pl.Int64,
        "sha256": pl.String,
        "periods": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def _batch_grid(the_store: Store, rows: list[dict[str, Any]]) -> Grid:
    """The listing as a terminal table: the file first (it names the batch)."""
    from pathlib import Path

    from fleksmon.numbers import format_int
    from fleksmon.render.grid import Grid

    fingerprint = the_store.key_fingerprint() or "none yet (no person-level data)"
    grid = Grid(
        f"Store {the_store.root}",
        ["File", "Loaded", "Kind", "Periods", "Rows", "Replaced", "Changed", "SHA-256"],
        caption=f"Format {the_store.format_version() or '-'}; key fingerprint: {fingerprint}",
        left={1, 2, 3, 7},
        wrap={3},
    )
    for r in rows:
        grid.add_row(
            [
                Path(str(r["source"])).name,
                str(r["ingested_at"])[:16].replace("T", " "),
                str(r["kind"]),
                str(r["periods"] or ""),
                format_int(int(r["rows"])),
                format_int(int(r["replaced"])),
                format_int(int(r["changed"])),
                str(r["sha256"])[:12],
            ]
        )
    return grid


def _measures(the_store: Store, fmt: Format | None) -> None:
    """``--measures``: the measure ids an own measure in the targets file can use."""
    from fleksmon.catalog import stored_measures
    from fleksmon.cli.output import emit_frame
    from fleksmon.render.grid import Grid

    frame = stored_measures(the_store)
    table = Grid(
        f"Measures in {the_store.root}",
        ["Measure", "Label", "Table", "Kind", "Periods", "Areas"],
        left={1, 2, 3, 4},
        wrap={1, 2},
    )
    for row in frame.iter_rows(named=True):
        alias = f" (= {row['alias']})" if row["alias"] else ""
        table.add_row(
            [
                f"{row['measure']}{alias}",
                row["label"],
                row["table"] or "",
                row["kind"],
                row["periods"],
                str(row["areas"]),
            ]
        )
    emit_frame(frame, fmt, None, bom=False, table=table)
