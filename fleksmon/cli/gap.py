"""``fleksmon gap``: the distance to target now."""

from __future__ import annotations

from typing import Annotated

import typer

from fleksmon.cli.options import (
    AsOfOpt,
    BomOpt,
    CriterionOpt,
    FormatOpt,
    KommuneOpt,
    OutputOpt,
    PeriodOpt,
    SourceOpt,
    StoreOpt,
    TargetsOpt,
)
from fleksmon.cli.options import Source as SourceEnum


def gap(
    criterion: CriterionOpt = None,
    kommune: KommuneOpt = None,
    period: PeriodOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    bom: BomOpt = False,
    store: StoreOpt = None,
    as_of: AsOfOpt = None,
    source: SourceOpt = SourceEnum.auto,
    targets: TargetsOpt = None,
    fail_on_gap: Annotated[
        bool, typer.Option("--fail-on-gap", help="Exit with code 1 when a target is not met.")
    ] = False,
) -> None:
    """Distance to target now: share, target, %-point gap and persons missing.

    Uses the latest month with data, or the last month of --period; ✓ where met.
    --fail-on-gap exits with code 1 when a target is missed (for scripts).

    Example: fleksmon gap --criterion 3 --kommune Viborg --format csv
    """
    from fleksmon import api
    from fleksmon.cli import common
    from fleksmon.cli.output import emit
    from fleksmon.render.table import gap_table

    table = common.criteria_arg(targets)
    the_store = common.open_store(store)
    when = common.as_of_arg(as_of)
    results = [
        api.gap(
            cid,
            kommuner=kommune,
            period=common.period_arg(period),
            store=the_store,
            as_of=when,
            source=source.value,
            criteria=table,
        )
        for cid in common.criteria_to_show(criterion, the_store, when, table)
    ]
    emit(results, fmt, output, bom=bom, table=gap_table)
    if fail_on_gap and any(r.records["met"].eq(False).any() for r in results):
        raise typer.Exit(1)
