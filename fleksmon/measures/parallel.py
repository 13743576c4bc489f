"""Collecting the plans of person-disjoint parts of a panel: as many at once as polars
has threads, and no more (so peak memory stays that of a few parts)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

import polars as pl

Engine = Literal["auto", "in-memory", "streaming"]


def collect_parts(plans: Iterable[pl.LazyFrame], engine: Engine = "auto") -> Iterator[pl.DataFrame]:
    """Each plan's result, in order; ``pl.thread_pool_size()`` plans are collected at once
    (a part's shifts and running sums are sequential, so parts run side by side)."""
    batch: list[pl.LazyFrame] = []
    for plan in plans:
        batch.append(plan)
        if len(batch) >= pl.thread_pool_size():
            yield from pl.collect_all(batch, engine=engine)
            batch = []
    if batch:
        yield from pl.collect_all(batch, engine=engine)
