"""``fleksmon report``: the paper read back, every number equal to gap/compute -f json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from fleksmon.criteria import CRITERIA
from fleksmon.numbers import format_int, format_number
from fleksmon.periods import parse_period
from fleksmon.render.table import count, pct, target
from tests.test_paper import texts

Run = Callable[..., Any]
AREAS = ("-k", "Viborg", "-k", "Thisted")


@pytest.fixture
def demo_cli(cli: Run, demo: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """The CLI in the demo folder (the example K1 counts and synthetic persons)."""
    monkeypatch.chdir(demo)
    monkeypatch.setenv("FLEKSMON_STORE", str(demo / "store"))
    return cli


@pytest.fixture
def paper(demo_cli: Run, tmp_path: Path) -> Any:
    out = tmp_path / "rapport.docx"
    result = demo_cli("report", str(out), *AREAS, "--by", "2020M12")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Wrote {out} (fleksjob: K1, K2, K3; 7 tables, 3 charts)\n"
    return docx.Document(str(out))


def records(cli: Run, *args: str) -> list[dict[str, Any]]:
    """The JSON records of a command."""
    result = cli(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def gap_cells(rec: dict[str, Any]) -> list[str]:
    if rec["met"]:
        return ["✓", "✓"]
    if rec["gap_pp"] is None:
        return ["–", "–"]
    return [format_int(rec["gap_pp"]), count(rec["gap_persons"])]


def expected_report_rows(cli: Run, cid: str) -> list[list[str]]:
    """The report table's rows from compute -f json, printed as the tables print them:
    best share first, Hele landet last."""
    land = records(cli, "compute", "-c", cid, "-k", "Hele landet")
    if all(r["population"] is None for r in land):
        land = []  # K1 has no Hele landet in the demo (nine kommuner): the paper says so
    recs = records(cli, "compute", "-c", cid, *AREAS) + land
    periods = list(dict.fromkeys(r["period"] for r in recs))
    rows = []
    for area in dict.fromkeys(r["kommune"] for r in recs):
        mine = {r["period"]: r for r in recs if r["kommune"] == area}
        last = mine[periods[-1]]
        extras = [count(last[name]) for name, _ in CRITERIA[cid].extras]
        rows.append(
            (
                area == "Hele landet",
                -last["share_pct"],
                [
                    area,
                    pct(last["baseline_pct"]),
                    *(pct(mine[p]["share_pct"]) for p in periods),
                    count(last["population"]),
                    count(last["hits"]),
                    *extras,
                    *gap_cells(last),
                ],
            )
        )
    return [cells for *_, cells in sorted(rows, key=lambda r: (r[0], r[1]))]


def reached(rec: dict[str, Any]) -> str:
    status = rec["pace_status"]
    if status == "met":
        return "✓"
    if status == "not_at_pace":
        return "ikke i dette tempo"
    return parse_period(rec["reached_at"]).human() if status == "reaches" else "–"


def expected_pace_rows(cli: Run, cid: str) -> list[list[str]]:
    """The months-to-target table's rows from gap --by -f json."""
    recs = records(cli, "gap", "-c", cid, *AREAS, "--by", "2020M12")
    rows = []
    for rec in sorted(recs, key=lambda r: -r["share_pct"]):
        met = rec["met"]
        pace = rec["pace_pp_per_month"]
        rows.append(
            [
                rec["kommune"],
                pct(rec["share_pct"], 1),
                target(rec["target_pct"]),
                "✓" if met else count(rec["gap_persons"]),
                "✓" if met else count(rec["per_month"]),
                "–" if pace is None else format_number(pace, 1),
                reached(rec),
            ]
        )
    return rows


def test_every_number_equals_gap_and_compute_json(paper: Any, demo_cli: Run) -> None:
    tables = [texts(t) for t in paper.tables]
    assert len(tables) == 7
    for i, cid in enumerate(("K1", "K2", "K3")):
        report_table, pace_table = tables[2 * i], tables[2 * i + 1]
        assert report_table[2:] == expected_report_rows(demo_cli, cid), cid
        assert pace_table[1:] == expected_pace_rows(demo_cli, cid), cid


def test_the_paper_reads_as_the_seed_reports(paper: Any) -> None:
    text = [p.text for p in paper.paragraphs]
    headings = [p.text for p in paper.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Succeskriterie 1: Andel i fleksjob",
        "Succeskriterie 2: Ledighedsydelsesforløb under 6 måneder",
        "Succeskriterie 3: Progression i små fleksjob",
        "Datagrundlag",
    ]
    assert "Fleksjobbeskæftigelsen skal øges til minimum 90 pct." in text
    assert "Kilde: Jobindsats.dk" in text
    assert "Kilde: Kommunens eget udtræk af persondata" in text
    assert "Anm.: Antallet af personer opgøres i fuldtidspersoner." in text
    assert "Succeskriterie 1 er opgjort på udtræk fra Jobindsats.dk." in text
    extracts = texts(paper.tables[-1])
    assert [row[:3] for row in extracts] == [
        ["Fil", "Type", "Rækker"],
        ["k1-sep-2019.csv", "Udtræk af tal (aggregeret)", "18"],
        ["fleksjob-timer.csv", "fleksjob-timer", "97.565"],
        ["ly-forloeb.csv", "ly-forloeb", "4.880"],
    ]
    assert len(paper.inline_shapes) == 3


def test_the_worked_example_says_what_it_shows(paper: Any) -> None:
    """examples/README.md: the paper for Viborg and Thisted on the bundled data."""
    text = [p.text for p in paper.paragraphs]
    assert text[:3] == ["Udvikling i fleksjob", "Viborg og Thisted", "Status for december 2019"]
    k1 = texts(paper.tables[0])
    assert k1[2:] == [
        ["Viborg", "–", pct(87.94), "2.397", "2.108", "289", "2", "49"],
        ["Thisted", "–", pct(86.80), "1.242", "1.078", "164", "3", "40"],
    ]
    assert "Anm.: Hele landet vises ikke: der er ikke data for alle kommuner i perioden." in text


def test_as_of_discretion_and_a_group(demo_cli: Run, demo: Path, tmp_path: Path) -> None:
    targets = tmp_path / "mål.toml"
    targets.write_text('[grupper]\nDeltagerkommuner = ["Viborg", "Thisted"]\n', "utf-8")
    out = tmp_path / "gruppe.docx"
    result = demo_cli(
        "report",
        str(out),
        "-c",
        "1",
        "-k",
        "Deltagerkommuner",
        "--targets",
        str(targets),
        "--as-of",
        "2099-12-31",
        "--discretion",
        "200",
    )
    assert result.exit_code == 0, result.stderr
    made = docx.Document(str(out))
    text = [p.text for p in made.paragraphs]
    assert text[1:4] == ["Deltagerkommuner", "Viborg og Thisted", "Status for september 2019"]
    assert "Lageret som det var ved udgangen af 31.12.2099" in text
    assert (
        "Opgjort på lageret, som det var ved udgangen af 31.12.2099 (--as-of); senere "
        "indlæsninger er ikke medtaget."
    ) in text
    captions = [t for t in text if t.startswith("Tabel 1. ")]
    assert captions[0].endswith("Sep. 2019 · lageret som det var ved udgangen af 31.12.2099")
    assert any(t.startswith("Diskretion: antal under 200 vises som <200") for t in text)
    k1 = texts(made.tables[0])
    assert [row[0] for row in k1[2:]] == ["Viborg", "Thisted"]
    assert k1[3] == ["Thisted", "–", "x", "1.242", "x", "<200", "x", "x"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rapport.pdf"], "Error: cannot write rapport.pdf: not a .docx file. Name it like "),
        (["mangler/rapport.docx"], "Error: cannot write mangler/rapport.docx: the folder "),
        (["rapport.docx", "-c", "r1"], "Error: the fleksjob paper follows monthly measures; R1 "),
        (["rapport.docx", "--by", "2019M01"], "Error: the deadline 2019M01 is not after "),
        (["rapport.docx", "--by", "snart"], "Error: "),
        (["rapport.docx", "-t", "ingen.docx"], "Error: template ingen.docx not found"),
    ],
)
def test_errors_are_one_line_and_write_nothing(
    demo_cli: Run, demo: Path, args: list[str], message: str
) -> None:
    before = set(demo.rglob("*"))
    result = demo_cli("report", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert set(demo.rglob("*")) == before
