"""Reading person-level extracts: Danish formats, kinds, exact hours, one-line errors, no CPR."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from fleksmon import synth
from fleksmon.errors import FleksmonError
from fleksmon.periods import month_index
from fleksmon.pseudonym import pseudonym
from fleksmon.readers.person import read_person
from fleksmon.readers.person_stream import stage_person
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


SPELLS = "person;kommune;start;slut\n"
HOURS = "person;kommune;periode;timer\n"
DATES = "Write dates as 31-08-2019, 31.08.2019 or 2019-08-31."
MONTHS = "Write months as 2019M11, 2019-11 or nov 2019."
OVERLAP = (
    "the spell overlaps another spell of the same person. Merge or correct the person's "
    "spells (a running spell must be the last one)."
)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            SPELLS + "p1;101;01-03-2019;28-02-2019\n",
            "row 2, column 'slut': the spell ends before it starts. Correct start or slut.",
        ),
        (
            SPELLS + "p1;101;01-01-2019;31-03-2019\np2;101;01-01-2019;\n"
            "p1;101;31-03-2019;30-06-2019\n",
            "row 4, column 'start': " + OVERLAP,
        ),
        (
            SPELLS + "p1;101;01-01-2019;\np1;101;01-06-2019;30-06-2019\n",
            "row 3, column 'start': " + OVERLAP,
        ),
        (SPELLS + "p1;101;32-01-2019;\n", "row 2, column 'start': cannot read the date. " + DATES),
        (
            SPELLS + "p1;101;;\n",
            "row 2, column 'start': the date is empty. Every spell needs a start date.",
        ),
        (
            SPELLS + "p1;101;01-01-2219;\n",
            "row 2, column 'start': the date is more than 12 months after today. Correct the "
            "date (a typo in the year?).",
        ),
        (
            HOURS + "p1;101;2019M01;-1,00\n",
            "row 2, column 'timer': hours are negative. Correct the hours (0 or more).",
        ),
        (
            HOURS + "p1;101;2019M01;744,01\n",
            "row 2, column 'timer': more than 744 hours in a month. "
            "Give monthly hours (not yearly totals or minutes).",
        ),
        (
            HOURS + "p1;101;2019M01;400\np1;101;2019M01;400\n",
            "row 2, column 'timer': the person's rows of this month add up to more than 744 "
            "hours. Check for duplicated rows.",
        ),
        (
            HOURS + "p1;101;2019M01;7\np1;751;2019M01;3\n",
            "row 2, column 'kommune': the person is in two kommuner in the same month. "
            "Give each person one kommune a month.",
        ),
        (HOURS + "p1;101;2019K1;7\n", "row 2, column 'periode': not a single month. " + MONTHS),
        (HOURS + "p1;101;foo;7\n", "row 2, column 'periode': cannot read the month. " + MONTHS),
        (
            HOURS + "p1;101;2019M01;syv\n",
            "row 2, column 'timer': cannot read the hours. "
            "Write hours as 7,50 or 7.5 (decimal comma or point).",
        ),
        (
            HOURS + "p1;Aalbrog;2019M01;7\n",
            "row 2, column 'kommune': not one of the 98 kommuner. Did you mean Aalborg, "
            "Kalundborg, Allerød? Give the kommune by name or DST code.",
        ),
        (
            HOURS + "p1;Region Hovedstaden;2019M01;7\n",
            "row 2, column 'kommune': not one of the 98 kommuner but a region. "
            "Give the kommune by name or DST code.",
        ),
        (
            "person;kommune;timer;note\np1;101;7;x\n",
            "no 'periode' column for a fleksjob-timer extract (recognized: person, kommune, "
            "timer; 1 other column). Add the column or rename it; accepted names: periode, "
            "maaned, month, period, md.",
        ),
        (
            "person;kommune\np1;101\n",
            "cannot tell the kind of extract from its columns (recognized: person, kommune). "
            "Name the columns person, kommune and periode/timer or start/slut, or pass --kind.",
        ),
        (
            "kommune;person;periode;timer\n010190-1234;Viborg;2019M01;7\n",
            "row 2, column 'kommune': a person identifier where the kommune belongs. "
            "Check that the columns are named in the order they hold their values.",
        ),
        (
            "2812881357;Viborg;2019M01;7,5\n0101901234;Viborg;2019M01;7,5\n",
            "the header row holds a person identifier where a column name belongs. "
            "Put a header row (person;kommune;periode;timer or start;slut) above the data.",
        ),
    ],
)
def test_one_line_errors(tmp_path: Path, text: str, expect: str) -> None:
    assert fails(write(tmp_path, text)) == "udtraek.csv: " + expect


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
    assert line == (
        "udtraek.csv: row 3, column 'person': not a valid CPR number or person id. Give a CPR "
        "number as DDMMYY-SSSS or 10 digits, or use an opaque id that is not CPR-shaped."
    )
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
    persons = result.frame.get_column("person")
    assert persons.dtype == pl.UInt64
    assert set(persons) == {pseudonym(c, KEY) for c in cprs}
    out = tmp_path / "out.csv"
    result.frame.drop("person").write_csv(out)
    text = out.read_text()
    assert not CPR.search(text)
    assert not any(c.split("-")[0] in text for c in cprs)
    assert not any(CPR.search(w) for w in result.warnings)


@pytest.mark.slow
def test_million_row_csv_reads_every_row(tmp_path: Path) -> None:
    """A million rows are read whole and exact (speed is measured in bench/, not here)."""
    frame = synth.hours_panel(26_000, 120, seed=5, start_month=month_index(2010, 1)).head(1_000_000)
    path = tmp_path / "big.csv"
    synth.write_danish_csv(frame, path)
    result = read_person(path, None, key=KEY)
    assert result.rows == 1_000_000
    assert result.frame.height == 1_000_000
    assert result.frame.get_column("timer_cent").sum() == frame.get_column("timer_cent").sum()


TWICE = (
    "the extract, or a part of it, was exported twice. Export it again, or delete the "
    "repeated rows (if they are a second employer's, add the employer column, e.g. cvr)."
)
EMPTY_ID = "column 'person': the person id is empty. Give every row the person's CPR number or id."


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (HOURS + "p1;101;2019M01;7\n;101;2019M01;7\n", "row 3, " + EMPTY_ID),
        (HOURS + "p1;101;2019M01;7\n  ;101;2019M01;7\n", "row 3, " + EMPTY_ID),
        (SPELLS + ";101;01-01-2019;\n", "row 2, " + EMPTY_ID),
        (
            HOURS + "p1;101;2019M01;7\np2;101;2019M01;5\np2;101;2019M02;6\n"
            "p1;101;2019M01;7\np2;101;2019M01;5\np2;101;2019M02;6\n",
            "rows 5–7 repeat rows 2–4 exactly: " + TWICE,
        ),
        (
            HOURS + "p0;101;2019M01;1\np1;101;2019M01;7\np2;101;2019M02;5\np3;101;2019M01;5\n"
            "p1;101;2019M01;7\np2;101;2019M02;5\np3;101;2019M01;5\np4;101;2019M01;2\n",
            "rows 6–8 repeat rows 3–5 exactly: " + TWICE,
        ),
        (
            "person;kommune;periode\np1;101;2019M01\np2;101;2019M01\np3;101;2019M01\n"
            "p1;101;2019M01\np2;101;2019M01\np3;101;2019M01\n",
            "rows 5–7 repeat rows 2–4 exactly: " + TWICE,
        ),
        (
            SPELLS + "p1;101;01-01-2019;31-03-2019\np2;101;01-02-2019;\np3;101;01-03-2019;\n"
            "p1;101;01-01-2019;31-03-2019\np2;101;01-02-2019;\np3;101;01-03-2019;\n",
            "rows 5–7 repeat rows 2–4 exactly: " + TWICE,
        ),
        (
            SPELLS + "p1;101;01-01-2019;31-03-2019\np2;101;01-02-2019;\n"
            "p1;101;01-01-2019;31-03-2019\n",
            "row 4, column 'start': the same spell as row 2. Delete it.",
        ),
        (
            "person;kommune;periode;timer;CVR-nr\np1;101;2019M01;7;111\np1;101;2019M01;7;222\n"
            "p1;101;2019M01;7;111\n",
            "row 4 repeats row 2 exactly, employer included. Delete the repeated row: one "
            "employer's row for a person and month is given once.",
        ),
        (
            "person;kommune;periode;timer;Linje\np1;101;2019M01;7;1\np1;101;2019M01;7;1\n",
            "row 3 repeats row 2 exactly, line id included. Delete the repeated row: one "
            "employer's row for a person and month is given once.",
        ),
    ],
)
def test_empty_ids_and_repeated_rows_refused(tmp_path: Path, text: str, expect: str) -> None:
    path = write(tmp_path, text)
    assert fails(path) == "udtraek.csv: " + expect
    with pytest.raises(FleksmonError) as streamed:
        stage_person(path, None, key=KEY, folder=tmp_path / "stage", at_least=3)
    assert streamed.value.line() == "udtraek.csv: " + expect


def test_a_doubled_extract_is_found_across_person_parts(tmp_path: Path) -> None:
    rows = [f"p{i};101;2019M{m:02d};{i % 7 + 1}" for i in range(40) for m in (1, 2)]
    path = write(tmp_path, HOURS + "\n".join(rows + rows) + "\n")
    expect = "udtraek.csv: rows 82–161 repeat rows 2–81 exactly: " + TWICE
    assert fails(path) == expect
    with pytest.raises(FleksmonError) as streamed:
        stage_person(path, None, key=KEY, folder=tmp_path / "stage", at_least=8)
    assert streamed.value.line() == expect


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        # Two employers paying the same hours in one month: both rows stay, K3 sums them.
        (HOURS + "p1;101;2019M01;7\np1;101;2019M01;7\np2;101;2019M01;5\n", [700, 700, 500]),
        # Two employers with the same hours every month, exported employer by employer.
        (
            HOURS + "p1;101;2019M01;7\np1;101;2019M02;7\np1;101;2019M01;7\np1;101;2019M02;7\n",
            [700] * 4,
        ),
        # Second employers' rows appended after the panel: two zero-hour rows of two
        # persons repeat two consecutive rows by chance (too short to be an export twice).
        (
            HOURS + "p1;101;2019M01;7\np1;101;2019M02;0\np2;101;2019M01;0\np2;101;2019M02;5\n"
            "p1;101;2019M02;0\np2;101;2019M01;0\n",
            [700, 0, 0, 500, 0, 0],
        ),
        # With the employer named, equal hours from two employers are two rows.
        (
            "person;kommune;periode;timer;cvr\np1;101;2019M01;7;111\np1;101;2019M01;7;222\n",
            [700] * 2,
        ),
    ],
)
def test_legitimate_equal_rows_stay(tmp_path: Path, text: str, hours: list[int]) -> None:
    path = write(tmp_path, text)
    result = read_person(path, None, key=KEY)
    assert result.frame.get_column("timer_cent").to_list() == hours
    assert result.frame.columns == list(PERSON_KINDS["fleksjob-timer"])
    staged = stage_person(path, None, key=KEY, folder=tmp_path / "stage")
    assert staged.summary["rows"] == len(hours)
    stored = pl.read_parquet(tmp_path / "stage" / "part-0000.parquet")
    assert stored.columns == list(PERSON_KINDS["fleksjob-timer"])
    assert sorted(stored.get_column("timer_cent").to_list()) == sorted(hours)
