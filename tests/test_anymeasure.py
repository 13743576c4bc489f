"""Any measure a download carries: derived ids, share columns, own share measures."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api, report
from fleksmon.areas import kommuner
from fleksmon.errors import FleksmonError
from fleksmon.measure_ids import derived_id, is_share_measure
from fleksmon.periods import Period
from fleksmon.query import Query
from fleksmon.readers import read_aggregate
from fleksmon.schema import AGGREGATE
from fleksmon.store import Store
from fleksmon.targets import load_targets

Run = Callable[..., Any]
PCT = "y08a02.fuldtidspersoner_i_pct_af_befolkningen"
V2 = (
    "Area;Periode;Køn;Antal personer;Antal fuldtidspersoner;"
    "Fuldtidspersoner i pct. af befolkningen 16-66 år\n"
    "Gentofte;2019M09;Køn i alt;455;401;1,08\n"
    "Gentofte;2019M09;Mænd;200;180;0,9\n"
    "Gentofte;2019M09;Kvinder;255;221;1,2\n"
    "Hele landet;2019M09;Køn i alt;45500;40100;1,2\n"
)


@pytest.mark.parametrize(
    ("table", "label", "expected"),
    [
        ("Y08A02", "Antal fuldtidspersoner", "y08a02.antal_fuldtidspersoner"),
        ("Y08A02", "Fuldtidspersoner i pct. af befolkningen 16-66 år", PCT),
        ("Y08A02", "Fuldtidspersoner i pct. af befolkningen 16-64 år", PCT + "_16_64_aar"),
        ("y01a02", "Ændring i antal (%)", "y01a02.aendring_i_antal_pct"),
        ("Y11A02", "  Varighed: Over 2 år ", "y11a02.varighed_over_2_aar"),
    ],
)
def test_derived_ids_are_folded(table: str, label: str, expected: str) -> None:
    assert derived_id(table, label) == expected


def test_share_columns_are_flagged_by_their_id() -> None:
    assert is_share_measure(PCT)
    assert not is_share_measure("y08a02.antal_personer")
    assert not is_share_measure("y08a02.antal_fuldtidspersoner")  # = fleksjob_fuldtid
    assert not is_share_measure("fleksjob_fuldtid")


def test_every_numeric_column_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "y08a02_2019.csv"
    path.write_text(V2, "utf-8")
    result = read_aggregate(path)
    found = {(k, m): v for k, m, v in result.frame.select("kommune", "maaling", "vaerdi").rows()}
    assert found == {
        ("Gentofte", "fleksjob_fuldtid"): 401.0,
        ("Gentofte", "y08a02.antal_personer"): 455.0,
        ("Gentofte", PCT): 1.08,
        ("Hele landet", "fleksjob_fuldtid"): 40100.0,
        ("Hele landet", "y08a02.antal_personer"): 45500.0,
        ("Hele landet", PCT): 1.2,
    }
    assert result.labels == {
        "y08a02.antal_personer": "Antal personer",
        PCT: "Fuldtidspersoner i pct. af befolkningen 16-66 år",
    }
    assert result.warnings == []


def test_share_and_change_columns_are_not_checked_as_counts(tmp_path: Path) -> None:
    path = tmp_path / "Y01A02.csv"
    path.write_text(
        "Område;Periode;Antal personer;Ændring i antal personer;Andel i pct.\n"
        "Viborg;2019M09;1.200;-280;84 %\n",
        "utf-8",
    )
    frame = read_aggregate(path).frame
    assert dict(zip(frame["maaling"], frame["vaerdi"], strict=True)) == {
        "y01a02.andel_i_pct": 84.0,
        "y01a02.antal_personer": 1200.0,
        "y01a02.aendring_i_antal_personer": -280.0,
    }
    path.write_text("Område;Periode;Antal personer\nViborg;2019M09;-280\n", "utf-8")
    with pytest.raises(FleksmonError) as info:
        read_aggregate(path)
    assert info.value.message == (
        "Y01A02.csv, row 2, column 'Antal personer': '-280' is negative, but "
        "y01a02.antal_personer is a count"
    )


def test_store_lists_its_measures(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "y08a02_2019.csv"
    path.write_text(V2, "utf-8")
    store = str(tmp_path / "s")
    assert cli("ingest", str(path), "-s", store).exit_code == 0
    result = cli("store", "-s", store, "--measures", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "measure": "fleksjob_fuldtid",
            "label": "Fleksjob, fuldtidspersoner",
            "table": "Y08A02",
            "kind": "antal",
            "alias": "y08a02.antal_fuldtidspersoner",
            "periods": "2019M09",
            "areas": 2,
        },
        {
            "measure": "y08a02.antal_personer",
            "label": "Antal personer",
            "table": "Y08A02",
            "kind": "antal",
            "alias": None,
            "periods": "2019M09",
            "areas": 2,
        },
        {
            "measure": PCT,
            "label": "Fuldtidspersoner i pct. af befolkningen 16-66 år",
            "table": "Y08A02",
            "kind": "andel",
            "alias": None,
            "periods": "2019M09",
            "areas": 2,
        },
    ]


OWN = f"""
[FLEKSANDEL]
name = "Fuldtidspersoner i fleksjob i pct. af befolkningen"
share = "{PCT}"
direction = "higher"
target_pct = 1.5

[PERSONER]
name = "Fuldtidspersoner pr. person i fleksjob"
population = ["y08a02.antal_personer"]
hits = ["y08a02.antal_fuldtidspersoner"]
target_pct = 90
"""


def test_own_measures_from_stored_columns(tmp_path: Path) -> None:
    path = tmp_path / "y08a02_2019.csv"
    path.write_text(V2, "utf-8")
    store = Store(tmp_path / "s")
    from fleksmon.ingest import ingest

    ingest(store, [path])
    toml = tmp_path / "own.toml"
    toml.write_text(OWN, "utf-8")
    criteria = load_targets(toml)
    assert criteria["PERSONER"].hits == ("fleksjob_fuldtid",)  # the alias is the built-in id
    share = api.gap("FLEKSANDEL", store=store, criteria=criteria).records
    assert share.select("kommune", "population", "hits", "share_pct", "gap_pp").rows() == [
        ("Gentofte", None, None, 1.08, 0.42),
        ("Hele landet", None, None, 1.2, 0.3),
    ]
    assert share["gap_persons"].to_list() == [None, None]
    counts = api.gap("PERSONER", store=store, criteria=criteria).records
    assert counts.select("kommune", "population", "hits", "gap_persons").rows() == [
        ("Gentofte", 455.0, 401.0, 9),
        ("Hele landet", 45500.0, 40100.0, 850),
    ]


@pytest.mark.parametrize(
    ("section", "line"),
    [
        (
            'share = "y08a02.antal_personer"',
            "[OWN] share uses 'y08a02.antal_personer', which is not a share column (pct./andel). "
            "Give population and hits for counts; share takes columns such as "
            "'y08a02.fuldtidspersoner_i_pct_af_befolkningen_16_66_aar'.",
        ),
        (
            f'population = ["{PCT}"]\nhits = ["fleksjob_fuldtid"]',
            f"[OWN] population uses the share column '{PCT}'; shares are not counts. "
            f'Declare it as share = "{PCT}" (without population and hits).',
        ),
        (
            f'share = "{PCT}"\nhits = ["fleksjob_fuldtid"]',
            "[OWN] has share and population/hits. A measure is read from share columns or "
            "computed from population and hits: keep one.",
        ),
    ],
)
def test_share_declaration_mistakes(tmp_path: Path, section: str, line: str) -> None:
    toml = tmp_path / "own.toml"
    toml.write_text(f'[OWN]\nname = "x"\ntarget_pct = 5\n{section}\n', "utf-8")
    with pytest.raises(FleksmonError) as info:
        load_targets(toml)
    assert info.value.line() == f"own.toml: {line}"


def test_a_stored_id_mistyped_is_named_with_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "y08a02_2019.csv"
    path.write_text(V2, "utf-8")
    store = Store(tmp_path / "s")
    from fleksmon.ingest import ingest

    ingest(store, [path])
    toml = tmp_path / "own.toml"
    toml.write_text(
        '[OWN]\nname = "x"\ntarget_pct = 5\npopulation = ["y08a02.antal_persner"]\n'
        'hits = ["fleksjob_fuldtid"]\n',
        "utf-8",
    )
    with pytest.raises(FleksmonError) as info:
        api.gap("OWN", store=store, criteria=load_targets(toml))
    assert info.value.line() == (
        "no OWN data: the aggregate data lacks y08a02.antal_persner. Did you mean "
        "'y08a02.antal_personer'? 'fleksmon store --measures' lists the stored ids."
    )


# --- Nøgletal for any share measure ---------------------------------------------------------

SEP_2019 = 2019 * 12 + 8
SEP = Period(SEP_2019, SEP_2019)
LOWER = f"""
[LEDIGE]
name = "Andel af befolkningen på ydelsen"
share = "{PCT}"
direction = "lower"
target_pct = 2
"""


def _share_rows(count: int) -> pl.DataFrame:
    """``count`` kommuner with shares 12, 11, … (Ballerup, the third, has 10) and Hele landet."""
    rows = [
        (k.name, SEP_2019, SEP_2019, PCT, float(12 - i)) for i, k in enumerate(kommuner()[:count])
    ]
    rows.append(("Hele landet", SEP_2019, SEP_2019, PCT, 6.5))
    return pl.DataFrame(rows, schema=AGGREGATE, orient="row")


@pytest.mark.parametrize(("count", "top10"), [(12, 5.5), (9, None)])
def test_noegletal_top10_of_a_lower_is_better_share_column(
    tmp_path: Path, count: int, top10: float | None
) -> None:
    toml = tmp_path / "own.toml"
    toml.write_text(LOWER, "utf-8")
    criteria = load_targets(toml)
    query = Query(kommuner=["Ballerup"], frame=_share_rows(count), criteria=criteria, period=SEP)
    result, series = report.noegletal("LEDIGE", query, months=1)
    # lower is better: the ten best of 12, 11, …, 1 are 1 … 10, mean 5.5
    few = (
        None
        if top10
        else "Top-10 gns. er udeladt, da kun 9 kommuner har data (der skal være mindst 10)."
    )
    assert series.rows() == [
        ("LEDIGE", "2019M09", "Ballerup", 10.0, None, None, None),
        ("LEDIGE", "2019M09", "Hele landet", 6.5, None, None, None),
        ("LEDIGE", "2019M09", report.TOP10, top10, count, few, None),
    ]
    if top10 is None:
        assert result.notes[-1] == (
            "Top-10 gns. er udeladt, da kun 9 kommuner har data (der skal være mindst 10)."
        )


def test_noegletal_cli_says_how_many_kommuner(cli: Run, tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.ingest(_share_rows(12), kind="aggregate", source=Path("y08a02.csv"), sha256="x")
    toml = tmp_path / "own.toml"
    toml.write_text(LOWER, "utf-8")
    args = ("noegletal", "-c", "ledige", "-k", "Ballerup", "-p", "2019M09", "-s", str(store.root))
    args += ("--targets",)
    result = cli(*args, str(toml), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "criterion,period,omraade,share_pct,kommuner,note,as_of\n"
        "LEDIGE,2019M09,Ballerup,10.0,,,\n"
        "LEDIGE,2019M09,Hele landet,6.5,,,\n"
        "LEDIGE,2019M09,Top-10 gns.,5.5,12,,\n"
    )
    table = cli(*args, str(toml), "-f", "table").stdout
    row = next(x for x in table.splitlines() if x.startswith("│ Sep. 2019"))
    assert [c.strip() for c in row.split("│")[1:-1]] == [
        "Sep. 2019",
        "10,0%",
        "6,5%",
        "5,5%",
        "12",
    ]


def _readme_declarations() -> str:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    found = [b for b in blocks if "[FIGUR4]" in b]
    assert len(found) == 1
    return textwrap.dedent(found[0])


def _value(measure: str, index: int) -> float:
    """A hand-made value of one measure for the kommune at ``index``."""
    if is_share_measure(measure):
        return float(index + 1)
    return float(20 * (index + 1) + len(measure) % 7)


@pytest.mark.parametrize("figure", ["FIGUR4", "FIGUR5", "FIGUR6", "FIGUR7", "FIGUR11", "FIGUR15"])
def test_readme_noegletal_declarations_parse_and_compute(tmp_path: Path, figure: str) -> None:
    toml = tmp_path / "noegletal.toml"
    toml.write_text(_readme_declarations(), "utf-8")
    criteria = load_targets(toml)
    crit = criteria[figure]
    names = [k.name for k in kommuner()[:12]]
    rows = [
        (name, SEP_2019, SEP_2019, m, _value(m, i))
        for i, name in enumerate([*names, "Hele landet"])
        for m in crit.inputs
    ]
    frame = pl.DataFrame(rows, schema=AGGREGATE, orient="row")

    def share(index: int) -> float:
        if crit.share:
            return sum(_value(m, index) for m in crit.share)
        hits = sum(_value(m, index) for m in crit.hits)
        return 100 * hits / sum(_value(m, index) for m in crit.population)

    query = Query(kommuner=["Ballerup"], frame=frame, criteria=criteria, period=SEP)
    _, series = report.noegletal(figure, query, months=1)
    got = {omraade: (value, n) for _, _, omraade, value, n, *_ in series.rows()}
    ranked = sorted((share(i) for i in range(12)), reverse=crit.direction == "higher")
    assert got["Ballerup"][0] == pytest.approx(share(2))
    assert got["Hele landet"][0] == pytest.approx(share(12))
    assert got[report.TOP10][0] == pytest.approx(sum(ranked[:10]) / 10)
    assert got[report.TOP10][1] == 12


def test_noegletal_sheet_with_its_chart(cli: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    store = Store(tmp_path / "s")
    store.ingest(_share_rows(12), kind="aggregate", source=Path("y08a02.csv"), sha256="x")
    toml = tmp_path / "own.toml"
    toml.write_text(LOWER, "utf-8")
    out = tmp_path / "noegletal.xlsx"
    args = ("noegletal", "-c", "ledige", "-k", "Ballerup", "-p", "2019M09", "-s", str(store.root))
    args += ("--targets",)
    result = cli(*args, str(toml), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote {out}\n"
    ws = load_workbook(out)["Nøgletal"]
    rows = list(ws.iter_rows(min_row=3, max_row=4, max_col=5, values_only=True))
    assert rows == [
        ("Periode", "Ballerup", "Hele landet", report.TOP10, "Kommuner med data"),
        ("Sep. 2019", 0.10, 0.065, 0.055, 12),
    ]
    assert ws["B4"].number_format == "0.0%"
    assert len(ws._charts) == 1
