"""The committee paper for all 98 kommuner: `fleksmon report` end to end against its budget.

The issue's bar: the paper for 98 kommuner in under 10 s on 2 cores. This builds a
store once (bench/data/report-<persons>/, git-ignored) with 98 kommuners' data — K1
counts per kommune and month (the shape of scripts/demo-store.py over five years) and
synthetic person-level extracts from `fleksmon.synth` for K2 (ledighedsydelse spells)
and K3 (monthly hours), loaded with `fleksmon ingest` — then times, each in a fresh
process with two threads (POLARS_MAX_THREADS=2):

- `fleksmon report` with every criterion, all kommuner and `--by` (the whole command:
  start-up, imports, computing, charts and writing the .docx), wall and CPU time;
- the same steps inside one process: building the content model (the figures) and
  writing the Word document (tables, charts at 300 dpi, save).

It checks the document (a report table of 98 kommuner, the 5 regions and Hele landet per
criterion)
and writes the result as ratios to the 10 s budget between the ``bench:report`` markers
of bench/README.md.

    python bench/report.py                      # 100.000 persons over 60 months
    python bench/report.py --persons 300000     # a larger panel
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUDGET = 10.0
KEY = "bench-report-key"
FIRST, MONTHS = 2015 * 12, 60
DEADLINE = "2020M12"


def k1_rows() -> object:
    """K1 counts for all 98 kommuner and every month (a smooth drift per kommune)."""
    import polars as pl

    from fleksmon import areas
    from fleksmon.schema import AGGREGATE

    rows = []
    for i, kommune in enumerate(areas.kommuner()):
        size = 300 + (i * 37) % 1900
        for t in range(MONTHS):
            month = FIRST + t
            share = 0.76 + ((i * 7) % 15) / 100 + t * 0.002 + ((i + t) % 3) * 0.004
            flex = round(size * min(share, 0.97))
            rows += [
                (kommune.name, month, month, "fleksjob_fuldtid", float(flex)),
                (kommune.name, month, month, "ledighedsydelse_fuldtid", float(size - flex)),
            ]
    return pl.DataFrame(rows, schema=AGGREGATE, orient="row")


def store(persons: int) -> Path:
    """The store of 98 kommuners' K1 counts and K2/K3 person-level extracts (made once)."""
    from fleksmon import synth
    from fleksmon.store import Store

    folder = HERE / "data" / f"report-{persons}"
    done = folder / "store" / "manifest.json"
    if done.exists():
        return folder / "store"
    folder.mkdir(parents=True, exist_ok=True)
    Store(folder / "store").ingest(
        k1_rows(),  # type: ignore[arg-type]
        kind="aggregate",
        source=Path("k1-98-kommuner.csv"),
        sha256="bench-k1",
    )
    hours = folder / "fleksjob-timer.parquet"
    spells = folder / "ly-forloeb.parquet"
    synth.hours_panel(persons, MONTHS, 1, FIRST).write_parquet(hours)
    synth.ly_spells(persons // 2, MONTHS, 1, FIRST).write_parquet(spells)
    for path, kind in ((hours, "fleksjob-timer"), (spells, "ly-forloeb")):
        subprocess.run(
            [*fleksmon(), "ingest", str(path), "--kind", kind, "--store", str(folder / "store")],
            check=True,
            env=environment(),
            stdout=subprocess.DEVNULL,
        )
    return folder / "store"


def fleksmon() -> list[str]:
    """The installed command."""
    return [str(Path(sys.executable).with_name("fleksmon"))]


def environment() -> dict[str, str]:
    return {**os.environ, "POLARS_MAX_THREADS": "2", "FLEKSMON_KEY": KEY}


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of a fresh process, and what it wrote on stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=environment(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout + done.stderr


STEPS = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from fleksmon.paper import fleksjob, word
from fleksmon.selection import resolve
t1 = time.perf_counter()
sel = resolve(store=Path(sys.argv[1]))
query = sel.query()
paper = fleksjob.paper(fleksjob.criteria_ids(query), query, by=sys.argv[3])
t2 = time.perf_counter()
word.write(paper, Path(sys.argv[2]))
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "model": t2 - t1, "word": t3 - t2}))
"""


def check(path: Path) -> list[int]:
    """Each report table's rows below its headers (98 kommuner, 5 regions, Hele landet)."""
    import docx

    doc = docx.Document(str(path))
    return [len(t.rows) - 2 for t in doc.tables if t.rows[0].cells[1].text == "Baseline"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    folder = store(args.persons)
    out = HERE / "data" / "rapport-98.docx"
    command = [*fleksmon(), "report", str(out), "--store", str(folder), "--by", DEADLINE]
    wall, cpu, said = timed(command)
    rows = check(out)
    if rows != [104] * len(rows) or not rows:
        raise SystemExit(
            f"the report tables have {rows} rows, not 98 kommuner, 5 regions and Hele landet"
        )
    _, _, printed = timed([sys.executable, "-c", STEPS, str(folder), str(out), DEADLINE])
    steps = json.loads(printed.strip().splitlines()[-1])
    size = out.stat().st_size / 1e6
    rows_of = [
        ("`fleksmon report` (98 kommuner, K1–K3, `--by`), wall", wall),
        ("… CPU (user + system)", cpu),
        ("in one process: imports", steps["imports"]),
        ("… the content model (every figure)", steps["model"]),
        ("… the Word document (tables, 3 charts, save)", steps["word"]),
    ]
    persons = f"{args.persons:,}".replace(",", ".")
    wrote = said.strip().replace(str(out), out.name)
    table = [
        "| what | seconds | ratio to the 10 s budget |",
        "|---|---:|---:|",
        *(f"| {what} | {s:.2f} | {s / BUDGET:.2f} |" for what, s in rows_of),
        "",
        f"{persons} persons over {MONTHS} months (K3 hours, K2 spells of half as many "
        f"persons) and K1 counts, all 98 kommuner; {len(rows)} report tables of 98 kommuner, "
        f"5 regions and Hele landet; the document {size:.1f} MB. {wrote}. "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, one run.",
    ]
    print("\n".join(table))
    readme = HERE / "README.md"
    text = readme.read_text("utf-8")
    start, end = "<!-- bench:report -->", "<!-- /bench:report -->"
    if start in text:
        head, rest = text.split(start, 1)
        text = head + start + "\n" + "\n".join(table) + "\n" + end + rest.split(end, 1)[1]
        readme.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
