"""One test per rule of criteria.md that a plausible slip in the code would break.

Each test is built so that the rule-break it names makes it fail: ties that only
exact arithmetic sees, targets met exactly, lower-is-better rankings, areas summed
over a missing value, the K2 baseline window, K3 censoring (also in person parts)
and ``--fail-on-gap`` for areas without a share.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api, report, sources
from fleksmon.areas import kommuner
from fleksmon.criteria import CRITERIA, Criterion
from fleksmon.errors import FleksmonError
from fleksmon.measures.k3 import k3_censored, k3_monthly, k3_monthly_parts
from fleksmon.measures.shares import series, top10_mean
from fleksmon.numbers import round_half_away
from fleksmon.periods import Period, month_index
from fleksmon.query import Query
from fleksmon.render.table import pct
from fleksmon.schema import PERSON_KINDS
from fleksmon.store import Store, parts
from tests.conftest import SEP_2019, tidy

SEP = Period(SEP_2019, SEP_2019)

Run = Callable[..., Any]
Rows = list[tuple[str, int, int, str, float | None]]

LY = replace(
    CRITERIA["K1"],
    id="LY",
    name="Andel på ledighedsydelse",
    target_pct=10,
    direction="lower",
    hits=("ledighedsydelse_fuldtid",),
)
"""An own lower-is-better measure: the share of the flexjob scheme on ledighedsydelse."""


def _k1(f: float | None, ly: float | None, area: str = "Viborg", month: int = SEP_2019) -> Rows:
    return [
        (area, month, month, "fleksjob_fuldtid", f),
        (area, month, month, "ledighedsydelse_fuldtid", ly),
    ]


def _k3(n: float | None, p: float | None, area: str = "Viborg", month: int = SEP_2019) -> Rows:
    return [(area, month, month, "k3_population", n), (area, month, month, "k3_progression", p)]


def _table_rows(text: str) -> dict[str, list[str]]:
    """A rich table's body rows by area: the cells after the area's name."""
    return {
        line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
        for line in text.splitlines()
        if line.startswith("│")
    }


def _ingest(store: Store, rows: Rows) -> Store:
    store.ingest(tidy(rows), kind="aggregate", source=Path("agg.csv"), sha256="agg")
    return store


# --- Rounding: half away from zero, decided on exact counts -------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "printed"),
    [
        (88.5, 0, "89%"),
        (87.5, 0, "88%"),  # an odd tie: half-to-even would keep 88 too, 88.5 catches it
        (2.5, 0, "3%"),
        (24.25, 1, "24,3%"),
        (24.35, 1, "24,4%"),  # stored as 24.350000000000001…
        (24.45, 1, "24,5%"),  # stored as 24.449999999999999…: still a tie
        (0.05, 1, "0,1%"),
        (88.4, 0, "88%"),
        (24.24, 1, "24,2%"),
        (None, 0, "–"),
    ],
)
def test_pct_rounds_ties_half_away_from_zero(
    value: float | None, decimals: int, printed: str
) -> None:
    assert pct(value, decimals) == printed


def test_round_half_away_is_symmetric() -> None:
    assert [round_half_away(x) for x in (-2.5, -0.5, 0.5, 2.5)] == [-3.0, -1.0, 1.0, 3.0]
    assert round_half_away(-24.25, 1) == -24.3


@pytest.mark.parametrize(
    ("f", "ly", "report_cells", "gap_cells"),
    [
        # 88,5 % exactly: whole percent 89 %, one decimal 88,5 %; gap 1,5 pp → 2 / 1,5.
        (177.0, 23.0, ["89%", "2", "3"], ["88,5%", "1,5", "3"]),
        # The same share from full-time persons; binary floats give 88.49999999999999.
        (65.49, 8.51, ["89%", "2", "1"], ["88,5%", "1,5", "1"]),
        # 24,25 % → 24,3 %, gap 65,75 pp → 66 / 65,8.
        (97.0, 303.0, ["24%", "66", "263"], ["24,3%", "65,8", "263"]),
        # The same tie from F = 9,7, L = 30,3: 100·9.7/40 is 24.249999999999996 in floats.
        (9.7, 30.3, ["24%", "66", "26"], ["24,3%", "65,8", "26"]),
        # 7,25 % from 0,29 / 4,00 (floats: 7.249999999999999).
        (0.29, 3.71, ["7%", "83", "3"], ["7,3%", "82,8", "3"]),
        # 88,45 %: a tie at one decimal only (88,5 %); gap 1,55 pp → 2 / 1,6.
        (176.9, 23.1, ["88%", "2", "3"], ["88,5%", "1,6", "3"]),
        # Not a tie: 88,4 % stays 88 % and 88,4 %.
        (884.0, 116.0, ["88%", "2", "16"], ["88,4%", "1,6", "16"]),
        # gap_persons = round(0,9·2,1 − 1,39) = round(0,5) = 1 (floats: 0.4999999999999997).
        (1.39, 0.71, ["66%", "24", "1"], ["66,2%", "23,8", "1"]),
    ],
)
def test_tables_round_ties_on_exact_counts(
    cli: Run, store: Store, f: float, ly: float, report_cells: list[str], gap_cells: list[str]
) -> None:
    _ingest(store, _k1(f, ly))
    compute = cli("compute", "-c", "1", "-s", str(store.root), "-f", "table")
    row = _table_rows(compute.stdout)["Viborg"]
    assert [row[1], *row[-2:]] == report_cells
    gap = cli("gap", "-c", "1", "-s", str(store.root), "-f", "table")
    cells = _table_rows(gap.stdout)["Viborg"]
    assert [cells[0], cells[2], cells[3]] == gap_cells


def test_share_of_an_exact_tie_is_the_nearest_float() -> None:
    rec = api.gap("K1", frame=tidy(_k1(9.7, 30.3))).records.row(0, named=True)
    assert rec["share_pct"] == 24.25
    assert rec["gap_pp"] == 65.75
    assert (rec["population"], rec["hits"]) == (40.0, 9.7)


def test_noegletal_table_rounds_a_tie_to_one_decimal(cli: Run, store: Store) -> None:
    _ingest(store, _k1(9.7, 30.3, area="Ballerup"))
    args = ("noegletal", "-c", "1", "-k", "Ballerup", "-p", "2019M09", "-s", str(store.root))
    result = cli(*args, "-f", "table")
    assert result.exit_code == 0, result.stderr
    assert _table_rows(result.stdout)["Sep. 2019"] == ["24,3%", "–", "1"]


# --- "Met" compares exact counts -----------------------------------------------------------


@pytest.mark.parametrize(
    ("crit", "f", "ly", "met", "gap_persons"),
    [
        (CRITERIA["K1"], 8.1, 0.9, True, None),  # the spec's example: exactly 90 %
        (CRITERIA["K1"], 0.99, 0.11, True, None),  # floats: 100·0,99 < 90·1,1
        (CRITERIA["K1"], 167772.51, 18641.39, True, None),  # floats miss by more than 1e-9
        (CRITERIA["K1"], 8.09, 0.91, False, 0),  # 89,9 %: round(8,1 − 8,09) = 0
        (CRITERIA["K1"], 800.0, 100.0, False, 10),
        (LY, 8.1, 0.9, True, None),  # lower is better: exactly 10 % is met
        (LY, 0.09, 0.01, True, None),  # floats: 100·0,01 > 10·0,1
        (LY, 8.11, 0.89, True, None),
        (LY, 8.09, 0.91, False, 0),  # 10,1 %: round(0,91 − 0,9) = 0
        (LY, 800.0, 100.0, False, 10),  # 11,1 %: round(100 − 90) = 10
    ],
    ids=lambda v: v.id if isinstance(v, Criterion) else repr(v),
)
def test_met_on_exact_counts(
    crit: Criterion, f: float, ly: float, met: bool, gap_persons: int | None
) -> None:
    rec = api.gap(crit, frame=tidy(_k1(f, ly))).records.row(0, named=True)
    assert rec["met"] is met
    assert rec["gap_persons"] == gap_persons
    assert (rec["gap_pp"] is None) is met


@pytest.mark.parametrize(
    ("direction", "hits", "met"),
    [("higher", 28, True), ("higher", 27, False), ("lower", 28, True), ("lower", 29, False)],
)
def test_exactly_on_target_is_met_either_way(direction: str, hits: int, met: bool) -> None:
    crit = replace(CRITERIA["K3"], direction=direction)
    rec = api.gap(crit, frame=tidy(_k3(100.0, float(hits)))).records.row(0, named=True)
    assert rec["met"] is met
    assert rec["gap_pp"] == (None if met else 1.0)
    assert rec["gap_persons"] == (None if met else 1)


def test_gap_is_signed_by_direction() -> None:
    higher = api.gap("K3", frame=tidy(_k3(100.0, 20.0))).records.row(0, named=True)
    lower = api.gap(
        replace(CRITERIA["K3"], direction="lower"), frame=tidy(_k3(100.0, 40.0))
    ).records.row(0, named=True)
    assert (higher["gap_pp"], higher["gap_persons"]) == (8.0, 8)
    assert (lower["gap_pp"], lower["gap_persons"]) == (12.0, 12)


@pytest.mark.parametrize(("target", "hits", "met"), [(15.3, 153, True), (15.3, 152, False)])
def test_fractional_targets_are_exact(target: float, hits: int, met: bool) -> None:
    crit = replace(CRITERIA["K3"], target_pct=target)
    rec = api.gap(crit, frame=tidy(_k3(1000.0, float(hits)))).records.row(0, named=True)
    assert rec["met"] is met


def test_target_with_more_than_two_decimals_is_refused() -> None:
    crit = replace(CRITERIA["K3"], target_pct=28.125)
    with pytest.raises(FleksmonError) as err:
        api.gap(crit, frame=tidy(_k3(100.0, 28.0)))
    assert err.value.line() == (
        "K3: target 28.125 % has more than two decimals. "
        "Give the target in percent with at most two decimals."
    )


# --- Nøgletal: the top 10 by the measure's direction ---------------------------------------


def _fifteen_kommuner() -> Rows:
    """15 kommuner, kommune i with i of 100 progressed (shares 0 %–14 %)."""
    rows: Rows = []
    for i, k in enumerate(kommuner()[:15]):
        rows += _k3(100.0, float(i), area=k.name)
    return rows


@pytest.mark.parametrize(("direction", "mean"), [("higher", 9.5), ("lower", 4.5)])
def test_top10_mean_by_direction(direction: str, mean: float) -> None:
    crit = replace(CRITERIA["K3"], direction=direction)
    out = top10_mean(series(tidy(_fifteen_kommuner()).lazy(), crit), crit).collect()
    assert out.select("top10_pct", "top10_n").rows() == [(mean, 10)]


@pytest.mark.parametrize(("direction", "mean"), [("higher", 9.5), ("lower", 4.5)])
def test_noegletal_top10_by_direction(direction: str, mean: float) -> None:
    crit = replace(CRITERIA["K3"], direction=direction)
    query = Query(kommuner=["Ballerup"], frame=tidy(_fifteen_kommuner()), period=SEP)
    _, got = report.noegletal(crit, query, months=1)
    top = got.filter(pl.col("omraade") == report.TOP10)
    assert top.select("period", "share_pct").rows() == [("2019M09", mean)]


# --- Regions and Hele landet summed over a missing value are unknown -----------------------


def _all_kommuner(make: Callable[..., Rows], *values: float) -> Rows:
    rows: Rows = []
    for k in kommuner():
        rows += make(*values, area=k.name)
    return rows


@pytest.mark.parametrize(
    ("crit", "measure", "absent"),
    [
        ("K3", "k3_progression", False),
        ("K3", "k3_progression", True),
        ("K3", "k3_population", False),
        ("K3", "k3_population", True),
        ("K1", "ledighedsydelse_fuldtid", False),
        ("K1", "fleksjob_fuldtid", True),
    ],
    ids=lambda v: (
        {True: "row-absent", False: "value-missing"}.get(v, v) if isinstance(v, bool) else v
    ),
)
def test_area_summed_over_a_missing_value_is_unknown(crit: str, measure: str, absent: bool) -> None:
    rows = _all_kommuner(_k3, 100.0, 30.0) if crit == "K3" else _all_kommuner(_k1, 90.0, 10.0)
    hole = [r for r in rows if r[0] == "Viborg" and r[3] == measure]
    rows = [r for r in rows if r not in hole]
    if not absent:
        rows += [(*hole[0][:4], None)]
    areas = ["Hele landet", "Region Midtjylland", "Region Hovedstaden"]
    recs = {
        r["kommune"]: r
        for r in api.gap(crit, frame=tidy(rows), kommuner=areas).records.rows(named=True)
    }
    for unknown in ("Hele landet", "Region Midtjylland"):  # Viborg lies in Midtjylland
        rec = recs[unknown]
        values = (rec["population"], rec["hits"])
        assert None in values and 0.0 not in values
        assert (rec["share_pct"], rec["met"], rec["gap_pp"], rec["gap_persons"]) == (None,) * 4
    full = recs["Region Hovedstaden"]
    assert full["share_pct"] == (30.0 if crit == "K3" else 90.0)


def test_area_summed_when_every_value_is_there() -> None:
    rows = _all_kommuner(_k3, 100.0, 30.0)
    rec = api.gap("K3", frame=tidy(rows), kommuner=["Hele landet"]).records.row(0, named=True)
    assert (rec["population"], rec["hits"], rec["share_pct"]) == (9800.0, 2940.0, 30.0)


# --- K2: the baseline is the Jul–Sep 2018 window -------------------------------------------


def _k2_months() -> Rows:
    """K2 monthly counts: 10 ended spells a month, 1, 2, … under 6 months from Apr. 2018,
    and 9 of 10 in Jul–Sep 2019."""
    rows: Rows = []
    for i, m in enumerate(range(month_index(2018, 4), month_index(2018, 12) + 1), start=1):
        rows += [
            ("Viborg", m, m, "ly_afsluttet", 10.0),
            ("Viborg", m, m, "ly_afsluttet_under_6m", float(i)),
        ]
    for m in range(month_index(2019, 7), month_index(2019, 9) + 1):
        rows += [
            ("Viborg", m, m, "ly_afsluttet", 10.0),
            ("Viborg", m, m, "ly_afsluttet_under_6m", 9.0),
        ]
    return rows


def test_k2_baseline_is_the_jul_sep_2018_window(cli: Run, store: Store) -> None:
    result = api.compute("K2", frame=tidy(_k2_months()))
    assert result.baseline is not None and result.baseline.code() == "2018M07..2018M09"
    rec = result.records.row(-1, named=True)
    # Jul, Aug, Sep 2018 are months 4, 5, 6 of the series: (4 + 5 + 6) / 30 = 50 %.
    assert rec["baseline_pct"] == 50.0
    assert (rec["period"], rec["share_pct"]) == ("2019M07..2019M09", 90.0)
    _ingest(store, _k2_months())
    table = cli("compute", "-c", "2", "-s", str(store.root), "-f", "table")
    assert "Jul.–Sep. 2018" in table.stdout
    assert _table_rows(table.stdout)["Viborg"][0] == "50%"


# --- K3: censored spells, counted exactly, also in person parts ----------------------------

M0 = month_index(2018, 1)
A, B, C, D, E, ANCHOR = 1, 2, 3, 4, 5, 99
"""Pseudonymized persons (the store keeps them as unsigned integers)."""


def _hours(person: int, first: int, months: int, kommune: int = 101, rows: int = 1) -> list:
    """One person's rows (3 hours a month) for ``months`` months from ``first``."""
    return [(person, kommune, first + i, 300) for i in range(months) for _ in range(rows)]


def _k3_panel() -> pl.DataFrame:
    """Three spells running in the first month (one with two employer rows, one ending
    before a second spell of the same person) and two spells that start later."""
    rows = [
        *_hours(A, M0, 15, rows=2),
        *_hours(B, M0, 3, kommune=751),
        *_hours(B, M0 + 4, 14, kommune=751),
        *_hours(D, M0, 1),
        *_hours(C, M0 + 1, 14),
        *_hours(E, M0 + 2, 14, kommune=751),
    ]
    return pl.DataFrame(rows, schema=PERSON_KINDS["fleksjob-timer"], orient="row")


def test_k3_censored_spells_are_counted_exactly(store: Store) -> None:
    panel = _k3_panel()
    assert k3_censored(panel.lazy()).collect().rows() == [(101, 2), (751, 1)]
    store.ingest(panel, kind="fleksjob-timer", source=Path("timer.csv"), sha256="timer")
    note = sources.k3_censored_note(store, None)
    assert re.match(r"3 \D", note), note
    result = api.compute("K3", store=store, kommuner=["København", "Aarhus"])
    assert note in result.notes
    # Left out of the counts: c (from M0+1) and e (from M0+2) count from their 12th
    # month, b's second spell (from M0+4) from M0+15; a, d and b's first spell never.
    assert k3_monthly(panel.lazy()).collect().rows() == [
        (101, M0 + 12, 1, 0),
        (101, M0 + 13, 1, 0),
        (101, M0 + 14, 1, 0),
        (751, M0 + 13, 1, 0),
        (751, M0 + 14, 1, 0),
        (751, M0 + 15, 2, 0),
        (751, M0 + 16, 1, 0),
        (751, M0 + 17, 1, 0),
    ]


def _late_starters() -> pl.DataFrame:
    """12 persons from M0+1 (14 months each) and one person only in M0: the panel's first
    month is M0, so no spell from M0+1 is censored."""
    rows = [(ANCHOR, 101, M0, 300)]
    for i in range(12):
        rows += _hours(100 + i, M0 + 1, 14)
    return pl.DataFrame(rows, schema=PERSON_KINDS["fleksjob-timer"], orient="row")


def test_k3_parts_use_the_whole_panels_first_month(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = _late_starters()
    monkeypatch.setattr(parts, "PART_ROWS", 50)
    count = parts.part_count(panel.height)
    buckets = panel["person"] % count
    assert count > 1 and (buckets != ANCHOR % count).any()  # some part lacks the first month
    store.ingest(panel, kind="fleksjob-timer", source=Path("timer.csv"), sha256="timer")
    hours = store.person("fleksjob-timer")
    assert hours is not None and len(list(hours.parts())) == count
    result = api.compute("K3", store=store, kommuner=["København"])
    got = [(r["period"], r["population"]) for r in result.records.rows(named=True)]
    assert got[-3:] == [("2019M01", 12.0), ("2019M02", 12.0), ("2019M03", 12.0)]
    assert re.match(r"1 \D", sources.k3_censored_note(store, None))
    expected = [(101, M0 + 12, 12, 0), (101, M0 + 13, 12, 0), (101, M0 + 14, 12, 0)]
    assert k3_monthly(panel.lazy()).collect().rows() == expected
    pieces = [
        panel.lazy().filter(pl.col("person") == ANCHOR),
        panel.lazy().filter(pl.col("person") != ANCHOR),
    ]
    assert k3_monthly_parts(pieces, first_month=M0).rows() == expected


# --- --fail-on-gap: every area shown or asked for must meet its target ---------------------


@pytest.mark.parametrize(
    ("rows", "kommuner", "code"),
    [
        pytest.param(_k3(100.0, 28.0), ["Viborg"], 0, id="exactly-on-target"),
        pytest.param(_k3(100.0, 27.0), ["Viborg"], 1, id="missed"),
        pytest.param(_k3(100.0, 30.0) + _k3(0.0, 0.0, area="Faxe"), [], 1, id="shown-population-0"),
        pytest.param(
            _k3(100.0, 30.0) + _k3(0.0, 0.0, area="Faxe"), ["Viborg"], 0, id="not-asked-for"
        ),
        pytest.param(
            _k3(100.0, 30.0) + _k3(10.0, None, area="Faxe"),
            ["Viborg", "Faxe"],
            1,
            id="asked-hits-missing",
        ),
        pytest.param(_k3(100.0, 30.0), ["Viborg", "Faxe"], 1, id="asked-no-data"),
        pytest.param(_k3(100.0, 30.0), ["Viborg", "Hele landet"], 1, id="asked-not-summed"),
    ],
)
def test_fail_on_gap_when_an_area_has_no_share(
    cli: Run, store: Store, rows: Rows, kommuner: list[str], code: int
) -> None:
    _ingest(store, rows)
    args = ["gap", "-c", "3", "-s", str(store.root), "-f", "csv"]
    args += [a for k in kommuner for a in ("-k", k)]
    assert cli(*args).exit_code == 0
    result = cli(*args, "--fail-on-gap")
    assert result.exit_code == code
    assert result.stdout.startswith("kommune,")
    assert all(line.startswith("Anm.: ") for line in result.stderr.splitlines())
