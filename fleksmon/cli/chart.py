"""``fleksmon chart``: each criterion's chart as PNG and SVG images for papers."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import OUTPUT, selection_options

if TYPE_CHECKING:
    from fleksmon.selection import Selection


class ImageFormat(StrEnum):
    """Which image files to write."""

    both = "both"
    png = "png"
    svg = "svg"


ImageFormatOpt = Annotated[
    ImageFormat,
    typer.Option("--image", help="png, svg or both.", rich_help_panel=OUTPUT),
]


@selection_options(compare=True)
def chart(
    folder: Annotated[
        Path,
        typer.Argument(
            help="The folder to write K1.png, K1.svg, … into (created when missing).",
            show_default=False,
        ),
    ],
    sel: Selection,
    image: ImageFormatOpt = ImageFormat.both,
) -> None:
    """Write each criterion's chart as PNG and SVG: the same lines as the workbook's chart.

    The chosen kommuner in colour, Hele landet dashed, the top-10 average dotted
    (only where 10 kommuner have data) and the target as the red line "Mål";
    Danish title, axis, notes and source line. The folder is created when
    missing.

    Example: fleksmon chart figurer --criterion 1 --kommune Viborg --kommune Thisted
    """
    from fleksmon import api, report
    from fleksmon.cli.output import err_console
    from fleksmon.errors import FleksmonError
    from fleksmon.render import image as images

    query = sel.query()
    data = report.workbook_data(api.criteria_ids(query, sel.criteria), query)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise FleksmonError(
            f"cannot write into {folder}: a file of that name is in the way",
            "name a folder (it is created when missing)",
        ) from exc
    formats = images.FORMATS if image is ImageFormat.both else (image.value,)
    written = []
    for section in data.sections:
        written += images.draw(section, folder / section.result.criterion.id, formats)
    names = ", ".join(p.name for p in written)
    err_console.print(f"Wrote {len(written)} images to {folder}: {names}", markup=False)
