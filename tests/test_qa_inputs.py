# ruff: noqa: E501  (each expected line is kept whole, as the user reads it)
"""Hostile inputs found by trying the CLI as a new user: read right (Viborg 49, Thisted 40
persons missing in Sep 2019) or refused in one line, exit 2, the store unchanged."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

Run = Callable[..., Any]
HINT = "Save the API response unchanged, or export the table as CSV."
V3_HEAD = ["Periode", "Område", "Antal fuldtidspersoner"]


def _v3(rows: list[list[Any]]) -> str:
    return json.dumps({"columns": V3_HEAD, "rows": rows})


def _portal_xlsx() -> bytes:
    """A portal download: merged title, group labels merged over months, Køn i alt rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "Fleksjob og ledighedsydelse - fuldtidspersoner"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(
        [
            "Område",
            "Køn",
            "Fleksjob, fuldtidspersoner",
            None,
            "Ledighedsydelse, fuldtidspersoner",
            None,
        ]
    )
    ws.merge_cells("C3:D3")
    ws.merge_cells("E3:F3")
    ws.append([None, None, "2019M08", "2019M09", "2019M08", "2019M09"])
    for area, f8, f9, l8, l9 in (
        ("Hele landet", 60000, 61000, 10000, 10100),
        ("Viborg", 2100, 2108, 280, 289),
        ("Thisted", 1070, 1078, 160, 164),
    ):
        ws.append([area, "Køn i alt", f8, f9, l8, l9])
        ws.append([area, "Kvinder", f8 - 1000, f9 - 1000, l8 // 2, l9 // 2])
        ws.append([area, "Mænd", 1000, 1000, l8 - l8 // 2, l9 - l9 // 2])
    ws.append(["Kilde: Jobindsats.dk"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _counts_xlsx(viborg: float) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        ["Område", "Periode", "Fleksjob, fuldtidspersoner", "Ledighedsydelse, fuldtidspersoner"]
    )
    ws.append(["Viborg", "2019M09", viborg, 289])
    ws.append(["Thisted", "2019M09", 1078, 164])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_three_decimals_among_fractions_stay_exact(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "counts.xlsx"
    path.write_bytes(_counts_xlsx(2107.25))
    store = str(tmp_path / "store")
    assert cli("ingest", str(path), "--store", store).exit_code == 0


def test_portal_xlsx_with_groups_merged_over_months(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "portal.xlsx"
    path.write_bytes(_portal_xlsx())
    store = str(tmp_path / "store")
    assert cli("ingest", str(path), "--store", store).exit_code == 0
    result = cli("gap", "-c", "1", "-k", "Viborg", "-k", "Thisted", "-s", store, "-f", "json")
    missing = {r["kommune"]: r["gap_persons"] for r in json.loads(result.stdout)}
    assert missing == {"Viborg": 49, "Thisted": 40}


def test_xlsx_codes_and_periods_in_number_cells(cli: Run, tmp_path: Path) -> None:
    """DST codes and yyyymm periods typed as numbers in Excel (791, 201909)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "Kommunekode",
            "Periode",
            "Fleksjob, fuldtidspersoner",
            "Ledighedsydelse, fuldtidspersoner",
        ]
    )
    ws.append([791, 201909, 2108, 289])
    ws.append([787, 201909, 1078, 164])
    path = tmp_path / "codes.xlsx"
    wb.save(path)
    store = str(tmp_path / "store")
    assert cli("ingest", str(path), "--store", store).exit_code == 0
    result = cli("gap", "-c", "1", "-k", "Viborg", "-k", "Thisted", "-s", store, "-f", "json")
    missing = {r["kommune"]: r["gap_persons"] for r in json.loads(result.stdout)}
    assert missing == {"Viborg": 49, "Thisted": 40}


BAD: list[tuple[str, bytes, str]] = [
    (
        "title-names-both.csv",
        "Fleksjob og ledighedsydelse - fuldtidspersoner\nOmråde;2019M09\nViborg;2.108\n".encode(),
        "title-names-both.csv, row 2: the title names fleksjob and ledighedsydelse, so it cannot tell which measure the values are. Download one measure a table (or with the measure names in the header), or pass --table ID (e.g. --table Y08A02).",
    ),
    (
        "deep.json",
        ("[" * 100_000 + "]" * 100_000).encode(),
        f"deep.json: not valid JSON (nested too deeply). {HINT}",
    ),
    (
        "v2-data-object.json",
        json.dumps([{"Variables": "x", "Data": {}}]).encode(),
        f"v2-data-object.json: not a Jobindsats API response (expected a v2 list with 'Variables' and 'Data', or a v3 object with 'columns' and 'rows'). {HINT}",
    ),
    (
        "v3-rows-object.y08a02.json",
        json.dumps({"columns": V3_HEAD, "rows": {"a": 1}}).encode(),
        f"v3-rows-object.y08a02.json: not a Jobindsats API response (expected a v2 list with 'Variables' and 'Data', or a v3 object with 'columns' and 'rows'). {HINT}",
    ),
    (
        "v3-list-in-cell.y08a02.json",
        _v3([["2019M09", "Viborg", 2108], ["2019M09", "Thisted", [1078]]]).encode(),
        f"v3-list-in-cell.y08a02.json, row 2: a cell holds a list or an object, not a value. {HINT}",
    ),
    (
        "v3-null-area.y08a02.json",
        _v3([["2019M09", "Viborg", 2108], ["2019M08", None, 1078]]).encode(),
        "v3-null-area.y08a02.json, row 2, column 'Område': no kommune (an empty cell). Fill in the kommune, or remove the row.",
    ),
    (
        "bom-cp1252.csv",
        b"\xef\xbb\xbf"
        + "Område;Periode;Fleksjob, fuldtidspersoner\r\nTønder;2019M09;577\r\n".encode("cp1252"),
        "bom-cp1252.csv, row 1: the file starts with a UTF-8 byte-order mark, but byte 0xE5 here is not UTF-8 (two encodings mixed, e.g. Windows-1252 text saved or appended as UTF-8). Save the whole file again as UTF-8 (or export it again from Jobindsats).",
    ),
    (
        "utf8-then-cp1252.csv",
        "Område;Periode;Fleksjob, fuldtidspersoner\nKøbenhavn;2019M09;2.108\n".encode()
        + "Tønder;2019M09;577\n".encode("cp1252"),
        "utf8-then-cp1252.csv, row 3: the file has UTF-8 letters (row 1), but byte 0xF8 here is not UTF-8 (two encodings mixed, e.g. Windows-1252 text saved or appended as UTF-8). Save the whole file again as UTF-8 (or export it again from Jobindsats).",
    ),
    (
        "thousands-read-as-decimal.xlsx",
        _counts_xlsx(2.108),
        "thousands-read-as-decimal.xlsx, row 2, column 'Fleksjob, fuldtidspersoner': the number 2,108 has exactly three decimals, but fleksjob_fuldtid is a count and no other number in the file has decimals: a thousands number (2.108) read as a decimal when the file was opened in Excel. Type the count as a whole number (or format the cells as text), or export the table again from Jobindsats.",
    ),
    (
        "decimal-point-and-thousands-dot.csv",
        "Område;Periode;Fleksjob, fuldtidspersoner\nThisted;2019M09;1.078\nViborg;2019M09;2.10\n".encode(),
        "decimal-point-and-thousands-dot.csv, row 3, column 'Fleksjob, fuldtidspersoner': '2.10' has a decimal point, but the file writes thousands with a dot (row 2: '1.078'), so one of them is read wrong. Write thousands with a dot (1.227) and decimals with a comma (83,5), as Jobindsats does.",
    ),
    (
        "empty-area-first.csv",
        "Område;Periode;Fleksjob, fuldtidspersoner\n;2019M09;2.108\nViborg;2019M09;2.108\n".encode(),
        "empty-area-first.csv, row 2, column 'Område': no kommune (an empty cell). Fill in the kommune, or remove the row.",
    ),
]


@pytest.mark.parametrize(("name", "content", "line"), BAD, ids=[b[0] for b in BAD])
def test_refused_in_one_line(
    cli: Run, tmp_path: Path, name: str, content: bytes, line: str
) -> None:
    store = tmp_path / "store"
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("ingest", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"Error: {line}\n", "")
    assert not store.exists() or not any(p.is_file() for p in store.rglob("*.parquet"))


def _folder(path: Path) -> None:
    path.mkdir()


def _loop(path: Path) -> None:
    other = path.with_name("other.csv")
    other.symlink_to(path)
    path.symlink_to(other)


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("gone.csv"))


@pytest.mark.parametrize(
    ("make", "kind", "line"),
    [
        (_folder, "aggregate", "a folder, not a file. Pass the files in it (e.g. folder/*.csv)."),
        (
            _folder,
            "fleksjob-timer",
            "a folder, not a file. Pass the files in it (e.g. folder/*.csv).",
        ),
        (
            _loop,
            "aggregate",
            "a link that leads back to itself (a loop of symbolic links). Point the link at the file, or pass the file itself.",
        ),
        (
            _dangling,
            "aggregate",
            "a link to a file that does not exist. Point the link at the file, or pass the file itself.",
        ),
    ],
    ids=["folder", "folder-person", "link-loop", "dangling-link"],
)
def test_path_that_is_not_a_file(
    cli: Run, tmp_path: Path, make: Callable[[Path], None], kind: str, line: str
) -> None:
    path = tmp_path / "extract.csv"
    make(path)
    store = tmp_path / "store"
    result = cli("ingest", str(path), "--kind", kind, "--store", str(store))
    assert (result.exit_code, result.stderr) == (2, f"Error: {path}: {line}\n")
    assert not store.exists()


def test_device_is_not_a_file(cli: Run, tmp_path: Path) -> None:
    result = cli("ingest", "/dev/null", "--store", str(tmp_path / "store"))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: /dev/null: not a regular file (a device, pipe or socket). Save the data to a file and pass that.\n",
    )


PERSON_HEAD = "person;kommune;periode;timer\r\n"


@pytest.mark.parametrize("kind", [[], ["--kind", "fleksjob-timer"]], ids=["sniffed", "kind"])
def test_person_file_in_utf16_is_read(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: list[str]
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "qa-key")
    path = tmp_path / "timer.csv"
    path.write_bytes((PERSON_HEAD + "syn001;Viborg;2019M09;10\r\n").encode("utf-16"))
    result = cli("ingest", str(path), *kind, "--store", str(tmp_path / "store"))
    assert result.exit_code == 0, result.stderr
    assert "1 rows, 1 persons" in result.stderr + result.stdout


MIXED_SNIFFED = "Error: timer.csv, row 3: the file has UTF-8 letters (row 2), but byte 0xF8 here is not UTF-8 (two encodings mixed, e.g. Windows-1252 text saved or appended as UTF-8). Save the whole file again as UTF-8 (or export it again from Jobindsats).\n"


@pytest.mark.parametrize(
    ("kind", "line"),
    [([], MIXED_SNIFFED), (["--kind", "fleksjob-timer"], MIXED_SNIFFED)],
    ids=["sniffed", "kind"],
)
def test_person_file_with_two_encodings_is_refused(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: list[str], line: str
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "qa-key")
    path = tmp_path / "timer.csv"
    path.write_bytes(
        (PERSON_HEAD + "syn001;København;2019M09;10\r\n").encode()
        + "syn002;Tønder;2019M09;10\r\n".encode("cp1252")
    )
    store = tmp_path / "store"
    result = cli("ingest", str(path), *kind, "--store", str(store))
    assert (result.exit_code, result.stderr) == (2, line)
    assert not store.exists() or not any(p.suffix == ".parquet" for p in store.rglob("*"))


def test_thousands_with_no_break_and_thin_spaces(cli: Run, tmp_path: Path) -> None:
    """2 108 with a no-break space, 1 078 with a narrow no-break space, 289 after a thin one."""
    path = tmp_path / "spaces.csv"
    path.write_text(
        "Område;Periode;Fleksjob, fuldtidspersoner;Ledighedsydelse, fuldtidspersoner\n"
        "Viborg;2019M09;2\u00a0108;\u2009289\nThisted;2019M09;1\u202f078;164\n"
    )
    store = str(tmp_path / "store")
    assert cli("ingest", str(path), "--store", store).exit_code == 0
    result = cli("gap", "-c", "1", "-k", "Viborg", "-k", "Thisted", "-s", store, "-f", "json")
    missing = {r["kommune"]: r["gap_persons"] for r in json.loads(result.stdout)}
    assert missing == {"Viborg": 49, "Thisted": 40}
