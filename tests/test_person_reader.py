"""Reading person-level extracts: Danish formats, kinds, exact hours, one-line errors, no CPR."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from fleksmon import synth
from fleksmon.errors import FleksmonError
from fleksmon.periods import month_index
from fleksmon.pseudonym import pseudonym
from fleksmon.readers.person import read_person
from fleksmon.schema import PERSON_KINDS

KEY = b"test-key"
CPR = re.compile(r"\d{6}-?\d{4}")


def write(tmp_path: Path, text: str, name: str = "udtraek.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def fails(path: Path, kind: str | None = None) -> str:
    with pytest.raises(FleksmonError) as err:
        read_person(path, kind, key=KEY)
    line = err.value.line()
    assert "\n" not in line
    assert path.name in line
    return line


def test_hours_csv_semicolon_bom_decimal_comma(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffCPR-nr;Kommune;Måned;Løntimer\n"
        "010190-1234;Århus;2019M11;7,50\n"
        "010190-1234;751;2019-12;136,49\n"
        "A17;Høje Taastrup;nov 2019;1.5\n",
    )
    result = read_person(path, None, key=KEY)
    assert result.kind == "fleksjob-timer"
    assert result.rows == 3
    assert result.frame.schema == pl.Schema(PERSON_KINDS["fleksjob-timer"])
    assert result.frame.rows() == [
        (pseudonym("010190-1234", KEY), 751, month_index(2019, 11), 750),
        (pseudonym("010190-1234", KEY), 751, month_index(2019, 12), 13649),
        (pseudonym("A17", KEY), 169, month_index(2019, 11), 150),
    ]


def test_cp1252_comma_separated_quoted_decimals(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'person,kommune,periode,timer\nx1,Kø­ge,2020M01,"0,05"\nx2,Tårnby,01-2020,"1.227"\n'.replace(
            "\u00ad", ""
        ),
        encoding="cp1252",
    )
    # 1.227 is one thousand two hundred and twenty-seven hours: absurd for a month.
    assert "744" in fails(path)
    ok = write(
        tmp_path, 'person,kommune,periode,timer\nx1,Tårnby,2020M01,"0,05"\n', "b.csv", "cp1252"
    )
    assert read_person(ok, None, key=KEY).frame.get_column("timer_cent").to_list() == [5]


@pytest.mark.parametrize("text", ["31-08-2019", "31.08.2019", "2019-08-31", "43708", "31/08/2019"])
def test_spell_dates_in_danish_forms(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, f"person;kommune;startdato;slutdato\np1;Aalborg;01-01-2019;{text}\n")
    result = read_person(path, None, key=KEY)
    assert result.kind == "ly-forloeb"
    assert result.frame.rows() == [
        (pseudonym("p1", KEY), 851, dt.date(2019, 1, 1), dt.date(2019, 8, 31))
    ]


def test_running_spell_and_kind_detection(tmp_path: Path) -> None:
    path = write(tmp_path, "id;kommune;start;slut\np1;101;01-01-2019;\np2;101;01-02-2019;-\n")
    frame = read_person(path, None, key=KEY).frame
    assert frame.get_column("slut").null_count() == 2
    months = write(tmp_path, "borger;kommune;periode\np1;101;2019M01\np1;101;2019M01\n", "m.csv")
    result = read_person(months, None, key=KEY)
    assert result.kind == "ly-maaneder"
    assert result.rows == 1
    assert result.warnings


def test_xlsx_with_title_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Særkørsel fleksjob, Aalborg Kommune"])
    ws.append([])
    ws.append(["CPR", "Kommune", "Periode", "Timer"])
    ws.append(["010190-1234", "Aalborg", "2019M11", 7.5])
    ws.append(["010190-1234", 851, "2019M12", "136,5"])
    path = tmp_path / "timer.xlsx"
    wb.save(path)
    result = read_person(path, None, key=KEY)
    assert result.frame.get_column("timer_cent").to_list() == [750, 13650]
    assert result.frame.get_column("kommune_kode").to_list() == [851, 851]
    ws.append(["010190-1234", 851, "2019M13", 1])
    wb.save(path)
    assert "row 6" in fails(path)


def test_parquet_in_stored_schema(tmp_path: Path) -> None:
    frame = synth.hours_panel(200, 24, seed=1, start_month=month_index(2019, 1))
    path = tmp_path / "h.parquet"
    frame.write_parquet(path)
    result = read_person(path, None, key=KEY)
    assert result.kind == "fleksjob-timer"
    assert result.frame.drop("person").equals(frame.drop("person"))


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("person;kommune;start;slut\np1;101;01-03-2019;28-02-2019\n", "row 2, column 'slut'"),
        (
            "person;kommune;start;slut\np1;101;01-01-2019;31-03-2019\np2;101;01-01-2019;\n"
            "p1;101;31-03-2019;30-06-2019\n",
            "row 4, column 'start': the spell overlaps",
        ),
        (
            "person;kommune;start;slut\np1;101;01-01-2019;\np1;101;01-06-2019;30-06-2019\n",
            "overlaps",
        ),
        ("person;kommune;start;slut\np1;101;32-01-2019;\n", "cannot read the date '32-01-2019'"),
        ("person;kommune;start;slut\np1;101;;\n", "the date is empty"),
        (
            "person;kommune;start;slut\np1;101;01-01-2219;\n",
            "row 2, column 'start': the date 01-01-2219 is outside 1900–2199",
        ),
        ("person;kommune;periode;timer\np1;101;2019M01;-1,00\n", "negative"),
        ("person;kommune;periode;timer\np1;101;2019M01;744,01\n", "744"),
        ("person;kommune;periode;timer\np1;101;2019M01;400\np1;101;2019M01;400\n", "744"),
        ("person;kommune;periode;timer\np1;101;2019M01;7\np1;751;2019M01;3\n", "two kommuner"),
        ("person;kommune;periode;timer\np1;101;2019K1;7\n", "not a single month"),
        ("person;kommune;periode;timer\np1;101;foo;7\n", "cannot read the month 'foo'"),
        ("person;kommune;periode;timer\np1;101;2019M01;syv\n", "cannot read the hours"),
        ("person;kommune;periode;timer\np1;Aalbrog;2019M01;7\n", "Aalborg"),
        ("person;kommune;periode;timer\np1;Region Hovedstaden;2019M01;7\n", "unknown kommune"),
        ("person;kommune;timer\np1;101;7\n", "no 'periode' column"),
        ("person;kommune\np1;101\n", "cannot tell the kind"),
    ],
)
def test_one_line_errors(tmp_path: Path, text: str, expect: str) -> None:
    assert expect in fails(write(tmp_path, text))


def test_missing_column_for_given_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "person;kommune;periode\np1;101;2019M01\n")
    line = fails(path, "fleksjob-timer")
    assert "no 'timer' column" in line


def test_broken_cpr_is_refused_without_echo(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cpr;kommune;periode;timer\n010190-1234;101;2019M01;7\n01019012345;101;2019M01;7\n",
    )
    line = fails(path)
    assert "row 3" in line
    assert "01019012345" not in line
    assert not CPR.search(line)


def test_no_cpr_survives_ingest(tmp_path: Path) -> None:
    cprs = [
        f"{d:02d}0{m}8{y}-{s:04d}"
        for d, m, y, s in [(1, 1, 5, 1234), (28, 2, 7, 4321), (15, 6, 1, 9)]
    ]
    lines = ["cpr;kommune;periode;timer"]
    lines += [f"{c};Aalborg;2019M{m:02d};7,5" for c in cprs for m in range(1, 13)]
    lines += [f"{c.replace('-', '')};Aalborg;2020M01;7,5" for c in cprs]
    result = read_person(write(tmp_path, "\n".join(lines) + "\n"), None, key=KEY)
    assert result.frame.get_column("person").n_unique() == 3
    out = tmp_path / "out.csv"
    result.frame.write_csv(out)
    text = out.read_text()
    assert not CPR.search(text)
    assert not any(c.split("-")[0] in text for c in cprs)
    assert not any(CPR.search(w) for w in result.warnings)


@pytest.mark.slow
def test_million_row_csv_reads_in_seconds(tmp_path: Path) -> None:
    frame = synth.hours_panel(26_000, 120, seed=5, start_month=month_index(2010, 1)).head(1_000_000)
    path = tmp_path / "big.csv"
    synth.write_danish_csv(frame, path)
    t0 = time.perf_counter()
    result = read_person(path, None, key=KEY)
    elapsed = time.perf_counter() - t0
    assert result.rows == 1_000_000
    assert result.frame.get_column("timer_cent").sum() == frame.get_column("timer_cent").sum()
    assert elapsed < 6
