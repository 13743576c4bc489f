"""The store's promises under kill -9 and concurrent writers, with real child processes."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import areas, synth
from fleksmon.periods import month_index
from fleksmon.store import Store

K1 = Path(__file__).resolve().parents[1] / "examples" / "k1-sep-2019.csv"
CLI = "from fleksmon.cli.app import main; main()"


def _ingest(files: list[Path], root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FLEKSMON_KEY": "crash-test-key"}
    env.pop("FLEKSMON_STORE", None)
    args = [sys.executable, "-c", CLI, "ingest", *map(str, files), "--store", str(root)]
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _state(root: Path) -> dict[str, Any]:
    """What the store holds, without ids and times: each batch and each kind's rows."""
    store = Store(root, notify=lambda _: None)
    batches = [(b.kind, b.source, b.sha256, b.rows) for b in store.batches()]
    data = {}
    for kind in store.kinds():
        frame = store.scan(kind)
        assert frame is not None
        data[kind] = frame.collect().sort(pl.all()).hash_rows().sum()
    return {"batches": batches, "data": data}


@pytest.mark.slow
def test_kill_9_leaves_the_store_exactly_before_or_after(tmp_path: Path) -> None:
    panel = tmp_path / "timer.parquet"
    synth.hours_panel(4_000, 24, 7, month_index(2018, 1)).write_parquet(panel)
    base = tmp_path / "base"
    assert _ingest([K1], base).wait() == 0
    before = _state(base)
    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    started = time.perf_counter()
    assert _ingest([panel], reference).wait() == 0
    took = time.perf_counter() - started
    after = _state(reference)
    assert len(after["batches"]) == len(before["batches"]) + 1
    rng = random.Random(20191031)
    seen = []
    for i in range(10):
        root = tmp_path / f"kill{i}"
        shutil.copytree(base, root)
        # Half the kills anywhere in the run, half in its last third (writing, committing).
        low = 0.0 if i % 2 == 0 else 0.66
        child = _ingest([panel], root)
        time.sleep(took * rng.uniform(low, 1.0))
        child.send_signal(signal.SIGKILL)
        child.wait()
        state = _state(root)
        assert state in (before, after), f"kill {i} at a moment that left a half store"
        seen.append("after" if state == after else "before")
        health = Store(root).check()
        assert health.problems == []
        Store(root).gc()
        assert Store(root).check().orphans == []
    print(f"kill -9 outcomes: {seen}")


def _aggregate_csv(path: Path, names: list[str], offset: int) -> pl.DataFrame:
    months = [f"{year}M{month:02d}" for year in range(2015, 2020) for month in range(1, 13)]
    frame = pl.DataFrame({"kommune": names}).join(pl.DataFrame({"periode": months}), how="cross")
    frame = frame.with_row_index("i").with_columns(
        (pl.col("i") * 7 + offset).mod(5000).alias("fleksjob_fuldtid"),
        (pl.col("i") * 3 + offset).mod(700).alias("ledighedsydelse_fuldtid"),
    )
    frame.drop("i").write_csv(path, separator=";")
    return frame


@pytest.mark.slow
def test_four_ingests_at_once_store_every_row_once(tmp_path: Path) -> None:
    names = [a.name for a in areas.kommuner()]
    files = [tmp_path / f"part{g}.csv" for g in range(4)]
    frames = [_aggregate_csv(f, names[g::4], g * 1000) for g, f in enumerate(files)]
    root = tmp_path / "store"
    children = [_ingest([f], root) for f in files]
    for child in children:
        _, err = child.communicate()
        assert child.returncode == 0, err.decode()
    store = Store(root)
    assert sorted(Path(b.source).name for b in store.batches()) == [f.name for f in files]
    assert [b.replaced for b in store.batches()] == [0, 0, 0, 0]
    current = store.scan("aggregate")
    assert current is not None
    stored = current.collect()
    expected_rows = sum(2 * f.height for f in frames)
    assert stored.height == expected_rows
    assert stored.select("kommune", "til", "maaling").n_unique() == expected_rows
    viborg = stored.filter(
        (pl.col("kommune") == "Viborg") & (pl.col("maaling") == "fleksjob_fuldtid")
    )
    part = next(f for f in frames if "Viborg" in f["kommune"].to_list())
    assert sorted(viborg["vaerdi"].to_list()) == sorted(
        float(v) for v in part.filter(pl.col("kommune") == "Viborg")["fleksjob_fuldtid"]
    )
    assert store.check().problems == []
    assert store.check().orphans == []
