"""The command line: exact output, exit codes, and CLI == library."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fleksmon import api
from fleksmon.numbers import format_int
from fleksmon.store import Store

Run = Callable[..., Any]


def test_version(cli: Run) -> None:
    from fleksmon import __version__

    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"fleksmon {__version__}\n"


def test_gap_csv_exact(cli: Run, k1_store: Store) -> None:
    result = cli(
        "gap",
        "-c",
        "1",
        "-k",
        "Gentofte",
        "-k",
        "787",
        "--store",
        str(k1_store.root),
        "--format",
        "csv",
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "kommune,kommune_kode,criterion,period,population,hits,share_pct,target_pct,gap_pp,"
        "gap_persons,met,baseline_pct,note,as_of,ledighedsydelse\n"
        "Gentofte,157,K1,2019M09,449.0,401.0,89.30957683741649,90.0,0.6904231625835189,3,false,,,,48.0\n"
        "Thisted,787,K1,2019M09,1242.0,1078.0,86.79549114331724,90.0,3.2045088566827697,40,false,,,,164.0\n"
    )
    assert result.stderr == ""


def test_gap_json_equals_library(cli: Run, k1_store: Store) -> None:
    result = cli("gap", "--criterion", "K1", "--store", str(k1_store.root), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == api.gap("K1", store=k1_store).records.to_dicts()


def test_compute_json_equals_library(cli: Run, k1_store: Store) -> None:
    result = cli("compute", "-c", "1", "-p", "2019M09", "-s", str(k1_store.root), "-f", "json")
    library = api.compute("K1", store=k1_store, period=api.Period(*(2 * [2019 * 12 + 8])))
    assert json.loads(result.stdout) == library.records.to_dicts()


def _table_rows(text: str) -> dict[str, list[str]]:
    return {
        line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
        for line in text.splitlines()
        if line.startswith("│")
    }


def test_compute_table_reproduces_the_oct_2019_report(cli: Run, k1_store: Store) -> None:
    from tests.conftest import K1_SEP_2019

    result = cli("compute", "-c", "1", "--store", str(k1_store.root), "--format", "table")
    assert result.exit_code == 0
    rows = _table_rows(result.stdout)
    expected = {
        k: ["–", f"{share}%", format_int(f + ly), format_int(f), format_int(ly), str(pp), str(n)]
        for k, (f, ly, share, pp, n) in K1_SEP_2019.items()
    }
    assert rows == expected
    assert list(rows) == list(K1_SEP_2019)  # the report's order: best share first
    assert "Anm.: Hele landet vises ikke: kun 9 af 98 kommuner har data" in result.stdout


def test_gap_table_has_one_decimal(cli: Run, k1_store: Store) -> None:
    result = cli("gap", "-c", "1", "--store", str(k1_store.root), "--format", "table")
    assert result.exit_code == 0
    rows = _table_rows(result.stdout)
    assert rows["Gentofte"] == ["89,3%", "90%", "0,7", "3", "449", "401"]
    assert rows["Ballerup"] == ["79,5%", "90%", "10,5", "68", "644", "512"]
    assert list(rows)[::8] == ["Gentofte", "Ballerup"]


def test_k3_hele_landet_table_and_json(cli: Run, store: Store) -> None:
    from tests.conftest import SEP_2019, tidy

    store.ingest(
        tidy(
            [
                ("Hele landet", SEP_2019, SEP_2019, "k3_population", 26115.0),
                ("Hele landet", SEP_2019, SEP_2019, "k3_progression", 6314.0),
            ]
        ),
        kind="aggregate",
        source=Path("k3"),
        sha256="k3",
    )
    table = cli("gap", "-c", "3", "-s", str(store.root), "-f", "table")
    assert _table_rows(table.stdout)["Hele landet"] == [
        "24,2%",
        "28%",
        "3,8",
        "998",
        "26.115",
        "6.314",
    ]
    report = cli("compute", "-c", "3", "-s", str(store.root), "-f", "table")
    assert _table_rows(report.stdout)["Hele landet"][-4:] == ["26.115", "6.314", "4", "998"]
    assert "24%" in _table_rows(report.stdout)["Hele landet"]
    records = json.loads(cli("gap", "-c", "3", "-s", str(store.root), "-f", "json").stdout)
    assert records == api.gap("K3", store=store).records.to_dicts()
    assert records[0]["gap_persons"] == 998


def test_compute_table_has_baseline_series_and_gap(cli: Run, k1_store: Store) -> None:
    result = cli("compute", "-c", "1", "--store", str(k1_store.root), "--format", "table")
    assert result.exit_code == 0
    assert "Baseline" in result.stdout and "Sep. 2018" in result.stdout
    assert "Andel" in result.stdout and "Sep. 2019" in result.stdout
    gentofte = next(line for line in result.stdout.splitlines() if "Gentofte" in line)
    assert [c.strip() for c in gentofte.split("│")[1:-1]] == [
        "Gentofte",
        "–",
        "89%",
        "449",
        "401",
        "48",
        "1",
        "3",
    ]


def test_met_prints_check_mark(cli: Run, store: Store) -> None:
    from tests.conftest import SEP_2019, tidy

    store.ingest(
        tidy(
            [
                ("Thisted", SEP_2019, SEP_2019, "k3_population", 194.0),
                ("Thisted", SEP_2019, SEP_2019, "k3_progression", 107.0),
            ]
        ),
        kind="aggregate",
        source=Path("k3"),
        sha256="k3",
    )
    result = cli("gap", "-c", "3", "-s", str(store.root), "-f", "table")
    thisted = next(line for line in result.stdout.splitlines() if "Thisted" in line)
    assert [c.strip() for c in thisted.split("│")[1:-1]] == [
        "Thisted",
        "55,2%",
        "28%",
        "✓",
        "✓",
        "194",
        "107",
    ]
    assert cli("gap", "-c", "3", "-s", str(store.root), "--fail-on-gap").exit_code == 0


def test_fail_on_gap_exits_1(cli: Run, k1_store: Store) -> None:
    result = cli("gap", "-c", "1", "-s", str(k1_store.root), "--fail-on-gap", "-f", "csv")
    assert result.exit_code == 1
    assert result.stdout.startswith("kommune,")


def test_output_file(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "gap.json"
    result = cli("gap", "-c", "1", "-k", "Viborg", "-s", str(k1_store.root), "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text("utf-8"))[0]["gap_persons"] == 49


def test_csv_bom(cli: Run, k1_store: Store) -> None:
    result = cli("gap", "-c", "1", "-k", "Tønder", "-s", str(k1_store.root), "-f", "csv", "--bom")
    assert result.stdout.startswith("\ufeffkommune,")
    assert "Tønder,550,K1" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["gap", "-k", "Vibrog"],
            "Error: unknown kommune 'Vibrog'. Did you mean 'Viborg', 'Svendborg' or 'Silkeborg'? "
            "Use a kommune or region name, a DST code, or 'Hele landet'.\n",
        ),
        (
            ["gap", "-c", "1", "-p", "2019M13"],
            "Error: unknown period '2019M13'. Write a month as 2019M11, 2019-11 or 'nov 2019', "
            "a quarter as 2018K3, or a range as 2019M09..2019M11.\n",
        ),
        (
            ["gap", "-c", "7"],
            "Error: unknown criterion '7'. Use one of K1, K2, K3, R1, R2 (or 1, 2, 3).\n",
        ),
        (
            ["gap", "-c", "1", "-p", "2017M01"],
            "Error: no K1 data for 2017M01. The data covers 2019M09..2019M09; pick a period inside "
            "it.\n",
        ),
        (
            ["gap", "-c", "1", "--as-of", "yesterday"],
            "Error: bad --as-of 'yesterday'. Give a date as 2019-10-31 or a time as "
            "2019-10-31T12:00.\n",
        ),
    ],
)
def test_errors_are_one_line_exit_2(
    cli: Run, k1_store: Store, args: list[str], message: str
) -> None:
    result = cli(*args, "--store", str(k1_store.root))
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_empty_store_is_an_error(cli: Run, tmp_path: Path) -> None:
    result = cli("gap", "--store", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: the store at ")


def test_debug_shows_traceback(cli: Run, k1_store: Store) -> None:
    plain = cli("gap", "-k", "Vibrog", "-s", str(k1_store.root))
    result = cli("--debug", "gap", "-k", "Vibrog", "-s", str(k1_store.root))
    assert result.exit_code == plain.exit_code == 2
    assert plain.stderr.startswith("Error: ") and "'Vibrog'" in plain.stderr
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert "\nfleksmon.errors.FleksmonError: " in result.stderr
    assert result.stderr.endswith("\n" + plain.stderr)


def test_every_command_help_ends_with_an_example(cli: Run) -> None:
    from fleksmon.cli.app import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]  # type: ignore[union-attr]
    assert {"ingest", "compute", "gap", "store"} <= set(names)
    for name in names:
        result = cli(name, "--help")
        assert result.exit_code == 0
        assert "Example: fleksmon " + name in " ".join(result.stdout.split())


def test_store_listing(cli: Run, k1_store: Store) -> None:
    result = cli("store", "-s", str(k1_store.root), "-f", "json")
    rows = json.loads(result.stdout)
    assert [(r["kind"], r["rows"], r["sha256"]) for r in rows] == [("aggregate", 18, "k1")]
    assert cli("store", "-s", str(k1_store.root), "--check").exit_code == 0


def test_store_goes_through_the_shared_renderer(cli: Run, k1_store: Store) -> None:
    """``store`` writes data like every command: CSV into a pipe, csv-da for a Danish Excel."""
    root = str(k1_store.root)
    piped = cli("store", "-s", root).stdout.splitlines()
    assert piped[0] == "batch,kind,source,ingested_at,rows,replaced,changed,sha256,periods"
    assert piped[1].split(",")[1:3] + piped[1].split(",")[4:] == [
        "aggregate", "k1.csv", "18", "0", "0", "k1", ""
    ]  # fmt: skip
    danish = cli("store", "-s", root, "-f", "csv-da").stdout
    assert danish.startswith("\ufeffbatch;kind;source;")
    measures = cli("store", "-s", root, "--measures", "-f", "csv-da").stdout
    assert measures.startswith("\ufeffmeasure;")
    assert "┏" not in danish + measures


def test_source_choice_when_both_exist(
    cli: Run, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fleksmon.periods import month_index
    from fleksmon.synth import hours_panel, write_danish_csv
    from tests.conftest import tidy

    monkeypatch.setenv("FLEKSMON_KEY", "k")
    panel = hours_panel(persons=2000, months=30, seed=2, start_month=month_index(2017, 1))
    write_danish_csv(panel, tmp_path / "timer.csv")
    m = month_index(2019, 6)
    store.ingest(
        tidy([("Viborg", m, m, "k3_population", 100.0), ("Viborg", m, m, "k3_progression", 20.0)]),
        kind="aggregate",
        source=Path("agg"),
        sha256="agg",
    )
    assert cli("ingest", str(tmp_path / "timer.csv"), "-s", str(store.root)).exit_code == 0
    auto = cli("gap", "-c", "3", "-k", "Viborg", "-s", str(store.root), "-f", "table")
    assert "Anm.: Opgjort på kommunens eget udtræk af persondata" in auto.stdout
    assert "--source aggregate bruger dem" in auto.stdout
    agg = cli(
        "gap",
        "-c",
        "3",
        "-k",
        "Viborg",
        "-s",
        str(store.root),
        "--source",
        "aggregate",
        "-f",
        "json",
    )
    assert json.loads(agg.stdout)[0]["hits"] == 20.0
    person = json.loads(
        cli("gap", "-c", "3", "-k", "Viborg", "-s", str(store.root), "-f", "json").stdout
    )
    library = api.gap("K3", kommuner=["Viborg"], store=store).records.to_dicts()
    assert person == library


def test_r1_r2_from_person_level_ressourceforloeb(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "k")
    path = tmp_path / "rf.csv"
    path.write_text(
        "cpr;kommune;periode;praktik_loentilskud;loentimer;fleksjob;su;beskaeftigelsesgrad\n"
        "010170-1234;Viborg;2020M01;0;0;0;0;0\n"
        "010170-1234;Viborg;2020M02;1;0;0;0;0\n"
        "020170-1234;Viborg;2020M01;0;0;1;0;0\n"
        "030170-1234;Viborg;2020M03;0;0;0;0;60\n"
        "040170-1234;Thisted;2020M01;0;0;0;0;0\n"
        "040170-1234;Viborg;2020M03;0;12,5;0;0;0\n"
        "050170-1234;Thisted;2020M02;0;0;0;1;0\n"
        "060170-1234;Thisted;2020M04;1;0;0;0;0\n",
        encoding="utf-8",
    )
    store = str(tmp_path / "s")
    assert cli("ingest", str(path), "--store", store).exit_code == 0
    result = cli("gap", "-c", "r1", "-c", "r2", "-p", "2020K1", "-s", store, "-f", "csv")
    assert result.stdout == (
        "kommune,kommune_kode,criterion,period,population,hits,share_pct,target_pct,gap_pp,"
        "gap_persons,met,baseline_pct,note,as_of,selvforsoerget,uddannelse,fleksjob,loentimer,"
        "praktik_loentilskud,lange_forloeb,uden_indsats,under_1_aar,forloeb_1_2_aar,over_2_aar\n"
        "Thisted,787,R1,2020M01..2020M03,1.0,1.0,100.0,35.0,,,true,100.0,,,0.0,1.0,0.0,0.0,0.0,"
        "0.0,0.0,0.0,0.0,0.0\n"
        "Viborg,791,R1,2020M01..2020M03,4.0,4.0,100.0,35.0,,,true,100.0,,,1.0,0.0,1.0,1.0,1.0,"
        "0.0,0.0,2.0,0.0,0.0\n"
        "Thisted,787,R2,2020M01..2020M03,1.0,1.0,100.0,15.0,,,true,100.0,,,0.0,1.0,0.0,0.0,,"
        "0.0,0.0,0.0,0.0,0.0\n"
        "Viborg,791,R2,2020M01..2020M03,4.0,3.0,75.0,15.0,,,true,75.0,,,1.0,0.0,1.0,1.0,,"
        "0.0,0.0,2.0,0.0,0.0\n"
    )
    # the latest period: the newest whole quarter (April alone is not one), and said so
    default = cli("gap", "-c", "r2", "-s", store, "-f", "json")
    newer = (
        "R2: seneste hele kvartal med data er Jan.–Mar. 2020; lageret har ressourceforløb til "
        "Apr. 2020."
    )
    assert {r["period"] for r in json.loads(default.stdout)} == {"2020M01..2020M03"}
    assert {r["note"] for r in json.loads(default.stdout)} == {newer}
    assert default.stderr == (
        "Anm.: Hele landet vises ikke: kun 2 af 98 kommuner har data (landstallet summeres kun, "
        f"når alle kommuner er med).\nAnm.: {newer}\n"
    )


def test_help_starts_without_heavy_imports() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from fleksmon.cli.app import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "heavy = [m for m in ('polars', 'numpy', 'openpyxl', 'fastexcel') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_r1_records_carry_the_indicators(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "k")
    lines = ["cpr;kommune;periode;praktik_loentilskud;loentimer;fleksjob;su;beskaeftigelsesgrad"]
    for m in range(1, 13):
        lines.append(f"a;Faxe;2019M{m:02d};0;0;0;0;0")  # 15 months, no indsats: long, without
        lines.append(f"b;Faxe;2019M{m:02d};{int(m == 5)};0;0;0;0")  # 15 months, praktik in May
    for m in (1, 2, 3):
        lines += [f"a;Faxe;2020M0{m};0;0;0;0;0", f"b;Faxe;2020M0{m};0;0;0;0;0"]
        lines.append(f"c;Faxe;2020M0{m};0;0;0;0;0")  # 3 months
    path = tmp_path / "rf.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = str(tmp_path / "s")
    assert cli("ingest", str(path), "--store", store).exit_code == 0
    record = json.loads(cli("gap", "-c", "r1", "-s", store, "-f", "json").stdout)[0]
    assert record["period"] == "2020M01..2020M03"
    assert (record["lange_forloeb"], record["uden_indsats"]) == (2.0, 1.0)
    assert (record["under_1_aar"], record["forloeb_1_2_aar"], record["over_2_aar"]) == (
        1.0,
        2.0,
        0.0,
    )


def test_own_targets_and_labels_from_toml(cli: Run, tmp_path: Path) -> None:
    targets = tmp_path / "aalborg.toml"
    targets.write_text(
        '[K1]\ntarget_pct = 87\n\n[LY]\nname = "Andel på ledighedsydelse"\ntarget_pct = 13\n'
        'direction = "lower"\npopulation = ["fleksjob_fuldtid", "ledighedsydelse_fuldtid"]\n'
        'hits = ["ledighedsydelse_fuldtid"]\npopulation_label = "I ordningen"\n'
        'hits_label = "På ledighedsydelse"\n\n'
        '[labels]\n"Fleksjobbere (fuldtid)" = "fleksjob_fuldtid"\n'
        '"LY-modtagere (fuldtid)" = "ledighedsydelse_fuldtid"\n',
        encoding="utf-8",
    )
    data = tmp_path / "aalborg.csv"
    data.write_text(
        "Kommune;Periode;Fleksjobbere (fuldtid);LY-modtagere (fuldtid)\n"
        "Aalborg;2018M03;2.000;310\n",
        encoding="utf-8",
    )
    store = str(tmp_path / "s")
    assert cli("ingest", str(data), "-s", store, "--targets", str(targets)).exit_code == 0
    records = json.loads(cli("gap", "-s", store, "--targets", str(targets), "-f", "json").stdout)
    by_id = {r["criterion"]: r for r in records}
    assert (by_id["K1"]["target_pct"], by_id["K1"]["gap_persons"]) == (87.0, 10)
    ly = by_id["LY"]
    assert (ly["population"], ly["hits"], ly["met"], ly["gap_persons"]) == (
        2310.0,
        310.0,
        False,
        10,
    )
    table = cli("gap", "-c", "ly", "-s", store, "--targets", str(targets), "-f", "table").stdout
    assert "I ordningen" in table and "På ledighedsydelse" in table
    without = cli("ingest", str(data), "-s", str(tmp_path / "t"))
    assert without.exit_code == 2
    assert "unknown measure 'Fleksjobbere (fuldtid)'" in without.stderr
