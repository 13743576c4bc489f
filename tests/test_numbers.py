# ruff: noqa: E501  (each expected line is kept whole, as the user reads it)
"""The number rule: a leading 0 group is never a thousands number. ``0.125``, ``00.125``,
``0.600`` are decimals only in a file that writes decimals with a point, else refused with
the file, row and column — in aggregates (CSV, xlsx text cells) and person-level hours,
read whole or in chunks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon.errors import FleksmonError
from fleksmon.numbers import (
    DecimalMarks,
    decimal_comma_expr,
    decimal_point_expr,
    number_expr,
    parse_number,
    undecided_dot_expr,
)
from fleksmon.readers import person_stream
from fleksmon.readers.person import read_person
from fleksmon.store import parts

Run = Callable[..., Any]
KEY = b"numbers-key"
HEAD = "Område;Periode;Fleksjob, fuldtidspersoner;Ledighedsydelse, fuldtidspersoner\n"
FIX = "Write thousands with a dot (1.227) and decimals with a comma (83,5), as Jobindsats does."
HOURS = "person;kommune;periode;timer\n"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.125", 0.125),
        ("00.125", 0.125),
        ("0.600", 0.6),
        ("-0.125", -0.125),
        (".125", 0.125),
        ("1234.567", 1234.567),
        ("1.227", 1227.0),
        ("12.000.000", 12_000_000.0),
        ("1 227", 1227.0),
        ("0 125", None),
        ("0.125.000", None),
    ],
)
def test_a_leading_0_group_is_never_thousands(text: str, value: float | None) -> None:
    got = pl.select(number_expr(pl.lit(text))).item()
    assert got == value
    if value is None:
        with pytest.raises(ValueError):
            parse_number(text)


@pytest.mark.parametrize(
    ("text", "undecided", "point", "comma"),
    [
        ("0.125", True, False, False),
        ("00.125", True, False, False),
        ("0.600 %", True, False, False),
        ("1234.567", True, False, False),
        ("1.227", False, False, False),
        ("2.5", False, True, False),
        ("0.1250", False, True, False),
        (".5", False, True, False),
        ("83,5", False, False, True),
        ("1.227,5", False, False, True),
        ("2,108", False, False, False),
        ("12", False, False, False),
    ],
)
def test_what_a_cell_says_about_the_decimal_mark(
    text: str, undecided: bool, point: bool, comma: bool
) -> None:
    col = pl.lit(text)
    assert pl.select(undecided_dot_expr(col)).item() is undecided
    assert pl.select(decimal_point_expr(col)).item() is point
    assert pl.select(decimal_comma_expr(col)).item() is comma


def test_marks_gathered_in_parts_keep_the_first_rows() -> None:
    marks = DecimalMarks()
    marks.add(pl.DataFrame({"r": [7, 8], "a": ["0.600", "1,5"], "b": ["2", "3"]}), ["a", "b"], "r")
    marks.add(pl.DataFrame({"r": [3, 4], "a": ["1", "2,5"], "b": ["0.125", "9"]}), ["a", "b"], "r")
    assert (marks.point, marks.comma_row, marks.undecided) == (False, 4, (3, "b"))
    assert marks.refused() == "the file writes decimals with a comma (row 4)"
    assert DecimalMarks(point=True, undecided=(3, "b")).refused() is None
    assert DecimalMarks(undecided=(3, "b")).refused() == "no number in the file has a decimal point"
    assert DecimalMarks(point=True).refused() is None


AGGREGATES = [
    (
        "gentofte-0.125.csv",
        HEAD + "Gentofte;2019M09;401;0.125\nViborg;2019M09;2.108;289\n",
        f"gentofte-0.125.csv, row 2, column 'Ledighedsydelse, fuldtidspersoner': '0.125' is not a thousands number (its first group starts with 0), and no number in the file has a decimal point, so it is not read as a decimal either. {FIX}",
    ),
    (
        "double-zero.csv",
        HEAD + "Viborg;2019M09;2.108;289\nGentofte;2019M09;401;00.125\n",
        f"double-zero.csv, row 3, column 'Ledighedsydelse, fuldtidspersoner': '00.125' is not a thousands number (its first group starts with 0), and no number in the file has a decimal point, so it is not read as a decimal either. {FIX}",
    ),
    (
        "comma-decimals.csv",
        HEAD + "Viborg;2019M09;2108,5;289\nGentofte;2019M09;401;0.600\n",
        f"comma-decimals.csv, row 3, column 'Ledighedsydelse, fuldtidspersoner': '0.600' is not a thousands number (its first group starts with 0), and the file writes decimals with a comma (row 2: '2108,5'), so it is not read as a decimal either. {FIX}",
    ),
    (
        "point-and-comma.csv",
        HEAD + "Viborg;2019M09;2108.5;289,5\nGentofte;2019M09;401;0.125\n",
        f"point-and-comma.csv, row 3, column 'Ledighedsydelse, fuldtidspersoner': '0.125' is not a thousands number (its first group starts with 0), and the file writes decimals with a comma (row 2: '289,5'), so it is not read as a decimal either. {FIX}",
    ),
    (
        "long-first-group.csv",
        HEAD + "Viborg;2019M09;2108.567;289\n",
        f"long-first-group.csv, row 2, column 'Fleksjob, fuldtidspersoner': '2108.567' is not a thousands number (its first group has more than three digits), and no number in the file has a decimal point, so it is not read as a decimal either. {FIX}",
    ),
    (
        "zero-group-beside-thousands.csv",
        HEAD + "Viborg;2019M09;2.108;289\nThisted;2019M09;1.078;0.164\n",
        f"zero-group-beside-thousands.csv, row 3, column 'Ledighedsydelse, fuldtidspersoner': '0.164' is not a thousands number (its first group starts with 0), and no number in the file has a decimal point, so it is not read as a decimal either. {FIX}",
    ),
]


@pytest.mark.parametrize(("name", "text", "line"), AGGREGATES, ids=[a[0] for a in AGGREGATES])
def test_an_undecided_dot_is_refused_in_one_line(
    cli: Run, tmp_path: Path, name: str, text: str, line: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    result = cli("ingest", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"Error: {line}\n", "")
    assert not store.exists() or not any(store.rglob("*.parquet"))


def test_gentofte_0_125_is_a_decimal_in_a_file_with_decimal_points(
    cli: Run, tmp_path: Path
) -> None:
    path = tmp_path / "points.csv"
    path.write_text(HEAD + "Gentofte;2019M09;401.5;0.125\nViborg;2019M09;2108;289.25\n")
    store = tmp_path / "store"
    assert cli("ingest", str(path), "--store", str(store)).exit_code == 0
    result = cli("gap", "-c", "1", "-k", "Gentofte", "--store", str(store), "-f", "json")
    (record,) = json.loads(result.stdout)
    assert (record["population"], record["hits"], record["met"]) == (401.625, 401.5, True)


HOURS_BAD = [
    (
        HOURS + "p1;101;2019M01;0.600\np1;101;2019M02;7\n",
        "udtraek.csv: row 2, column 'timer': a dot before three digits is not a thousands separator here (the first group is 0 or longer than three digits), and no number in the file has a decimal point, so the number is not read as a decimal either. Write decimals with a comma (0,600) or the same way in the whole file.",
    ),
    (
        HOURS + "p1;101;2019M01;7,50\np1;101;2019M02;0.600\n",
        "udtraek.csv: row 3, column 'timer': a dot before three digits is not a thousands separator here (the first group is 0 or longer than three digits), and the file writes decimals with a comma (row 2), so the number is not read as a decimal either. Write decimals with a comma (0,600) or the same way in the whole file.",
    ),
]


@pytest.mark.parametrize(("text", "line"), HOURS_BAD, ids=["no-point", "comma"])
def test_hours_0_600_refused_where_the_file_has_no_decimal_point(
    tmp_path: Path, text: str, line: str
) -> None:
    path = tmp_path / "udtraek.csv"
    path.write_text(text)
    with pytest.raises(FleksmonError) as whole:
        read_person(path, None, key=KEY)
    assert whole.value.line() == line
    with pytest.raises(FleksmonError) as streamed:
        person_stream.stage_person(path, None, key=KEY, folder=tmp_path / "staged")
    assert streamed.value.line() == line


def test_hours_0_600_are_36_minutes_in_a_file_with_decimal_points(tmp_path: Path) -> None:
    path = tmp_path / "udtraek.csv"
    path.write_text(HOURS + "p1;101;2019M01;0.600\np1;101;2019M02;7.5\np1;101;2019M03;00.125\n")
    frame = read_person(path, None, key=KEY).frame
    assert frame.get_column("timer_cent").to_list() == [60, 750, 13]


def test_streamed_chunks_decide_for_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decimal point in a later chunk allows 0.600 in the first; a comma in a later
    chunk refuses it, naming the first chunk's row."""
    monkeypatch.setattr(person_stream, "CHUNK_ROWS", 2)
    monkeypatch.setattr(parts, "PART_ROWS", 8_000)
    rows = "".join(f"p{i};101;2019M0{m};7\n" for i in range(3) for m in (1, 2))
    path = tmp_path / "udtraek.csv"
    path.write_text(HOURS + "p9;101;2019M01;0.600\n" + rows + "p8;101;2019M01;7.5\n")
    staged = person_stream.stage_person(path, None, key=KEY, folder=tmp_path / "a")
    assert staged.summary["rows"] == 8
    path.write_text(HOURS + "p9;101;2019M01;0.600\n" + rows + "p8;101;2019M01;7,5\n")
    with pytest.raises(FleksmonError) as err:
        person_stream.stage_person(path, None, key=KEY, folder=tmp_path / "b")
    assert "row 2, column 'timer'" in err.value.message
    assert "(row 9)" in err.value.message


def test_a_parquet_float_column_is_not_text(tmp_path: Path) -> None:
    """Hours stored as numbers (0.6 as a float) are numbers, not text to decide on."""
    path = tmp_path / "udtraek.parquet"
    pl.DataFrame(
        {"person": ["p1"], "kommune": ["101"], "periode": ["2019M01"], "timer": [0.6]}
    ).write_parquet(path)
    assert read_person(path, None, key=KEY).frame.get_column("timer_cent").to_list() == [60]
