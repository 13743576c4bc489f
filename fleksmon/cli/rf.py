"""``fleksmon rf``: ressourceforløb as STAR publishes it (overview, R1, R2, indicators)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import OUTPUT, BomOpt, FormatOpt, OutputOpt, selection_options
from fleksmon.errors import FleksmonError

if TYPE_CHECKING:
    from fleksmon.selection import Selection

IndicatorsOpt = Annotated[
    bool,
    typer.Option(
        "--indicators",
        help="Print the indicators (long spells without indsats, spells by duration) instead.",
        rich_help_panel=OUTPUT,
    ),
]


@selection_options(criteria=False)
def rf(
    sel: Selection,
    indicators: IndicatorsOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    bom: BomOpt = False,
) -> None:
    """Ressourceforløb as STAR's report: overview, Resultatkrav 1 and 2, indicators.

    Each category's count and share of the målgruppe for the period (default:
    the latest with data), a total row for a group of kommuner ([grupper] in the
    --targets file, named with --kommune, or several --kommune), and with
    --indicators the spells at the period's last month: those of at least a year
    without virksomhedsrettet indsats in it, and all by duration. CSV/JSON: one
    record per area and table row (or per area with --indicators); -o FILE.xlsx
    writes both as sheets.

    Example: fleksmon rf --kommune Viborg --kommune Thisted --period 2020K1
    """
    from fleksmon.cli.output import emit_frame, err_console
    from fleksmon.render.rf import indicator_table, rf_tables
    from fleksmon.rfreport import ressourceforloeb

    query = sel.query()
    report = ressourceforloeb(query)
    if output is not None and output.suffix.lower() == ".xlsx":
        from fleksmon.render.rf_excel import write_rf

        write_rf(report, output)
        err_console.print(f"Wrote {output}", markup=False)
        return
    if indicators and not report.has_indicators:
        raise FleksmonError(
            "the data holds no ressourceforløb indicators for the selection",
            "ingest a person-level ressourceforloeb extract (or the rf_lange_forloeb, "
            "rf_uden_indsats, rf_under_1_aar, rf_1_2_aar and rf_over_2_aar counts)",
        )
    if indicators:
        emit_frame(
            report.indicator_records(),
            fmt,
            output,
            bom=bom,
            table=indicator_table(report),
            reasons=report.reasons,
        )
        return
    emit_frame(
        report.records(),
        fmt,
        output,
        bom=bom,
        table=rf_tables(report),
        reasons=report.reasons,
    )
