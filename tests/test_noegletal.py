"""`fleksmon noegletal`: a kommune against Hele landet and the top-10 average."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fleksmon import report
from fleksmon.areas import kommuner
from fleksmon.store import Store
from tests.conftest import SEP_2019, tidy

Run = Callable[..., Any]


def _national(store: Store) -> None:
    """12 kommuner over three months; kommune i has i progressed of 100 (+ month offset)."""
    rows = []
    for month in (SEP_2019 - 2, SEP_2019 - 1, SEP_2019):
        for i, k in enumerate(kommuner()[:12]):
            rows.append((k.name, month, month, "k3_population", 100.0))
            rows.append((k.name, month, month, "k3_progression", float(i + month - SEP_2019 + 2)))
        rows.append(("Hele landet", month, month, "k3_population", 5000.0))
        rows.append(("Hele landet", month, month, "k3_progression", 1000.0))
    store.ingest(tidy(rows), kind="aggregate", source=Path("k3.csv"), sha256="k3")


def test_noegletal_series(cli: Run, store: Store) -> None:
    _national(store)
    result = cli(
        "noegletal",
        "-c",
        "3",
        "-k",
        "Ballerup",
        "-m",
        "2",
        "-p",
        "2019M09",
        "-s",
        str(store.root),
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    rows = {(r["period"], r["omraade"]): r["share_pct"] for r in json.loads(result.stdout)}
    ballerup = kommuner()[2].name
    assert ballerup == "Ballerup"
    # Ballerup is kommune no. 2: 2 + offset progressed of 100
    assert rows[("2019M08", "Ballerup")] == 3.0 and rows[("2019M09", "Ballerup")] == 4.0
    assert rows[("2019M09", "Hele landet")] == 20.0
    # the ten best of shares (i + 2) for i = 0..11 are 4..13: mean 8.5
    assert rows[("2019M09", report.TOP10)] == 8.5
    assert {p for p, _ in rows} == {"2019M08", "2019M09"}


def test_noegletal_table(cli: Run, store: Store) -> None:
    _national(store)
    result = cli(
        "noegletal", "-c", "3", "-k", "Ballerup", "-p", "2019M09", "-s", str(store.root),
        "-f", "table",
    )  # fmt: skip
    assert "Nøgletal: Succeskriterie 3: Progression" in result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("│ Sep. 2019"))
    assert [c.strip() for c in line.split("│")[1:-1]] == [
        "Sep. 2019",
        "4,0%",
        "20,0%",
        "8,5%",
        "12",
    ]


def test_noegletal_needs_a_monthly_criterion(cli: Run, store: Store) -> None:
    _national(store)
    result = cli("noegletal", "-c", "r1", "-k", "Ballerup", "-s", str(store.root))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: R1 covers one whole period; nøgletal follow a monthly measure. "
        "Use K1, K2 or K3 (or a monthly measure of your own).\n"
    )
    missing = cli("noegletal", "-c", "3", "-s", str(store.root))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("Error: noegletal needs one --criterion and at least one")
