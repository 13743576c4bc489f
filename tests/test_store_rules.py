"""Two rules of the store, each held by a test that fails when the rule is broken:
person-level data is replaced per kommune and month, and ``--as-of DATE`` takes that
whole day in Danish time."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon.periods import month_index
from fleksmon.schema import PERSON_KINDS
from fleksmon.store import Pending, Store
from tests.conftest import SEP_2019, tidy

Run = Callable[..., Any]
VIBORG, THISTED = 791, 787
NOV, DEC, JAN = month_index(2018, 11), month_index(2018, 12), month_index(2019, 1)
MONTHLY = [k for k, schema in PERSON_KINDS.items() if "maaned" in schema]


def _person_rows(kind: str, batch: int, cells: list[tuple[int, int]]) -> pl.DataFrame:
    """Two persons per (kommune, month); person ids say which batch a row came from."""
    schema = PERSON_KINDS[kind]
    rows: dict[str, list[Any]] = {name: [] for name in schema}
    for n, (kommune, month) in enumerate(cells):
        for i in range(2):
            for name, dtype in schema.items():
                if name == "person":
                    value: Any = batch * 1000 + n * 10 + i
                elif name == "kommune_kode":
                    value = kommune
                elif name == "maaned":
                    value = month
                elif dtype == pl.Boolean:
                    value = False
                elif dtype == pl.Date:
                    value = dt.date(2018, 11, 1) if name == "start" else None
                else:
                    value = 1000
                rows[name].append(value)
    return pl.DataFrame(rows, schema=schema)


def _current(store: Store, kind: str) -> dict[tuple[int, int], set[int]]:
    """For each (kommune, month) the batches its current rows came from."""
    frame = store.scan(kind)
    assert frame is not None
    month = pl.col("maaned") if "maaned" in PERSON_KINDS[kind] else pl.lit(0)
    out = (
        frame.select(
            pl.col("kommune_kode"), month.alias("m"), (pl.col("person") // 1000).alias("b")
        )
        .collect()
        .group_by("kommune_kode", "m")
        .agg(pl.col("b").unique())
    )
    return {(int(k), int(m)): set(b) for k, m, b in out.iter_rows()}


@pytest.mark.parametrize("kind", MONTHLY)
def test_person_data_is_replaced_per_kommune_and_month(store: Store, kind: str) -> None:
    def load(batch: int, cells: list[tuple[int, int]]) -> None:
        frame = _person_rows(kind, batch, cells)
        store.commit([Pending(frame, kind, f"{kind}-{batch}.csv", f"{kind}-{batch}")])

    load(1, [(VIBORG, NOV), (VIBORG, DEC), (THISTED, NOV), (THISTED, DEC)])
    load(2, [(VIBORG, JAN)])
    assert _current(store, kind) == {
        (VIBORG, NOV): {1},
        (VIBORG, DEC): {1},
        (VIBORG, JAN): {2},
        (THISTED, NOV): {1},
        (THISTED, DEC): {1},
    }, "a new January extract keeps the older months"
    load(3, [(VIBORG, DEC)])
    assert _current(store, kind) == {
        (VIBORG, NOV): {1},
        (VIBORG, DEC): {3},
        (VIBORG, JAN): {2},
        (THISTED, NOV): {1},
        (THISTED, DEC): {1},
    }, "a revised December replaces Viborg's December only"


def test_spells_are_replaced_per_kommune(store: Store) -> None:
    def load(batch: int, kommuner: list[int]) -> None:
        frame = _person_rows("ly-forloeb", batch, [(k, 0) for k in kommuner])
        store.commit([Pending(frame, "ly-forloeb", f"s{batch}.csv", f"s{batch}")])

    load(1, [VIBORG, THISTED])
    load(2, [VIBORG])
    assert _current(store, "ly-forloeb") == {(VIBORG, 0): {2}, (THISTED, 0): {1}}


def _at(root: Path, times: list[str]) -> None:
    """Give the store's batches these commit times (as if ingested then)."""
    manifest = root / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    for batch, when in zip(data["batches"], times, strict=True):
        batch["ingested_at"] = when
    manifest.write_text(json.dumps(data), "utf-8")


@pytest.mark.parametrize(
    ("day", "first", "second"),
    [
        # CET (UTC+1): 22:30 UTC is 23:30 on the 31st in Denmark, 23:30 UTC is 00:30 on the 1st.
        ("2019-10-31", "2019-10-31T22:30:00+00:00", "2019-10-31T23:30:00+00:00"),
        # CEST (UTC+2): 21:30 UTC is 23:30 on the 30th, 22:30 UTC is 00:30 on the 1st.
        ("2019-06-30", "2019-06-30T21:30:00+00:00", "2019-06-30T22:30:00+00:00"),
        # Just after Danish midnight and just before the next one both belong to the day.
        ("2019-11-01", "2019-10-31T23:00:00+00:00", "2019-11-01T23:00:00+00:00"),
    ],
)
def test_as_of_takes_the_whole_day_in_danish_time(
    store: Store, cli: Run, day: str, first: str, second: str
) -> None:
    for hits, name in ((20.0, "a"), (30.0, "b")):
        rows = [
            ("Viborg", SEP_2019, SEP_2019, "k3_population", 100.0),
            ("Viborg", SEP_2019, SEP_2019, "k3_progression", hits),
        ]
        store.ingest(tidy(rows), kind="aggregate", source=Path(name), sha256=name)
    _at(store.root, [first, second])
    result = cli("gap", "-c", "3", "--as-of", day, "--store", str(store.root), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["hits"] for r in json.loads(result.stdout)] == [20.0]
    before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    early = cli("gap", "-c", "3", "--as-of", before, "--store", str(store.root))
    assert early.exit_code == 2, "the day before holds neither batch"
    day_after = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    later = cli("gap", "-c", "3", "--as-of", day_after, "--store", str(store.root), "-f", "json")
    assert [r["hits"] for r in json.loads(later.stdout)] == [30.0]
