"""Period kinds (issue 19): moving annual totals, years to date and years stored with their
span, followed by own measures, refused where a criterion needs months or quarters."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fleksmon.errors import FleksmonError
from fleksmon.periods import Period, parse_period, series_kind, span_code, span_kind, spans_text

Run = Callable[..., Any]
G1 = "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse"
G2 = "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse"


def _y30r21_line(area: str, period: str, group: str, expected: int, actual: int,
                 shares: tuple[str, str], rank: int | None) -> str:  # fmt: skip
    """One line as Randers' Node-RED flow saved the API v2 CSV answer (NDJSON named .csv):
    counts as JSON numbers, decimals as strings with a decimal comma."""
    row = {
        "Area": area,
        "Periode": period,
        "Ydelsesgrupper": group,
        f"{G1}: Forventet antal": expected,
        f"{G1}: Faktisk antal": actual,
        f"{G1}: Forskel mellem forventet og faktisk antal": expected - actual,
        f"{G2}: Forventet andel (pct.)": shares[0],
        f"{G2}: Faktisk andel (pct.)": shares[1],
        "Placering på benchmarkranglisten": rank,
    }
    return json.dumps(row, ensure_ascii=False)


Y30R21 = "\n".join(
    [
        _y30r21_line("København", "2020QMAT01", "Ydelsesgrupper i alt", 42950, 43880,
                     ("9,06", "9,26"), 61),
        _y30r21_line("København", "2020QMAT01", "A-dagpenge mv.", 16010, 15700,
                     ("3,38", "3,31"), 40),
        _y30r21_line("København", "2020QMAT02", "Ydelsesgrupper i alt", 43070, 44010,
                     ("9,08", "9,28"), 63),
        _y30r21_line("København", "2020QMAT02", "A-dagpenge mv.", 16170, 15890,
                     ("3,41", "3,35"), 41),
        _y30r21_line("Aarhus", "2020QMAT01", "Ydelsesgrupper i alt", 25110, 24870,
                     ("10,12", "10,02"), 30),
        _y30r21_line("Aarhus", "2020QMAT02", "Ydelsesgrupper i alt", 25240, 25100,
                     ("10,15", "10,09"), 33),
        _y30r21_line("Hele landet", "2020QMAT01", "Ydelsesgrupper i alt", 530100, 530100,
                     ("14,2", "14,2"), None),
        _y30r21_line("Hele landet", "2020QMAT02", "Ydelsesgrupper i alt", 531900, 531900,
                     ("14,25", "14,25"), None),
    ]
) + "\n"  # fmt: skip
BENCH = """
[BENCH]
name = "Faktisk andel på offentlig forsørgelse"
share = "y30r21.faktisk_andel_pct"
direction = "lower"
target_pct = 9.5

[FORVENTET]
name = "Faktisk antal i forhold til forventet antal"
population = ["y30r21.forventet_antal"]
hits = ["y30r21.faktisk_antal"]
direction = "lower"
target_pct = 100
"""


@pytest.mark.parametrize(
    ("code", "span", "kind", "back"),
    [
        ("2020QMAT02", "2019M07..2020M06", "mat", "2020QMAT02"),
        ("2020MMAT05", "2019M06..2020M05", "mat", "2020MMAT05"),
        ("2020QMAT04", "2020M01..2020M12", "year", "2020Y01"),
        ("2024MYTD05", "2024M01..2024M05", "ytd", "2024MYTD05"),
        ("2024QYTD02", "2024M01..2024M06", "ytd", "2024MYTD06"),
        ("2024Y01", "2024M01..2024M12", "year", "2024Y01"),
        ("2024Q02", "2024M04..2024M06", "quarter", "2024Q2"),
        ("2024M01", "2024M01", "month", "2024M01"),
        ("2024MYTD01", "2024M01", "month", "2024M01"),
    ],
)
def test_period_codes_are_their_spans(code: str, span: str, kind: str, back: str) -> None:
    period = parse_period(code)
    assert Period(period.start, period.end).code() == span
    assert span_kind(period.start, period.end) == kind
    assert span_code(period.start, period.end) == back


def test_a_series_of_moving_totals_keeps_its_december_and_ytd_its_january() -> None:
    mat = [(parse_period(c).start, parse_period(c).end) for c in ("2020QMAT03", "2020QMAT04")]
    assert series_kind(mat) == "mat"
    assert spans_text(mat) == "2020QMAT03..2020QMAT04 (moving annual totals)"
    ytd = [
        (parse_period(c).start, parse_period(c).end)
        for c in ("2024MYTD01", "2024MYTD02", "2024MYTD03")
    ]
    assert series_kind(ytd) == "ytd"
    assert spans_text(ytd) == "2024MYTD01..2024MYTD03 (years to date)"


@pytest.fixture
def bench(cli: Run, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "Y30R21-api.csv"
    path.write_text(Y30R21, "utf-8")
    store = str(tmp_path / "s")
    result = cli("ingest", str(path), "-s", store)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "Y30R21-api.csv: loaded aggregate: 36 rows, 3 kommuner, 2020QMAT01..2020QMAT02 "
        "(moving annual totals), measures y30r21.faktisk_andel_pct, y30r21.faktisk_antal, "
        "y30r21.forskel_mellem_forventet_og_faktisk_antal, y30r21.forventet_andel_pct, "
        "y30r21.forventet_antal, y30r21.placering_paa_benchmarkranglisten, 2 suppressed "
        "values; Ydelsesgrupper: used the total row 'Ydelsesgrupper i alt'."
    )
    targets = tmp_path / "bench.toml"
    targets.write_text(BENCH, "utf-8")
    return store, str(targets)


def test_y30r21_is_stored_with_its_moving_annual_totals(cli: Run, bench: tuple[str, str]) -> None:
    store, _ = bench
    listed = json.loads(cli("store", "-s", store, "--measures", "-f", "json").stdout)
    assert [(m["measure"], m["kind"], m["periods"], m["areas"]) for m in listed] == [
        ("y30r21.faktisk_andel_pct", "andel", "2020QMAT01..2020QMAT02 (moving annual totals)", 3),
        ("y30r21.faktisk_antal", "antal", "2020QMAT01..2020QMAT02 (moving annual totals)", 3),
        (
            "y30r21.forskel_mellem_forventet_og_faktisk_antal",
            "antal",
            "2020QMAT01..2020QMAT02 (moving annual totals)",
            3,
        ),
        ("y30r21.forventet_andel_pct", "andel", "2020QMAT01..2020QMAT02 (moving annual totals)", 3),
        ("y30r21.forventet_antal", "antal", "2020QMAT01..2020QMAT02 (moving annual totals)", 3),
        (
            "y30r21.placering_paa_benchmarkranglisten",
            "antal",
            "2020QMAT01..2020QMAT02 (moving annual totals)",
            2,
        ),
    ]


def test_an_own_measure_follows_the_moving_annual_totals(cli: Run, bench: tuple[str, str]) -> None:
    store, targets = bench
    args = ("-s", store, "--targets", targets, "-f", "csv")
    gap = cli("gap", "-c", "BENCH", *args)
    assert gap.exit_code == 0, gap.stderr
    assert gap.stdout.splitlines() == [
        "kommune,kommune_kode,criterion,period,population,hits,share_pct,target_pct,gap_pp,"
        "gap_persons,met,baseline_pct,note,as_of",
        "Aarhus,751,BENCH,2020QMAT02,,,10.09,9.5,0.59,,false,,,",
        "København,101,BENCH,2020QMAT02,,,9.28,9.5,,,true,,,",
        "Hele landet,,BENCH,2020QMAT02,,,14.25,9.5,4.75,,false,,,",
    ]
    counts = cli("compute", "-c", "FORVENTET", "-k", "København", *args)
    assert counts.stdout.splitlines()[1:] == [
        "København,101,FORVENTET,2020QMAT01,42950.0,43880.0,102.16530849825378,100.0,"
        "2.1653084982537836,930,false,,,",
        "København,101,FORVENTET,2020QMAT02,43070.0,44010.0,102.18249361504527,100.0,"
        "2.182493615045275,940,false,,,",
    ]
    one = cli("compute", "-c", "BENCH", "-k", "København", "-p", "2020QMAT01", *args)
    assert one.stdout.splitlines()[1:] == ["København,101,BENCH,2020QMAT01,,,9.26,9.5,,,true,,,"]
    series = json.loads(cli("noegletal", "-c", "BENCH", "-k", "Aarhus", *args[:-1], "json").stdout)
    assert [(r["period"], r["omraade"], r["share_pct"]) for r in series] == [
        ("2020QMAT01", "Aarhus", 10.02),
        ("2020QMAT02", "Aarhus", 10.09),
        ("2020QMAT01", "Hele landet", 14.2),
        ("2020QMAT02", "Hele landet", 14.25),
        ("2020QMAT01", "Top-10 gns.", None),
        ("2020QMAT02", "Top-10 gns.", None),
    ]


def test_the_table_names_the_moving_annual_total(cli: Run, bench: tuple[str, str]) -> None:
    store, targets = bench
    table = cli("gap", "-c", "BENCH", "-k", "København", "-s", store, "--targets", targets,
                "-f", "table")  # fmt: skip
    lines = table.stdout.splitlines()
    assert lines[1].strip() == "Løbende år til 2. kvt. 2020"
    assert "Anm.: Opgjort på udtræk fra Jobindsats.dk, Løbende år til 2. kvt. 2020." in lines
    both = cli("compute", "-c", "BENCH", "-k", "København", "-s", store, "--targets", targets,
               "-f", "table")  # fmt: skip
    assert both.stdout.splitlines()[1].strip() == (
        "Løbende år til 1. kvt. 2020 – Løbende år til 2. kvt. 2020"
    )


OTIJ01 = (
    "Område;Periode;Antal personer;Antal personer med ordinære timer\n"
    "Ballerup;2024MYTD01;1200;300\n"
    "Ballerup;2024MYTD02;1250;330\n"
    "Ballerup;2024MYTD03;1290;350\n"
    "Ballerup;2024MYTD04;1320;372\n"
)
TIMER = """
[TIMER]
name = "Andel med ordinære timer"
population = ["otij01.antal_personer"]
hits = ["otij01.antal_personer_med_ordinaere_timer"]
target_pct = 30
"""


def test_an_own_measure_follows_years_to_date(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "OTIJ01.csv").write_text(OTIJ01, "utf-8")
    (tmp_path / "t.toml").write_text(TIMER, "utf-8")
    store = str(tmp_path / "s")
    assert cli("ingest", str(tmp_path / "OTIJ01.csv"), "-s", store).exit_code == 0
    result = cli("compute", "-c", "TIMER", "-s", store, "--targets", str(tmp_path / "t.toml"),
                 "-f", "json")  # fmt: skip
    assert [(r["period"], r["population"], r["hits"], r["gap_persons"]) for r in
            json.loads(result.stdout)] == [
        ("2024MYTD01", 1200.0, 300.0, 60),
        ("2024MYTD02", 1250.0, 330.0, 45),
        ("2024MYTD03", 1290.0, 350.0, 37),
        ("2024MYTD04", 1320.0, 372.0, 24),
    ]  # fmt: skip
    listed = json.loads(cli("store", "-s", store, "--measures", "-f", "json").stdout)
    assert {m["periods"] for m in listed} == {"2024MYTD01..2024MYTD04 (years to date)"}


@pytest.mark.parametrize(
    ("rows", "args", "message"),
    [
        (
            "Område;Periode;Fleksjob, fuldtidspersoner;Ledighedsydelse, fuldtidspersoner\n"
            "Viborg;2020QMAT02;2108;289\n",
            ("gap", "-c", "1"),
            "Error: K1 needs monthly values, but the data holds fleksjob_fuldtid for "
            "2020QMAT02 (a moving annual total). Download the table by month (Periode: "
            "måned) and ingest it again.",
        ),
        (
            "Område;Periode;Fleksjob, fuldtidspersoner;Ledighedsydelse, fuldtidspersoner\n"
            "Viborg;2024MYTD05;2108;289\n",
            ("compute", "-c", "1"),
            "Error: K1 needs monthly values, but the data holds fleksjob_fuldtid for "
            "2024MYTD05 (a year to date). Download the table by month (Periode: måned) and "
            "ingest it again.",
        ),
    ],
)
def test_criteria_refuse_kinds_they_cannot_use(
    cli: Run, tmp_path: Path, rows: str, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "k1.csv"
    path.write_text(rows, "utf-8")
    store = str(tmp_path / "s")
    assert cli("ingest", str(path), "-s", store).exit_code == 0
    result = cli(*args, "-s", store)
    assert (result.exit_code, result.stderr.strip()) == (2, message)


def test_r1_refuses_a_moving_annual_total() -> None:
    import polars as pl

    from fleksmon import api
    from fleksmon.schema import AGGREGATE

    end = parse_period("2020QMAT01")
    rows = [("Viborg", end.start, end.end, m, 10.0) for m in ("rf_maalgruppe", "rf_fleksjob")]
    with pytest.raises(FleksmonError) as info:
        api.compute("R2", frame=pl.DataFrame(rows, schema=AGGREGATE, orient="row"))
    assert info.value.message == (
        "R2 needs a month, a quarter or a year, but its period is 2020QMAT01 "
        "(a moving annual total)"
    )


def test_the_overblik_given_months_says_it_needs_quarters(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "overblik.csv"
    path.write_text(
        "Område;Periode;Ydelsesgrupper;Antal fuldtidspersoner\n"
        "Ballerup;2018M04;Fleksjob;425\nBallerup;2018M05;Fleksjob;428\n"
        "Ballerup;2018M05;Befolkning (16-66 år);30.041\n",
        "utf-8",
    )
    store = str(tmp_path / "s")
    assert cli("ingest", str(path), "--kind", "overblik", "-s", store).exit_code == 0
    result = cli("overblik", "-k", "Ballerup", "-s", store)
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        "Error: the Jobcenteroverblik needs quarters, but the data for Ballerup has months "
        "(2018M04..2018M05). Download the table by quarter (Periode: kvartal, e.g. 2018Q2) "
        "and ingest it with --kind overblik.",
    )


@pytest.mark.parametrize(
    ("api", "period", "asked"),
    [
        ("v3", "2020QMAT02", "period.QMAT=2020QMAT02"),
        ("v3", "2024MYTD05", "period.MYTD=2024MYTD05"),
        ("v2", "2020QMAT02", ["2020QMAT02"]),
    ],
)
def test_fetch_asks_for_a_moving_annual_total_by_its_code(
    cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, api: str, period: str, asked: Any
) -> None:
    from fleksmon import fetch as fetch_module
    from fleksmon.fetch import Connection
    from tests.test_fetch import V3_BODY, Recorder, v2_answer

    body = V3_BODY if api == "v3" else v2_answer("Antal personer", {"Viborg": "10"})
    recorder = Recorder({f"/{api}/data/y30r21" + ("" if api == "v3" else "/json"): body})
    monkeypatch.setattr(fetch_module, "DEFAULT", Connection(opener=recorder, sleep=print))
    args = ("fetch", "Y30R21", "--api", api, "-p", period, "--token", "t")
    result = cli(*args, "-o", str(tmp_path / "y.json"))
    assert result.exit_code == 0, result.stderr
    request = recorder.requests[0]
    if api == "v3":
        assert request.full_url.endswith(f"&format=json&{asked}")
    else:
        assert json.loads(request.data)["period"] == asked  # type: ignore[arg-type]
