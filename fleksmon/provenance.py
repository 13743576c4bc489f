"""Which stored batches are behind a set of figures, and which newer batches replaced parts.

A batch is behind the figures when it holds current rows (no newer batch replaced
them) of the kinds and measures the figures read. One whose rows a newer batch
replaced only in part is still behind them and is marked as partly replaced; one
replaced in full is not behind them any more (it is named separately, so a
reader sees that older figures were revised). Batches are compared by the
store's replace keys (a person-level batch's key file), never by person rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from fleksmon.store import Batch, Store, replace_keys
from fleksmon.store.parts import KEYS_FILE


@dataclass(frozen=True)
class Used:
    """A batch and how many of its keys the figures use (``current``) out of ``total``."""

    batch: Batch
    current: int
    total: int

    @property
    def partly_replaced(self) -> bool:
        """True when a newer batch replaced some (not all) of this batch's rows."""
        return 0 < self.current < self.total


def behind(
    store: Store,
    needs: Mapping[str, Sequence[str] | None],
    as_of: dt.datetime | None = None,
) -> tuple[list[Used], list[Batch]]:
    """The batches behind figures read from ``needs`` (kind → measures, ``None`` for all
    rows of a person-level kind), oldest first, and the batches of those kinds and
    measures that newer ones replaced in full."""
    used: list[Used] = []
    replaced: list[Batch] = []
    batches = store.batches(as_of)
    for kind, measures in needs.items():
        of_kind = [b for b in batches if b.kind == kind]
        if not of_kind:
            continue
        counts = _key_counts(store, kind, of_kind, measures)
        for i, batch in enumerate(of_kind):
            current, total = counts.get(i, (0, 0))
            if current:
                used.append(Used(batch, current, total))
            elif total:
                replaced.append(batch)
    order = {b.id: n for n, b in enumerate(batches)}
    used.sort(key=lambda u: order[u.batch.id])
    replaced.sort(key=lambda b: order[b.id])
    return used, replaced


def _key_counts(
    store: Store, kind: str, batches: list[Batch], measures: Sequence[str] | None
) -> dict[int, tuple[int, int]]:
    """Per batch (by position): its keys still current and all its keys."""
    keys = list(replace_keys(kind))
    frames = []
    for i, batch in enumerate(batches):
        path = store.batch_path(batch.file)
        scan = pl.scan_parquet(path / KEYS_FILE if batch.parts else path)
        if measures is not None and "maaling" in keys:
            scan = scan.filter(pl.col("maaling").is_in(list(measures)))
        frames.append(scan.select(keys).unique().with_columns(pl.lit(i, pl.Int32).alias("_b")))
    every = pl.concat(frames, how="vertical_relaxed")
    newest = every.group_by(keys).agg(pl.col("_b").max().alias("_newest"))
    counted = (
        every.join(newest, on=keys)
        .group_by("_b")
        .agg(
            (pl.col("_b") == pl.col("_newest")).sum().alias("current"),
            pl.len().alias("total"),
        )
        .collect()
    )
    return {int(b): (int(c), int(t)) for b, c, t in counted.iter_rows()}
