"""Large K3 panels are computed in person-disjoint parts with the same result."""

from __future__ import annotations

import polars as pl
import pytest

from fleksmon import sources
from fleksmon.measures.k3 import k3_monthly
from fleksmon.synth import hours_panel


def test_parts_equal_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    panel = hours_panel(persons=3000, months=30, seed=5, start_month=2018 * 12).lazy()
    whole = k3_monthly(panel).collect()
    monkeypatch.setattr(sources, "PART_ROWS", 10_000)
    parts = sources.k3_partitioned(panel).collect()
    assert parts.height > 0
    assert parts.sort("kommune_kode", "maaned").equals(whole.sort("kommune_kode", "maaned"))
    assert parts.schema == whole.schema or parts.select(pl.all().cast(pl.Int64)).equals(
        whole.select(pl.all().cast(pl.Int64))
    )
