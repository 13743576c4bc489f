"""Downloads for the Jobcenteroverblik: full-time persons by benefit group and the population.

Read with ``fleksmon ingest --kind overblik``. Any layout the aggregate reader
knows (long, wide, periods as columns; CSV, xlsx, JSON) with a benefit-group
column (``Ydelsesgrupper``, ``Ydelsesgruppe``, ``Arbejdsmarkedsstatus``) and a
count column (``Antal fuldtidspersoner``, ``Fuldtidspersoner``, ``Antal``). The
benefit-group dimension is kept, not collapsed: each category is stored as its
own measure, ``ydelsesgruppe.<status>`` (see :mod:`fleksmon.statuses`). The
population 16–66 is a category (``Befolkning (16-66 år)``) or a column of its
own (``Befolkning 16-66 år``). Share columns (``Andel af befolkningen, pct.``)
are skipped: shares are computed from counts. Periods are usually quarters
(``2018K2``, ``2018Q2``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from fleksmon import statuses
from fleksmon.errors import FleksmonError, shown
from fleksmon.formats.sheet import fold_label
from fleksmon.readers import ReadResult, _load
from fleksmon.readers.labels import Measures
from fleksmon.readers.layout import Long, combine, to_long
from fleksmon.readers.tidy import finish

TABLE = "Jobcenteroverblik"
STATUS_COLUMNS = frozenset(
    {"ydelsesgrupper", "ydelsesgruppe", "arbejdsmarkedsstatus", "status", "ydelse", "ydelser"}
)
"""Folded names of the benefit-group column."""
COUNT_LABELS = frozenset(
    {"antal fuldtidspersoner", "fuldtidspersoner", "antal", "vaerdi", "value", "fuldtid"}
)
"""Folded labels of the full-time persons column."""
_COUNT = "_fuldtid"


class _OverblikMeasures(Measures):
    """Names the count and population columns; every other numeric column is skipped."""

    def __init__(self, name: str) -> None:
        super().__init__(name, TABLE, None)

    def resolve(self, label: str, where: str) -> str | None:
        folded = fold_label(label)
        if folded in STATUS_COLUMNS:
            return None
        if statuses.is_population(label):
            return statuses.POPULATION
        if folded in COUNT_LABELS or folded.endswith("fuldtidspersoner"):
            return _COUNT
        return None

    def from_context(self, texts: Sequence[str], where: str) -> str:
        return _COUNT

    def derive(self, label: str) -> str | None:
        return None


def _status_column(long: Long, name: str) -> str:
    found = [d for d in long.dims if fold_label(d.removeprefix("d:")) in STATUS_COLUMNS]
    if not found:
        raise FleksmonError(
            f"{name}: no benefit-group column (Ydelsesgrupper) for the Jobcenteroverblik",
            "Download full-time persons by Ydelsesgrupper, with a column named "
            "'Ydelsesgrupper' (or 'Ydelsesgruppe', 'Arbejdsmarkedsstatus')",
        )
    return found[0]


def _categories(long: Long, name: str, warnings: list[str]) -> Long:
    """Each category of the benefit-group column as its own measure; the column dropped."""
    dim = _status_column(long, name)
    frame = long.frame.with_columns(pl.col(dim).fill_null("").str.strip_chars())
    counts = frame.filter(pl.col("measure") == _COUNT)
    blank = counts.filter(pl.col(dim) == "")
    if blank.height:
        row = blank.sort("line").row(0, named=True)
        raise FleksmonError(
            f"{name}, row {row['line']}, column {dim.removeprefix('d:')!r}: no benefit group",
            "Name the group on every row (e.g. 'Fleksjob'), or remove the row",
        )
    categories = counts.get_column(dim).unique(maintain_order=True).to_list()
    ids = {c: statuses.measure_of(c) for c in categories}
    own = [c for c in categories if not statuses.known(c)]
    if own:
        kept = ", ".join(f"{shown(c)} as {ids[c]}" for c in own)
        warnings.append(f"kept {kept} (not one of the Jobcenteroverblik's rows; shown after them)")
    measure = (
        pl.when(pl.col("measure") == _COUNT)
        .then(pl.col(dim).replace_strict(ids, default=None))
        .otherwise(pl.col("measure"))
    )
    dims = [d for d in long.dims if d != dim]
    frame = frame.with_columns(measure=measure).drop(dim)
    return Long(frame, dims, long.area_label)


def looks_like_overblik(path: Path) -> bool:
    """True when a CSV or .xlsx file's header has a benefit-group column (Ydelsesgrupper)."""
    from fleksmon.formats import header_cells
    from fleksmon.readers.columns import ROLE_NAMES

    if Path(path).suffix.lower() in (".json", ".ndjson", ".jsonl"):
        return False
    try:
        header = header_cells(Path(path), ROLE_NAMES["area"])
    except (FleksmonError, OSError, ValueError):
        return False
    return any(fold_label(name) in STATUS_COLUMNS for name in header)


def read_overblik(path: Path) -> ReadResult:
    """Read a Jobcenteroverblik download into the AGGREGATE schema (one measure per status)."""
    path = Path(path)
    sheets, source_format = _load(path)
    warnings: list[str] = []
    parts = [
        _categories(to_long(sheet, _OverblikMeasures(path.name), warnings), path.name, warnings)
        for sheet in sheets
    ]
    notes: list[str] = []
    frame = finish(combine(parts), path.name, warnings, notes)
    return ReadResult(frame, warnings, TABLE, source_format, notes)
