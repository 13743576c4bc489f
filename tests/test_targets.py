"""The targets file: every mistake is one line and exit 2; per-kommune targets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api
from fleksmon.criteria import CRITERIA
from fleksmon.measure_ids import MEASURE_IDS
from fleksmon.store import Store
from fleksmon.targets import load_targets

Run = Callable[..., Any]
KEYS = (
    "A section may hold target_pct, target, baseline, direction, population, hits, share, "
    "kommuner, name, statement, subject, population_label, hits_label."
)
OWN = 'population = ["fleksjob_fuldtid", "ledighedsydelse_fuldtid"]\n'


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        (
            "[K3]\ntarget_pc = 35\n",
            "[K3] unknown key 'target_pc'. Did you mean 'target_pct'? " + KEYS,
        ),
        (
            "[K3]\nmaal = 35\n",
            "[K3] unknown key 'maal'. " + KEYS,
        ),
        (
            '[K3]\ntarget_pct = "35 %"\n',
            "[K3] target_pct must be a number, not text. "
            "Write target_pct = 35 (a percent, no quotes, no %).",
        ),
        (
            "[K1]\ntarget_pct = 135\n",
            "[K1] target_pct = 135 is outside 0–100. Give the target in percent, 0 to 100.",
        ),
        (
            "[K1]\ntarget_pct = -5\n",
            "[K1] target_pct = -5 is outside 0–100. Give the target in percent, 0 to 100.",
        ),
        (
            "[K1]\ntarget = 87\n",
            "[K1] target = 87 is outside 0–1 (a fraction). Write target = 0.87 or target_pct = 87.",
        ),
        (
            "[K1]\ntarget = 0.87\ntarget_pct = 87\n",
            "[K1] has both target_pct and target. Keep one of them.",
        ),
        (
            "[LY]\ntarget_pct = 13\n" + OWN,
            "[LY] is neither a built-in criterion (K1, K2, K3, R1, R2) nor a complete own "
            "measure (no name and no hits). An own measure needs name, population, hits and "
            "target_pct (or name, share and target_pct).",
        ),
        (
            '["K-3"]\ntarget_pct = 30\n',
            "[K-3] is not a plain criterion id. Name a criterion with letters, digits and _ "
            "(starting with a letter), e.g. LY.",
        ),
        (
            "target_pct = 30\n",
            "target_pct stands outside a section. Put it under the criterion it is for, e.g. [K3].",
        ),
        (
            "maal = 30\n",
            "unknown key 'maal' outside a section. A targets file holds sections: [K1]…[R2], "
            "own measures and [labels].",
        ),
        (
            "[K3.kommuner]\nVibrog = 30\n",
            "[K3] kommuner: 'Vibrog' is not a kommune. Did you mean Viborg? Name one of the "
            "98 kommuner (name or DST code).",
        ),
        (
            '[K3.kommuner]\n"Region Midtjylland" = 30\n',
            "[K3] kommuner: 'Region Midtjylland' is a region, not a kommune. Name one of the 98 "
            "kommuner (name or DST code).",
        ),
        (
            '[K3.kommuner]\nViborg = "30"\n',
            "[K3] kommuner.Viborg must be a number, not text. "
            "Write kommuner.Viborg = 35 (a percent, no quotes, no %).",
        ),
        (
            "[K3.kommuner]\nViborg = 300\n",
            "[K3] kommuner.Viborg = 300 is outside 0–100. Give the target in percent, 0 to 100.",
        ),
        (
            "[K3.kommuner]\nViborg = 30\n791 = 31\n",
            "[K3] kommuner: Viborg is given twice. Keep one of them.",
        ),
        (
            "[K3]\nkommuner = 30\n",
            "[K3] kommuner must be a table, not a number. "
            "Write [K3.kommuner] and below it Viborg = 30.",
        ),
        (
            '[K3]\ndirection = "up"\n',
            "[K3] direction must be 'higher' or 'lower'. Write direction = \"lower\".",
        ),
        ("[K3]\nname = 5\n", '[K3] name must be text, not a number. Write name = "…".'),
        (
            '[LY]\nname = "LY"\ntarget_pct = 13\n' + OWN + 'hits = ["ledighedsydelse_fuldtd"]\n',
            "[LY] hits uses unknown measure 'ledighedsydelse_fuldtd'. Did you mean "
            "'ledighedsydelse_fuldtid'? Use one of "
            + ", ".join(MEASURE_IDS)
            + " or a stored column's id (table.label, see 'fleksmon store --measures').",
        ),
        (
            '[LY]\nname = "LY"\ntarget_pct = 13\n' + OWN + "hits = []\n",
            "[LY] hits must be a list of measure ids. "
            'Write hits = ["fleksjob_fuldtid", "ledighedsydelse_fuldtid"].',
        ),
        (
            "[K3]\ntarget_pct = 30\n[k3]\ntarget_pct = 31\n",
            "[K3] and [k3] are the same criterion. Keep one of the two sections.",
        ),
        (
            "[labels]\nx = 3\n",
            "[labels] must map column labels to measure ids (text). "
            '[labels] holds lines like "Fleksjobbere (fuldtid)" = "fleksjob_fuldtid".',
        ),
        (
            '[K3]\ntarget_pct = 30\nbaseline = "2018X09"\n',
            "[K3] baseline: unknown period '2018X09'. Write a month as 2019M11, 2019-11 or "
            "'nov 2019', a quarter as 2018K3, or a range as 2019M09..2019M11.",
        ),
        (
            "[K3\ntarget_pct = 30\n",
            "not a valid TOML file: Expected ']' at the end of a table declaration (at line 1, "
            "column 4). Write sections as [K3] on a line of their own and settings as "
            "target_pct = 35.",
        ),
    ],
)
def test_targets_file_mistakes_are_one_line_exit_2(
    cli: Run, k1_store: Store, tmp_path: Path, toml: str, line: str
) -> None:
    path = tmp_path / "aalborg.toml"
    path.write_text(toml, "utf-8")
    for args in (("gap",), ("gap", "--fail-on-gap"), ("compute",)):
        result = cli(*args, "-s", str(k1_store.root), "--targets", str(path))
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == f"Error: aalborg.toml: {line}\n"


def test_bad_targets_file_refuses_ingest_too(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "aalborg.toml"
    path.write_text('[K3]\ntarget_pct = "35 %"\n', "utf-8")
    data = tmp_path / "k1.csv"
    data.write_text("kommune;periode;maaling;vaerdi\nViborg;2019M09;fleksjob_fuldtid;5\n", "utf-8")
    store = tmp_path / "s"
    result = cli("ingest", str(data), "-s", str(store), "--targets", str(path))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: aalborg.toml: [K3] target_pct must be a number, not text. "
        "Write target_pct = 35 (a percent, no quotes, no %).\n",
    )
    assert not store.exists()


def test_a_valid_file_in_every_form(tmp_path: Path) -> None:
    path = tmp_path / "aalborg.toml"
    path.write_text(
        '[k1]\ntarget = 0.875\n\n[K3]\ntarget_pct = 35\nbaseline = "2016M06"\n\n'
        '[K3.kommuner]\n"Århus" = 30\n851 = 32.5\n\n'
        '[Ly_2]\nname = "Andel på ledighedsydelse"\ntarget_pct = 13\ndirection = "lower"\n'
        'population = ["fleksjob_fuldtid", "ledighedsydelse_fuldtid"]\n'
        'hits = ["ledighedsydelse_fuldtid"]\n\n[labels]\n"Fleksjobbere" = "fleksjob_fuldtid"\n',
        "utf-8",
    )
    table = load_targets(path)
    assert table["K1"].target_pct == 87.5
    k3 = table["K3"]
    assert (k3.target_pct, k3.baseline) == (35, "2016M06")
    assert k3.kommune_targets == (("Aalborg", 32.5), ("Aarhus", 30.0))
    assert [k3.target_pct_for(k) for k in ("Aarhus", "Aalborg", "Viborg")] == [30, 32.5, 35]
    assert (table["LY_2"].name, table["LY_2"].direction) == ("Andel på ledighedsydelse", "lower")
    assert CRITERIA["K3"].kommune_targets == ()


def test_a_kommune_target_changes_that_kommune_only(
    cli: Run, k1_store: Store, k1_frame: pl.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "viborg.toml"
    path.write_text("[K1.kommuner]\nViborg = 85\n", "utf-8")
    table = load_targets(path)
    before = api.gap("K1", frame=k1_frame).records
    after = api.gap("K1", frame=k1_frame, criteria=table).records
    viborg = pl.col("kommune") == "Viborg"
    assert after.filter(~viborg).equals(before.filter(~viborg))
    assert before.height == after.height == 9
    fields = ["target_pct", "share_pct", "met", "gap_pp", "gap_persons"]
    old = before.filter(viborg).select(fields).row(0)
    new = after.filter(viborg).select(fields).row(0)
    assert (old[0], old[2], old[4]) == (90.0, False, 49)  # 2.108 / 2.397 = 87,9 %
    assert new == (85.0, old[1], True, None, None)
    stricter = tmp_path / "stricter.toml"
    stricter.write_text("[K1.kommuner]\n791 = 95\n", "utf-8")  # 791 is Viborg's DST code
    strict = api.gap("K1", frame=k1_frame, criteria=load_targets(stricter)).records
    row = strict.filter(viborg).row(0, named=True)
    assert (row["target_pct"], row["met"], row["gap_persons"]) == (95.0, False, 169)
    assert round(row["gap_pp"], 6) == round(95 - old[1], 6)
    assert strict.filter(~viborg).equals(before.filter(~viborg))
    out = cli("gap", "-c", "1", "-s", str(k1_store.root), "--targets", str(path), "-f", "json")
    assert out.exit_code == 0
    records = {r["kommune"]: r for r in json.loads(out.stdout)}
    assert (records["Viborg"]["target_pct"], records["Viborg"]["met"]) == (85.0, True)
    assert (records["Thisted"]["target_pct"], records["Thisted"]["met"]) == (90.0, False)
    failing = cli("gap", "-c", "1", "-k", "Viborg", "-s", str(k1_store.root), "--fail-on-gap")
    passing = cli(
        "gap", "-c", "1", "-k", "Viborg", "-s", str(k1_store.root), "--fail-on-gap",
        "--targets", str(path),
    )  # fmt: skip
    assert (failing.exit_code, passing.exit_code) == (1, 0)
