"""The store: atomic commits, history, replacement and --as-of."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from fleksmon import api
from fleksmon.errors import FleksmonError
from fleksmon.periods import month_human
from fleksmon.store import Pending, Store, parse_as_of
from tests.conftest import SEP_2019, tidy


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def test_same_file_twice_changes_nothing(store: Store, k1_frame: pl.DataFrame) -> None:
    first = store.ingest(k1_frame, kind="aggregate", source=Path("a.csv"), sha256="same")
    before = _snapshot(store.root)
    second = store.ingest(k1_frame, kind="aggregate", source=Path("a.csv"), sha256="same")
    assert first.batch is not None and second.batch is None
    assert second.duplicate_of == first.batch
    assert _snapshot(store.root) == before


def test_newer_extract_replaces_and_history_keeps_both(store: Store) -> None:
    old = tidy(
        [
            ("Viborg", SEP_2019, SEP_2019, "k3_population", 100.0),
            ("Viborg", SEP_2019, SEP_2019, "k3_progression", 20.0),
        ]
    )
    new = tidy([("Viborg", SEP_2019, SEP_2019, "k3_progression", 22.0)])
    store.ingest(old, kind="aggregate", source=Path("old.csv"), sha256="old")
    outcome = store.ingest(new, kind="aggregate", source=Path("new.csv"), sha256="new")
    assert outcome.batch is not None and outcome.batch.replaced == 1
    current = store.scan("aggregate")
    assert current is not None
    values = dict(current.select("maaling", "vaerdi").collect().iter_rows())
    assert values == {"k3_population": 100.0, "k3_progression": 22.0}
    assert [b.source for b in store.batches()] == ["old.csv", "new.csv"]


def test_as_of_reproduces_earlier_figures(store: Store) -> None:
    store.ingest(
        tidy(
            [
                ("Viborg", SEP_2019, SEP_2019, "k3_population", 100.0),
                ("Viborg", SEP_2019, SEP_2019, "k3_progression", 20.0),
            ]
        ),
        kind="aggregate",
        source=Path("a"),
        sha256="a",
    )
    first_time = store.batches()[0].time
    store.ingest(
        tidy([("Viborg", SEP_2019, SEP_2019, "k3_progression", 30.0)]),
        kind="aggregate",
        source=Path("b"),
        sha256="b",
    )
    then = api.gap("K3", store=store, as_of=first_time).records["hits"].to_list()
    now = api.gap("K3", store=store).records["hits"].to_list()
    assert (then, now) == ([20.0], [30.0])
    with pytest.raises(FleksmonError):
        api.gap("K3", store=store, as_of=first_time - dt.timedelta(seconds=1))


def test_failed_commit_leaves_store_unchanged(store: Store, k1_frame: pl.DataFrame) -> None:
    store.ingest(k1_frame, kind="aggregate", source=Path("a.csv"), sha256="a")
    before = _snapshot(store.root)

    class Boom(pl.LazyFrame):
        def sink_parquet(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            raise KeyboardInterrupt

    good = Pending(k1_frame.with_columns(pl.col("vaerdi") + 1), "aggregate", Path("b"), "b")
    bad = Pending(Boom(k1_frame), "aggregate", Path("c"), "c")
    with pytest.raises(KeyboardInterrupt):
        store.commit([good, bad])
    after = _snapshot(store.root)
    assert after == before


def test_check_finds_missing_files(store: Store, k1_frame: pl.DataFrame) -> None:
    store.ingest(k1_frame, kind="aggregate", source=Path("a.csv"), sha256="a")
    assert store.check().problems == []
    (store.root / store.batches()[0].file).unlink()
    assert len(store.check().problems) == 1


def test_parse_as_of() -> None:
    assert parse_as_of("2019-10-31").date() == dt.date(2019, 10, 31)
    assert parse_as_of("2019-10-31T12:00").hour == 12


def test_recent_month_is_noted_provisional(store: Store) -> None:
    today = dt.date.today()
    m = today.year * 12 + today.month - 2
    store.ingest(
        tidy([("Viborg", m, m, "k3_population", 100.0), ("Viborg", m, m, "k3_progression", 20.0)]),
        kind="aggregate",
        source=Path("a"),
        sha256="a",
    )
    notes = api.gap("K3", store=store).notes
    assert any(n.startswith(f"{month_human(m)} er foreløbig: Jobindsats") for n in notes)


def test_old_month_is_not_provisional(k1_store: Store) -> None:
    assert not any("foreløbig" in n for n in api.gap("K1", store=k1_store).notes)
