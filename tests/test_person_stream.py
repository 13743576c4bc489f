"""Streaming person-level ingest: chunks and person parts give exactly what reading the
whole file gives, and errors name the file's first offending row."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from fleksmon.errors import FleksmonError
from fleksmon.ingest import _person_summary
from fleksmon.readers import person_stream
from fleksmon.readers.person import read_person
from fleksmon.store import parts
from fleksmon.synth import hours_panel, ly_spells, write_danish_csv

KEY = b"stream-key"
START = 2018 * 12


@pytest.fixture(autouse=True)
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 5.000 rows, at most 6.000 rows held before they are spilled to disk, and
    parts of at most 8.000 rows: many of each."""
    monkeypatch.setattr(person_stream, "CHUNK_ROWS", 5_000)
    monkeypatch.setattr(person_stream, "HELD_ROWS", 6_000)
    monkeypatch.setattr(parts, "PART_ROWS", 8_000)


def stage(path: Path, tmp_path: Path) -> person_stream.StagedExtract:
    return person_stream.stage_person(path, None, key=KEY, folder=tmp_path / "staged")


def staged_frame(extract: person_stream.StagedExtract) -> pl.DataFrame:
    files = [extract.staged.folder / parts.part_name(i) for i in range(extract.staged.parts)]
    return pl.read_parquet(files)


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_streamed_parts_equal_the_whole_file(tmp_path: Path, suffix: str) -> None:
    panel = hours_panel(1500, 40, seed=3, start_month=START)
    path = tmp_path / f"timer.{suffix}"
    if suffix == "csv":
        write_danish_csv(panel, path)
    else:
        panel.write_parquet(path)
    progress: list[tuple[int, int | None]] = []
    extract = person_stream.stage_person(
        path, None, key=KEY, folder=tmp_path / "staged", progress=lambda *a: progress.append(a)
    )
    whole = read_person(path, None, key=KEY)
    assert extract.staged.parts == 4 and extract.kind == whole.kind
    got = staged_frame(extract)
    assert got.sort(pl.all()).equals(whole.frame.sort(pl.all()))
    assert extract.summary == _person_summary(whole.frame, whole.kind)
    assert extract.warnings == whole.warnings
    assert len(progress) > 3 and progress[-1][0] == panel.height
    assert sorted(p.name for p in (tmp_path / "staged").iterdir()) == [
        "keys.parquet",
        *(parts.part_name(i) for i in range(4)),
    ]


def _two_kommuner(tmp_path: Path, rows: list[int]) -> Path:
    """An hours panel in which the persons at the given 0-based rows get a second row in
    another kommune for the same month, appended at the end of the file."""
    panel = hours_panel(1500, 40, seed=3, start_month=START)
    extra = panel[rows].with_columns(
        pl.when(pl.col("kommune_kode") == 101)
        .then(147)
        .otherwise(101)
        .cast(pl.Int16)
        .alias("kommune_kode")
    )
    path = tmp_path / "timer.csv"
    write_danish_csv(pl.concat([panel, extra]), path)
    return path


def test_history_error_names_the_first_offending_row_of_the_file(tmp_path: Path) -> None:
    path = _two_kommuner(tmp_path, [14_000, 30, 9_000])
    with pytest.raises(FleksmonError) as streamed:
        stage(path, tmp_path)
    with pytest.raises(FleksmonError) as whole:
        read_person(path, None, key=KEY)
    assert str(streamed.value) == str(whole.value)
    assert "row 32, column 'kommune': the person is in two kommuner" in str(streamed.value)


def test_overlapping_spells_found_in_any_part(tmp_path: Path) -> None:
    spells = ly_spells(2000, 36, seed=2, start_month=START)
    # The same start and a day longer: an overlapping spell, not a repeated one.
    late = spells[[3_000]].with_columns(
        pl.col("slut").fill_null(pl.col("start")) + pl.duration(days=1)
    )
    path = tmp_path / "forloeb.csv"
    write_danish_csv(pl.concat([spells, late]), path)
    with pytest.raises(FleksmonError) as streamed:
        stage(path, tmp_path)
    with pytest.raises(FleksmonError) as whole:
        read_person(path, None, key=KEY)
    assert str(streamed.value) == str(whole.value)
    assert "overlaps another spell" in str(streamed.value)


def test_a_bad_cell_in_a_late_chunk_is_named(tmp_path: Path) -> None:
    panel = hours_panel(1500, 40, seed=3, start_month=START)
    path = tmp_path / "timer.csv"
    write_danish_csv(panel, path)
    lines = path.read_text("utf-8").splitlines()
    cells = lines[12_345].split(";")
    cells[1] = "Atlantis"
    lines[12_345] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(
        FleksmonError, match="row 12346, column 'kommune': not one of the 98 kommuner"
    ):
        stage(path, tmp_path)


@pytest.mark.parametrize("kind", ["fleksjob-timer", "ly-forloeb"])
def test_part_order_is_the_sort_by_keys_and_row(kind: str) -> None:
    """Two one-key sorts give exactly the order of one sort by the part's keys and the row."""
    import numpy as np

    rng = np.random.default_rng(7)
    n = 20_000
    frame = pl.DataFrame(
        {
            "person": rng.integers(0, 50, n, dtype=np.uint64) * (2**58),
            "maaned": rng.integers(24_000, 24_006, n).astype(np.int32),
            "kommune_kode": rng.choice(np.array([101, 791, 860], dtype=np.int16), n),
            "start": pl.Series(rng.integers(10_000, 10_004, n).astype(np.int32)).cast(pl.Date),
            "_row": rng.permutation(n).astype(np.int64) + 2**36,
        }
    )
    keys = [*parts.SORT_KEYS[kind], "_row"]
    assert person_stream._in_order(frame, kind).equals(frame.sort(keys))
