"""fleksmon against the reference DuckDB queries, end to end, as ratios from one run.

Usage::

    python bench/e2e.py [--rows 10e6] [--runs 3] [--data DIR] [--no-readme]

Three person-level questions, each asked of the same Parquet file by both sides:

- **K3**: the monthly series over ten years of an hours panel (``fleksmon compute -c 3
  -p 2010M01..2019M12``; ``reference/k3.sql``);
- **R1/R2**: ``fleksmon compute -c R1 -c R2 -p 2020K1`` with the categories and the
  indicators, from a ressourceforløb panel (``reference/r1r2.sql``);
- **K2**: every rolling three-month window from a ``ly-forloeb`` extract (``fleksmon compute
  -c 2 -p …``; ``reference/k2.sql``).

fleksmon runs as a user runs it: the installed CLI in a fresh process (start-up and
imports included, its bytecode compiled as an install leaves it), from a store the file
was ingested into beforehand. DuckDB runs the reference query in a fresh process too
(``bench/duck.py``: Python start, ``import duckdb``, the query, the result written to
Parquet). Both get two threads. The two alternate, A B A B …, ``--runs`` times each,
timed from outside with ``/usr/bin/time -v``; the ratio is fleksmon/DuckDB per pair,
and the table gives the medians. The machine's load average is read before and after.
Each side's cells are compared with the other's, and the run stops if any differs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
THREADS = 2
KEY = "bench-key"
MONTHS = 120
K3_START = 2010 * 12
RF_START = 2014 * 12
"""The ressourceforløb panel runs 2014M01..2023M12 (it holds R1/R2's baseline 2020K1)."""
RF_QUARTER = "2020K1"
HOURS_ROWS_PER_PERSON = 40.4
RF_ROWS_PER_PERSON = 38.5
LY_SPELLS_PER_PERSON = 1.84
TARGETS = {"K3": 0.25, "R1/R2": 0.8, "K2": 1.0}
"""fleksmon's time as a share of DuckDB's, at most (issue 17)."""


@dataclass
class Task:
    """One question: the file, the fleksmon command's arguments, DuckDB's parameters."""

    name: str
    src: Path
    fleksmon: list[str]
    duck: list[str]
    out: str
    same: Callable[[Path, Path], bool]


# --------------------------------------------------------------------------- data


def make_files(rows: int, data: Path) -> dict[str, Path]:
    """The three Parquet files of ``rows`` rows each (written once)."""
    sys.path.insert(0, str(ROOT))
    import polars as pl

    from fleksmon import synth

    data.mkdir(parents=True, exist_ok=True)
    files = {
        "K3": data / f"e2e-hours-{rows}.parquet",
        "R1/R2": data / f"e2e-rf-{rows}.parquet",
        "K2": data / f"e2e-ly-{rows}.parquet",
    }
    if not files["K3"].exists():
        parts = data / f"e2e-hours-{rows}"
        persons = max(1, round(rows / HOURS_ROWS_PER_PERSON))
        synth.write_hours_parquet(parts, persons, MONTHS, 2024, K3_START)
        pl.scan_parquet(parts / "*.parquet").sink_parquet(files["K3"])
        shutil.rmtree(parts)
    if not files["R1/R2"].exists():
        persons = max(1, round(rows / RF_ROWS_PER_PERSON))
        month = pl.col("maaned")
        # As the extract is written (inputs.md): periode 2020M01, flags 0/1, hours.
        synth.rf_panel(persons, MONTHS, 2024, RF_START).select(
            "person",
            pl.col("kommune_kode").alias("kommune"),
            pl.format("{}M{}", month // 12, (month % 12 + 1).cast(pl.String).str.zfill(2)).alias(
                "periode"
            ),
            pl.col("praktik_loentilskud").cast(pl.Int8),
            (pl.col("loentimer_cent") / 100).alias("loentimer"),
            pl.col("fleksjob").cast(pl.Int8),
            pl.col("su").cast(pl.Int8),
            "beskaeftigelsesgrad",
        ).write_parquet(files["R1/R2"])
    if not files["K2"].exists():
        persons = max(1, round(rows / LY_SPELLS_PER_PERSON))
        synth.ly_spells(persons, MONTHS, 2024, K3_START).write_parquet(files["K2"])
    return files


def _fleksmon() -> str:
    return str(Path(sys.executable).with_name("fleksmon"))


def _env() -> dict[str, str]:
    env = dict(os.environ, FLEKSMON_KEY=KEY, POLARS_MAX_THREADS=str(THREADS))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def ingest(src: Path, store: Path) -> None:
    """Ingest ``src`` into a fresh ``store`` (kept for later runs with a marker)."""
    done = store / ".bench-source"
    if done.exists() and done.read_text() == f"{src}:{src.stat().st_mtime_ns}":
        return
    shutil.rmtree(store, ignore_errors=True)
    run = subprocess.run(
        [_fleksmon(), "ingest", str(src), "--store", str(store)],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"ingest {src.name} failed:\n{run.stderr[-2000:]}")
    done.write_text(f"{src}:{src.stat().st_mtime_ns}")


# --------------------------------------------------------------------------- checks


def _codes() -> list[int]:
    from fleksmon import areas

    return [int(a.code) for a in areas.kommuner() if a.code]


def _month(code: str) -> int:
    from fleksmon.periods import parse_period

    return parse_period(code).end


def same_k3(got: Path, ref: Path) -> bool:
    import polars as pl

    mine = (
        pl.read_csv(got)
        .filter(pl.col("kommune_kode").is_in(_codes()) & (pl.col("population") > 0))
        .select(
            pl.col("kommune_kode").cast(pl.Int64).alias("kommune"),
            pl.col("period").map_elements(_month, return_dtype=pl.Int64).alias("month"),
            pl.col("population").cast(pl.Int64).alias("N"),
            pl.col("hits").cast(pl.Int64).alias("P"),
        )
        .sort("kommune", "month")
    )
    theirs = pl.read_parquet(ref).select(pl.all().cast(pl.Int64)).sort("kommune", "month")
    return mine.height > 0 and mine.equals(theirs)


def same_k2(got: Path, ref: Path) -> bool:
    """Equal in every kommune-window; a kommune-window missing from DuckDB's result has
    zero counts (the reference query's rule)."""
    import polars as pl

    names = ["ended", "ended_under_6m", "crossings"]
    mine = (
        pl.read_csv(got)
        .filter(pl.col("kommune_kode").is_in(_codes()))
        .select(
            pl.col("kommune_kode").cast(pl.Int64).alias("kommune"),
            pl.col("period").map_elements(_month, return_dtype=pl.Int64).alias("month"),
            pl.col("population").cast(pl.Int64).alias("ended"),
            pl.col("hits").cast(pl.Int64).alias("ended_under_6m"),
            pl.col("crossings").cast(pl.Int64),
        )
    )
    end = pl.col("window_end")
    theirs = pl.read_parquet(ref).select(
        pl.col("kommune").cast(pl.Int64),
        (end.dt.year().cast(pl.Int64) * 12 + end.dt.month().cast(pl.Int64) - 1).alias("month"),
        *(pl.col(n).cast(pl.Int64) for n in names),
    )
    nonzero = pl.any_horizontal(pl.col(n) > 0 for n in names)
    a = mine.filter(nonzero).sort("kommune", "month")
    return a.height > 0 and a.equals(theirs.filter(nonzero).sort("kommune", "month"))


RF_COLUMNS = (
    "selvforsoerget",
    "uddannelse",
    "fleksjob",
    "loentimer",
    "praktik_loentilskud",
    "lange_forloeb",
    "uden_indsats",
    "under_1_aar",
    "forloeb_1_2_aar",
    "over_2_aar",
)


def same_rf(got: Path, ref: Path) -> bool:
    """R1's and R2's population, hits, categories and indicators per kommune."""
    import polars as pl

    records = pl.DataFrame(json.loads(got.read_text("utf-8")))
    theirs = pl.read_parquet(ref).fill_null(0)
    for crit, hits in (("R1", "hits_r1"), ("R2", "hits_r2")):
        shown = [c for c in RF_COLUMNS if c != "praktik_loentilskud" or crit == "R1"]
        mine = (
            records.filter(pl.col("criterion") == crit)
            .filter(pl.col("kommune_kode").cast(pl.Int64).is_in(_codes()))
            .select(
                pl.col("kommune_kode").cast(pl.Int64).alias("kommune"),
                pl.col("population").cast(pl.Int64),
                pl.col("hits").cast(pl.Int64),
                *(pl.col(c).cast(pl.Int64) for c in shown),
            )
            .filter(pl.col("population") > 0)
            .sort("kommune")
        )
        want = (
            theirs.select(
                pl.col("kommune").cast(pl.Int64),
                pl.col("population").cast(pl.Int64),
                pl.col(hits).cast(pl.Int64).alias("hits"),
                *(pl.col(c).cast(pl.Int64) for c in shown),
            )
            .filter(pl.col("population") > 0)
            .sort("kommune")
        )
        if mine.height == 0 or not mine.equals(want):
            return False
    return True


# --------------------------------------------------------------------------- timing


def timed(cmd: list[str]) -> dict[str, float]:
    """Run a command under ``/usr/bin/time -v``: wall and CPU seconds, peak RSS (MB)."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=_env(), check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: failed\n{done.stderr[-3000:]}")
    stats: dict[str, float] = {}
    for line in done.stderr.splitlines():
        name, _, value = line.strip().rpartition(": ")
        if name == "Maximum resident set size (kbytes)":
            stats["rss_mb"] = int(value) / 1024
        elif name in ("User time (seconds)", "System time (seconds)"):
            stats["cpu"] = stats.get("cpu", 0.0) + float(value)
        elif name.startswith("Elapsed (wall clock) time"):
            parts = [float(x) for x in value.split(":")]
            stats["wall"] = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    return stats


def tasks(files: dict[str, Path], stores: Path) -> list[Task]:
    """The three questions on the files (their stores under ``stores``)."""
    import polars as pl

    from fleksmon.periods import month_code

    span = (
        pl.scan_parquet(files["K2"])
        .select(
            pl.min_horizontal(pl.col("start").min(), pl.col("slut").min()).alias("lo"),
            pl.max_horizontal(pl.col("start").max(), pl.col("slut").max()).alias("hi"),
        )
        .collect()
    )
    lo, hi = (d.year * 12 + d.month - 1 for d in span.row(0))
    windows = [month_code(lo + 2), month_code(hi)]
    k3_period = f"{month_code(K3_START)}..{month_code(K3_START + MONTHS - 1)}"
    found = [
        Task("K3", files["K3"], ["-c", "3", "-p", k3_period], [], "csv", same_k3),
        Task(
            "R1/R2", files["R1/R2"], ["-c", "R1", "-c", "R2", "-p", RF_QUARTER], [RF_QUARTER],
            "json", same_rf,
        ),
        Task("K2", files["K2"], ["-c", "2", "-p", "..".join(windows)], windows, "csv", same_k2),
    ]  # fmt: skip
    for task in found:
        ingest(task.src, stores / _slug(task.name))
    return found


def _slug(name: str) -> str:
    return name.lower().replace("/", "")


def measure(task: Task, stores: Path, out: Path, runs: int) -> dict[str, object]:
    """Time fleksmon and DuckDB alternately (a warm-up each first), check the cells."""
    slug = _slug(task.name)
    mine = out / f"fleksmon-{slug}.{task.out}"
    theirs = out / f"duckdb-{slug}.parquet"
    a = [_fleksmon(), "compute", *task.fleksmon, "--store", str(stores / slug), "-o", str(mine)]
    duck = "r1r2" if task.name == "R1/R2" else slug
    b = [sys.executable, str(HERE / "duck.py"), duck, str(task.src), str(theirs), *task.duck]
    timed(a)
    timed(b)
    pairs = [(timed(a), timed(b)) for _ in range(runs)]
    if not task.same(mine, theirs):
        raise SystemExit(f"{task.name}: fleksmon's cells differ from DuckDB's")

    def median(side: int, key: str) -> float:
        return statistics.median(p[side][key] for p in pairs)

    return {
        "fleksmon": median(0, "wall"),
        "fleksmon_cpu": median(0, "cpu"),
        "fleksmon_rss": median(0, "rss_mb"),
        "duckdb": median(1, "wall"),
        "duckdb_cpu": median(1, "cpu"),
        "ratio": statistics.median(p[0]["wall"] / p[1]["wall"] for p in pairs),
        "ratio_cpu": statistics.median(p[0]["cpu"] / p[1]["cpu"] for p in pairs),
        "ratios": [round(p[0]["wall"] / p[1]["wall"], 2) for p in pairs],
    }


HEADER = (
    "| question | input rows | fleksmon s | DuckDB s | fleksmon/DuckDB | at most "
    "| CPU ratio | fleksmon CPU s | DuckDB CPU s | fleksmon RSS MB | identical |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="10e6", help="rows of each input file")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each side")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="data folder")
    parser.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    args = parser.parse_args()
    rows = int(float(args.rows))
    files = make_files(rows, args.data)
    stores = args.data / f"e2e-stores-{rows}"
    out = args.data / "e2e-out"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "fleksmon")], check=True)
    import polars as pl

    lines = []
    loads = [os.getloadavg()[0]]
    for task in tasks(files, stores):
        n = pl.scan_parquet(task.src).select(pl.len()).collect().item()
        r = measure(task, stores, out, args.runs)
        loads.append(os.getloadavg()[0])
        line = (
            f"| {task.name} | {n:,} | {r['fleksmon']:.2f} | {r['duckdb']:.2f} | "
            f"**{r['ratio']:.2f}×** | {TARGETS[task.name]:.2f}× | {r['ratio_cpu']:.2f}× | "
            f"{r['fleksmon_cpu']:.2f} | {r['duckdb_cpu']:.2f} | {r['fleksmon_rss']:,.0f} | ✓ |"
        )
        print(line, f"(pairs: {r['ratios']})", flush=True)
        lines.append(line)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    load = f"load average (1 min) {min(loads):.1f}–{max(loads):.1f} during the run"
    text = (
        f"Machine: {machine}; {load}; {args.runs} runs a side, medians.\n\n"
        + HEADER
        + "\n"
        + "\n".join(lines)
    )
    print(text)
    if not args.no_readme:
        readme = HERE / "README.md"
        begin, end = "<!-- bench:reference -->", "<!-- /bench:reference -->"
        body = readme.read_text(encoding="utf-8")
        block = f"{begin}\n{text}\n{end}"
        if begin in body and end in body:
            body = body.split(begin)[0] + block + body.split(end)[1]
        else:
            body += "\n" + block + "\n"
        readme.write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main()
