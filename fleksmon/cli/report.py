"""``fleksmon report``: the month's paper for the committee, as a Word document."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import OUTPUT, ByOpt, selection_options

if TYPE_CHECKING:
    from fleksmon.selection import Selection


class Kind(StrEnum):
    """Which paper to write."""

    fleksjob = "fleksjob"


KindOpt = Annotated[
    Kind,
    typer.Option(
        "--kind",
        help="fleksjob: 'Udvikling i fleksjob' (K1-K3 and own monthly measures).",
        rich_help_panel=OUTPUT,
    ),
]
TemplateOpt = Annotated[
    Path | None,
    typer.Option(
        "--template",
        "-t",
        help="Fill this Word document or template (.docx, .dotx): its styles, page setup, "
        "headers and footers (logo) are kept, its body is replaced by the paper.",
        rich_help_panel=OUTPUT,
    ),
]


@selection_options()
def report(
    output: Annotated[Path, typer.Argument(help="The .docx file to write.", show_default=False)],
    sel: Selection,
    kind: KindOpt = Kind.fleksjob,
    template: TemplateOpt = None,
    by: ByOpt = None,
) -> None:
    """Write the month's paper for the committee as a Word document.

    A front page (title, the kommuner or group, the status month, the date made), a
    contents list, then a chapter per criterion with data: its statement with the
    target, the report table (baseline, the months, the latest counts, %-point and
    persons; Hele landet last), the *Antallet…, Anm.: and Kilde: lines, and the chart
    with the target line; --by adds the months-to-target table. It closes with
    "Datagrundlag": the extracts behind the figures and when they were loaded, the
    --as-of state and the discretion. All in Danish, with the same figures as gap and
    compute for the same selection.

    Word's own styles (Heading 1/2, Normal, Caption, Table Grid, and "Tabeltekst"
    and "Anmærkning" for table cells and notes) so a kommune can restyle it; real
    tables with header rows repeated on every page; charts as pictures with alt
    text; landscape pages where a table is wide; page numbers in the footer. Word
    asks to update the contents list when the file opens.

    Example: fleksmon report rapport.docx --kommune Viborg --kommune Thisted --by 2020M12
    """
    from fleksmon.cli.output import err_console
    from fleksmon.paper import fleksjob, word

    word.check_paths(output, template)
    query = sel.query()
    ids = fleksjob.criteria_ids(query, sel.criteria)
    paper = fleksjob.paper(ids, query, by=by)
    word.write(paper, output, template)
    figures = len(paper.figures)
    err_console.print(
        f"Wrote {output} ({kind.value}: {', '.join(ids)}; {len(paper.tables)} tables, "
        f"{figures} {'chart' if figures == 1 else 'charts'})",
        markup=False,
    )
