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
import shutil
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


# --------------------------------------------------------------------------- end to end

DUCKDB_MEMORY = "6GB"
"""DuckDB's memory_limit in the end-to-end runs (it spills to disk beyond), so a
100-million-row run does not exhaust the shared machine."""
THREADS = 2
"""Threads for both engines (polars: POLARS_MAX_THREADS; DuckDB: SET threads)."""
RF_START = 2014 * 12
"""The ressourceforløb panel runs 2014M01..2023M12 (it holds R1/R2's baseline 2020K1)."""
RF_ROWS_PER_PERSON = 41.0
LY_E2E_SPELLS_PER_PERSON = 1.69
KEY = "bench-key"
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
"""The R1/R2 record columns compared with DuckDB (categories in hierarchy order)."""

RF_SQL = """
WITH src AS (SELECT * FROM read_parquet('{src}')),
{periods}
SELECT * FROM counts_0 {more}
"""

RF_PERIOD_SQL = """
p_{i} AS (SELECT * FROM src WHERE maaned BETWEEN {start} AND {end}),
per_{i} AS (SELECT person, max(maaned) AS mx,
    coalesce(bool_or(beskaeftigelsesgrad > 50), false) AS c1,
    coalesce(bool_or(su), false) AS c2, coalesce(bool_or(fleksjob), false) AS c3,
    coalesce(bool_or(loentimer_cent > 0), false) AS c4,
    coalesce(bool_or(praktik_loentilskud), false) AS c5
  FROM p_{i} GROUP BY person),
kom_{i} AS (SELECT p.person, max(p.kommune_kode) AS kommune_kode
  FROM p_{i} p JOIN per_{i} USING (person) WHERE p.maaned = per_{i}.mx GROUP BY p.person),
cat_{i} AS (SELECT kommune_kode, count(*) AS pop,
    count(*) FILTER (WHERE c1) AS selvforsoerget,
    count(*) FILTER (WHERE NOT c1 AND c2) AS uddannelse,
    count(*) FILTER (WHERE NOT c1 AND NOT c2 AND c3) AS fleksjob,
    count(*) FILTER (WHERE NOT c1 AND NOT c2 AND NOT c3 AND c4) AS loentimer,
    count(*) FILTER (WHERE NOT c1 AND NOT c2 AND NOT c3 AND NOT c4 AND c5) AS praktik_loentilskud
  FROM per_{i} JOIN kom_{i} USING (person) GROUP BY kommune_kode),
pm_{i} AS (SELECT person, maaned, max(kommune_kode) AS k FROM src
  WHERE maaned <= {end} AND person IN (SELECT person FROM src WHERE maaned = {end})
  GROUP BY person, maaned),
g_{i} AS (SELECT *, maaned - row_number() OVER (PARTITION BY person ORDER BY maaned) AS grp
  FROM pm_{i}),
s_{i} AS (SELECT person, k, maaned,
    maaned - min(maaned) OVER (PARTITION BY person, grp) + 1 AS len FROM g_{i}),
act_{i} AS (SELECT DISTINCT person FROM src WHERE maaned BETWEEN {end} - 11 AND {end}
  AND (coalesce(praktik_loentilskud, false) OR loentimer_cent > 0)),
ind_{i} AS (SELECT k AS kommune_kode,
    count(*) FILTER (WHERE len >= 12) AS lange_forloeb,
    count(*) FILTER (WHERE len >= 12 AND act_{i}.person IS NULL) AS uden_indsats,
    count(*) FILTER (WHERE len < 12) AS under_1_aar,
    count(*) FILTER (WHERE len >= 12 AND len < 24) AS forloeb_1_2_aar,
    count(*) FILTER (WHERE len >= 24) AS over_2_aar
  FROM s_{i} LEFT JOIN act_{i} USING (person) WHERE maaned = {end} GROUP BY k),
counts_{i} AS (SELECT {i} AS which, * FROM cat_{i} FULL JOIN ind_{i} USING (kommune_kode))
"""


def duckdb_rf(src: Path, periods: list[tuple[int, int]]) -> Any:
    """R1/R2 counts and indicators for each period, as fleksmon computes them."""
    import duckdb

    body = ",".join(RF_PERIOD_SQL.format(i=i, start=a, end=b) for i, (a, b) in enumerate(periods))
    more = " ".join(f"UNION ALL BY NAME SELECT * FROM counts_{i}" for i in range(1, len(periods)))
    con = duckdb.connect()
    con.execute(f"SET threads={THREADS}; SET memory_limit='{DUCKDB_MEMORY}'")
    return con.sql(RF_SQL.format(src=src, periods=body, more=more)).fetch_arrow_table()


def duck_worker(task: str, src: Path, out: Path, extra: str) -> None:
    """One DuckDB end-to-end run (its own process, timed from outside)."""
    import duckdb
    import polars as pl

    if task == "rf":
        periods = [tuple(int(x) for x in p.split("-")) for p in extra.split(",")]
        table = duckdb_rf(src, periods)  # type: ignore[arg-type]
    else:
        con = duckdb.connect()
        con.execute(f"SET threads={THREADS}; SET memory_limit='{DUCKDB_MEMORY}'")
        sql = K3_SQL if task == "k3" else K2_SQL
        table = con.sql(sql.format(src=src)).fetch_arrow_table()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    frame.write_parquet(out)


def timed(cmd: list[str]) -> dict[str, float]:
    """Run a command under ``/usr/bin/time -v``: wall and CPU seconds, peak RSS (MB)."""
    env = dict(os.environ, FLEKSMON_KEY=KEY, POLARS_MAX_THREADS=str(THREADS))
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env, check=False
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


def _fleksmon() -> str:
    return str(Path(sys.executable).with_name("fleksmon"))


def e2e_data(rows: int) -> dict[str, Path]:
    """One Parquet file per input (written once): the hours panel (K3), an ly-forloeb
    extract with ``rows`` spells (K2) and a ressourceforløb panel of ``rows`` rows."""
    sys.path.insert(0, str(ROOT))
    import polars as pl

    from fleksmon import synth

    hours_dir, _ = make_data(rows)
    files = {
        "k3": DATA / f"hours-{rows}.parquet",
        "k2": DATA / f"ly-spells-{rows}.parquet",
        "rf": DATA / f"rf-{rows}.parquet",
    }
    if not files["k3"].exists():
        pl.scan_parquet(hours_dir / "*.parquet").sink_parquet(files["k3"])
    if rows <= 10_000_000 and not files["k2"].exists():
        persons = max(1, round(rows / LY_E2E_SPELLS_PER_PERSON))
        synth.ly_spells(persons, MONTHS, 2024, START).write_parquet(files["k2"])
    if rows <= 10_000_000 and not files["rf"].exists():
        persons = max(1, round(rows / RF_ROWS_PER_PERSON))
        synth.rf_panel(persons, MONTHS, 2024, RF_START).write_parquet(files["rf"])
    return {k: v for k, v in files.items() if v.exists()}


def _kommune_codes() -> set[int]:
    from fleksmon import areas

    return {int(a.code) for a in areas.kommuner() if a.code}


def _month(text: str) -> int:
    from fleksmon.periods import parse_period

    return parse_period(text).end


def same_k3(fleksmon_csv: Path, duck: Path) -> bool:
    import polars as pl

    got = (
        pl.read_csv(fleksmon_csv)
        .filter(pl.col("kommune_kode").is_in(list(_kommune_codes())) & (pl.col("population") > 0))
        .select(
            pl.col("kommune_kode").cast(pl.Int16),
            pl.col("period").map_elements(_month, return_dtype=pl.Int32).alias("maaned"),
            pl.col("population").cast(pl.Int64).alias("k3_population"),
            pl.col("hits").cast(pl.Int64).alias("k3_progression"),
        )
        .sort("kommune_kode", "maaned")
    )
    return got.equals(_normalize(duck))


def same_k2(fleksmon_csv: Path, duck: Path, last: int) -> bool:
    import polars as pl

    names = ["ly_afsluttet", "ly_afsluttet_under_6m", "ly_krydser_6m"]
    got = (
        pl.read_csv(fleksmon_csv)
        .filter(pl.col("kommune_kode").is_in(list(_kommune_codes())))
        .select(
            pl.col("kommune_kode").cast(pl.Int16),
            pl.col("period").map_elements(_month, return_dtype=pl.Int32).alias("maaned"),
            *(
                pl.col(c).cast(pl.Int64).alias(n)
                for c, n in zip(("population", "hits", "crossings"), names, strict=True)
            ),
        )
    )
    nonzero = pl.any_horizontal(pl.col(n) > 0 for n in names)
    ref = _normalize(duck)
    first = ref.get_column("maaned").min()
    ref = ref.filter(nonzero & (pl.col("maaned") <= last))
    got = got.filter(nonzero & (pl.col("maaned") >= first))
    return got.sort("kommune_kode", "maaned").equals(ref)


def same_rf(fleksmon_json: Path, duck: Path) -> bool:
    import polars as pl

    records = pl.DataFrame(json.loads(fleksmon_json.read_text("utf-8")))
    cols = list(RF_COLUMNS)
    every = pl.read_parquet(duck).fill_null(0)
    ref = every.filter(pl.col("which") == 1)
    base = every.filter((pl.col("which") == 0) & (pl.col("pop") > 0))
    hits = {"R1": cols[:5], "R2": cols[:4]}
    for crit, cats in hits.items():
        shown = [c for c in cols if c != "praktik_loentilskud" or crit == "R1"]
        baseline = base.select(
            pl.col("kommune_kode").cast(pl.Int64),
            (100 * pl.sum_horizontal(cats) / pl.col("pop")).alias("want"),
        )
        pct = (
            records.filter(pl.col("criterion") == crit)
            .select(pl.col("kommune_kode").cast(pl.Int64), "baseline_pct")
            .join(baseline, on="kommune_kode")
        )
        if pct.height == 0 or (pct["baseline_pct"] - pct["want"]).abs().max() > 1e-9:  # type: ignore[operator]
            return False
        got = (
            records.filter((pl.col("criterion") == crit) & (pl.col("population") > 0))
            .filter(pl.col("kommune_kode").cast(pl.Int64).is_in(list(_kommune_codes())))
            .select(
                pl.col("kommune_kode").cast(pl.Int64),
                pl.col("population").cast(pl.Int64),
                pl.col("hits").cast(pl.Int64),
                *(pl.col(c).cast(pl.Int64) for c in shown),
            )
            .sort("kommune_kode")
        )
        want = (
            ref.filter(pl.col("pop") > 0)
            .select(
                pl.col("kommune_kode").cast(pl.Int64),
                pl.col("pop").cast(pl.Int64).alias("population"),
                pl.sum_horizontal(cats).cast(pl.Int64).alias("hits"),
                *(pl.col(c).cast(pl.Int64) for c in shown),
            )
            .sort("kommune_kode")
        )
        if not got.equals(want):
            return False
    return True


def end_to_end(rows: int) -> list[str]:
    """Ingest and compute through the installed CLI against DuckDB on the same Parquet
    file, back to back; table lines (ratios from this one run)."""
    import polars as pl

    from fleksmon.periods import month_code

    files = e2e_data(rows)
    lines = []
    for task, src in files.items():
        store = OUT / f"store-{task}-{rows}"
        shutil.rmtree(store, ignore_errors=True)
        n = pl.scan_parquet(src).select(pl.len()).collect().item()
        ingest = timed([_fleksmon(), "ingest", str(src), "--store", str(store)])
        duck_out = OUT / f"e2e-duckdb-{task}-{rows}.parquet"
        extra = ""
        if task == "k3":
            lo, hi = (
                pl.scan_parquet(src)
                .select(pl.col("maaned").min(), pl.col("maaned").max().alias("x"))
                .collect()
                .row(0)
            )
            args = ["-c", "3", "-p", f"{month_code(lo)}..{month_code(hi)}"]
        elif task == "k2":
            span = (
                pl.scan_parquet(src)
                .select(
                    pl.min_horizontal(pl.col("start").min(), pl.col("slut").min()).alias("lo"),
                    pl.max_horizontal(pl.col("start").max(), pl.col("slut").max()).alias("hi"),
                )
                .collect()
            )
            lo = span.item(0, 0).year * 12 + span.item(0, 0).month - 1
            hi = span.item(0, 1).year * 12 + span.item(0, 1).month - 1
            args = ["-c", "2", "-p", f"{month_code(lo + 2)}..{month_code(hi)}"]
        else:
            last = RF_START + MONTHS - 1
            args = ["-c", "R1", "-c", "R2"]
            extra = f"{24240}-{24242},{last - 2}-{last}"
        out = OUT / f"e2e-fleksmon-{task}-{rows}.{'json' if task == 'rf' else 'csv'}"
        compute = timed([_fleksmon(), "compute", *args, "--store", str(store), "-o", str(out)])
        duck = timed([sys.executable, __file__, "--duck", task, str(src), str(duck_out), extra])
        if task == "k3":
            same = same_k3(out, duck_out)
        elif task == "k2":
            same = same_k2(out, duck_out, hi)
        else:
            same = same_rf(out, duck_out)
        if not same:
            raise SystemExit(f"end to end {task} {human(rows)}: results differ")
        label = {"k3": "K3", "k2": "K2", "rf": "R1/R2"}[task]
        line = (
            f"| {label} | {human(rows)} | {n:,} | {ingest['wall']:.1f} | {ingest['rss_mb']:,.0f} | "
            f"{compute['wall']:.2f} | {compute['cpu']:.2f} | {compute['rss_mb']:,.0f} | "
            f"{duck['wall']:.2f} | {duck['cpu']:.2f} | {duck['rss_mb']:,.0f} | "
            f"{compute['wall'] / duck['wall']:.2f}× | {compute['cpu'] / duck['cpu']:.2f}× | ✓ |"
        )
        print(line, flush=True)
        lines.append(line)
    return lines


E2E_HEADER = (
    "| task | size | input rows | ingest s | ingest RSS MB | compute s | compute CPU s "
    "| compute RSS MB | DuckDB s | DuckDB CPU s | DuckDB RSS MB | fleksmon/DuckDB (wall) "
    "| fleksmon/DuckDB (CPU) | identical |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


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
    parser.add_argument("--duck", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--e2e", action="store_true", help="end to end through the installed CLI only"
    )
    args = parser.parse_args()
    if args.duck:
        task, src, out, extra = args.duck
        duck_worker(task, Path(src), Path(out), extra)
        return
    if args.e2e:
        OUT.mkdir(parents=True, exist_ok=True)
        found = []
        for rows in (int(float(s)) for s in args.sizes.split(",")):
            found += end_to_end(rows)
        table = E2E_HEADER + "\n" + "\n".join(found)
        print(table)
        if not args.no_readme:
            update_readme(table, marker="bench:e2e", keys=("K2", "K3", "R1/R2"))
        return
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
