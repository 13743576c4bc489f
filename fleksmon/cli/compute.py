"""``fleksmon compute``: the report table of a criterion (baseline, series, gap)."""

from __future__ import annotations

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


def compute(
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
) -> None:
    """The report table: baseline, monthly shares, latest counts and gap.

    Per area and period: population, hits, share, target and gap. Default: the
    last 7 months with data (K2: the last 3 rolling windows); or --period.

    Example: fleksmon compute --criterion 1 --period 2019M04..2019M09 --format json
    """
    from fleksmon import api
    from fleksmon.cli import common
    from fleksmon.cli.output import emit
    from fleksmon.render.table import series_table

    table = common.criteria_arg(targets)
    the_store = common.open_store(store)
    when = common.as_of_arg(as_of)
    results = [
        api.compute(
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
    emit(results, fmt, output, bom=bom, table=series_table)
