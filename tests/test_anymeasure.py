"""Any measure a download carries: derived ids, share columns, own share measures."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fleksmon import api
from fleksmon.criteria import derived_id, is_share_measure, load_targets
from fleksmon.errors import FleksmonError
from fleksmon.readers import read_aggregate
from fleksmon.store import Store

Run = Callable[..., Any]
PCT = "y08a02.fuldtidspersoner_i_pct_af_befolkningen_16_66_aar"
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
