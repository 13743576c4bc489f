"""Real Jobindsats material (issue 19): table ids in file names, numbers as written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fleksmon.errors import FleksmonError
from fleksmon.readers import read_aggregate
from fleksmon.readers.columns import tables_in

Run = Callable[..., Any]
SHARE_ID = "y12a02.fuldtidspersoner_i_pct_af_befolkningen_16_66_aar"
V2_Y12A02 = (
    "Area;Periode;Antal personer;Fuldtidspersoner i pct. af befolkningen 16-66 år\n"
    "Ballerup;2024M01;1234;2,9\n"
    "Ballerup;2024M02;1240;2,95\n"
    "Hele landet;2024M01;80000;3,1\n"
    "Hele landet;2024M02;80100;3,05\n"
)
OWN_SHARE = f"""
[KH]
name = "Andel på kontanthjælp"
share = "{SHARE_ID}"
direction = "lower"
target_pct = 4
"""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SAJobindsatsY08A02.csv", ["Y08A02"]),
        ("Y30R21-api.csv", ["Y30R21"]),
        ("udtraek_y09a02_2019.csv", ["Y09A02"]),
        ("jobindsats-y11a02(1).xlsx", ["Y11A02"]),
        ("OTIJ01-2020QMAT02.json", ["OTIJ01"]),
        ("Y08A02_Y09A02.csv", ["Y08A02", "Y09A02"]),
        ("data01.csv", []),
        ("Y08A021.csv", []),
        ("udtraek_20190912.csv", []),
        ("KOMMUNE2019.csv", []),
    ],
)
def test_table_ids_anywhere_in_a_file_name(name: str, expected: list[str]) -> None:
    assert tables_in(name) == expected


def test_table_id_inside_a_longer_file_name_decides_the_benefit(tmp_path: Path) -> None:
    path = tmp_path / "SAJobindsatsY09A02.csv"
    path.write_text("Område;Periode;Antal fuldtidspersoner\nStevns;2019M09;92\n", "utf-8")
    result = read_aggregate(path)
    assert result.table == "Y09A02"
    assert result.frame.rows() == [("Stevns", 24236, 24236, "ledighedsydelse_fuldtid", 92.0)]


TITLED = "Ledighedsydelse (Y09A02)\nOmråde;Periode;Antal fuldtidspersoner\nStevns;2019M09;92\n"


@pytest.mark.parametrize(
    ("name", "text", "table", "message"),
    [
        (
            "SAJobindsatsY08A02.csv",
            TITLED,
            None,
            "SAJobindsatsY08A02.csv: table Y08A02 from the file name, but Y09A02 from the "
            "title rows",
        ),
        (
            "udtraek.csv",
            TITLED,
            "Y08A02",
            "udtraek.csv: table Y08A02 from --table, but Y09A02 from the title rows",
        ),
        (
            "Y08A02_Y09A02.csv",
            "Område;Periode;Antal fuldtidspersoner\nStevns;2019M09;92\n",
            None,
            "Y08A02_Y09A02.csv: the file name names two Jobindsats tables, Y08A02 and Y09A02",
        ),
        (
            "Y08A02.json",
            '{"columns": ["Periode", "Område", "Antal personer"], "rows": '
            '[["2019M09", "Stevns", 92]], "table": "Y09A02"}',
            None,
            "Y08A02.json: table Y08A02 from the file name, but Y09A02 from the JSON",
        ),
    ],
)
def test_table_ids_that_disagree_are_refused(
    tmp_path: Path, name: str, text: str, table: str | None, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(FleksmonError) as info:
        read_aggregate(path, table=table)
    assert info.value.message == message


def test_table_ids_that_agree_are_read(tmp_path: Path) -> None:
    path = tmp_path / "y09a02-stevns.csv"
    path.write_text(TITLED, "utf-8")
    assert read_aggregate(path, table="y09a02").table == "Y09A02"


@pytest.fixture
def share_store(cli: Run, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "Y12A02.csv"
    path.write_text(V2_Y12A02, "utf-8")
    store = str(tmp_path / "s")
    targets = tmp_path / "t.toml"
    targets.write_text(OWN_SHARE, "utf-8")
    assert cli("ingest", str(path), "-s", store).exit_code == 0
    return store, str(targets)


def test_a_share_prints_as_written_in_csv_and_json(cli: Run, share_store: tuple[str, str]) -> None:
    store, targets = share_store
    args = ("-c", "KH", "-k", "Ballerup", "-s", store, "--targets", targets)
    csv = cli("compute", *args, "-f", "csv")
    assert csv.exit_code == 0, csv.stderr
    assert csv.stdout.splitlines() == [
        "kommune,kommune_kode,criterion,period,population,hits,share_pct,target_pct,gap_pp,"
        "gap_persons,met,baseline_pct",
        "Ballerup,151,KH,2024M01,,,2.9,4.0,,,true,",
        "Ballerup,151,KH,2024M02,,,2.95,4.0,,,true,",
    ]
    records = json.loads(cli("gap", *args, "-f", "json").stdout)
    assert [r["share_pct"] for r in records] == [2.95]
    noegletal = json.loads(cli("noegletal", *args, "-f", "json").stdout)
    assert [(r["omraade"], r["period"], r["share_pct"]) for r in noegletal] == [
        ("Ballerup", "2024M01", 2.9),
        ("Ballerup", "2024M02", 2.95),
        ("Hele landet", "2024M01", 3.1),
        ("Hele landet", "2024M02", 3.05),
        ("Top-10 gns.", "2024M01", None),
        ("Top-10 gns.", "2024M02", None),
    ]


def test_a_share_is_written_to_a_sheet_as_written(
    cli: Run, share_store: tuple[str, str], tmp_path: Path
) -> None:
    store, targets = share_store
    out = tmp_path / "n.xlsx"
    args = ("-c", "KH", "-k", "Ballerup", "-s", store, "--targets", targets, "-o", str(out))
    assert cli("noegletal", *args).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert 0.029 in cells and 0.0295 in cells and 0.031 in cells
    assert not any(isinstance(c, float) and 0.0289 < c < 0.0291 and c != 0.029 for c in cells)
