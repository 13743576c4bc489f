"""``fleksmon export``: an Excel workbook that reads like the report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import OUTPUT, ByOpt, selection_options

if TYPE_CHECKING:
    from fleksmon.selection import Selection

TemplateOpt = Annotated[
    Path | None,
    typer.Option(
        "--template",
        "-t",
        help="Fill this workbook (.xlsx) by its headers and kommune names.",
        rich_help_panel=OUTPUT,
    ),
]


@selection_options(compare=True)
def export(
    output: Annotated[Path, typer.Argument(help="The .xlsx file to write.", show_default=False)],
    sel: Selection,
    template: TemplateOpt = None,
    by: ByOpt = None,
    rank: Annotated[
        bool,
        typer.Option(
            "--rank",
            help="Add a sheet per criterion with every kommune ranked best first "
            "(as 'fleksmon rank'; the --kommune kommuner marked).",
            rich_help_panel=OUTPUT,
        ),
    ] = False,
) -> None:
    """Write an Excel workbook: a report table and line chart per criterion, data and sources.

    A sheet per criterion (baseline, monthly shares, latest counts, gap, ✓ where
    met, the Anm./Kilde notes, a chart of the kommuner against Hele landet and the
    top-10 average), a "Data" sheet with every record and a "Kilder" sheet with
    the ingested files and their SHA-256. With one --kommune whose Jobcenteroverblik
    the store holds (ingest --kind overblik), a "Jobcenteroverblik" sheet too (the
    quarter of --period, else the latest). With R1 or R2, the
    sheets "Ressourceforløb" and "Indikatorer" as 'fleksmon rf' writes them (groups
    from [grupper] in --targets). --by 2020M12 adds a sheet with months to
    target per criterion (as gap --by). --rank adds a sheet per criterion with
    every kommune's position (as 'fleksmon rank').

    Sheets print as they are: landscape, one page wide, header rows repeated.

    --template fills a copy of your workbook by meaning: in a sheet named by the
    criterion id (K1, …) the columns are found by their header text ("Andel
    <måned>", "%-point", "Antal personer", the count labels; the baseline under
    "Baseline") or by defined names such as K1_gap_pp, and the rows by kommune
    name. Formulas, styles and own number formats are kept; month headers are
    updated; a column fleksmon cannot place is refused. "Data" and "Kilder" are
    refilled; sheets it lacks are added.

    Example: fleksmon export report.xlsx --criterion 1 --criterion 3 --kommune Viborg
    """
    from fleksmon import api, report
    from fleksmon.cli.output import err_console
    from fleksmon.render import excel
    from fleksmon.render.template import template_warnings

    excel.check_paths(output, template)
    query = sel.query()
    ids = api.criteria_ids(query, sel.criteria)
    data = report.workbook_data(ids, query)
    if by is not None:
        from fleksmon.render.pace_excel import extra_sheet as pace_sheet

        gaps = api.results(ids, query, latest_only=True)
        data.extra.append(pace_sheet([api.months_to_target(r, by) for r in gaps]))
    if rank:
        from fleksmon import ranking
        from fleksmon.render.rank_excel import extra_sheets as rank_sheets

        data.extra.extend(rank_sheets([ranking.rank(cid, query) for cid in ids]))
    overblik = report.overblik_for_export(query)
    if overblik is not None:
        from fleksmon.render.overblik_excel import extra_sheet

        data.extra.append(extra_sheet(overblik))
    if {"R1", "R2"} & set(ids):
        from fleksmon.render.rf_excel import extra_sheets as rf_sheets
        from fleksmon.rfreport import ressourceforloeb

        data.extra.extend(rf_sheets(ressourceforloeb(query)))
    sheets = excel.write_workbook(data, output, template)
    for warning in template_warnings(template) if template is not None else []:
        err_console.print(f"Warning: {warning}", markup=False)
    err_console.print(f"Wrote {output} ({len(sheets)} sheets: {', '.join(sheets)})", markup=False)
