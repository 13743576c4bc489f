"""A demo store for screenshots: synthetic K1 and K3 counts for all 98 kommuner.

The numbers are made up (a smooth drift per kommune, Sep. 2018 - Sep. 2019); they
only show what a workbook and a chart look like. Usage:

    python scripts/demo-store.py STORE_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

from fleksmon import areas
from fleksmon.periods import month_index
from fleksmon.schema import AGGREGATE
from fleksmon.store import Store

FIRST, LAST = month_index(2018, 9), month_index(2019, 9)


def rows() -> list[tuple[str, int, int, str, float]]:
    """Fleksjob/ledighedsydelse and K3 counts per kommune and month (synthetic)."""
    out = []
    for i, kommune in enumerate(areas.kommuner()):
        size = 300 + (i * 37) % 1900
        for month in range(FIRST, LAST + 1):
            t = month - FIRST
            share = 0.76 + ((i * 7) % 15) / 100 + t * 0.003 + ((i + t) % 3) * 0.004
            flex = round(size * share)
            small = size // 5
            progressed = round(small * (0.15 + ((i * 3) % 14) / 100 + t * 0.004))
            out += [
                (kommune.name, month, month, "fleksjob_fuldtid", float(flex)),
                (kommune.name, month, month, "ledighedsydelse_fuldtid", float(size - flex)),
                (kommune.name, month, month, "k3_population", float(small)),
                (kommune.name, month, month, "k3_progression", float(progressed)),
            ]
    return out


if __name__ == "__main__":
    frame = pl.DataFrame(rows(), schema=AGGREGATE, orient="row")
    Store(Path(sys.argv[1])).ingest(
        frame, kind="aggregate", source=Path("demo-syntetisk.csv"), sha256="demo-synthetic"
    )
