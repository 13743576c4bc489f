"""Rules a mutation run found unheld, each with a test that fails when the rule is broken.

The mutants these tests catch are in ``scripts/mutants.toml`` (run by
``scripts/mutation.py``): periods as analysts and fleksmon itself write them, own
targets with one decimal, the month a target is reached, plausibility bounds, the
R1/R2 hierarchy, the top 10, secondary suppression and the Jobcenteroverblik's quarters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon import api, areas
from fleksmon.criteria import CRITERIA
from fleksmon.errors import FleksmonError
from fleksmon.measures.discretion import suppress
from fleksmon.measures.overblik import overblik
from fleksmon.measures.pace import months_to_target
from fleksmon.measures.rf import CATEGORY_IDS, rf_counts
from fleksmon.measures.shares import series, top10_mean
from fleksmon.periods import (
    HUMAN_MONTHS,
    Period,
    month_human,
    month_index,
    month_of_date,
    parse_period,
    try_parse_period,
)
from fleksmon.readers.person import read_person
from fleksmon.readers.plausible import check_period
from fleksmon.schema import PERSON_KINDS
from fleksmon.targets import load_targets
from fleksmon.texts import title
from tests.conftest import SEP_2019, tidy

Run = Callable[..., Any]
Rows = list[tuple[str, int, int, str, float | None]]
NORD = [k.name for k in areas.members(areas.resolve("Region Nordjylland"))]

# --- Periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("nov 19", "2019M11"),
        ("Okt. 2019", "2019M10"),
        ("okt 2019", "2019M10"),
        ("2019M09..2019M09", "2019M09"),
        ("2018K1..2018K3", "2018M01..2018M09"),
        ("2018K4", "2018M10..2018M12"),
        ("2019", "2019M01..2019M12"),
        ("31-08-2019", "2019M08"),
        ("2019M09-2019M11", "2019M09..2019M11"),
    ],
)
def test_period_forms_held(text: str, code: str) -> None:
    assert parse_period(text).code() == code


@pytest.mark.parametrize("text", ["2019M11..2019M09", "2019-02-30", "30-02-2019"])
def test_period_impossible_is_refused(text: str) -> None:
    assert try_parse_period(text) is None


def test_period_printed_by_fleksmon_reads_back() -> None:
    """Every month as the tables print it (``Okt. 2019``, ``Maj 2019``) is read back."""
    months = [month_index(2019, m) for m in range(1, 13)]
    assert [parse_period(month_human(m)).start for m in months] == months
    assert len(HUMAN_MONTHS) == 12


# --- Plausibility: periods, hits, counts ---------------------------------------------------


def _months_ahead(n: int) -> Period:
    m = month_of_date(dt.date.today()) + n
    return Period(m, m)


@pytest.mark.parametrize("ahead", [1, 2, 12])
def test_periods_up_to_12_months_ahead_are_accepted(ahead: int) -> None:
    assert check_period(_months_ahead(ahead), "x") is None


def test_periods_13_months_ahead_are_refused() -> None:
    why = check_period(_months_ahead(13), "x")
    assert why is not None and why.endswith("is more than 12 months after today")


def test_periods_from_2000_are_accepted() -> None:
    assert check_period(parse_period("2000M01"), "2000M01") is None
    assert check_period(parse_period("1999M12"), "1999M12") == (
        "period 1999M12 (from '1999M12') is before 2000"
    )


K3_HEAD = "Område;Periode;k3_population;k3_progression\n"


def _ingest_lines(cli: Run, tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "k3.csv"
    path.write_text(K3_HEAD + text, encoding="utf-8")
    result = cli("ingest", str(path), "--store", str(tmp_path / "store"))
    return result.exit_code, result.stderr


def test_hits_equal_to_the_population_are_accepted(cli: Run, tmp_path: Path) -> None:
    """A kommune at 100 %: every person in small flexjobs progressed."""
    code, err = _ingest_lines(cli, tmp_path, "Læsø;2019M09;4;4\n")
    assert (code, err.splitlines()[0]) == (
        0,
        "k3.csv: loaded aggregate: 2 rows, 1 kommuner, 2019M09, measures k3_population, "
        "k3_progression.",
    )


def test_hits_beside_a_suppressed_population_are_accepted(cli: Run, tmp_path: Path) -> None:
    """A suppressed population is unknown, not 0: its hits are not 'more than the population'."""
    code, err = _ingest_lines(cli, tmp_path, "Læsø;2019M09;..;4\nViborg;2019M09;100;30\n")
    assert (code, err.splitlines()[0]) == (
        0,
        "k3.csv: loaded aggregate: 4 rows, 2 kommuner, 2019M09, measures k3_population, "
        "k3_progression, 1 suppressed values.",
    )


def test_a_negative_fraction_is_refused(cli: Run, tmp_path: Path) -> None:
    code, err = _ingest_lines(cli, tmp_path, "Viborg;2019M09;100;-0,5\n")
    assert code == 2
    assert err == (
        "Error: k3.csv, row 2, column 'k3_progression': '-0,5' is negative, but k3_progression "
        "is a count. Check the column (a change measure, 'Ændring', is not a count).\n"
    )


def test_the_first_offending_row_is_named(cli: Run, tmp_path: Path) -> None:
    code, err = _ingest_lines(cli, tmp_path, "Viborg;2019M09;100;-3\nThisted;2019M09;100;-4\n")
    assert code == 2 and "row 2, column 'k3_progression': '-3' is negative" in err


# --- Person-level hours --------------------------------------------------------------------


def test_hours_rounded_half_up_to_hundredths_and_744_allowed(tmp_path: Path) -> None:
    path = tmp_path / "timer.csv"
    path.write_text(
        "person;kommune;periode;timer\np1;101;2019M01;7,505\np1;101;2019M02;744\n"
        "p1;101;2019M03;7,504\n"
    )
    frame = read_person(path, None, key=b"k").frame
    assert frame.schema == pl.Schema(PERSON_KINDS["fleksjob-timer"])
    assert frame.get_column("timer_cent").to_list() == [751, 74_400, 750]


# --- Own targets with a decimal --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "target"),
    [
        ("target_pct = 28.7", 28.7),
        ("target = 0.287", 28.7),
        ("target_pct = 16.4", 16.4),  # 16,4 · 100 = 1639,9999999999998 in binary
        ("target_pct = 32.3", 32.3),  # 3229,9999999999995
    ],
)
@pytest.mark.parametrize(("below", "met", "gap_persons"), [(0, True, None), (1, False, 1)])
def test_an_own_target_with_a_decimal_is_exact(
    tmp_path: Path, line: str, target: float, below: int, met: bool, gap_persons: int | None
) -> None:
    """A target with one decimal is compared exactly (28,70 %, never 28,69 %): 10.000 persons
    with 100·target hits meet it, one fewer misses it by one person."""
    targets = tmp_path / "mål.toml"
    targets.write_text(f"[K3]\n{line}\n", encoding="utf-8")
    crit = load_targets(targets)["K3"]
    rows: Rows = [
        ("Viborg", SEP_2019, SEP_2019, "k3_population", 10_000.0),
        ("Viborg", SEP_2019, SEP_2019, "k3_progression", float(round(target * 100) - below)),
    ]
    rec = api.gap(crit, frame=tidy(rows)).records.row(0, named=True)
    assert (rec["target_pct"], rec["met"], rec["gap_persons"]) == (target, met, gap_persons)


# --- Months to target ----------------------------------------------------------------------


def test_the_month_a_target_is_reached_is_rounded_up() -> None:
    """At 0,5 %-point a month, 2,2 %-point takes 4,4 months: reached in the 5th, not the 4th."""
    records = pl.DataFrame(
        {
            "kommune": ["Viborg"],
            "share_pct": [87.8],
            "target_pct": [90.0],
            "met": [False],
            "gap_persons": [50],
        }
    )
    earlier = pl.DataFrame({"kommune": ["Viborg"], "share_pct": [84.8]})
    latest = month_index(2019, 9)
    row = months_to_target(records, earlier, direction="higher", latest=latest, by=latest + 12).row(
        0, named=True
    )
    assert (row["pace_pp_per_month"], row["reached_at"]) == (pytest.approx(0.5), "2020M02")


# --- R1/R2 hierarchy -----------------------------------------------------------------------


def test_rf_hierarchy_ranks_fleksjob_above_loentimer() -> None:
    """A person with both fleksjob and wage hours counts once, in fleksjob (3 before 4)."""
    assert CATEGORY_IDS == (
        "rf_selvforsoerget",
        "rf_uddannelse",
        "rf_fleksjob",
        "rf_loentimer",
        "rf_praktik_loentilskud",
    )
    m = month_index(2020, 1)
    panel = pl.LazyFrame(
        {
            "person": ["a", "b", "c"],
            "kommune_kode": [101, 101, 101],
            "maaned": [m, m, m],
            "loentimer_cent": [500, 500, 0],
            "praktik_loentilskud": [False, True, True],
            "fleksjob": [True, False, False],
            "su": [False, False, False],
            "beskaeftigelsesgrad": [0.0, 0.0, 0.0],
        }
    )
    got = rf_counts(panel, m, m).collect().row(0, named=True)
    assert {k: got[k] for k in CATEGORY_IDS} == {
        "rf_selvforsoerget": 0,
        "rf_uddannelse": 0,
        "rf_fleksjob": 1,
        "rf_loentimer": 1,
        "rf_praktik_loentilskud": 1,
    }


# --- Monthly series and the top 10 ---------------------------------------------------------


def test_a_given_area_row_is_the_only_row_for_it() -> None:
    """Hele landet as given (500, 100) beside all 98 kommuner: one row, the given one."""
    rows: Rows = [
        (k.name, SEP_2019, SEP_2019, m, 1.0)
        for k in areas.kommuner()
        for m in ("k3_population", "k3_progression")
    ]
    rows += [
        ("Hele landet", SEP_2019, SEP_2019, "k3_population", 500.0),
        ("Hele landet", SEP_2019, SEP_2019, "k3_progression", 100.0),
    ]
    got = series(tidy(rows).lazy(), CRITERIA["K3"]).collect()
    land = got.filter(pl.col("kommune") == "Hele landet")
    assert land.select("population", "hits").rows() == [(500.0, 100.0)]


def test_a_monthly_series_reads_no_quarter_rows() -> None:
    quarter: Rows = [
        ("Viborg", SEP_2019 - 2, SEP_2019, "k3_population", 300.0),
        ("Viborg", SEP_2019 - 2, SEP_2019, "k3_progression", 30.0),
    ]
    month: Rows = [
        ("Viborg", SEP_2019, SEP_2019, "k3_population", 100.0),
        ("Viborg", SEP_2019, SEP_2019, "k3_progression", 30.0),
    ]
    got = series(tidy(quarter + month).lazy(), CRITERIA["K3"]).collect()
    viborg = got.filter(pl.col("kommune") == "Viborg")
    assert viborg.select("maaned", "population", "hits").rows() == [(SEP_2019, 100.0, 30.0)]


def _k3_kommuner(n: int, extra: Rows | None = None) -> pl.LazyFrame:
    rows: Rows = []
    for i, k in enumerate(areas.kommuner()[:n]):
        rows += [
            (k.name, SEP_2019, SEP_2019, "k3_population", 100.0),
            (k.name, SEP_2019, SEP_2019, "k3_progression", float(i)),
        ]
    return tidy(rows + (extra or [])).lazy()


def test_top10_needs_ten_kommuner() -> None:
    crit = CRITERIA["K3"]
    out = top10_mean(series(_k3_kommuner(9), crit), crit).collect()
    assert out.select("top10_pct", "top10_n", "kommuner_n").rows() == [(None, 9, 9)]


def test_top10_is_of_kommuner_with_a_share_only() -> None:
    """Hele landet (given, 99 %) is no kommune; a kommune with population 0 has no share."""
    crit = CRITERIA["K3"]
    extra: Rows = [
        ("Hele landet", SEP_2019, SEP_2019, "k3_population", 100.0),
        ("Hele landet", SEP_2019, SEP_2019, "k3_progression", 99.0),
        ("Viborg", SEP_2019, SEP_2019, "k3_population", 0.0),
        ("Viborg", SEP_2019, SEP_2019, "k3_progression", 0.0),
    ]
    out = top10_mean(series(_k3_kommuner(12, extra), crit), crit).collect()
    assert out.select("top10_pct", "top10_n", "kommuner_n").rows() == [(6.5, 10, 12)]


# --- Discretion ----------------------------------------------------------------------------


def _k1_records(counts: dict[str, tuple[float, float]]) -> pl.DataFrame:
    rows: Rows = []
    for name, (f, ly) in counts.items():
        rows += [
            (name, SEP_2019, SEP_2019, "fleksjob_fuldtid", f),
            (name, SEP_2019, SEP_2019, "ledighedsydelse_fuldtid", ly),
        ]
    return api.gap("K1", frame=tidy(rows)).records


def test_discretion_keeps_a_region_whose_kommuner_are_not_all_shown() -> None:
    """Region Nordjylland summed from its eleven kommuner, shown beside Læsø alone (and then
    beside Læsø and Aalborg): Læsø's 2 is hidden, the region's total cannot give it back."""
    counts = {name: (100.0 + i, 10.0 + i) for i, name in enumerate(NORD)}
    counts["Læsø"] = (20.0, 2.0)
    records = _k1_records(counts)
    for shown in (["Læsø"], ["Læsø", "Aalborg"]):
        picked = records.filter(pl.col("kommune").is_in([*shown, "Region Nordjylland"]))
        out, hidden = suppress(picked, CRITERIA["K1"], 5)
        region = out.filter(pl.col("kommune") == "Region Nordjylland").row(0, named=True)
        assert region["suppressed"] is False and region["ledighedsydelse"] == sum(
            ly for _, ly in counts.values()
        )
        assert {k for k, _ in hidden} == {"Læsø"}


def test_discretion_shows_a_count_equal_to_the_threshold() -> None:
    counts = {"Viborg": (100.0, 5.0), "Thisted": (80.0, 6.0)}
    out, hidden = suppress(_k1_records(counts), CRITERIA["K1"], 5)
    assert hidden == {} and out["suppressed"].to_list() == [False, False]


CATEGORIES = ["selvforsoerget", "uddannelse", "fleksjob", "loentimer", "praktik_loentilskud"]


def _r1_record(name: str, cats: list[float]) -> dict[str, object]:
    hits = sum(cats)
    return {
        "kommune": name,
        "period": "2020M01..2020M03",
        "population": 3 * hits,
        "hits": hits,
        "share_pct": 100 / 3,
        "gap_pp": 1.67,
        "gap_persons": 5,
        "met": False,
        **dict(zip(CATEGORIES, cats, strict=True)),
    }


def test_discretion_repeats_until_no_sum_gives_a_cell_back() -> None:
    """R1 for Region Nordjylland and its eleven kommuner (hits = the five categories).

    Hand count with N = 5: Læsø's uddannelse 3 is hidden (<5). Round one: the region's
    uddannelse total takes the next smallest, Morsø's 30; Læsø's row takes its fleksjob 21
    and Morsø's row its selvforsørget 20. Now the region's fleksjob and selvforsørget totals
    each have one hidden cell, so round two takes Morsø's fleksjob 40 and Thisted's
    selvforsørget 21, and Thisted's row its uddannelse 31. Then no sum has one hidden cell.
    """
    rows = []
    for i, name in enumerate(NORD):
        cats = [20.0 + i, 30.0 + i, 40.0 + 2 * i, 50.0 + 3 * i, 60.0 + 4 * i]
        rows.append(_r1_record(name, [90.0, 3.0, 21.0, 95.0, 96.0] if name == "Læsø" else cats))
    total = [sum(float(r[c]) for r in rows) for c in CATEGORIES]  # type: ignore[arg-type]
    rows.append(_r1_record("Region Nordjylland", total))
    out, hidden = suppress(pl.DataFrame(rows), CRITERIA["R1"], 5)
    got = {k: sorted(c for c in v if c in CATEGORIES) for (k, _), v in hidden.items()}
    assert got == {
        "Læsø": ["fleksjob", "uddannelse"],
        "Morsø": ["fleksjob", "selvforsoerget", "uddannelse"],
        "Thisted": ["selvforsoerget", "uddannelse"],
    }
    table = {r["kommune"]: r for r in out.to_dicts()}
    for col in CATEGORIES:
        cells = [table["Region Nordjylland"][col], *(table[n][col] for n in NORD)]
        assert sum(v is None for v in cells) != 1, col
    for row in table.values():
        assert sum(row[c] is None for c in ["hits", *CATEGORIES]) != 1, row["kommune"]


# --- Jobcenteroverblik ---------------------------------------------------------------------

Q4_2019 = parse_period("2019K4")
FLEKS, POP = "ydelsesgruppe.fleksjob", "befolkning_16_66"


def _overblik_rows(fra: int, til: int, fleks: float, pop: float) -> Rows:
    return [
        (area, fra, til, measure, value)
        for area in ("Ballerup", "Hele landet")
        for measure, value in ((FLEKS, fleks), (POP, pop))
    ]


def test_overblik_reads_quarters_only() -> None:
    """Yearly (2018) and monthly (Dec. 2018) rows are no 4th quarter of 2018."""
    rows = _overblik_rows(Q4_2019.start, Q4_2019.end, 400.0, 30_000.0)
    rows += _overblik_rows(month_index(2018, 1), month_index(2018, 12), 4800.0, 30_000.0)
    rows += _overblik_rows(month_index(2018, 12), month_index(2018, 12), 380.0, 30_000.0)
    got = overblik(tidy(rows).lazy(), "Ballerup", Q4_2019)
    fleksjob = got.filter(pl.col("status") == "fleksjob").row(0, named=True)
    assert fleksjob["share_pct"] == pytest.approx(400 / 300)
    assert (fleksjob["change_pp"], fleksjob["land_change_pp"]) == (None, None)


def test_overblik_needs_a_calendar_quarter() -> None:
    rows = _overblik_rows(Q4_2019.start, Q4_2019.end, 400.0, 30_000.0)
    with pytest.raises(FleksmonError) as err:
        api.jobcenteroverblik(
            kommuner=["Ballerup"], period=parse_period("2019M11..2020M01"), frame=tidy(rows)
        )
    assert err.value.line() == (
        "--period 2019M11..2020M01 is not a quarter. Give a quarter, e.g. --period 2018K2."
    )


def test_overblik_population_zero_gives_no_share() -> None:
    rows = _overblik_rows(Q4_2019.start, Q4_2019.end, 0.0, 0.0)
    got = overblik(tidy(rows).lazy(), "Ballerup", Q4_2019)
    fleksjob = got.filter(pl.col("status") == "fleksjob").row(0, named=True)
    assert (fleksjob["share_pct"], fleksjob["land_share_pct"]) == (None, None)


# --- The published targets -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cid", "line"),
    [
        ("K1", "Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct."),
        (
            "K2",
            "Succeskriterie 2: Andelen af afsluttede ledighedsydelsesforløb med en varighed på "
            "under 6 måneder skal øges til minimum 85 pct.",
        ),
        (
            "K3",
            "Succeskriterie 3: Progression i fleksjob på under 10 timer skal øges til minimum "
            "28 pct.",
        ),
        (
            "R1",
            "Resultatkrav 1: Andelen i virksomhedsrettet indsats mv. skal øges til minimum 35 pct.",
        ),
        ("R2", "Resultatkrav 2: Andelen i beskæftigelse mv. skal øges til minimum 15 pct."),
    ],
)
def test_the_published_targets(cid: str, line: str) -> None:
    assert title(CRITERIA[cid]) == line
    baseline = "2020M01..2020M03" if cid.startswith("R") else "2018M09"
    assert CRITERIA[cid].baseline_period().code() == baseline
