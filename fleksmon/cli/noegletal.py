"""``fleksmon noegletal``: a kommune's last 25 months against Hele landet and the top 10."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import SELECT, BomOpt, FormatOpt, OutputOpt, selection_options

if TYPE_CHECKING:
    from fleksmon.selection import Selection


@selection_options(compare=True)
def noegletal(
    sel: Selection,
    months: Annotated[
        int, typer.Option("--months", "-m", help="How many months back.", rich_help_panel=SELECT)
    ] = 25,
    benchmark: Annotated[
        bool,
        typer.Option(
            "--benchmark",
            help="Add the kommune's actual against expected number of full-time persons on "
            "public benefits and their difference (Jobindsats' Y30R21 in the store: the "
            "periods ending in the months shown, else the newest before).",
            rich_help_panel=SELECT,
        ),
    ] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    bom: BomOpt = False,
) -> None:
    """Key figures: the kommune's monthly share against Hele landet and the top-10 average.

    As STAR's Nøgletal reports: the last 25 months (or --months) up to the latest
    month with data (or the end of --period), for any monthly share measure (own
    measures from the --targets file too); top 10 is the plain mean of the ten best
    kommuner that month, given where at least ten kommuner have a share. Data output
    is long: criterion, period, omraade, share_pct, kommuner (on the top-10 rows: how
    many kommuner had a share). -o FILE.xlsx writes a sheet with the table and its chart.
    --benchmark adds the kommune's actual against expected number on public benefits
    (Jobindsats' Y30R21): a second table, records with criterion Y30R21 and the
    benchmark_* keys, a sheet "Benchmark".

    Example: fleksmon noegletal --criterion 3 --kommune Viborg --months 13
    """
    import polars as pl

    from fleksmon import benchmark as benchmarks
    from fleksmon import report
    from fleksmon.cli.output import emit_frame
    from fleksmon.errors import FleksmonError
    from fleksmon.render.table import noegletal_table

    if len(sel.criteria) != 1 or not sel.names:
        raise FleksmonError(
            "noegletal needs one --criterion and at least one --kommune",
            "e.g. fleksmon noegletal --criterion 1 --kommune Ballerup",
        )
    query = sel.query()
    result, series = report.noegletal(sel.criteria[0], query, months=months)
    found = benchmarks.for_noegletal(result) if benchmark else None
    if output is not None and output.suffix.lower() == ".xlsx":
        from fleksmon.cli.output import err_console
        from fleksmon.render.benchmark import extra_sheet
        from fleksmon.render.noegletal_excel import write_noegletal

        write_noegletal(result, series, output, [extra_sheet(found)] if found else [])
        err_console.print(f"Wrote {output}", markup=False)
        return
    table: list[object] = [noegletal_table(result, series)]
    if found is not None:
        from fleksmon.render.benchmark import benchmark_table

        table += [" ", benchmark_table(found)]
        series = pl.concat([series, benchmarks.as_series(found)], how="diagonal_relaxed")
    emit_frame(series, fmt, output, bom=bom, table=table, reasons=result.reasons)
