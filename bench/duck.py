"""Run one reference query (``bench/reference/*.sql``) in DuckDB, two threads, result to Parquet.

Usage::

    python bench/duck.py k3 PANEL.parquet OUT.parquet
    python bench/duck.py k2 SPELLS.parquet OUT.parquet FIRST LAST   # window ends, 2012M03
    python bench/duck.py r1r2 RF.parquet OUT.parquet QUARTER        # 2020K1

This is the DuckDB side of ``python bench/run.py --e2e``: a fresh process that imports
only DuckDB, as the fleksmon side is a fresh ``fleksmon compute``. The queries are the
plain plans a competent analyst would write, copied verbatim; only ``{src}`` (the
file, its columns named as the query expects) and the period parameters are filled in.
"""

from __future__ import annotations

import sys
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"
THREADS = 2
MEMORY = "6GB"


def _month(code: str) -> tuple[int, int]:
    """``2012M03`` → (2012, 3)."""
    year, month = code.split("M")
    return int(year), int(month)


def query(task: str, src: str, params: list[str]) -> str:
    """The reference query of ``task`` for the Parquet file ``src``."""
    sql = (REFERENCE / f"{task}.sql").read_text(encoding="utf-8")
    if task == "k3":
        table = (
            "(SELECT person, kommune_kode AS kommune, maaned AS month, timer_cent AS hours "
            f"FROM read_parquet('{src}'))"
        )
        return sql.replace("{src}", table)
    if task == "k2":
        (y1, m1), (y2, m2) = _month(params[0]), _month(params[1])
        table = f"(SELECT kommune_kode AS kommune, start, slut FROM read_parquet('{src}'))"
        return (
            sql.replace("{src}", table)
            .replace("{first}", f"{y1}-{m1:02d}-01")
            .replace("{last}", f"{y2}-{m2:02d}-01")
        )
    year, quarter = params[0].split("K")
    months = [int(quarter) * 3 - 2 + i for i in range(3)]
    codes = {f"{{m{i + 1}}}": f"{year}M{m:02d}" for i, m in enumerate(months)}
    text = sql.replace("{src}", f"read_parquet('{src}')")
    for name, code in codes.items():
        text = text.replace(name, code)
    return text.replace("{M}", str(int(year) * 12 + months[-1] - 1))


def main(argv: list[str]) -> None:
    import duckdb

    task, src, out, *params = argv
    con = duckdb.connect()
    con.execute(f"SET threads={THREADS}; SET memory_limit='{MEMORY}'")
    body = query(task, src, params).strip().rstrip(";")
    con.execute(f"COPY ({body}) TO '{out}' (FORMAT parquet)")


if __name__ == "__main__":
    main(sys.argv[1:])
