"""The measures a store holds: id, label, table, kind, periods and areas.

Built-in measures keep their ids (``fleksjob_fuldtid``); every other numeric
column of a download from a known Jobindsats table is kept under a derived id
(``y08a02.antal_personer``, see :func:`fleksmon.measure_ids.derived_id`). A
built-in measure's derived id (``y08a02.antal_fuldtidspersoner``) is an alias:
the value is stored once, under the built-in id.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from fleksmon.measure_ids import DERIVED_ALIASES, MEASURE_LABELS, is_derived, is_share_measure
from fleksmon.periods import spans_text
from fleksmon.store import Store

COLUMNS = ("measure", "label", "table", "kind", "alias", "periods", "areas")


def _kind(measure: str) -> str:
    return "andel" if is_share_measure(measure) else "antal"


def stored_measures(store: Store, as_of: dt.datetime | None = None) -> pl.DataFrame:
    """One row per aggregate measure in the store, sorted by id.

    ``label`` is the built-in label or the column label it was read from,
    ``table`` the Jobindsats table, ``kind`` ``antal`` or ``andel`` (a share
    column, in percent), ``alias`` a built-in measure's derived id, ``periods``
    the first and last period of each kind (``2019M01..2020M12``, ``2020QMAT01..2020QMAT04
    (moving annual totals)``, see :func:`~fleksmon.periods.spans_text`) and
    ``areas`` how many
    areas (kommuner, regions, Hele landet) have a value.
    """
    schema = dict.fromkeys(COLUMNS, pl.String) | {"areas": pl.Int64}
    agg = store.scan("aggregate", as_of)
    if agg is None:
        return pl.DataFrame(schema=schema)
    found = (
        agg.filter(pl.col("vaerdi").is_not_null())
        .group_by("maaling")
        .agg(
            pl.struct("fra", "til").unique().alias("spans"),
            pl.col("kommune").n_unique().alias("areas"),
        )
        .sort("maaling")
        .collect()
    )
    labels: dict[str, str] = {}
    tables: dict[str, str] = {}
    for batch in store.batches(as_of):
        if batch.kind != "aggregate":
            continue
        labels.update(batch.summary.get("labels") or {})
        for measure in batch.summary.get("measures") or []:
            if batch.summary.get("table"):
                tables[measure] = str(batch.summary["table"])
    aliases = {measure: alias for alias, measure in DERIVED_ALIASES.items()}
    rows = []
    for measure, spans, count in found.iter_rows():
        table = measure.partition(".")[0].upper() if is_derived(measure) else tables.get(measure)
        if measure in aliases:
            table = aliases[measure].partition(".")[0].upper()
        label = labels.get(measure) or MEASURE_LABELS.get(measure, "")
        periods = spans_text([(s["fra"], s["til"]) for s in spans])
        rows.append(
            {
                "measure": measure,
                "label": label,
                "table": table,
                "kind": _kind(measure),
                "alias": aliases.get(measure),
                "periods": periods,
                "areas": count,
            }
        )
    return pl.DataFrame(rows, schema=schema)
