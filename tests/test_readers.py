"""Readers for aggregated extracts: CSV, .xlsx and Jobindsats API JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from fleksmon.areas import all_areas, resolve
from fleksmon.errors import FleksmonError
from fleksmon.periods import Period, parse_period
from fleksmon.readers import ReadResult, read_aggregate, sniff_kind
from fleksmon.schema import AGGREGATE
from tests.readers_fixtures import write, write_csv, write_json_v2, write_xlsx

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FORMATS = ("csv", "xlsx", "json")
ROW_FORMATS = ("csv", "xlsx")  # formats where rows are numbered like the file's lines
NUMBER_HINT = (
    "Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell."
)


def values(result: ReadResult) -> dict[tuple[str, str, str], float | None]:
    """The frame as {(kommune, period code, measure): value}."""
    return {(k, Period(fra, til).code(), m): v for k, fra, til, m, v in result.frame.iter_rows()}


def error_line(path: Path) -> str:
    """The one-line error reading a file gives."""
    with pytest.raises(FleksmonError) as info:
        read_aggregate(path)
    return info.value.line()


WIDE = [
    ["kommune", "periode", "fleksjob_fuldtid", "ledighedsydelse_fuldtid"],
    ["Gentofte", "2019M09", "401", "48"],
    ["Thisted", "2019M09", "1.078", "164"],
]
WIDE_VALUES = {
    ("Gentofte", "2019M09", "fleksjob_fuldtid"): 401.0,
    ("Gentofte", "2019M09", "ledighedsydelse_fuldtid"): 48.0,
    ("Thisted", "2019M09", "fleksjob_fuldtid"): 1078.0,
    ("Thisted", "2019M09", "ledighedsydelse_fuldtid"): 164.0,
}


# --- the examples ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json"])
def test_examples_read_to_the_published_counts(suffix: str, k1_frame: pl.DataFrame) -> None:
    result = read_aggregate(EXAMPLES / f"k1-sep-2019.{suffix}")
    expected = k1_frame.sort("kommune", "fra", "til", "maaling")
    assert_frame_equal(result.frame, expected)
    assert result.warnings == []
    assert result.source_format == {"json": "json-v2"}.get(suffix, suffix)


def test_example_csv_is_cp1252() -> None:
    raw = (EXAMPLES / "k1-sep-2019.csv").read_bytes()
    assert "Tønder".encode("cp1252") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


# --- layouts shared by all formats ----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_wide_layout(tmp_path: Path, fmt: str) -> None:
    result = read_aggregate(write(tmp_path, WIDE, fmt))
    assert values(result) == WIDE_VALUES
    assert result.frame.schema == pl.Schema(AGGREGATE)


@pytest.mark.parametrize("fmt", FORMATS)
def test_long_layout_with_danish_headers(tmp_path: Path, fmt: str) -> None:
    rows = [
        ["Område", "Måned", "Måling", "Værdi"],
        ["Gentofte", "Sep. 2019", "Fleksjob, fuldtidspersoner", "401"],
        ["Gentofte", "Sep. 2019", "ledighedsydelse_fuldtid", "48"],
        ["Thisted", "sep 2019", "fleksjob_fuldtid", "1.078"],
        ["Thisted", "2019-09", "Ledighedsydelse, fuldtidspersoner", "164"],
    ]
    assert values(read_aggregate(write(tmp_path, rows, fmt))) == WIDE_VALUES


@pytest.mark.parametrize("fmt", FORMATS)
def test_english_long_layout_and_decimal_comma(tmp_path: Path, fmt: str) -> None:
    rows = [
        ["Area", "Period", "Measure", "Value"],
        ["Aarhus", "2019M09", "fleksjob_fuldtid", "1.227,5"],
        ["751", "2019M10", "fleksjob_fuldtid", "83,5"],
    ]
    assert values(read_aggregate(write(tmp_path, rows, fmt))) == {
        ("Aarhus", "2019M09", "fleksjob_fuldtid"): 1227.5,
        ("Aarhus", "2019M10", "fleksjob_fuldtid"): 83.5,
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("marker", ["-", "..", "x", "", "."])
def test_suppressed_cells_are_null_not_zero(tmp_path: Path, fmt: str, marker: str) -> None:
    rows = [WIDE[0], ["Gentofte", "2019M09", marker, "48"]]
    got = values(read_aggregate(write(tmp_path, rows, fmt)))
    assert got == {
        ("Gentofte", "2019M09", "fleksjob_fuldtid"): None,
        ("Gentofte", "2019M09", "ledighedsydelse_fuldtid"): 48.0,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_percent_share_value_in_a_count_column(tmp_path: Path, fmt: str) -> None:
    rows = [
        ["kommune", "periode", "maaling", "vaerdi"],
        ["Stevns", "2019M09", "k3_population", "10"],
        ["Stevns", "2019M10", "k3_progression", "28 pct."],
    ]
    row = 3 if fmt in ROW_FORMATS else 2
    assert error_line(write(tmp_path, rows, fmt)) == (
        f"data.{fmt}, row {row}, column 'vaerdi': '28 pct.' is a share, but k3_progression is "
        "a count. Download the counts (Antal …) instead of the shares."
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("period", "code"),
    [
        ("2024M01", "2024M01"),
        ("2024Q02", "2024M04..2024M06"),
        ("2023Q1", "2023M01..2023M03"),
        ("2024Y01", "2024M01..2024M12"),
        ("31-08-2019", "2019M08"),
        ("31.08.2019", "2019M08"),
        ("2019-08-31", "2019M08"),
        ("43708", "2019M08"),
    ],
)
def test_period_forms(tmp_path: Path, fmt: str, period: str, code: str) -> None:
    rows = [WIDE[0][:3], ["Faxe", period, "659"]]
    assert values(read_aggregate(write(tmp_path, rows, fmt))) == {
        ("Faxe", code, "fleksjob_fuldtid"): 659.0
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_quarter_row_spans_three_months(tmp_path: Path, fmt: str) -> None:
    rows = [WIDE[0][:3], ["Faxe", "2019Q3", "659"]]
    frame = read_aggregate(write(tmp_path, rows, fmt)).frame
    assert frame.select(pl.col("til") - pl.col("fra")).item() == 2


# --- Danish CSV: encodings and separators ---------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [("utf-8", ";"), ("utf-8-sig", ";"), ("cp1252", ";"), ("utf-8", ","), ("utf-8", "\t")],
)
def test_csv_encodings_and_separators(tmp_path: Path, encoding: str, sep: str) -> None:
    rows = [
        ["Område", "Periode", "Fleksjob, fuldtidspersoner"],
        ["Tønder", "2019M09", "577,5"],
        ["Ærø", "2019M09", "1.206"],
        ["Høje-Taastrup", "2019M09", "12"],
    ]
    path = write_csv(tmp_path, rows, sep=sep, encoding=encoding)
    assert values(read_aggregate(path)) == {
        ("Tønder", "2019M09", "fleksjob_fuldtid"): 577.5,
        ("Ærø", "2019M09", "fleksjob_fuldtid"): 1206.0,
        ("Høje-Taastrup", "2019M09", "fleksjob_fuldtid"): 12.0,
    }


def test_csv_that_is_neither_utf8_nor_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"kommune;periode;fleksjob_fuldtid\r\nT\x81nder;2019M09;1\r\n")
    assert error_line(path) == (
        "data.csv, row 2: byte 0x81 is neither UTF-8 nor Windows-1252 text. "
        "Save the file as UTF-8 (or export it again from Jobindsats)."
    )


def test_csv_title_rows_and_footer(tmp_path: Path) -> None:
    rows = [
        ["Fleksjob - fuldtidspersoner", "", "", ""],
        ["Udtræk 15.10.2019", "", "", ""],
        ["", "", "", ""],
        *WIDE,
        ["Kilde: Jobindsats.dk", "", "", ""],
    ]
    assert values(read_aggregate(write_csv(tmp_path, rows))) == WIDE_VALUES


def test_jobindsats_api_csv_v2_with_table_in_file_name(tmp_path: Path) -> None:
    rows = [
        [
            "Area",
            "Periode",
            "Køn",
            "Antal personer",
            "Antal fuldtidspersoner",
            "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år",
        ],
        ["Gentofte", "2019M09", "I alt", "455", "401", "1,08"],
        ["Gentofte", "2019M09", "Mænd", "200", "180", "0,9"],
        ["Gentofte", "2019M09", "Kvinder", "255", "221", "1,2"],
    ]
    path = write_csv(tmp_path, rows, name="y08a02_2019.csv", encoding="utf-8-sig")
    result = read_aggregate(path)
    assert result.table == "Y08A02"
    assert values(result) == {
        ("Gentofte", "2019M09", "fleksjob_fuldtid"): 401.0,
        ("Gentofte", "2019M09", "y08a02.antal_personer"): 455.0,
        ("Gentofte", "2019M09", "y08a02.fuldtidspersoner_i_pct_af_arbejdsstyrken"): 1.08,
    }
    assert result.warnings == []


def test_table_argument_decides_the_benefit(tmp_path: Path) -> None:
    rows = [["Område", "Periode", "Antal fuldtidspersoner"], ["Stevns", "2019M09", "92"]]
    path = write_csv(tmp_path, rows)
    result = read_aggregate(path, table="y09a02")
    assert values(result) == {("Stevns", "2019M09", "ledighedsydelse_fuldtid"): 92.0}
    assert result.table == "Y09A02"


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_table_id_in_title_row(tmp_path: Path, fmt: str) -> None:
    rows = [
        ["Ledighedsydelse (Y09A02)"],
        ["Område", "Periode", "Antal fuldtidspersoner"],
        ["Stevns", "2019M09", "92"],
    ]
    result = read_aggregate(write(tmp_path, rows, fmt))
    assert result.table == "Y09A02"
    assert values(result) == {("Stevns", "2019M09", "ledighedsydelse_fuldtid"): 92.0}


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_two_row_header_group_over_measure(tmp_path: Path, fmt: str) -> None:
    rows: list[list[object]] = [
        ["Fuldtidspersoner, september 2019"],
        [None, None, "Fleksjob", "Ledighedsydelse"],
        ["Område", "Periode", "Antal fuldtidspersoner", "Antal fuldtidspersoner"],
        ["Gentofte", "2019M09", "401", "48"],
        ["Thisted", "2019M09", "1.078", "164"],
    ]
    assert values(read_aggregate(write(tmp_path, rows, fmt))) == WIDE_VALUES


@pytest.mark.parametrize("fmt", FORMATS)
def test_group_colon_measure_labels(tmp_path: Path, fmt: str) -> None:
    rows = [
        [
            "Område",
            "Periode",
            "Fleksjob: Antal fuldtidspersoner",
            "Ledighedsydelse: Antal fuldtidspersoner",
        ],
        ["Gentofte", "2019M09", "401", "48"],
        ["Thisted", "2019M09", "1.078", "164"],
    ]
    assert values(read_aggregate(write(tmp_path, rows, fmt))) == WIDE_VALUES


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_months_as_columns_measure_from_title(tmp_path: Path, fmt: str) -> None:
    rows = [
        ["Fleksjob, fuldtidspersoner"],
        ["Område", "Aug. 2019", "Sep. 2019"],
        ["Gentofte", "398", "401"],
        ["Thisted", "1.070", "1.078"],
    ]
    assert values(read_aggregate(write(tmp_path, rows, fmt))) == {
        ("Gentofte", "2019M08", "fleksjob_fuldtid"): 398.0,
        ("Gentofte", "2019M09", "fleksjob_fuldtid"): 401.0,
        ("Thisted", "2019M08", "fleksjob_fuldtid"): 1070.0,
        ("Thisted", "2019M09", "fleksjob_fuldtid"): 1078.0,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_months_as_columns_measure_from_table(tmp_path: Path, fmt: str) -> None:
    rows = [["Område", "2019M08", "2019M09"], ["Stevns", "90", "92"]]
    result = read_aggregate(write(tmp_path, rows, fmt), table="Y09A02")
    assert values(result) == {
        ("Stevns", "2019M08", "ledighedsydelse_fuldtid"): 90.0,
        ("Stevns", "2019M09", "ledighedsydelse_fuldtid"): 92.0,
    }


def test_months_as_columns_without_a_measure(tmp_path: Path) -> None:
    rows = [["Område", "2019M08", "2019M09"], ["Stevns", "90", "92"]]
    assert error_line(write_csv(tmp_path, rows)) == (
        "data.csv, row 1: cannot tell which measure the values are. Add a title row naming the "
        "measure (e.g. 'Fleksjob, fuldtidspersoner'), pass --table ID (e.g. --table Y08A02), or "
        "map the label in the config."
    )


def test_user_labels(tmp_path: Path) -> None:
    rows = [["kommune", "periode", "Fj fuldtid"], ["Faxe", "2019M09", "659"]]
    result = read_aggregate(write_csv(tmp_path, rows), labels={"FJ Fuldtid": "fleksjob_fuldtid"})
    assert values(result) == {("Faxe", "2019M09", "fleksjob_fuldtid"): 659.0}
    with pytest.raises(FleksmonError, match="unknown measure id"):
        read_aggregate(write_csv(tmp_path, rows), labels={"Fj fuldtid": "fleksjob"})


# --- dimensions ----------------------------------------------------------------------------


KOEN = ["kommune", "periode", "Køn", "fleksjob_fuldtid"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_dimension_keeps_the_total_row(tmp_path: Path, fmt: str) -> None:
    rows = [
        KOEN,
        ["Viborg", "2019M09", "Mænd", "1.000"],
        ["Viborg", "2019M09", "I alt", "2.108"],
        ["Viborg", "2019M09", "Kvinder", "1.108"],
    ]
    result = read_aggregate(write(tmp_path, rows, fmt))
    assert values(result) == {("Viborg", "2019M09", "fleksjob_fuldtid"): 2108.0}
    assert result.warnings == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_dimension_without_total_is_summed(tmp_path: Path, fmt: str) -> None:
    rows = [
        KOEN,
        ["Viborg", "2019M09", "Mænd", "1.000"],
        ["Viborg", "2019M09", "Kvinder", "1.108"],
        ["Faxe", "2019M09", "Mænd", "-"],
        ["Faxe", "2019M09", "Kvinder", "300"],
    ]
    result = read_aggregate(write(tmp_path, rows, fmt))
    assert values(result) == {
        ("Viborg", "2019M09", "fleksjob_fuldtid"): 2108.0,
        ("Faxe", "2019M09", "fleksjob_fuldtid"): None,
    }
    assert result.warnings == []
    assert result.dimensions == ["Køn: summed 'Mænd', 'Kvinder' (no total row)"]


def test_shares_are_never_summed(tmp_path: Path) -> None:
    rows = [
        ["kommune", "periode", "Køn", "maaling", "vaerdi"],
        ["Viborg", "2019M09", "Mænd", "k3_progression", "30 %"],
        ["Viborg", "2019M09", "Kvinder", "k3_progression", "25 %"],
    ]
    assert error_line(write_csv(tmp_path, rows)) == (
        "data.csv, row 2, column 'vaerdi': '30 %' is a share, but k3_progression is a count. "
        "Download the counts (Antal …) instead of the shares."
    )


# --- areas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_uoplyst_and_rar_rows_are_skipped(tmp_path: Path, fmt: str) -> None:
    rows = [
        *WIDE,
        ["Uoplyst område", "2019M09", "3", "1"],
        ["RAR Sjælland", "2019M09", "3.000", "600"],
    ]
    result = read_aggregate(write(tmp_path, rows, fmt))
    assert values(result) == WIDE_VALUES
    assert result.warnings == ["skipped 2 rows for 'Uoplyst område', 'RAR Sjælland'"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_christiansoe_is_skipped_not_a_kommune(tmp_path: Path, fmt: str) -> None:
    rows = [*WIDE, ["Christiansø", "2019M09", "1", "0"]]
    result = read_aggregate(write(tmp_path, rows, fmt))
    assert values(result) == WIDE_VALUES
    assert result.warnings == ["skipped 1 row for 'Christiansø'"]


def test_a_second_sheet_with_a_table_is_named(tmp_path: Path) -> None:
    import openpyxl

    path = write_xlsx(tmp_path, WIDE)
    wb = openpyxl.load_workbook(path)
    other = wb.create_sheet("K3")
    for row in [["kommune", "periode", "k3_population"], ["Viborg", "2019M09", "120"]]:
        other.append(row)
    wb.create_sheet("Noter")["A1"] = "Kilde: Jobindsats.dk"
    wb.save(path)
    result = read_aggregate(path)
    assert values(result) == WIDE_VALUES
    assert result.warnings == [
        "read the first sheet with a table; sheet 'K3' holds a table too and was not read "
        "(save each table as its own file to load it)"
    ]


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_unknown_kommune_suggests(tmp_path: Path, fmt: str) -> None:
    rows = [*WIDE, ["Gentofe", "2019M10", "401", "48"]]
    line = error_line(write(tmp_path, rows, fmt))
    assert line.startswith(f"data.{fmt}, row 4, column 'kommune': unknown kommune 'Gentofe'. ")
    with pytest.raises(FleksmonError) as plain:
        resolve("Gentofe")
    assert line == f"data.{fmt}, row 4, column 'kommune': {plain.value.line()}"
    assert "'Gentofte'" in line


def test_aliases_resolve_to_canonical_names(tmp_path: Path) -> None:
    rows = [WIDE[0][:3], ["Københavns Kommune", "2019M09", "1"], ["Århus", "2019M09", "2"]]
    got = read_aggregate(write_csv(tmp_path, rows)).frame.get_column("kommune").to_list()
    assert got == ["Aarhus", "København"]


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_non_numeric_value(tmp_path: Path, fmt: str) -> None:
    rows = [*WIDE, ["Faxe", "2019M09", "4O1", "48"]]
    assert error_line(write(tmp_path, rows, fmt)) == (
        f"data.{fmt}, row 4, column 'fleksjob_fuldtid': '4O1' is not a number. {NUMBER_HINT}"
    )


def test_non_numeric_value_in_json_names_the_data_row(tmp_path: Path) -> None:
    rows = [*WIDE, ["Faxe", "2019M09", "4O1", "48"]]
    assert error_line(write_json_v2(tmp_path, rows)) == (
        f"data.json, row 3, column 'fleksjob_fuldtid': '4O1' is not a number. {NUMBER_HINT}"
    )


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_bad_period(tmp_path: Path, fmt: str) -> None:
    rows = [*WIDE, ["Faxe", "2019M13", "659", "143"]]
    with pytest.raises(FleksmonError) as plain:
        parse_period("2019M13")
    expected = f"data.{fmt}, row 4, column 'periode': {plain.value.line()}"
    assert error_line(write(tmp_path, rows, fmt)) == expected


@pytest.mark.parametrize("period", ["MYTD", "2024MYTD", "QMAT"])
def test_period_codes_without_their_span_are_refused(tmp_path: Path, period: str) -> None:
    rows = [WIDE[0][:3], ["Faxe", period, "659"]]
    line = error_line(write_csv(tmp_path, rows))
    assert line.startswith(
        f"data.csv, row 2, column 'periode': period {period!r} is a moving annual total or "
        "year to date without the year and quarter or month it runs to"
    )


def test_moving_total_as_month_column_is_read_with_its_span(tmp_path: Path) -> None:
    rows = [["Fleksjob, fuldtidspersoner"], ["Område", "2020QMAT02"], ["Faxe", "659"]]
    frame = read_aggregate(write_csv(tmp_path, rows)).frame
    assert frame.rows() == [("Faxe", 2019 * 12 + 6, 2020 * 12 + 5, "fleksjob_fuldtid", 659.0)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_identical_duplicates_are_dropped(tmp_path: Path, fmt: str) -> None:
    rows = [*WIDE, WIDE[1]]
    result = read_aggregate(write(tmp_path, rows, fmt))
    assert values(result) == WIDE_VALUES
    assert result.warnings == ["dropped 1 row that repeats an earlier row exactly"]


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_conflicting_duplicates(tmp_path: Path, fmt: str) -> None:
    rows = [*WIDE, ["Gentofte", "2019M09", "402", "48"]]
    assert error_line(write(tmp_path, rows, fmt)) == (
        f"data.{fmt}, rows 2 and 4: two different values for Gentofte 2019M09 fleksjob_fuldtid "
        "(401 and 402). Keep one of the rows (or read the newer extract on its own)."
    )


def test_duplicates_through_aliases(tmp_path: Path) -> None:
    rows = [WIDE[0][:3], ["Århus", "2019M09", "5"], ["Aarhus", "2019-09", "5"]]
    result = read_aggregate(write_csv(tmp_path, rows))
    assert values(result) == {("Aarhus", "2019M09", "fleksjob_fuldtid"): 5.0}
    assert result.warnings == ["dropped 1 row that repeats an earlier row exactly"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_measure_lists_known_ids(tmp_path: Path, fmt: str) -> None:
    rows = [["kommune", "periode", "Fleksjob timer"], ["Faxe", "2019M09", "10"]]
    line = error_line(write(tmp_path, rows, fmt))
    assert line.startswith(
        f"data.{fmt}, column 'Fleksjob timer': unknown measure 'Fleksjob timer'. "
        "Known measure ids: fleksjob_fuldtid, ledighedsydelse_fuldtid, ly_afsluttet"
    )


def test_unknown_measure_value_in_long_layout(tmp_path: Path) -> None:
    rows = [["kommune", "periode", "maaling", "vaerdi"], ["Faxe", "2019M09", "fleksjobbere", "1"]]
    line = error_line(write_csv(tmp_path, rows))
    assert line.startswith("data.csv, column 'maaling': unknown measure 'fleksjobbere'. Known")


@pytest.mark.parametrize("fmt", FORMATS)
def test_ambiguous_measure_without_table(tmp_path: Path, fmt: str) -> None:
    rows = [["Område", "Periode", "Antal fuldtidspersoner"], ["Faxe", "2019M09", "659"]]
    assert error_line(write(tmp_path, rows, fmt)) == (
        f"data.{fmt}, column 'Antal fuldtidspersoner': 'Antal fuldtidspersoner' is ambiguous "
        "without the Jobindsats table (Y08A02 fleksjob, Y09A02 ledighedsydelse, Y11A02 "
        "ressourceforløb). Name the table with --table ID (e.g. --table Y08A02) or put the "
        "table id in the file name."
    )


def test_known_table_keeps_every_column_under_a_derived_id(tmp_path: Path) -> None:
    rows = [
        ["Område", "Periode", "Antal fuldtidspersoner", "Andel af befolkningen, pct."],
        ["Faxe", "2019M09", "40", "0,9"],
    ]
    result = read_aggregate(write_csv(tmp_path, rows, name="Y11A02.csv"))
    assert values(result) == {
        ("Faxe", "2019M09", "y11a02.antal_fuldtidspersoner"): 40.0,
        ("Faxe", "2019M09", "y11a02.andel_af_befolkningen_pct"): 0.9,
    }


def test_a_label_without_a_table_is_still_an_error(tmp_path: Path) -> None:
    rows = [["Område", "Periode", "Antal fuldtidspersonr"], ["Faxe", "2019M09", "40"]]
    line = error_line(write_csv(tmp_path, rows))
    assert line.startswith(
        "data.csv, column 'Antal fuldtidspersonr': unknown measure 'Antal fuldtidspersonr'. "
        "Known measure ids: fleksjob_fuldtid, ledighedsydelse_fuldtid,"
    )


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_missing_period_column(tmp_path: Path, fmt: str) -> None:
    rows = [["kommune", "fleksjob_fuldtid"], ["Faxe", "659"]]
    assert error_line(write(tmp_path, rows, fmt)) == (
        f"data.{fmt}, row 1: no 'periode' column (columns found: 'kommune', "
        "'fleksjob_fuldtid'). Name the area column 'kommune' (or område/area/jobcenter) and the "
        "period column 'periode' (or period/måned), or put one month in each column."
    )


def test_missing_area_column(tmp_path: Path) -> None:
    rows = [["navn", "periode", "fleksjob_fuldtid"], ["Faxe", "2019M09", "659"]]
    line = error_line(write_csv(tmp_path, rows))
    assert line.startswith(
        "data.csv, row 1: no 'kommune' column (columns found: 'navn', 'periode', "
        "'fleksjob_fuldtid')."
    )


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"")
    assert error_line(path).startswith("data.csv: no data rows (the file is empty).")


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_only(tmp_path: Path, fmt: str) -> None:
    line = error_line(write(tmp_path, [WIDE[0]], fmt))
    assert line.startswith(f"data.{fmt}: no data rows")


def test_header_and_blank_lines_only(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [WIDE[0], ["", "", "", ""], ["Kilde: Jobindsats", "", "", ""]])
    assert error_line(path).startswith("data.csv: no data rows below the header.")


# --- Excel ----------------------------------------------------------------------------------


def test_xlsx_numbers_stored_as_text_and_numeric_cells(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Fleksjob og ledighedsydelse (fuldtidspersoner)"],
        [],
        ["Område", "Periode", "Fleksjob, fuldtidspersoner", "Ledighedsydelse, fuldtidspersoner"],
        ["Gentofte", "2019M09", "401", 48],
        ["Thisted", dt.datetime(2019, 9, 1), 1.206, "1.078"],
        ["Faxe", 43708, 659, 143.5],
    ]
    path = write_xlsx(tmp_path, rows, merge_title=True)
    assert values(read_aggregate(path)) == {
        ("Faxe", "2019M08", "fleksjob_fuldtid"): 659.0,
        ("Faxe", "2019M08", "ledighedsydelse_fuldtid"): 143.5,
        ("Gentofte", "2019M09", "fleksjob_fuldtid"): 401.0,
        ("Gentofte", "2019M09", "ledighedsydelse_fuldtid"): 48.0,
        ("Thisted", "2019M09", "fleksjob_fuldtid"): 1.206,
        ("Thisted", "2019M09", "ledighedsydelse_fuldtid"): 1078.0,
    }


def test_xlsx_first_sheet_with_a_table(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, WIDE, before=["Noter", "Om tallene"])
    assert values(read_aggregate(path)) == WIDE_VALUES


def test_xlsx_without_a_table(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [["Noter"], ["ingen tal"]])
    assert error_line(path) == (
        "data.xlsx: no sheet has a table with a 'kommune' (område/area/jobcenter) column "
        "(sheets: 'Sheet'). Put the table with a header row naming the area and period columns "
        "on a sheet."
    )


def test_xlsx_row_numbers_below_blank_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C4"] = "Fleksjob, fuldtidspersoner"
    for r, row in enumerate([*WIDE, ["Faxe", "2019M09", "?", "1"]], start=6):
        for c, value in enumerate(row, start=3):
            ws.cell(r, c, value)
    wb.save(tmp_path / "data.xlsx")
    assert error_line(tmp_path / "data.xlsx").startswith(
        "data.xlsx, row 9, column 'fleksjob_fuldtid': '?' is not a number."
    )


def test_merged_area_cells_are_filled_down(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["kommune", "periode", "fleksjob_fuldtid"],
        ["Gentofte", "2019M08", "398"],
        [None, "2019M09", "401"],
    ]
    result = read_aggregate(write_xlsx(tmp_path, rows))
    assert values(result) == {
        ("Gentofte", "2019M08", "fleksjob_fuldtid"): 398.0,
        ("Gentofte", "2019M09", "fleksjob_fuldtid"): 401.0,
    }
    assert result.warnings == ["filled 1 empty 'kommune' cells from the row above"]


# --- Jobindsats API JSON --------------------------------------------------------------------


def test_json_v3_numbers_and_nulls(tmp_path: Path) -> None:
    body = {
        "columns": ["Periode", "Område", "Køn", "Antal fuldtidspersoner"],
        "rows": [
            ["2019M09", "Frederikshavn", "I alt", 1206],
            ["2019M09", "Frederikshavn", "Mænd", 600.5],
            ["2019M09", "Gentofte", "I alt", 1.206],
            ["2019M09", "Stevns", "I alt", None],
        ],
        "table": "Y08A02",
    }
    path = tmp_path / "svar.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    result = read_aggregate(path)
    assert result.source_format == "json-v3"
    assert result.table == "Y08A02"
    assert values(result) == {
        ("Frederikshavn", "2019M09", "fleksjob_fuldtid"): 1206.0,
        ("Gentofte", "2019M09", "fleksjob_fuldtid"): 1.206,
        ("Stevns", "2019M09", "fleksjob_fuldtid"): None,
    }


def test_json_v2_danish_strings(tmp_path: Path) -> None:
    rows = [["Område", "Periode", "Antal fuldtidspersoner"], ["Viborg", "2019M09", "2.108,5"]]
    result = read_aggregate(write_json_v2(tmp_path, rows, table="Y08A02"))
    assert result.source_format == "json-v2"
    assert values(result) == {("Viborg", "2019M09", "fleksjob_fuldtid"): 2108.5}


def test_json_v3_error_body(tmp_path: Path) -> None:
    path = tmp_path / "svar.json"
    body = {"code": 422, "cause": "Unknown period type: M", "request_id": "abc-123"}
    path.write_text(json.dumps(body), encoding="utf-8")
    assert error_line(path) == (
        "svar.json: the Jobindsats API answered with an error: Unknown period type: M "
        "(code 422). Fix the request (table, period, API key) and fetch the data again."
    )


@pytest.mark.parametrize(
    "text",
    ['"Forkert nøgle eller nøglen er udløbet."', "Forkert nøgle eller nøglen er udløbet."],
)
def test_json_v2_bad_key(tmp_path: Path, text: str) -> None:
    path = tmp_path / "svar.json"
    path.write_text(text, encoding="utf-8")
    assert "Forkert nøgle eller nøglen er udløbet" in error_line(path)


def test_json_of_another_shape(tmp_path: Path) -> None:
    path = tmp_path / "svar.json"
    path.write_text('{"foo": 1}', encoding="utf-8")
    assert error_line(path).startswith("svar.json: not a Jobindsats API response")


# --- sniff_kind -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["kommune", "periode", "fleksjob_fuldtid"], "aggregate"),
        (["person", "kommune", "start", "slut"], "ly-forloeb"),
        (["cpr", "kommune", "periode"], "ly-maaneder"),
        (["id", "kommune", "periode", "timer"], "fleksjob-timer"),
        (
            ["person", "kommune", "periode", "praktik_loentilskud", "loentimer", "su"],
            "ressourceforloeb",
        ),
    ],
)
def test_sniff_kind_csv_and_xlsx(tmp_path: Path, header: list[str], kind: str) -> None:
    assert sniff_kind(write_csv(tmp_path, [header, ["x"] * len(header)])) == kind
    assert sniff_kind(write_xlsx(tmp_path, [["Titel"], header])) == kind


def test_sniff_kind_parquet_and_json(tmp_path: Path) -> None:
    path = tmp_path / "timer.parquet"
    pl.DataFrame(
        {"person": ["a"], "kommune": [101], "periode": ["2019M09"], "timer": [8]}
    ).write_parquet(path)
    assert sniff_kind(path) == "fleksjob-timer"
    assert sniff_kind(EXAMPLES / "k1-sep-2019.json") == "aggregate"


def test_sniff_kind_unknown_person_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["person", "kommune", "beløb"]])
    with pytest.raises(FleksmonError, match="match no kind"):
        sniff_kind(path)


@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_two_row_header_measure_below_group(tmp_path: Path, fmt: str) -> None:
    rows: list[list[object]] = [
        ["Område", "Periode", "Fleksjob", "Ledighedsydelse"],
        [None, None, "Antal fuldtidspersoner", "Antal fuldtidspersoner"],
        ["Gentofte", "2019M09", "401", "48"],
        ["Thisted", "2019M09", "1.078", "164"],
    ]
    assert values(read_aggregate(write(tmp_path, rows, fmt))) == WIDE_VALUES


def test_xlsx_zero_and_blank_number_cells(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [*WIDE[0]],
        ["Gentofte", "2019M09", 0, None],
        ["Faxe", "2019M09", 0.5, "..."],
    ]
    with pytest.raises(FleksmonError, match=r"row 3, column 'ledighedsydelse_fuldtid': '\.\.\.'"):
        read_aggregate(write_xlsx(tmp_path, rows))
    rows[2][3] = ".."
    assert values(read_aggregate(write_xlsx(tmp_path, rows))) == {
        ("Gentofte", "2019M09", "fleksjob_fuldtid"): 0.0,
        ("Gentofte", "2019M09", "ledighedsydelse_fuldtid"): None,
        ("Faxe", "2019M09", "fleksjob_fuldtid"): 0.5,
        ("Faxe", "2019M09", "ledighedsydelse_fuldtid"): None,
    }


def test_national_panel_reads_every_row(tmp_path: Path) -> None:
    """Every kommune × 120 months × gender, summed over gender (speed is measured in bench/)."""
    kommuner = [a.name for a in all_areas() if a.kind == "kommune"]
    months = [f"{y}M{m:02d}" for y in range(2015, 2025) for m in range(1, 13)]
    header = ["Område", "Periode", "Køn", "Fleksjob, fuldtidspersoner"]
    body = [[k, p, s, "1.234,5"] for k in kommuner for p in months for s in ("Mænd", "Kvinder")]
    path = write_csv(tmp_path, [header, *body])
    result = read_aggregate(path)
    assert result.frame.height == len(kommuner) * len(months)
    assert result.frame.get_column("vaerdi").unique().to_list() == [2469.0]
