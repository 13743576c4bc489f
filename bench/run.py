"""Benchmark fleksmon's K3 series and K2 windows against DuckDB SQL and pandas.

Usage::

    python bench/run.py --sizes 1e6,10e6,100e6 [--pandas-max 10e6] [--no-readme]

For every size (rows of the flexjob hours panel) it writes a synthetic panel
with :mod:`fleksmon.synth` to ``bench/data/`` (Parquet, one file per block of
persons) plus ledighedsydelse spells with a tenth as many rows, then runs each
engine and task in its own subprocess (so peak RSS is per engine), checks that
all engines give identical results and prints times, ratios and peak RSS. The
table is written into ``bench/README.md`` between the ``bench:results`` markers.
pandas only runs up to ``--pandas-max`` rows (default 10 million): beyond that
it needs more memory and time than the machine has to spare.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
OUT = HERE / "out"
MONTHS = 120
START = 2010 * 12
ROWS_PER_PERSON = 40.4
"""Rows per person of :func:`fleksmon.synth.hours_panel` over 120 months (measured)."""
LY_ROWS_PER_PERSON = 1.69
PER_FILE = 250_000
"""Persons per Parquet file (about 10 million rows)."""
PART_ROWS = 25_000_000
"""fleksmon computes K3 on groups of files of at most this many rows."""


# --------------------------------------------------------------------------- data


def make_data(rows: int) -> tuple[Path, Path]:
    """Write (once) the hours panel and the LY spells for a size; return their paths."""
    sys.path.insert(0, str(ROOT))
    from fleksmon import synth

    hours_dir = DATA / f"hours-{rows}"
    ly_path = DATA / f"ly-{rows}.parquet"
    if not (hours_dir / "done").exists():
        persons = max(1, round(rows / ROWS_PER_PERSON))
        synth.write_hours_parquet(hours_dir, persons, MONTHS, 2024, START, per_file=PER_FILE)
        (hours_dir / "done").write_text("ok")
    if not ly_path.exists():
        ly_persons = max(1, round(rows / 10 / LY_ROWS_PER_PERSON))
        synth.ly_spells(ly_persons, MONTHS, 2024, START).write_parquet(ly_path)
    return hours_dir, ly_path


# --------------------------------------------------------------------------- engines


def fleksmon_k3(hours_dir: Path) -> Any:
    import polars as pl

    from fleksmon.measures.k3 import k3_monthly_parts

    files = sorted(hours_dir.glob("*.parquet"))
    first = pl.scan_parquet(files).select(pl.col("maaned").min()).collect().item()
    groups: list[list[Path]] = [[]]
    size = 0
    for f in files:
        n = pl.scan_parquet(f).select(pl.len()).collect().item()
        if groups[-1] and size + n > PART_ROWS:
            groups.append([])
            size = 0
        groups[-1].append(f)
        size += n
    return k3_monthly_parts((pl.scan_parquet(g) for g in groups), first_month=first)


def fleksmon_k2(ly_path: Path) -> Any:
    import polars as pl

    from fleksmon.measures.k2 import k2_monthly, k2_windows

    monthly = k2_monthly(pl.scan_parquet(ly_path)).collect()
    lo, hi = monthly.select(lo=pl.col("maaned").min(), hi=pl.col("maaned").max()).row(0)
    return k2_windows(monthly.lazy(), lo + 2, hi).drop("ly_share").collect()


K3_SQL = """
WITH pm AS (SELECT person, maaned, last(kommune_kode) AS kommune_kode, sum(timer_cent) AS h
            FROM read_parquet('{src}') GROUP BY person, maaned),
first AS (SELECT min(maaned) AS m0 FROM pm),
g AS (SELECT *, maaned - row_number() OVER (PARTITION BY person ORDER BY maaned) AS grp FROM pm),
p AS (SELECT *, row_number() OVER w - 1 AS pos,
             min(maaned) OVER (PARTITION BY person, grp) AS first_m,
             min(h) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS lmin
      FROM g WINDOW w AS (PARTITION BY person, grp ORDER BY maaned)),
s AS (SELECT *, sum(CASE WHEN pos < 3 THEN h END) OVER (PARTITION BY person, grp) AS s,
                max(CASE WHEN pos < 3 THEN h END) OVER (PARTITION BY person, grp) AS smax
      FROM p)
SELECT kommune_kode::SMALLINT AS kommune_kode, maaned::INTEGER AS maaned,
       count(*)::BIGINT AS k3_population,
       (count(*) FILTER (WHERE lmin > smax))::BIGINT AS k3_progression
FROM s, first
WHERE pos >= 11 AND first_m <> m0 AND s >= 650 AND s < 13650
GROUP BY ALL ORDER BY kommune_kode, maaned
"""

K2_SQL = """
WITH s AS (SELECT kommune_kode, slut, start + INTERVAL 6 MONTH AS six FROM read_parquet('{src}')),
ev AS (
  SELECT kommune_kode, year(slut) * 12 + month(slut) - 1 AS maaned,
         1 AS a, (slut < six)::INT AS u, 0 AS c FROM s WHERE slut IS NOT NULL
  UNION ALL
  SELECT kommune_kode, year(six) * 12 + month(six) - 1, 0, 0, 1
  FROM s WHERE slut IS NULL OR slut >= six),
m AS (SELECT kommune_kode, maaned, sum(a) AS a, sum(u) AS u, sum(c) AS c FROM ev GROUP BY ALL),
r AS (SELECT min(maaned) AS lo, max(maaned) AS hi FROM m),
grid AS (SELECT k.kommune_kode, g.maaned
         FROM (SELECT DISTINCT kommune_kode FROM m) k, r, range(lo, hi + 1) g(maaned)),
f AS (SELECT grid.kommune_kode, grid.maaned, coalesce(a, 0) AS a, coalesce(u, 0) AS u,
             coalesce(c, 0) AS c
      FROM grid LEFT JOIN m USING (kommune_kode, maaned)),
w AS (SELECT kommune_kode, maaned,
             sum(a) OVER win AS a, sum(u) OVER win AS u, sum(c) OVER win AS c
      FROM f WINDOW win AS (PARTITION BY kommune_kode ORDER BY maaned
                            ROWS BETWEEN 2 PRECEDING AND CURRENT ROW))
SELECT kommune_kode::SMALLINT AS kommune_kode, maaned::INTEGER AS maaned,
       a::BIGINT AS ly_afsluttet, u::BIGINT AS ly_afsluttet_under_6m, c::BIGINT AS ly_krydser_6m
FROM w, r WHERE maaned >= lo + 2 ORDER BY kommune_kode, maaned
"""


def duckdb_k3(hours_dir: Path) -> Any:
    import duckdb

    relation = duckdb.sql(K3_SQL.format(src=hours_dir / "*.parquet"))
    assert relation is not None
    return relation.fetch_arrow_table()


def duckdb_k2(ly_path: Path) -> Any:
    import duckdb

    relation = duckdb.sql(K2_SQL.format(src=ly_path))
    assert relation is not None
    return relation.fetch_arrow_table()


def pandas_k3(hours_dir: Path) -> Any:
    import pandas as pd  # type: ignore[import-untyped]

    df = pd.read_parquet(sorted(hours_dir.glob("*.parquet")))
    pm = (
        df.groupby(["person", "maaned"], sort=True)
        .agg(kommune_kode=("kommune_kode", "last"), h=("timer_cent", "sum"))
        .reset_index()
    )
    first = pm["maaned"].min()
    pm["grp"] = (pm.groupby("person")["maaned"].diff() != 1).cumsum()
    by_spell = pm.groupby("grp")
    pm["pos"] = by_spell.cumcount()
    pm["first_m"] = by_spell["maaned"].transform("first")
    start = pm[pm["pos"] < 3].groupby("grp")["h"].agg(s="sum", smax="max")
    pm = pm.join(start, on="grp")
    pm["lmin"] = pd.concat([pm["h"], by_spell["h"].shift(1), by_spell["h"].shift(2)], axis=1).min(
        axis=1
    )
    pop = pm[(pm["pos"] >= 11) & (pm["first_m"] != first) & (pm["s"] >= 650) & (pm["s"] < 13650)]
    return (
        pop.assign(prog=pop["lmin"] > pop["smax"])
        .groupby(["kommune_kode", "maaned"])
        .agg(k3_population=("prog", "size"), k3_progression=("prog", "sum"))
        .reset_index()
    )


def pandas_k2(ly_path: Path) -> Any:
    import pandas as pd

    sp = pd.read_parquet(ly_path)
    start = pd.to_datetime(sp["start"])
    slut = pd.to_datetime(sp["slut"])
    six = start + pd.DateOffset(months=6)
    ended = pd.DataFrame(
        {
            "kommune_kode": sp["kommune_kode"],
            "maaned": slut.dt.year * 12 + slut.dt.month - 1,
            "ly_afsluttet": 1,
            "ly_afsluttet_under_6m": (slut < six).astype("int64"),
            "ly_krydser_6m": 0,
        }
    )[slut.notna()]
    cross = pd.DataFrame(
        {
            "kommune_kode": sp["kommune_kode"],
            "maaned": six.dt.year * 12 + six.dt.month - 1,
            "ly_afsluttet": 0,
            "ly_afsluttet_under_6m": 0,
            "ly_krydser_6m": 1,
        }
    )[slut.isna() | (slut >= six)]
    monthly = pd.concat([ended, cross]).groupby(["kommune_kode", "maaned"]).sum()
    months = monthly.index.get_level_values("maaned")
    lo, hi = months.min(), months.max()
    grid = pd.MultiIndex.from_product(
        [monthly.index.get_level_values("kommune_kode").unique(), range(int(lo), int(hi) + 1)],
        names=["kommune_kode", "maaned"],
    )
    filled = monthly.reindex(grid, fill_value=0).sort_index()
    windows = filled.groupby(level="kommune_kode").rolling(3).sum().droplevel(0).reset_index()
    return windows[windows["maaned"] >= lo + 2]


ENGINES = {
    ("fleksmon", "k3"): fleksmon_k3,
    ("fleksmon", "k2"): fleksmon_k2,
    ("duckdb", "k3"): duckdb_k3,
    ("duckdb", "k2"): duckdb_k2,
    ("pandas", "k3"): pandas_k3,
    ("pandas", "k2"): pandas_k2,
}


def peak_rss_kb() -> int:
    """Peak resident memory of this process in KiB.

    ``VmHWM`` from /proc (reset by exec, so it is this engine's own peak);
    ``ru_maxrss`` elsewhere (on Linux it would carry over the parent's peak).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def worker(engine: str, task: str, src: Path, out: Path) -> None:
    """Run one engine on one task in this process; print seconds and peak RSS as JSON."""
    sys.path.insert(0, str(ROOT))
    t0 = time.perf_counter()
    result = ENGINES[(engine, task)](src)
    seconds = time.perf_counter() - t0
    peak_kb = peak_rss_kb()
    import polars as pl

    if isinstance(result, pl.DataFrame):
        frame = result
    elif engine == "pandas":
        frame = pl.from_pandas(result)
    else:
        converted = pl.from_arrow(result)
        assert isinstance(converted, pl.DataFrame)
        frame = converted
    frame.write_parquet(out)
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024}))


# --------------------------------------------------------------------------- driver


def _normalize(path: Path) -> Any:
    import polars as pl

    frame = pl.read_parquet(path)
    cols = [c for c in frame.columns if c not in ("kommune_kode", "maaned")]
    return frame.select(
        pl.col("kommune_kode").cast(pl.Int16),
        pl.col("maaned").cast(pl.Int32),
        *(pl.col(c).cast(pl.Int64) for c in cols),
    ).sort("kommune_kode", "maaned")


def run_one(engine: str, task: str, src: Path, rows: int) -> dict[str, float]:
    out = OUT / f"{engine}-{task}-{rows}.parquet"
    cmd = [sys.executable, __file__, "--worker", engine, task, str(src), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{engine} {task} {rows}: failed\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def human(rows: int) -> str:
    return f"{rows / 1e6:g}M"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1e6,10e6,100e6", help="hours-panel rows, comma-separated"
    )
    parser.add_argument("--pandas-max", type=float, default=10e6, help="largest size pandas runs")
    parser.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        engine, task, src, out = args.worker
        worker(engine, task, Path(src), Path(out))
        return

    import polars as pl

    OUT.mkdir(parents=True, exist_ok=True)
    lines = []
    for rows in (int(float(s)) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        hours_dir, ly_path = make_data(rows)
        actual = pl.scan_parquet(hours_dir / "*.parquet").select(pl.len()).collect().item()
        ly_rows = pl.scan_parquet(ly_path).select(pl.len()).collect().item()
        print(
            f"== {human(rows)}: {actual:,} hours rows, {ly_rows:,} LY spells "
            f"(data ready in {time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
        for task, src in (("k3", hours_dir), ("k2", ly_path)):
            engines = ["fleksmon", "duckdb"] + (["pandas"] if rows <= args.pandas_max else [])
            timing = {}
            for engine in engines:
                timing[engine] = run_one(engine, task, src, rows)
                print(
                    f"   {task} {engine:8s} {timing[engine]['seconds']:8.2f} s "
                    f"{timing[engine]['peak_rss_mb']:8.0f} MB",
                    flush=True,
                )
            reference = _normalize(OUT / f"fleksmon-{task}-{rows}.parquet")
            same = {
                e: reference.equals(_normalize(OUT / f"{e}-{task}-{rows}.parquet")) for e in engines
            }
            if not all(same.values()):
                raise SystemExit(f"{task} {human(rows)}: results differ: {same}")
            f = timing["fleksmon"]
            d = timing["duckdb"]
            p = timing.get("pandas")
            lines.append(
                f"| {task.upper()} | {human(rows)} | {actual if task == 'k3' else ly_rows:,} | "
                f"{f['seconds']:.2f} | {d['seconds']:.2f} | "
                + (f"{p['seconds']:.2f}" if p else "–")
                + f" | {d['seconds'] / f['seconds']:.2f}× | "
                + (f"{p['seconds'] / f['seconds']:.1f}×" if p else "–")
                + f" | {f['peak_rss_mb']:,.0f} | {d['peak_rss_mb']:,.0f} | "
                + (f"{p['peak_rss_mb']:,.0f}" if p else "–")
                + " | ✓ |"
            )
            print(f"   identical results: {', '.join(engines)}", flush=True)
    header = (
        "| task | size | input rows | fleksmon s | DuckDB s | pandas s | DuckDB/fleksmon "
        "| pandas/fleksmon | fleksmon RSS MB | DuckDB RSS MB | pandas RSS MB | identical |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    )
    table = header + "\n" + "\n".join(lines)
    print(table)
    if not args.no_readme:
        update_readme(table)


def update_readme(
    table: str, marker: str = "bench:results", keys: tuple[str, ...] = ("K2", "K3")
) -> None:
    """Put the newest table into bench/README.md between the markers (rows merged by size)."""
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    begin, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    old_rows: dict[tuple[str, str], str] = {}
    if begin in text and end in text:
        for line in text.split(begin)[1].split(end)[0].splitlines():
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 3 and cells[1] in keys:
                old_rows[(cells[1], cells[2])] = line
    all_lines = table.splitlines()
    head = all_lines[:2]
    for line in all_lines[2:]:
        cells = [c.strip() for c in line.split("|")]
        old_rows[(cells[1], cells[2])] = line
    ordered = sorted(old_rows.items(), key=lambda kv: (kv[0][0], float(kv[0][1].rstrip("M"))))
    body = "\n".join([*head, *(line for _, line in ordered)])
    block = f"{begin}\nMachine: {machine}.\n\n{body}\n{end}"
    if begin in text and end in text:
        text = text.split(begin)[0] + block + text.split(end)[1]
    else:
        text = text + "\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
