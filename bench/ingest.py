"""Ingest against the plain polars plan: `fleksmon ingest` of a person-level file (every check
included) next to a plain read, pseudonymize (HMAC-SHA256 per distinct id in a Python
loop), sort and write of the same file, each in its own process; ratios from one run.

    python bench/ingest.py --rows 10e6            # hours panel and ly-forloeb, Parquet and CSV
    python bench/ingest.py --rows 100e6 --only hours-parquet --arrival   # peak RSS at 100M

Writes the table between the ``bench:ingest`` markers of bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import platform
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import e2e  # noqa: E402  (bench/e2e.py: the panels, timing and the key)
import run  # noqa: E402  (bench/run.py: the chunked hours panel, for the arrival order)

SORT = {"hours": ["person", "maaned"], "spells": ["person", "start"]}
KINDS = {"hours": "fleksjob-timer", "spells": "ly-forloeb"}


def plain(src: Path, out: Path, task: str) -> None:
    """The plain plan: read, HMAC each distinct id once in a Python loop, sort, write."""
    import polars as pl

    key = e2e.KEY.encode()
    if src.suffix == ".csv":
        frame = pl.read_csv(src, separator=";", schema_overrides={"person": pl.String})
    else:
        frame = pl.read_parquet(src)
    ids = frame.get_column("person").cast(pl.String).unique()
    hashed = [
        int.from_bytes(hmac.new(key, v.encode(), hashlib.sha256).digest()[:8], "big")
        for v in ids.to_list()
    ]
    lookup = pl.DataFrame({"person": ids, "_p": pl.Series(hashed, dtype=pl.UInt64)})
    frame = frame.with_columns(pl.col("person").cast(pl.String)).join(lookup, on="person")
    frame = frame.with_columns(pl.col("_p").alias("person")).drop("_p")
    order = [c if c in frame.columns else "periode" for c in SORT[task]]
    frame.sort(order).write_parquet(out)


def inputs(rows: int, arrival: bool) -> dict[str, Path]:
    """The hours panel and the ly-forloeb extract of ``rows`` rows, as Parquet and CSV
    (written once; ``arrival``: the panel in the order the generator writes it)."""
    import polars as pl

    from fleksmon import synth

    files = e2e.make_files(rows, run.DATA)
    out = {"hours-parquet": files["K3"], "spells-parquet": files["K2"]}
    if arrival:
        hours_dir, _ = run.make_data(rows)
        target = run.DATA / f"hours-arrival-{rows}.parquet"
        if not target.exists():
            pl.scan_parquet(sorted(hours_dir.glob("*.parquet"))).sink_parquet(target)
        out = {"hours-parquet": target}
    for name, path in list(out.items()):
        csv = path.with_suffix(".csv")
        if not csv.exists():
            synth.write_danish_csv(pl.read_parquet(path), csv)
        out[name.replace("parquet", "csv")] = csv
    return out


def measure(rows: int, only: list[str], arrival: bool) -> list[str]:
    """One table row per input: fleksmon ingest and the plain plan, wall time and peak RSS."""
    lines = [
        f"Machine: {platform.machine()}, 2 cores, Python {platform.python_version()}; "
        f"polars threads {e2e.THREADS}.",
        "",
        "| input | rows | ingest s | ingest CPU s | ingest RSS MB | plain s | plain CPU s "
        "| plain RSS MB | ingest/plain (wall) | ingest/plain (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    run.OUT.mkdir(parents=True, exist_ok=True)
    for name, src in inputs(rows, arrival).items():
        if only and name not in only:
            continue
        task = name.split("-")[0]
        store = run.OUT / "ingest-store"
        shutil.rmtree(store, ignore_errors=True)
        started = time.perf_counter()
        mine = e2e.timed(
            [e2e._fleksmon(), "ingest", str(src), "--kind", KINDS[task], "--store", str(store)]
        )
        shutil.rmtree(store, ignore_errors=True)
        out = run.OUT / "plain.parquet"
        base = e2e.timed([sys.executable, __file__, "--plain", str(src), str(out), task])
        out.unlink(missing_ok=True)
        count = _rows(src)
        print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
        lines.append(
            f"| {name} | {count:,} | {mine['wall']:.1f} | {mine['cpu']:.1f} "
            f"| {mine['rss_mb']:,.0f} | {base['wall']:.1f} | {base['cpu']:.1f} "
            f"| {base['rss_mb']:,.0f} | {mine['wall'] / base['wall']:.2f}× "
            f"| {mine['cpu'] / base['cpu']:.2f}× |"
        )
    return lines


def _rows(path: Path) -> int:
    import polars as pl

    scan = pl.scan_csv(path, separator=";") if path.suffix == ".csv" else pl.scan_parquet(path)
    return int(scan.select(pl.len()).collect().item())


def update_readme(lines: list[str]) -> None:
    readme = HERE / "README.md"
    text = readme.read_text("utf-8")
    start, end = "<!-- bench:ingest -->", "<!-- /bench:ingest -->"
    block = "\n".join([start, *lines, end])
    if start in text:
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    readme.write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=float, default=10e6, help="rows of each input")
    parser.add_argument("--only", action="append", default=[], help="e.g. hours-csv")
    parser.add_argument("--arrival", action="store_true", help="the panel in arrival order")
    parser.add_argument("--no-readme", action="store_true", help="do not update README.md")
    parser.add_argument("--plain", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        plain(Path(args.plain[0]), Path(args.plain[1]), args.plain[2])
        return
    lines = measure(int(args.rows), args.only, args.arrival)
    print("\n".join(lines))
    if not args.no_readme:
        update_readme(lines)


if __name__ == "__main__":
    main()
