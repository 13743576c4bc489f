"""``fleksmon compute``: the report table of a criterion (baseline, series, gap)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fleksmon.cli.options import BomOpt, FormatOpt, OutputOpt, selection_options

if TYPE_CHECKING:
    from fleksmon.selection import Selection


@selection_options(compare=True)
def compute(
    sel: Selection,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    bom: BomOpt = False,
) -> None:
    """The report table: baseline, monthly shares, latest counts and gap.

    Per area and period: population, hits, share, target and gap. Default: the
    last 7 months with data (K2: the last 3 rolling windows); or --period.

    Example: fleksmon compute --criterion 1 --period 2019M04..2019M09 --format json
    """
    from fleksmon import api, comparison
    from fleksmon.cli.output import emit
    from fleksmon.render.table import series_table

    query = sel.query()
    results = api.results(api.criteria_ids(query, sel.criteria), query, latest_only=False)
    results = [comparison.with_group(r) for r in results]
    emit(results, fmt, output, bom=bom, table=series_table)
