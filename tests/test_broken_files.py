# ruff: noqa: E501  (each expected line is kept whole, as the user reads it)
"""The second set of broken and awkward files (issue 18): each is read right (exact numbers)
or refused in one line naming file, row or cell and the fix, exit 2, the store unchanged,
no CPR number anywhere."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from openpyxl.chart import BarChart, Reference

from fleksmon.readers import read_aggregate
from fleksmon.readers.person import read_person
from fleksmon.readers.person_stream import stage_person

Run = Callable[..., Any]
KEY = b"broken-files-key"
HEAD = "person;kommune;periode;timer\n"
AGG_HEAD = ["Område", "Periode", "Fleksjob, fuldtidspersoner"]
LOADED = re.compile(r"loaded fleksjob-timer: (\d+) rows, (\d+) persons")


def _hours(person: str, months: range) -> str:
    return "".join(f"{person};Viborg;2019M{m:02d};8\n" for m in months)


def _stored(store: Path) -> list[Path]:
    return [p for p in store.rglob("*.parquet")] if store.exists() else []


def _ingest(cli: Run, path: Path, tmp_path: Path, *args: str) -> Any:
    return cli("ingest", str(path), *args, "--store", str(tmp_path / "store"))


def _refused(cli: Run, path: Path, tmp_path: Path, line: str, *args: str) -> None:
    result = _ingest(cli, path, tmp_path, *args)
    assert (result.exit_code, result.stderr) == (2, f"Error: {line}\n")
    assert _stored(tmp_path / "store") == []


def _both(path: Path, tmp_path: Path) -> list[pl.DataFrame]:
    """The file read in memory and streamed into parts: both must agree."""
    whole = read_person(path, None, key=KEY).frame
    staged = stage_person(path, None, key=KEY, folder=tmp_path / "staged").staged
    parts = [pl.read_parquet(f) for f in sorted(staged.folder.glob("part-*.parquet"))]
    return [whole, pl.concat(parts)]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", KEY.decode())


# --- person-level extracts -----------------------------------------------------------------


@pytest.mark.parametrize("separator", [" ", "\u00a0", "\u2013", "_", "\u2009"])
def test_cpr_with_another_separator_is_the_same_person(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "timer.csv"
    other = f"010170{separator}1234"
    path.write_text(
        HEAD + _hours("010170-1234", range(1, 7)) + _hours(other, range(7, 13)), "utf-8"
    )
    for frame in _both(path, tmp_path):
        assert (frame.height, frame.get_column("person").n_unique()) == (12, 1)
    plain = tmp_path / "plain.csv"
    plain.write_text(HEAD + _hours("0101701234", range(1, 13)), "utf-8")
    assert read_person(plain, None, key=KEY).frame.equals(read_person(path, None, key=KEY).frame)


def test_cpr_separated_and_mistyped_is_refused(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "timer.csv"
    path.write_text(HEAD + "010170\u00a0123;Viborg;2019M01;8\n", "utf-8")
    _refused(
        cli,
        path,
        tmp_path,
        "timer.csv: row 2, column 'person': not a valid CPR number or person id. Give a CPR number as DDMMYY-SSSS or 10 digits, or use an opaque id that is not CPR-shaped.",
    )


def test_old_mac_line_endings_are_read(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "timer.csv"
    path.write_bytes((HEAD + _hours("a1", range(1, 13))).replace("\n", "\r").encode())
    for frame in _both(path, tmp_path):
        assert (frame.height, frame.get_column("maaned").min()) == (12, 2019 * 12)
    result = _ingest(cli, path, tmp_path)
    assert result.exit_code == 0
    assert LOADED.search(result.stdout + result.stderr).groups() == ("12", "1")  # type: ignore[union-attr]


def test_very_hidden_first_sheet_is_not_read(cli: Run, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    stale = wb.active
    assert stale is not None
    stale.title = "Gammel"
    stale.append(["person", "kommune", "periode", "timer"])
    stale.append(["a1", "Viborg", "2015M01", 5])
    stale.sheet_state = "veryHidden"
    data = wb.create_sheet("Data")
    data.append(["person", "kommune", "periode", "timer"])
    data.append(["a1", "Viborg", "2019M03", 7.5])
    path = tmp_path / "timer.xlsx"
    wb.save(path)
    result = read_person(path, None, key=KEY)
    assert result.frame.select("maaned", "timer_cent").rows() == [(2019 * 12 + 2, 750)]
    assert result.warnings == [
        "read the first visible sheet with a table ('Data'); sheet 'Gammel' (hidden) holds a table too and was not read (save each table as its own file to load it)"
    ]


def test_only_a_hidden_sheet_is_read_and_said(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    data = wb.active
    assert data is not None
    data.title = "Data"
    data.append(["person", "kommune", "periode", "timer"])
    data.append(["a1", "Viborg", "2019M03", 7.5])
    data.sheet_state = "hidden"
    wb.create_sheet("Forside")["A1"] = "Udtræk fra fagsystemet"
    path = tmp_path / "timer.xlsx"
    wb.save(path)
    result = read_person(path, None, key=KEY)
    assert result.rows == 1
    assert result.warnings == [
        "read the hidden sheet 'Data': no visible sheet holds a table (unhide the sheet with the data, or delete stale hidden sheets)"
    ]


def test_person_rows_are_numbered_below_blank_rows_in_a_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["B2"] = "Udtræk"
    for r, row in enumerate(
        [["person", "kommune", "periode", "timer"], ["a1", "Viborg", "2019M01", "x"]], start=5
    ):
        for c, value in enumerate(row, start=2):
            ws.cell(r, c, value)
    path = tmp_path / "timer.xlsx"
    wb.save(path)
    with pytest.raises(
        Exception, match=r"timer.xlsx: row 6, column 'timer': cannot read the hours"
    ):
        read_person(path, None, key=KEY)


def test_two_columns_for_one_field_are_refused(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "timer.csv"
    path.write_text("person;kommune;periode;timer;timer\na1;Viborg;2019M01;8;9\n", "utf-8")
    line = "timer.csv: column 'timer': a second column for 'timer'. Keep one of the two columns."
    _refused(cli, path, tmp_path, line)
    _refused(cli, path, tmp_path, line, "--kind", "fleksjob-timer")


@pytest.mark.parametrize("kind", [[], ["--kind", "fleksjob-timer"]], ids=["sniffed", "kind"])
@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"", "empty.csv: no data rows (the file is empty). "),
        (
            (HEAD + "a1;Århus;2019M01;8\n").encode("cp850"),
            "empty.csv, row 2: byte 0x8F is neither UTF-8 nor Windows-1252 text. Save the file as UTF-8 (or export it again from Jobindsats).",
        ),
    ],
    ids=["zero-bytes", "code-page-850"],
)
def test_empty_and_code_page_850_files_are_refused(
    cli: Run, tmp_path: Path, kind: list[str], data: bytes, line: str
) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    result = _ingest(cli, path, tmp_path, *kind)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {line}")
    assert result.stderr.count("\n") == 1
    assert _stored(tmp_path / "store") == []


def test_nan_hours_in_parquet_are_refused(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "timer.parquet"
    pl.DataFrame(
        {
            "person": ["a1", "a2"],
            "kommune": ["Viborg", "Viborg"],
            "periode": ["2019M01", "2019M01"],
            "timer": [8.0, float("nan")],
        }
    ).write_parquet(path)
    _refused(
        cli,
        path,
        tmp_path,
        "timer.parquet: row 2, column 'timer': hours are not a number (NaN or infinite). Write the hours as a number (0 for a month without hours).",
    )


AHEAD = "the {what} is more than 12 months after today. Correct the {what} (a typo in the year?)."
BEFORE = "the {what} is before 1998 (when flexjob and ledighedsydelse began). Correct the {what} (a typo in the year?)."


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "person;kommune;start;slut\na1;Viborg;01-01-2019;\na2;Viborg;01-01-2109;\n",
            "row 3, column 'start': " + AHEAD.format(what="date"),
        ),
        (
            "person;kommune;start;slut\na1;Viborg;01-01-2019;31-12-2999\n",
            "row 2, column 'slut': " + AHEAD.format(what="date"),
        ),
        (
            "person;kommune;start;slut\na1;Viborg;15-06-1990;01-02-1991\n",
            "row 2, column 'start': " + BEFORE.format(what="date"),
        ),
        (
            HEAD + "a1;Viborg;2019M01;8\na1;Viborg;2999M01;8\n",
            "row 3, column 'periode': " + AHEAD.format(what="month"),
        ),
        (HEAD + "a1;Viborg;1997M12;8\n", "row 2, column 'periode': " + BEFORE.format(what="month")),
    ],
)
def test_person_dates_outside_the_schemes_years_are_refused(
    cli: Run, tmp_path: Path, text: str, line: str
) -> None:
    path = tmp_path / "udtraek.csv"
    path.write_text(text, "utf-8")
    _refused(cli, path, tmp_path, "udtraek.csv: " + line)


def test_a_month_a_year_ahead_is_read(tmp_path: Path) -> None:
    today = dt.date.today()
    path = tmp_path / "timer.csv"
    path.write_text(HEAD + f"a1;Viborg;{today.year + 1}M{today.month:02d};8\n", "utf-8")
    assert read_person(path, None, key=KEY).rows == 1


# --- workbooks -----------------------------------------------------------------------------


def _aggregate_book(path: Path, *, hidden_first: bool = False, chart: bool = False) -> Path:
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    first.title = "Gammel" if hidden_first else "Data"
    first.append(AGG_HEAD)
    first.append(["Viborg", "2019M09", 1998 if hidden_first else 2108])
    if hidden_first:
        first.sheet_state = "hidden"
        data = wb.create_sheet("Data")
        data.append(AGG_HEAD)
        data.append(["Viborg", "2019M09", 2108])
    if chart:
        sheet = wb.create_chartsheet("K1", 0)
        bars = BarChart()
        bars.add_data(Reference(first, min_col=3, min_row=1, max_row=2))
        sheet.add_chart(bars)
    wb.save(path)
    return path


def _value(path: Path) -> float:
    frame = read_aggregate(path).frame
    return float(frame.filter(pl.col("maaling") == "fleksjob_fuldtid").get_column("vaerdi")[0])


def test_whole_columns_formatted_used_range_is_read(tmp_path: Path) -> None:
    book = _aggregate_book(tmp_path / "plain.xlsx")
    path = tmp_path / "formatted.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', data
                )
                assert b"XFD1048576" in data
            out.writestr(info, data)
    assert _value(path) == 2108


def test_hidden_first_aggregate_sheet_is_not_read(tmp_path: Path) -> None:
    path = _aggregate_book(tmp_path / "k1.xlsx", hidden_first=True)
    result = read_aggregate(path)
    assert result.frame.get_column("vaerdi").to_list() == [2108]
    assert result.warnings == [
        "read the first visible sheet with a table ('Data'); sheet 'Gammel' (hidden) holds a table too and was not read (save each table as its own file to load it)"
    ]


def test_chart_sheet_is_skipped_without_a_word(
    cli: Run, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = _aggregate_book(tmp_path / "k1.xlsx", chart=True)
    result = _ingest(cli, path, tmp_path)
    out, err = capfd.readouterr()
    assert result.exit_code == 0
    assert (out, err) == ("", "")
    assert result.stderr.splitlines()[0] == (
        "k1.xlsx: loaded aggregate: 1 rows, 1 kommuner, 2019M09, measures fleksjob_fuldtid."
    )


# --- other ---------------------------------------------------------------------------------


def test_v2_answer_with_an_error_and_no_columns(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "y08a02.json"
    path.write_text(json.dumps([{"Variables": [], "Data": [], "Error": "Ugyldig periode"}]))
    _refused(
        cli,
        path,
        tmp_path,
        "y08a02.json: the Jobindsats API answered with an error: Ugyldig periode. Fix the request (table, period, API key) and fetch the data again.",
    )
    path.write_text(json.dumps([{"Variables": [], "Data": []}]))
    _refused(
        cli,
        path,
        tmp_path,
        "y08a02.json: the Jobindsats API answered with no columns and no data rows. Check the request (table, period, areas) and fetch the data again.",
    )


AMONG = "the Jobindsats API's answer 'Forkert nøgle eller nøglen er udløbet.' (wrong or expired API key) stands among the data rows, so the rows of that request are missing. Renew your API key on jobindsats.dk (Min side), fetch the data again and save the whole answer in a new file."


@pytest.mark.parametrize(
    ("name", "text", "row"),
    [
        (
            "k1.csv",
            "Område;Periode;Fleksjob, fuldtidspersoner\nForkert nøgle eller nøglen er udløbet.\nViborg;2019M09;2.108\n",
            2,
        ),
        (
            "flow.csv",
            '{"Area": "Viborg"}\n"Forkert nøgle eller nøglen er udløbet."\n{"Area": "Faxe"}\n',
            2,
        ),
    ],
)
def test_bad_key_sentence_among_data_rows_is_named(
    cli: Run, tmp_path: Path, name: str, text: str, row: int
) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    _refused(cli, path, tmp_path, f"{name}, row {row}: {AMONG}")


def test_targets_named_pipe_is_refused_without_waiting(cli: Run, tmp_path: Path) -> None:
    pipe = tmp_path / "mål.toml"
    os.mkfifo(pipe)
    result = cli("gap", "--store", str(tmp_path / "store"), "--targets", str(pipe))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: mål.toml: not a regular file (a device, pipe or socket). Save the data to a file and pass that.\n",
    )


@pytest.mark.parametrize(
    "name",
    ["timer_010170_1234.csv", "timer_010170–1234.csv", "timer_010170\u00a01234.csv"],
)
def test_cpr_in_a_file_name_is_masked_whatever_the_separator(
    cli: Run, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(HEAD + _hours("a1", range(1, 4)), "utf-8")
    result = _ingest(cli, path, tmp_path)
    assert result.exit_code == 0
    listing = cli("store", "--store", str(tmp_path / "store"), "-f", "csv")
    manifest = (tmp_path / "store" / "manifest.json").read_text("utf-8")
    for text in (result.stdout + result.stderr, listing.stdout, manifest):
        assert "1234" not in text
        assert "010170-****" in text


def test_file_name_that_is_not_utf8(cli: Run, tmp_path: Path) -> None:
    name = os.fsdecode(b"timer_\xe6.csv")
    path = tmp_path / name
    path.write_text(HEAD + _hours("a1", range(1, 4)), "utf-8")
    result = _ingest(cli, path, tmp_path)
    assert result.exit_code == 0, result.stderr
    listing = cli("store", "--store", str(tmp_path / "store"), "-f", "csv")
    assert "timer_\ufffd.csv" in listing.stdout
    manifest = json.loads((tmp_path / "store" / "manifest.json").read_text("utf-8"))
    assert "timer_\ufffd.csv" in json.dumps(manifest, ensure_ascii=False)


def test_cpr_saved_as_a_number_in_excel_is_refused_with_the_reason(
    cli: Run, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["person", "kommune", "periode", "timer"])
    ws.append([101701234, 791, 201901, 8])
    path = tmp_path / "timer.xlsx"
    wb.save(path)
    _refused(
        cli,
        path,
        tmp_path,
        "timer.xlsx: row 2, column 'person': not a valid CPR number or person id. Give a CPR number as DDMMYY-SSSS or 10 digits, or use an opaque id that is not CPR-shaped (nine digits: a CPR number saved as a number in Excel loses its leading 0; format the column as text and export again).",
    )


def test_person_header_below_title_rows_and_cr_only_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "timer.csv"
    text = "Udtræk fra fagsystemet, 2019\n\n" + HEAD + _hours("a1", range(1, 4))
    path.write_bytes(("\ufeff" + text).replace("\n", "\r").encode())
    for frame in _both(path, tmp_path):
        assert frame.select("maaned", "timer_cent").rows() == [
            (2019 * 12, 800),
            (2019 * 12 + 1, 800),
            (2019 * 12 + 2, 800),
        ]
