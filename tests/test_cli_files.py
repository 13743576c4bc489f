"""Files the CLI writes: ``-o`` in every format, its errors, and ``fleksmon synth``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api, synth
from fleksmon.periods import month_index
from fleksmon.store import Store

Run = Callable[..., Any]


@pytest.mark.parametrize("suffix", [".csv", ".txt", ".json", ".table"])
def test_output_format_follows_the_file_name(
    cli: Run, k1_store: Store, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"gap{suffix}"
    result = cli("gap", "-c", "1", "-k", "Viborg", "-s", str(k1_store.root), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", f"Wrote {out}\n")
    text = out.read_text("utf-8")
    library = api.gap("K1", kommuner=["Viborg"], store=k1_store).records
    if suffix == ".json":
        assert json.loads(text) == library.to_dicts()
    elif suffix in (".csv", ".txt"):
        assert pl.read_csv(out.as_posix()).row(0, named=True)["gap_persons"] == 49
        assert text.splitlines()[0].startswith("kommune,kommune_kode,criterion,")
    else:
        assert "Viborg" in text and "87,9%" in text and "\x1b[" not in text


def test_output_to_a_missing_folder_is_one_line(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "gap.csv"
    before = sorted(p.name for p in k1_store.root.rglob("*"))
    result = cli("gap", "-c", "1", "-s", str(k1_store.root), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: cannot write {out} (No such file or directory). Pick another -o path.\n"
    )
    assert result.stdout == "" and not out.exists()
    assert sorted(p.name for p in k1_store.root.rglob("*")) == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_noegletal_frame_to_a_file(cli: Run, store: Store, tmp_path: Path, fmt: str) -> None:
    from tests.test_noegletal import _national

    _national(store)
    out = tmp_path / f"n.{fmt}"
    args = ("noegletal", "-c", "3", "-k", "Ballerup", "-m", "2", "-p", "2019M09")
    args += ("-s", str(store.root))
    result = cli(*args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    piped = cli(*args, "-f", fmt)
    assert out.read_text("utf-8") == piped.stdout
    assert result.stdout == ""


def test_noegletal_table_to_a_file(cli: Run, store: Store, tmp_path: Path) -> None:
    from tests.test_noegletal import _national

    _national(store)
    out = tmp_path / "n.table"
    args = ("noegletal", "-c", "3", "-k", "Ballerup", "-p", "2019M09", "-s", str(store.root))
    result = cli(*args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    line = next(x for x in out.read_text("utf-8").splitlines() if x.startswith("│ Sep. 2019"))
    assert [c.strip() for c in line.split("│")[1:-1]] == [
        "Sep. 2019",
        "4,0%",
        "20,0%",
        "8,5%",
        "12",
    ]


START = month_index(2015, 1)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("ly-forloeb", lambda: synth.ly_spells(400, 24, 5, START)),
        ("ly-maaneder", lambda: synth.ly_months(synth.ly_spells(400, 24, 5, START), START + 23)),
        ("fleksjob-timer", lambda: synth.hours_panel(400, 24, 5, START)),
    ],
)
def test_synth_parquet_equals_the_library(
    cli: Run, tmp_path: Path, kind: str, expected: Callable[[], pl.DataFrame]
) -> None:
    out = tmp_path / "sub" / f"{kind}.parquet"
    result = cli(
        "synth", kind, str(out), "--persons", "400", "--months", "24", "--seed", "5",
        "--start", "2015M01",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    panel = expected()
    assert pl.read_parquet(out).equals(panel)
    rows = f"{panel.height:,}".replace(",", ".")
    assert result.stderr == f"Wrote {rows} rows ({kind}) to {out}\n"


def test_synth_directory_is_a_chunked_hours_panel(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "panel"
    result = cli("synth", "fleksjob-timer", str(out), "--persons", "300", "--months", "12")
    assert result.exit_code == 0, result.stderr
    files = sorted(out.glob("*.parquet"))
    assert result.stderr == f"Wrote {len(files)} Parquet files to {out}\n"
    assert pl.read_parquet(files).equals(synth.hours_panel(300, 12, 1, START))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["rf", "x.csv"],
            "Error: unknown synthetic kind 'rf'. "
            "Use one of fleksjob-timer, ly-forloeb, ly-maaneder, ressourceforloeb.\n",
        ),
        (
            ["ly-forloeb", "x.xlsx"],
            "Error: cannot write x.xlsx. Give a .parquet or .csv file, or a directory.\n",
        ),
        (
            ["ly-forloeb", "folder"],
            "Error: a chunked (directory) panel is only for fleksjob-timer. "
            "Give a .parquet or .csv file.\n",
        ),
        (
            ["ly-forloeb", "x.csv", "--start", "2015M13"],
            "Error: unknown period '2015M13'. Write a month as 2019M11, 2019-11 or 'nov 2019', "
            "a quarter as 2018K3, or a range as 2019M09..2019M11.\n",
        ),
    ],
)
def test_synth_errors_are_one_line(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("synth", *args, "--persons", "10")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert list(tmp_path.iterdir()) == []
