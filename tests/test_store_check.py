"""`fleksmon store --check` and `--gc`: hashes, row counts, orphans; private permissions."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon.store import Store

Run = Callable[..., Any]
K1 = Path(__file__).resolve().parents[1] / "examples" / "k1-sep-2019.csv"


@pytest.fixture
def loaded(tmp_path: Path, cli: Run) -> Path:
    root = tmp_path / "store"
    assert cli("ingest", str(K1), "--store", str(root)).exit_code == 0
    return root


def _where(root: Path) -> str:
    b = Store(root).batches()[0]
    return f"batch {b.id} from {b.source}: {b.file}"


def _failed_check(root: Path, problem: str) -> str:
    return (
        f"Problem: {problem}\nError: the store at {root} has 1 problem(s). Re-ingest the source "
        "files named above (that repairs their batches).\n"
    )


def test_check_reports_values_altered_by_hand(loaded: Path, cli: Run) -> None:
    path = loaded / Store(loaded).batches()[0].file
    frame = pl.read_parquet(path)
    frame.with_columns(pl.col("vaerdi").reverse()).write_parquet(path)
    result = cli("store", "--check", "--store", str(loaded))
    assert result.exit_code == 2
    assert result.stderr == _failed_check(
        loaded, f"{_where(loaded)} was changed after it was stored (its SHA-256 differs)"
    )


def test_check_reports_a_wrong_row_count(loaded: Path, cli: Run) -> None:
    manifest = loaded / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["batches"][0]["rows"] = 1018
    manifest.write_text(json.dumps(data), "utf-8")
    result = cli("store", "--check", "--store", str(loaded))
    assert result.exit_code == 2
    assert result.stderr == _failed_check(
        loaded, f"{_where(loaded)} holds 18 rows, the manifest says 1.018"
    )


def test_check_reports_orphans_and_gc_removes_them(loaded: Path, cli: Run) -> None:
    batch = loaded / Store(loaded).batches()[0].file
    staging = batch.with_name("20200101T000000000002-deadbeef.tmp")
    staging.mkdir()
    left = [
        staging / "part-0000.parquet",
        batch.with_name("20200101T000000000000-deadbeef.parquet.tmp"),
        batch.with_name("20200101T000000000001-deadbeef.parquet"),
        loaded / ".manifest.json.0123abcd.tmp",
    ]
    for path in left:
        path.write_bytes(b"half")
    rel = sorted(str(p.relative_to(loaded)) for p in left)
    result = cli("store", "--check", "--store", str(loaded))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "".join(
        f"Orphan: {r} (left by an interrupted ingest)\n" for r in rel
    ) + (f"Store {loaded}: ok; 4 orphan file(s), 'fleksmon store --gc' removes them\n")
    gc = cli("store", "--gc", "--store", str(loaded))
    assert (gc.exit_code, gc.stderr) == (
        0,
        "".join(f"Removed {r}\n" for r in rel) + f"Store {loaded}: removed 4 orphan file(s).\n",
    )
    assert not any(p.exists() for p in left) and batch.exists()
    assert [p.name for p in batch.parent.iterdir()] == [batch.name]
    again = cli("store", "--check", "--store", str(loaded))
    assert (again.exit_code, again.stderr) == (0, f"Store {loaded}: ok\n")


@pytest.fixture(params=[0o000, 0o022, 0o077])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _modes(root: Path) -> set[tuple[str, int]]:
    return {
        ("dir" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode))
        for p in [root, *root.rglob("*")]
    }


def test_store_is_private_whatever_the_umask(tmp_path: Path, cli: Run, umask: int) -> None:
    root = tmp_path / "store"
    assert cli("ingest", str(K1), "--store", str(root)).exit_code == 0
    assert _modes(root) == {("dir", 0o700), ("file", 0o600)}


def test_team_store_in_a_setgid_folder(tmp_path: Path, cli: Run, umask: int) -> None:
    team = tmp_path / "team"
    team.mkdir()
    os.chmod(team, 0o2770)
    root = team / "store"
    assert cli("ingest", str(K1), "--store", str(root)).exit_code == 0
    assert _modes(root) == {("dir", 0o2770), ("file", 0o660)}
