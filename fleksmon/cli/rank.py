"""``fleksmon rank``: where each kommune stands among the others."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import SELECT, BomOpt, FormatOpt, OutputOpt, selection_options

if TYPE_CHECKING:
    from fleksmon.selection import Selection

TopOpt = Annotated[
    int | None,
    typer.Option(
        "--top",
        metavar="N",
        help="Show the N best places (a tie at the cut in full); the kommuner of --kommune "
        "are shown below the list wherever they stand.",
        rich_help_panel=SELECT,
    ),
]
BaselineOpt = Annotated[
    str | None,
    typer.Option(
        "--baseline",
        metavar="PERIOD",
        help="Show the change in position since this period [default: the criterion's baseline].",
        rich_help_panel=SELECT,
    ),
]


@selection_options(compare=True)
def rank(
    sel: Selection,
    top: TopOpt = None,
    baseline: BaselineOpt = None,
    benchmark: Annotated[
        bool,
        typer.Option(
            "--benchmark",
            help="Add each kommune's actual against expected number of full-time persons on "
            "public benefits (Jobindsats' Y30R21 in the store, the newest period up to the "
            "ranked one) and their difference.",
            rich_help_panel=SELECT,
        ),
    ] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    bom: BomOpt = False,
) -> None:
    """Where each kommune stands: every kommune with a share, ranked best first.

    For a criterion or own share measure in the latest period with data (or
    --period): position (1 is the best share, the lowest where lower is better;
    equal shares share a position: 1, 2, 2, 4), share, %-point and persons to the
    target, and the change in position since the baseline period (--baseline for
    another). --kommune highlights kommuner (▶); Hele landet and the top-10 mean
    (of the ten best shares, none with fewer than ten kommuner) close the table.
    Data output: one record per row (rank, kommuner, rank_change, baseline_rank,
    baseline_period, highlight and the gap keys).

    Example: fleksmon rank --criterion 1 --kommune Viborg --top 10
    """
    import polars as pl

    from fleksmon import api, ranking
    from fleksmon.cli.output import emit_frame
    from fleksmon.periods import parse_period
    from fleksmon.render.rank import rank_table

    base = parse_period(baseline) if baseline else None
    query = sel.query()
    found = [
        ranking.rank(cid, query, baseline=base, top=top, benchmark=benchmark)
        for cid in api.criteria_ids(query, sel.criteria)
    ]
    frame = pl.concat([r.records for r in found], how="diagonal_relaxed")
    tables: list[object] = []
    for r in found:
        tables += [rank_table(r), " "]
    reasons = [line for r in found for line in r.reasons]
    emit_frame(frame, fmt, output, bom=bom, table=tables[:-1], reasons=reasons)
