"""A national panel in one file is ingested in bounded memory (measured in a child process)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from fleksmon import synth

ROWS = 20_000_000
LIMIT_BYTES = 3 * 1024**3


@pytest.mark.slow
def test_twenty_million_row_file_ingests_under_three_gigabytes(tmp_path: Path) -> None:
    panel_dir = tmp_path / "panel"
    synth.write_hours_parquet(panel_dir, 500_000, 120, seed=1, start_month=2010 * 12)
    single = tmp_path / "timer.parquet"
    pl.scan_parquet(panel_dir / "*.parquet").sink_parquet(single)
    rows = pl.scan_parquet(single).select(pl.len()).collect().item()
    assert rows > 0.98 * ROWS
    cli = Path(sys.executable).with_name("fleksmon")
    env = dict(os.environ, FLEKSMON_KEY="memory-test")
    with subprocess.Popen(
        [str(cli), "ingest", str(single), "--store", str(tmp_path / "store")],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        assert child.stderr is not None
        said = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, said
    peak = usage.ru_maxrss * 1024
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 >= peak
    assert peak < LIMIT_BYTES, f"peak RSS {peak / 1024**3:.2f} GB"
    assert f"{rows:,} rows".replace(",", ".") in said
