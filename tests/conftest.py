"""Shared fixtures: the published K1 counts, a store, and a CLI runner with pinned width."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from fleksmon.periods import month_index
from fleksmon.pseudonym import pseudonymize
from fleksmon.schema import AGGREGATE, PERSON_KINDS
from fleksmon.store import Store

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"
"""The published reports (copied from the project's shared material; a clone has no ../shared)."""

# Oct-2019 report, Succeskriterie 1, Sep. 2019: F, L, and the published share %, %-point, persons.
K1_SEP_2019 = {
    "Gentofte": (401, 48, 89, 1, 3),
    "Frederikshavn": (1206, 163, 88, 2, 26),
    "Viborg": (2108, 289, 88, 2, 49),
    "Thisted": (1078, 164, 87, 3, 40),
    "Tønder": (577, 102, 85, 5, 34),
    "Faxe": (659, 143, 82, 8, 63),
    "Albertslund": (359, 84, 81, 9, 40),
    "Stevns": (365, 92, 80, 10, 46),
    "Ballerup": (512, 132, 80, 10, 68),
}
SEP_2019 = month_index(2019, 9)


TEST_KEY = b"test-key"
"""The pseudonymization key of hand-built person rows."""


def person_frame(rows: Any, kind: str) -> pl.DataFrame:
    """Hand-built person rows with readable ids, in the stored schema (ids pseudonymized)."""
    schema = {**PERSON_KINDS[kind], "person": pl.String()}
    return pseudonymize(pl.DataFrame(rows, schema=schema, orient="row"), TEST_KEY)


def tidy(rows: list[tuple[str, int, int, str, float | None]]) -> pl.DataFrame:
    """A tidy aggregate frame from (kommune, fra, til, maaling, vaerdi) tuples."""
    return pl.DataFrame(rows, schema=AGGREGATE, orient="row")


def k1_rows() -> list[tuple[str, int, int, str, float | None]]:
    """The published K1 counts for Sep. 2019 as tidy rows."""
    rows: list[tuple[str, int, int, str, float | None]] = []
    for kommune, (f, ly, *_) in K1_SEP_2019.items():
        rows.append((kommune, SEP_2019, SEP_2019, "fleksjob_fuldtid", float(f)))
        rows.append((kommune, SEP_2019, SEP_2019, "ledighedsydelse_fuldtid", float(ly)))
    return rows


@pytest.fixture
def k1_frame() -> pl.DataFrame:
    return tidy(k1_rows())


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


@pytest.fixture
def k1_store(store: Store, k1_frame: pl.DataFrame) -> Store:
    store.ingest(k1_frame, kind="aggregate", source=Path("k1.csv"), sha256="k1")
    return store


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a copy of examples/ and a store ``store`` with all of them loaded
    (the K1 counts, the synthetic persons, the Jobcenteroverblik download)."""
    import shutil

    from fleksmon.cli.app import app

    folder = tmp_path_factory.mktemp("demo")
    shutil.copytree(ROOT / "examples", folder / "examples")
    persons = [
        f"examples/persons/{n}.csv" for n in ("fleksjob-timer", "ly-forloeb", "ressourceforloeb")
    ]
    loads = [
        ["examples/k1-sep-2019.csv", *persons],
        ["examples/overblik-ballerup-2018k2.csv", "--kind", "overblik"],
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("FLEKSMON_KEY", "demo-key")
        for args in loads:
            result = CliRunner().invoke(app, ["ingest", *args, "--store", "store"])
            assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Run the CLI with a pinned terminal width and no colour."""
    from fleksmon.cli.app import app

    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FLEKSMON_STORE", raising=False)
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return run
