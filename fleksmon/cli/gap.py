"""``fleksmon gap``: the distance to target now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fleksmon.cli.options import BomOpt, ByOpt, FormatOpt, OutputOpt, selection_options

if TYPE_CHECKING:
    from fleksmon.selection import Selection


@selection_options(compare=True)
def gap(
    sel: Selection,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    bom: BomOpt = False,
    by: ByOpt = None,
    fail_on_gap: Annotated[
        bool,
        typer.Option(
            "--fail-on-gap",
            help="Exit with code 1 unless every area shown or asked for meets its target "
            "(an area without a share, e.g. no data or population 0, counts as not met).",
        ),
    ] = False,
) -> None:
    """Distance to target now: share, target, %-point gap and persons missing.

    Uses the latest month with data, or the last month of --period; ✓ where met.
    --fail-on-gap exits with code 1 when a target is missed or an area has no share
    (for scripts).
    --by adds months to target: persons a month (persons still missing over the
    months to the deadline, rounded up) and, at the pace of the last six months,
    the month the target is reached ("ikke i dette tempo" when the share is not
    moving toward it).

    Example: fleksmon gap --criterion 1 --kommune Viborg --by 2020M12 --format csv
    """
    from fleksmon import api, comparison
    from fleksmon.cli.output import emit
    from fleksmon.render.table import gap_table, target_table

    query = sel.query()
    results = api.results(api.criteria_ids(query, sel.criteria), query, latest_only=True)
    if by is not None:
        results = [api.months_to_target(r, by) for r in results]
    results = [comparison.with_group(r) for r in results]
    emit(results, fmt, output, bom=bom, table=gap_table if by is None else target_table)
    if fail_on_gap and not all(api.all_met(r) for r in results):
        raise typer.Exit(1)
