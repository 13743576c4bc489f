"""``fleksmon compute``: the report table of a criterion (baseline, series, gap)."""

from __future__ import annotations

from fleksmon.cli.options import (
    AsOfOpt,
    BomOpt,
    CriterionOpt,
    DiscretionOpt,
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
    discretion: DiscretionOpt = 0,
) -> None:
    """The report table: baseline, monthly shares, latest counts and gap.

    Per area and period: population, hits, share, target and gap. Default: the
    last 7 months with data (K2: the last 3 rolling windows); or --period.

    Example: fleksmon compute --criterion 1 --period 2019M04..2019M09 --format json
    """
    from fleksmon import api
    from fleksmon.cli.common import make_query
    from fleksmon.cli.output import emit
    from fleksmon.render.table import series_table

    query = make_query(
        kommune=kommune,
        period=period,
        store=store,
        as_of=as_of,
        source=source.value,
        targets=targets,
        discretion=discretion,
    )
    results = api.results(api.criteria_ids(query, criterion), query, latest_only=False)
    emit(results, fmt, output, bom=bom, table=series_table)
