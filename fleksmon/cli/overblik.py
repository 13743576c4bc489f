"""``fleksmon overblik``: the Jobcenteroverblik of one kommune for a quarter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fleksmon.cli.options import BomOpt, FormatOpt, OutputOpt, selection_options

if TYPE_CHECKING:
    from fleksmon.selection import Selection


@selection_options(criteria=False)
def overblik(
    sel: Selection,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    bom: BomOpt = False,
) -> None:
    """Jobcenteroverblik: the population 16-66 by labour-market status in a quarter.

    As Figur 2 of STAR's Nøgletal reports: full-time persons per status, their
    share of the population, the same share for Hele landet, and the change of
    both against the same quarter a year before (%-point); '-' where the data
    has no figure. Needs downloads of full-time persons by Ydelsesgrupper for the
    kommune and Hele landet (two quarters) and the population 16-66, loaded with
    'fleksmon ingest FILE --kind overblik'. -o FILE.xlsx writes a workbook sheet.

    Example: fleksmon overblik --kommune Ballerup --period 2018K2
    """
    from fleksmon import api
    from fleksmon.cli.output import emit_frame, err_console
    from fleksmon.render.overblik import overblik_table

    query = sel.query()
    result = api.jobcenteroverblik(query)
    if output is not None and output.suffix.lower() == ".xlsx":
        from fleksmon.render.overblik_excel import write_overblik

        write_overblik(result, output)
        err_console.print(f"Wrote {output}", markup=False)
        return
    emit_frame(
        result.records,
        fmt,
        output,
        bom=bom,
        table=overblik_table(result),
        reasons=result.reasons,
    )
