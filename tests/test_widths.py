"""Terminal tables never cut a value: every cell whole at 80, 100 and 120 columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from fleksmon import api
from fleksmon.render.table import Grid, gap_table, series_table
from fleksmon.store import Store
from tests.conftest import K1_SEP_2019, SEP_2019, tidy

Run = Callable[..., Any]


@pytest.fixture
def k1_seven_months(store: Store) -> Store:
    """K1 counts for the nine kommuner, Mar.–Sep. 2019 and the baseline Sep. 2018."""
    rows: list[tuple[str, int, int, str, float | None]] = []
    for month in [SEP_2019 - 12, *range(SEP_2019 - 6, SEP_2019 + 1)]:
        for n, (kommune, (f, ly, *_)) in enumerate(K1_SEP_2019.items()):
            grow = 1 + (month - SEP_2019) / 100
            rows.append((kommune, month, month, "fleksjob_fuldtid", round(f * grow * 11) + n))
            rows.append((kommune, month, month, "ledighedsydelse_fuldtid", float(ly)))
    store.ingest(tidy(rows), kind="aggregate", source=tmp_name(), sha256="seven")
    return store


def tmp_name() -> Any:
    from pathlib import Path

    return Path("k1-seven.csv")


def _cells_by_area(text: str) -> dict[str, list[str]]:
    """Each area's cells, joined over the stacked tables in order (key column once)."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            out.setdefault(cells[0], []).extend(cells[1:])
    return out


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("command", ["compute", "gap"])
def test_no_value_is_cut(
    cli: Run, k1_seven_months: Store, monkeypatch: pytest.MonkeyPatch, width: int, command: str
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = cli(command, "-c", "1", "-s", str(k1_seven_months.root), "-f", "table").stdout
    assert all(cell_len(line) <= width for line in out.splitlines())
    assert "…" not in out
    result = getattr(api, command)("K1", store=k1_seven_months)
    grid = (series_table if command == "compute" else gap_table)(result)
    expected = {row[0]: row[1:] for row in grid.rows}
    assert _cells_by_area(out) == expected
    if command == "compute":
        assert len(result.periods) == 7
        assert "Sep. 2019" in out and "Mar. 2019" in out


def test_one_table_when_it_fits_else_stacked() -> None:
    grid = Grid("T", ["Område", "Andel\nSep. 2019", "Fleksjob + ledighedsydelse"])
    grid.add_row(["Frederikshavn", "88%", "13.690"])
    assert grid.min_widths() == [13, 5, 15]
    assert grid.chunks(200) == [[0, 1, 2]]
    assert grid.chunks(13 + 5 + 3 * 2 + 1) == [[0, 1], [0, 2]]
    assert grid.chunks(10) == [[0, 1], [0, 2]]


COMMANDS = [
    ["gap"],
    ["gap", "--by", "2020M12"],
    ["compute"],
    ["noegletal", "-c", "1", "-k", "Ballerup", "-p", "2019M09"],
    ["noegletal", "-c", "3", "-k", "Viborg", "-k", "Thisted", "-k", "Ringkøbing-Skjern"],
    ["overblik", "-k", "Ballerup", "-p", "2018K2"],
    ["rf", "-k", "Viborg", "-k", "Thisted", "-p", "2020K1"],
    ["rf", "--indicators", "-k", "Viborg", "-k", "Thisted", "-p", "2020K1"],
    ["store"],
    ["store", "--measures"],
]


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_whole_at_each_width(
    cli: Run, demo: Path, monkeypatch: pytest.MonkeyPatch, width: int, args: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli(*args, "-s", str(demo / "store"), "-f", "table")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "…" not in out
    assert all(cell_len(line) <= width for line in out.splitlines())
    assert "┏" in out


def test_a_table_that_fits_is_one_table(
    cli: Run, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """K2's window headers break after the dash (``Aug.–`` ``Okt. 2019``), so its report
    table is one table at 120 columns; at 80 it is two, each with the areas."""
    monkeypatch.setenv("COLUMNS", "120")
    args = ("compute", "-c", "2", "-s", str(demo / "store"), "-f", "table")
    assert cli(*args).stdout.count("┏") == 1
    monkeypatch.setenv("COLUMNS", "80")
    assert cli(*args).stdout.count("┏") == 2


def test_header_breaks_after_slash_and_dash() -> None:
    grid = Grid("T", ["Område", "Virksomhedspraktik/løntilskud", "Andel\nAug.–Okt. 2019"])
    grid.add_row(["Viborg", "1.124", "23,9 %"])
    assert grid.min_widths() == [6, 19, 6]
