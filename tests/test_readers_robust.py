"""Awkward CSV files read right: ragged rows, notes, line endings, UTF-16, gzip, disguised files."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fleksmon.errors import FleksmonError
from fleksmon.periods import Period
from fleksmon.readers import read_aggregate
from fleksmon.store import Store

HEAD = "Område;Periode;Fleksjob, fuldtidspersoner"
VIBORG_THISTED = {"Viborg": 2108.0, "Thisted": 1078.0}


def values(path: Path) -> dict[str, float | None]:
    frame = read_aggregate(path).frame
    assert set(frame["maaling"]) == {"fleksjob_fuldtid"}
    assert {Period(a, b).code() for a, b in zip(frame["fra"], frame["til"], strict=True)} == {
        "2019M09"
    }
    return dict(zip(frame["kommune"], frame["vaerdi"], strict=True))


def xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in (HEAD.split(";"), ["Viborg", "2019M09", 2108], ["Thisted", "2019M09", 1078]):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


READ_RIGHT: dict[str, bytes] = {
    "note-column-left-out.csv": (
        f"{HEAD};Note\nViborg;2019M09;2.108\nThisted;2019M09;1.078;foreløbig\n".encode()
    ),
    "trailing-empty-cells.csv": (
        f"{HEAD}\nViborg;2019M09;2.108;;\nThisted;2019M09;1.078;\n".encode()
    ),
    "note-lines-between.csv": (
        f"Tabel 1\n\n{HEAD}\nViborg;2019M09;2.108\nAnm.: tal er foreløbige\n"
        "Thisted;2019M09;1.078\nKilde: Jobindsats.dk\n"
    ).encode("cp1252"),
    "mixed-line-endings.csv": f"{HEAD}\r\nViborg;2019M09;2.108\rThisted;2019M09;1.078\n".encode(),
    "unicode-text.txt": (
        "\ufeff"
        + HEAD.replace(";", "\t")
        + "\r\nViborg\t2019M09\t2108\r\nThisted\t2019M09\t1078\r\n"
    ).encode("utf-16-le"),
    "utf16-no-bom.csv": f"{HEAD}\nViborg;2019M09;2.108\nThisted;2019M09;1.078\n".encode(
        "utf-16-le"
    ),
    "gzip.csv.gz": gzip.compress(f"{HEAD}\nViborg;2019M09;2.108\nThisted;2019M09;1.078\n".encode()),
    "gzip-named.csv": gzip.compress(
        f"{HEAD}\nViborg;2019M09;2.108\nThisted;2019M09;1.078\n".encode("cp1252")
    ),
    "quoted-newline.csv": f'{HEAD}\n"Viborg";2019M09;"2.108"\nThisted;"2019M09";1.078\n'.encode(),
    "excel-named.csv": xlsx_bytes(),
    "comma-quoted-decimals.csv": (
        b'kommune,periode,fleksjob_fuldtid\nViborg,2019M09,"2108,0"\nThisted,2019M09,"1078,0"\n'
    ),
}


@pytest.mark.parametrize("name", list(READ_RIGHT))
def test_read_right(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(READ_RIGHT[name])
    assert values(path) == VIBORG_THISTED


def test_rows_are_numbered_as_the_file_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        f'Titel\n\n{HEAD}\nViborg;2019M09;"2.108"\nNote\n"Thi\nsted";2019M09;1.078\n'
        "Faxe;2019M13;659\n",
        "utf-8",
    )
    with pytest.raises(FleksmonError) as info:
        read_aggregate(path)
    assert info.value.message.startswith("lines.csv, row 6, column 'Område': unknown kommune")
    path.write_text(
        f'Titel\n\n{HEAD}\nViborg;2019M09;"2.108"\nNote\n"Thisted";2019M09;1.078\n'
        "Faxe;2019M13;659\n",
        "utf-8",
    )
    with pytest.raises(FleksmonError) as info:
        read_aggregate(path)
    assert info.value.message == "lines.csv, row 7, column 'Periode': unknown period '2019M13'"


def test_the_first_bad_row_is_named_every_run(tmp_path: Path) -> None:
    path = tmp_path / "periods.csv"
    body = "".join(f"Viborg;2019M{13 + i};{i}\n" for i in range(40))
    path.write_text(f"{HEAD}\nThisted;2019M09;1\n{body}", "utf-8")
    for _ in range(5):
        with pytest.raises(FleksmonError) as info:
            read_aggregate(path)
        assert (
            info.value.message == "periods.csv, row 3, column 'Periode': unknown period '2019M13'"
        )


@pytest.mark.parametrize("marker", ["-", "..", "x", "", " ", ".", "–"])
def test_a_missing_value_is_stored_as_a_null_row(tmp_path: Path, marker: str) -> None:
    path = tmp_path / "y08a02.csv"
    path.write_text(f"{HEAD}\nViborg;2019M09;{marker}\nThisted;2019M09;1.078\n", "utf-8")
    assert values(path) == {"Viborg": None, "Thisted": 1078.0}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "v3.json",
            '{"columns": ["Område", "Periode", "Antal fuldtidspersoner"], '
            '"rows": [["Viborg", "2019M09", null], ["Thisted", "2019M09", 1078]]}',
        ),
        (
            "flow.csv",
            '{"Område": "Viborg", "Periode": "2019M09", "Antal fuldtidspersoner": null}\n'
            '{"Område": "Thisted", "Periode": "2019M09", "Antal fuldtidspersoner": 1078}\n',
        ),
    ],
)
def test_json_null_is_a_null_row(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / f"y08a02_{name}"
    path.write_text(text, "utf-8")
    assert values(path) == {"Viborg": None, "Thisted": 1078.0}


def test_a_missing_category_makes_the_sum_missing(tmp_path: Path) -> None:
    path = tmp_path / "y08a02.csv"
    path.write_text(
        "Område;Periode;Køn;Antal fuldtidspersoner\nViborg;2019M09;Kvinder;..\n"
        "Viborg;2019M09;Mænd;1.000\nThisted;2019M09;Kvinder;78\nThisted;2019M09;Mænd;1.000\n",
        "utf-8",
    )
    assert values(path) == {"Viborg": None, "Thisted": 1078.0}


def test_null_rows_reach_the_store(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "y08a02.csv"
    path.write_text(f"{HEAD}\nViborg;2019M09;-\nThisted;2019M09;1.078\n", "utf-8")
    result = cli("ingest", str(path), "--store", str(tmp_path / "s"))
    assert result.stderr.splitlines()[0].endswith(", 1 suppressed values.")
    stored = Store(tmp_path / "s").scan("aggregate", None)
    assert stored is not None
    rows = stored.select("kommune", "vaerdi").sort("kommune").collect().rows()
    assert rows == [("Thisted", 1078.0), ("Viborg", None)]


def test_a_cpr_like_header_is_never_echoed(tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text("0101901234;Viborg;2019M09\n0202902345;Thisted;2019M09\n", "utf-8")
    with pytest.raises(FleksmonError) as info:
        read_aggregate(path)
    assert "0101901234" not in info.value.line()
    assert info.value.message == (
        "noheader.csv, row 1: no 'kommune' column (columns found: 'column 1', 'Viborg', '2019M09')"
    )


@pytest.mark.parametrize(
    "text",
    [
        f"sep=;\n{HEAD}\nViborg;2019M09;2.108\nThisted;2019M09;1.078\n",
        '"Område";"Periode";"Fleksjob, fuldtidspersoner"\n"Viborg";"2019M09";"2.108"\n'
        '"Thisted";"2019M09";"1.078"\n',
        f"{HEAD}\nViborg;2019M09;2\u00a0108\nThisted;2019M09;1 078\n",
        f"  {HEAD}  \n Viborg ; 2019M09 ; 2.108 \nThisted;2019M09;1.078\n\n\n",
    ],
    ids=["excel-sep-line", "all-quoted", "space-thousands", "padded"],
)
def test_more_real_world_csv(tmp_path: Path, text: str) -> None:
    path = tmp_path / "y08a02.csv"
    path.write_text(text, "utf-8")
    assert values(path) == VIBORG_THISTED
