"""Real Jobindsats material (issue 19): table ids in file names, numbers as written."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fleksmon.errors import FleksmonError
from fleksmon.readers import read_aggregate
from fleksmon.readers.columns import tables_in

Run = Callable[..., Any]
DATA = Path(__file__).resolve().parent / "data"
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
        "gap_persons,met,baseline_pct,note,as_of",
        "Ballerup,151,KH,2024M01,,,2.9,4.0,,,true,,,",
        "Ballerup,151,KH,2024M02,,,2.95,4.0,,,true,,,",
    ]
    records = json.loads(cli("gap", *args, "-f", "json").stdout)
    assert [r["share_pct"] for r in records] == [2.95]
    noegletal = json.loads(cli("noegletal", *args, "-p", "2024M02", "-f", "json").stdout)
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
    assert cli("noegletal", *args, "-p", "2024M02").exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert 0.029 in cells and 0.0295 in cells and 0.031 in cells
    assert not any(isinstance(c, float) and 0.0289 < c < 0.0291 and c != 0.029 for c in cells)


V2_SHARE = (
    "Area;Periode;Antal personer;Fuldtidspersoner i pct. af befolkningen 16-66 år\n"
    "Ballerup;2023M11;705;2,08\n"
    "Ballerup;2023M12;698;2,05\n"
    "Hele landet;2023M11;98020;2,43\n"
    "Hele landet;2023M12;97310;2,41\n"
)
V3_SHARE = {
    "columns": ["Periode", "Område", "Antal personer", "Fuldtidspersoner i pct. af befolkningen"],
    "rows": [
        ["2023M12", "Ballerup", 699, 2.06],
        ["2024M01", "Ballerup", 690, 2.02],
        ["2023M12", "Hele landet", 97402, 2.42],
        ["2024M01", "Hele landet", 96880, 2.4],
    ],
}
SHORT = "y12a02.fuldtidspersoner_i_pct_af_befolkningen"


@pytest.mark.parametrize("declared", [SHORT, SHORT + "_16_66_aar"])
def test_a_v2_and_a_v3_answer_of_one_table_give_one_series(
    cli: Run, tmp_path: Path, declared: str
) -> None:
    (tmp_path / "Y12A02-v2.csv").write_text(V2_SHARE, "utf-8")
    (tmp_path / "Y12A02-v3.json").write_text(json.dumps(V3_SHARE), "utf-8")
    targets = tmp_path / "t.toml"
    targets.write_text(OWN_SHARE.replace(SHARE_ID, declared), "utf-8")
    store = str(tmp_path / "s")
    for name in ("Y12A02-v2.csv", "Y12A02-v3.json"):
        assert cli("ingest", str(tmp_path / name), "-s", store).exit_code == 0
    args = ("-c", "KH", "-k", "Ballerup", "-s", store, "--targets", str(targets), "-f", "json")
    result = cli("compute", *args, "-p", "2023M11..2024M01")
    assert result.exit_code == 0, result.stderr
    assert [(r["period"], r["share_pct"]) for r in json.loads(result.stdout)] == [
        ("2023M11", 2.08),
        ("2023M12", 2.06),  # the v3 answer is newer: its revised value wins
        ("2024M01", 2.02),
    ]
    listed = json.loads(cli("store", "-s", store, "--measures", "-f", "json").stdout)
    assert [(m["measure"], m["kind"], m["periods"]) for m in listed] == [
        ("y12a02.antal_personer", "antal", "2023M11..2024M01"),
        (SHORT, "andel", "2023M11..2024M01"),
    ]


@pytest.mark.parametrize(
    "label",
    [
        "Fuldtidspersoner i pct. af befolkningen",
        "Fuldtidspersoner i pct. af befolkningen 16-66 år",
        "FULDTIDSPERSONER I PCT. AF BEFOLKNINGEN  16 - 66 ÅR",
        "Fuldtidspersoner i pct.af befolkningen (16–66 år)",
        "Fuldtidspersoner i pct. af befolkningen16-66 år",
        "Andel: Fuldtidspersoner i pct. af befolkningen 16-66 år",
    ],
)
def test_case_spacing_and_the_default_ages_never_split_a_measure(
    tmp_path: Path, label: str
) -> None:
    path = tmp_path / "Y12A02.csv"
    path.write_text(f"Område;Periode;{label}\nBallerup;2024M01;2,9\n", "utf-8")
    assert read_aggregate(path).frame["maaling"].to_list() == [SHORT]


def test_other_age_spans_stay_separate(tmp_path: Path) -> None:
    path = tmp_path / "Y01A02.csv"
    path.write_text(
        "Område;Periode;Ledige i pct. af arbejdsstyrken 16-64 år;"
        "Ledige i pct. af arbejdsstyrken 16-66 år\nBallerup;2024M01;2,7;2,9\n",
        "utf-8",
    )
    frame = read_aggregate(path).frame
    assert dict(zip(frame["maaling"], frame["vaerdi"], strict=True)) == {
        "y01a02.ledige_i_pct_af_arbejdsstyrken_16_64_aar": 2.7,
        "y01a02.ledige_i_pct_af_arbejdsstyrken": 2.9,
    }


def test_the_group_of_a_label_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "Y01A02.csv"
    path.write_text(
        "Area;Periode;Personer: Antal personer;Fuldtidspersoner: Antal fuldtidspersoner\n"
        "Ballerup;2023M12;815;602\n",
        "utf-8",
    )
    result = read_aggregate(path)
    assert result.frame.select("maaling", "vaerdi").rows() == [
        ("y01a02.antal_fuldtidspersoner", 602.0),
        ("y01a02.antal_personer", 815.0),
    ]
    assert result.labels == {
        "y01a02.antal_fuldtidspersoner": "Fuldtidspersoner: Antal fuldtidspersoner",
        "y01a02.antal_personer": "Personer: Antal personer",
    }


@pytest.mark.parametrize(
    ("header", "first", "second"),
    [
        ("Personer: I alt;Fuldtidspersoner: I alt", "Personer: I alt", "Fuldtidspersoner: I alt"),
        ("Antal personer;Mænd: Antal personer", "Antal personer", "Mænd: Antal personer"),
    ],
)
def test_groups_that_would_collide_are_refused(
    tmp_path: Path, header: str, first: str, second: str
) -> None:
    path = tmp_path / "Y01A02.csv"
    path.write_text(f"Area;Periode;{header}\nBallerup;2023M12;815;602\n", "utf-8")
    with pytest.raises(FleksmonError) as info:
        read_aggregate(path)
    measure = "y01a02.i_alt" if "I alt" in first else "y01a02.antal_personer"
    assert info.value.message == (
        f"Y01A02.csv: '{first}' and '{second}' are both {measure} once the group before ':' "
        "is dropped"
    )


def test_a_kept_format_3_store_is_merged_on_first_use(cli: Run, tmp_path: Path) -> None:
    root = tmp_path / "store-v3"
    shutil.copytree(DATA / "store-v3", root)
    targets = tmp_path / "t.toml"
    targets.write_text(OWN_SHARE.replace(SHARE_ID, SHARE_ID), "utf-8")
    args = ("-c", "KH", "-k", "Ballerup,Herlev", "-s", str(root), "--targets", str(targets))
    result = cli("compute", *args, "-p", "2023M10..2024M02", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Upgraded the store at {root} from format 3 to format ")
    found = [(r["kommune"], r["period"], r["share_pct"]) for r in json.loads(result.stdout)]
    assert found == [
        ("Ballerup", "2023M10", 2.1),
        ("Ballerup", "2023M11", 2.08),
        ("Ballerup", "2023M12", 2.06),
        ("Ballerup", "2024M01", 2.02),
        ("Ballerup", "2024M02", 2.0),
        ("Herlev", "2023M10", 1.9),
        ("Herlev", "2023M11", 1.87),
        ("Herlev", "2023M12", 1.83),
        ("Herlev", "2024M01", 1.8),
        ("Herlev", "2024M02", None),
    ]
    listed = json.loads(cli("store", "-s", str(root), "--measures", "-f", "json").stdout)
    assert [(m["measure"], m["label"], m["periods"]) for m in listed] == [
        ("fleksjob_fuldtid", "Fleksjob, fuldtidspersoner", "2019M09"),
        ("ledighedsydelse_fuldtid", "Ledighedsydelse, fuldtidspersoner", "2019M09"),
        ("y01a02.antal_fuldtidspersoner", "Fuldtidspersoner: Antal fuldtidspersoner", "2023M12"),
        ("y01a02.antal_personer", "Personer: Antal personer", "2023M12"),
        (
            "y01a02.fuldtidspersoner_i_pct_af_arbejdsstyrken",
            "Fuldtidspersoner: Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år",
            "2023M12",
        ),
        ("y12a02.antal_fuldtidspersoner", "Antal fuldtidspersoner", "2023M10..2024M02"),
        ("y12a02.antal_personer", "Antal personer", "2023M10..2024M02"),
        (SHORT, "Fuldtidspersoner i pct. af befolkningen", "2023M10..2024M02"),
    ]
    before = cli("compute", *args, "-p", "2023M12", "-f", "json", "--as-of", "2026-12-05T03:04:10Z")
    assert [r["share_pct"] for r in json.loads(before.stdout)] == [2.05, 1.83]


def test_jobindsats_own_totals_are_used_in_place_of_a_sum(tmp_path: Path) -> None:
    """Hele landet and region rows in a download are Jobindsats' own totals (they count
    persons without a kommune too): used as given, never replaced by the kommuner's sum."""
    import polars as pl

    from fleksmon import api
    from fleksmon.areas import kommuner
    from fleksmon.schema import AGGREGATE

    lines = ["Område;Periode;Fleksjob, fuldtidspersoner;Ledighedsydelse, fuldtidspersoner"]
    lines += [f"{k.name};2019M09;10;1" for k in kommuner()]
    lines += ["Region Hovedstaden;2019M09;301,5;30,25", "Hele landet;2019M09;1.000;100"]
    path = tmp_path / "k1.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    frame = read_aggregate(path).frame
    assert frame.schema == pl.Schema(AGGREGATE)
    records = api.gap("K1", frame=frame, kommuner=["Hele landet", "Region Hovedstaden"]).records
    assert records.select("kommune", "period", "population", "hits").rows() == [
        ("Region Hovedstaden", "2019M09", 331.75, 301.5),
        ("Hele landet", "2019M09", 1100.0, 1000.0),
    ]
    summed = api.gap("K1", frame=frame.filter(pl.col("kommune") != "Hele landet"))
    land = summed.records.filter(pl.col("kommune") == "Hele landet")
    n = len(kommuner())
    assert land.select("population", "hits").rows() == [(n * 11.0, n * 10.0)]
