"""R1/R2 ressourceforløb from a person-level panel: every rule on hand-built panels,
the Jan–Mar 2020 report reproduced, and properties."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleksmon import api, areas
from fleksmon.measures.rf import (
    CATEGORY_IDS,
    RF_INDICATOR_SCHEMA,
    RF_SCHEMA,
    rf_aggregate,
    rf_counts,
    rf_indicators,
)
from fleksmon.numbers import round_half_away
from fleksmon.periods import month_index
from fleksmon.schema import AGGREGATE, PERSON_KINDS
from tests.conftest import person_frame

JAN = month_index(2020, 1)
MAR = month_index(2020, 3)
M = month_index(2021, 6)
"""The month the indicator tests look at."""

RF = PERSON_KINDS["ressourceforloeb"]
Row = tuple[str, int, int, bool | None, int | None, bool | None, bool | None, float | None]


def row(
    person: str,
    month: int,
    kommune: int = 101,
    *,
    praktik: bool | None = False,
    loentimer: int | None = 0,
    fleksjob: bool | None = False,
    su: bool | None = False,
    grad: float | None = 0.0,
) -> Row:
    """One ressourceforløb month of a person; flags off unless given."""
    return (person, kommune, month, praktik, loentimer, fleksjob, su, grad)


def panel(rows: list[Row]) -> pl.LazyFrame:
    return person_frame(rows, "ressourceforloeb").lazy()


def counts(rows: list[Row], start: int = JAN, end: int = MAR) -> dict[int, dict[str, int]]:
    """rf_counts as ``{kommune_kode: {column: count}}``."""
    frame = rf_counts(panel(rows), start, end).collect()
    return {r.pop("kommune_kode"): r for r in frame.to_dicts()}


def category_of(rows: list[Row]) -> str | None:
    """The one category a single person counts in (``None`` for none)."""
    ((_kode, got),) = counts(rows).items()
    assert got["rf_maalgruppe"] == 1
    hit = [m for m in CATEGORY_IDS if got[m] == 1]
    assert sum(got[m] for m in CATEGORY_IDS) == len(hit) <= 1
    return hit[0] if hit else None


def indicators(rows: list[Row], month: int = M) -> dict[int, dict[str, int]]:
    """rf_indicators as ``{kommune_kode: {column: count}}``."""
    frame = rf_indicators(panel(rows), month).collect()
    return {r.pop("kommune_kode"): r for r in frame.to_dicts()}


def spell(person: str, last: int, months: int, kommune: int = 101, **flags: Any) -> list[Row]:
    """A run of ``months`` consecutive months ending at ``last``."""
    return [row(person, last - i, kommune, **flags) for i in range(months)]


# --- rf_counts: population and hierarchy ----------------------------------------------


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({}, None),
        ({"grad": 60.0}, "rf_selvforsoerget"),
        ({"su": True}, "rf_uddannelse"),
        ({"fleksjob": True}, "rf_fleksjob"),
        ({"loentimer": 150}, "rf_loentimer"),
        ({"praktik": True}, "rf_praktik_loentilskud"),
        ({"su": True, "grad": 60.0}, "rf_selvforsoerget"),
        ({"fleksjob": True, "praktik": True}, "rf_fleksjob"),
        ({"su": True, "fleksjob": True, "loentimer": 1}, "rf_uddannelse"),
        ({"loentimer": 1, "praktik": True}, "rf_loentimer"),
        ({"grad": 50.0}, None),
        ({"grad": 50.01}, "rf_selvforsoerget"),
        ({"grad": 50.0, "praktik": True}, "rf_praktik_loentilskud"),
        ({"loentimer": 0}, None),
        ({"loentimer": 1}, "rf_loentimer"),
        ({"praktik": None, "loentimer": None, "fleksjob": None, "su": None, "grad": None}, None),
    ],
)
def test_hierarchy_in_one_month(flags: dict[str, Any], expected: str | None) -> None:
    assert category_of([row("a", JAN, **flags)]) == expected


def test_touches_in_different_months_combine_by_hierarchy() -> None:
    rows = [row("a", JAN, praktik=True), row("a", JAN + 1), row("a", MAR, fleksjob=True)]
    assert category_of(rows) == "rf_fleksjob"
    rows = [row("a", JAN, su=True), row("a", MAR, grad=75.0)]
    assert category_of(rows) == "rf_selvforsoerget"


def test_person_counts_in_the_kommune_of_the_last_month_in_the_period() -> None:
    rows = [
        row("a", JAN, 101, praktik=True),
        row("a", JAN + 1, 147),
        row("a", MAR + 1, 751),  # after the period: ignored
    ]
    expected = {"rf_maalgruppe": 1, **dict.fromkeys(CATEGORY_IDS, 0), "rf_praktik_loentilskud": 1}
    assert counts(rows) == {147: expected}


def test_months_outside_the_period_are_ignored() -> None:
    rows = [
        row("a", JAN - 1, praktik=True, grad=90.0),  # touches before the period
        row("a", JAN),
        row("a", MAR + 1, fleksjob=True),  # and after
        row("b", JAN - 1, su=True),  # only before: not in the population
        row("c", MAR + 1),  # only after
    ]
    got = counts(rows)
    assert got == {101: {"rf_maalgruppe": 1, **dict.fromkeys(CATEGORY_IDS, 0)}}


def test_several_rows_for_one_person_and_month_count_once() -> None:
    rows = [row("a", JAN, praktik=True), row("a", JAN, praktik=True), row("a", JAN, su=True)]
    got = counts(rows)[101]
    assert got["rf_maalgruppe"] == 1
    assert got["rf_uddannelse"] == 1
    assert sum(got[m] for m in CATEGORY_IDS) == 1


def test_duplicate_rows_in_two_kommuner_take_the_highest_code() -> None:
    rows = [row("a", MAR, 751), row("a", MAR, 101), row("a", JAN, 851)]
    assert set(counts(rows)) == {751}


def test_one_row_per_kommune_with_a_population_and_the_schema() -> None:
    rows = [row("a", JAN, 101), row("b", JAN, 147, su=True), row("c", JAN, 147)]
    frame = rf_counts(panel(rows), JAN, MAR).collect()
    assert frame.schema == pl.Schema(RF_SCHEMA)
    assert frame["kommune_kode"].to_list() == [101, 147]
    assert frame.filter(pl.col("kommune_kode") == 147)["rf_uddannelse"].item() == 1
    empty = rf_counts(panel(rows), MAR + 1, MAR + 3).collect()
    assert empty.is_empty()
    assert empty.schema == pl.Schema(RF_SCHEMA)


def _tidy(rows: list[Row], start: int = JAN, end: int = MAR) -> pl.DataFrame:
    return rf_aggregate(rf_counts(panel(rows), start, end), start, end).collect()


def test_aggregate_rows_follow_the_tidy_schema() -> None:
    tidy = _tidy([row("a", JAN, 101, su=True), row("b", JAN, 9999)])
    assert tidy.schema == pl.Schema(AGGREGATE)
    assert set(tidy["kommune"]) == {"København"}  # 9999 is no kommune
    assert tidy.height == 1 + len(CATEGORY_IDS)
    assert set(zip(tidy["fra"], tidy["til"], strict=True)) == {(JAN, MAR)}


def test_r1_sums_categories_1_to_5_and_r2_categories_1_to_4() -> None:
    rows = [
        row("s", JAN, grad=80.0),
        row("u", JAN, su=True),
        row("f", JAN, fleksjob=True),
        row("l", JAN, loentimer=10),
        row("p1", JAN, praktik=True),
        row("p2", JAN, praktik=True),
        row("n", JAN),
        row("n2", JAN),
    ]
    tidy = _tidy(rows)
    r1 = api.gap("R1", frame=tidy, kommuner=["København"]).records.row(0, named=True)
    r2 = api.gap("R2", frame=tidy, kommuner=["København"]).records.row(0, named=True)
    assert (r1["population"], r1["hits"]) == (8, 6)
    assert (r2["population"], r2["hits"]) == (8, 4)
    assert r1["share_pct"] == pytest.approx(75.0)
    assert r2["share_pct"] == pytest.approx(50.0)


# --- the Jan–Mar 2020 report ----------------------------------------------------------

REPORT = {
    "rf_maalgruppe": 4697,
    "rf_selvforsoerget": 32,
    "rf_uddannelse": 10,
    "rf_fleksjob": 32,
    "rf_loentimer": 113,
    "rf_praktik_loentilskud": 1124,
}


def report_panel() -> pl.LazyFrame:
    """4.697 persons over the 98 kommuner, three months each, with the report's counts.

    Persons touched by a category are also touched by later categories (and by
    borderline values: grad exactly 50, zero wage hours) in other months, plus
    touches before and after the period and duplicated rows, so only the
    hierarchy and the period rules give the report's numbers.
    """
    codes = [int(k.code) for k in areas.kommuner() if k.code]
    bounds = [0, 32, 42, 74, 187, 1311, 4697]  # selv, udd, fleks, løn, praktik, none
    kommuner = pl.LazyFrame(
        {"slot": range(len(codes)), "kommune_kode": codes},
        schema={"slot": pl.Int64, "kommune_kode": pl.Int16},
    )
    persons = (
        pl.LazyFrame({"i": pl.int_range(0, 4697, eager=True)})
        .with_columns(
            (pl.col("i") % len(codes)).alias("slot"),
            (1 + pl.sum_horizontal([pl.col("i") >= b for b in bounds[1:-1]])).alias("cat"),
        )
        .join(kommuner, on="slot")
    )
    offsets = pl.LazyFrame({"k": [-1, 0, 1, 2, 3]}, schema={"k": pl.Int32})
    cat, k, i = pl.col("cat"), pl.col("k"), pl.col("i")
    inside = k.is_between(0, 2)
    rows = persons.join(offsets, how="cross").with_columns(
        pl.format("p{}", i).alias("person"),
        (pl.lit(JAN, pl.Int32) + k).alias("maaned"),
        ((cat == 5) & (k == 1) | (cat <= 4) & (k == 2) | ~inside).alias("praktik_loentilskud"),
        pl.when((cat == 4) & (k == 0) | (cat <= 2) & (k == 1) | ~inside)
        .then(375)
        .otherwise(0)
        .cast(pl.Int64)
        .alias("loentimer_cent"),
        ((cat == 3) & (k == 0) | (cat == 2) & (k == 2) | ~inside).alias("fleksjob"),
        ((cat == 2) & (k == 0) | (cat == 1) & (k == 2) | ~inside).alias("su"),
        pl.when((cat == 1) & (k == 1) | ~inside)
        .then(62.5)
        .when(cat == 6)
        .then(50.0)
        .otherwise(10.0)
        .alias("beskaeftigelsesgrad"),
    )
    # persons from p4000 on move kommune in the last month (counted in 101)
    moved = rows.with_columns(
        pl.when((i >= 4000) & (k == 2))
        .then(pl.lit(101, pl.Int16))
        .otherwise(pl.col("kommune_kode"))
        .alias("kommune_kode")
    )
    duplicated = moved.filter((i % 7 == 0) & inside)
    return pl.concat([moved, duplicated]).select(list(RF))


def test_report_jan_mar_2020_counts() -> None:
    frame = rf_counts(report_panel(), JAN, MAR).collect()
    assert frame.height == 98
    moved = frame.filter(pl.col("kommune_kode") == 101)["rf_maalgruppe"].item()
    assert moved == 41 + (4697 - 4000)  # its own persons below p4000, and every mover
    totals = frame.drop("kommune_kode").sum().row(0, named=True)
    assert totals == REPORT
    r1 = sum(totals[m] for m in CATEGORY_IDS)
    r2 = sum(totals[m] for m in CATEGORY_IDS[:4])
    assert (r1, r2) == (1311, 187)
    pct = {m: round_half_away(100 * totals[m] / 4697, 1) for m in CATEGORY_IDS}
    assert pct == {
        "rf_selvforsoerget": 0.7,
        "rf_uddannelse": 0.2,
        "rf_fleksjob": 0.7,
        "rf_loentimer": 2.4,
        "rf_praktik_loentilskud": 23.9,
    }


@pytest.mark.parametrize(("criterion", "hits", "share"), [("R1", 1311, 27.9), ("R2", 187, 4.0)])
def test_report_jan_mar_2020_shares(criterion: str, hits: int, share: float) -> None:
    tidy = rf_aggregate(rf_counts(report_panel(), JAN, MAR), JAN, MAR)
    result = api.gap(criterion, frame=tidy, kommuner=["Hele landet"])
    record = result.records.row(0, named=True)
    assert record["period"] == "2020M01..2020M03"
    assert (record["population"], record["hits"]) == (4697, hits)
    assert round_half_away(record["share_pct"], 1) == share
    assert record["met"] is False


# --- rf_indicators ---------------------------------------------------------------------


def test_spell_of_exactly_twelve_months_is_long() -> None:
    got = indicators(spell("a", M, 12) + spell("b", M, 11))[101]
    assert got["rf_lange_forloeb"] == 1
    assert got["rf_under_1_aar"] == 1


def test_a_gap_month_restarts_the_spell() -> None:
    rows = spell("a", M - 2, 20) + spell("a", M, 1)  # M-1 missing
    got = indicators(rows)[101]
    assert (got["rf_lange_forloeb"], got["rf_under_1_aar"]) == (0, 1)


def test_months_after_m_and_persons_not_in_forloeb_at_m_are_left_out() -> None:
    rows = spell("a", M + 5, 6) + spell("b", M - 1, 30)
    got = indicators(rows)
    assert got == {
        101: {
            "rf_lange_forloeb": 0,
            "rf_uden_indsats": 0,
            "rf_under_1_aar": 1,
            "rf_1_2_aar": 0,
            "rf_over_2_aar": 0,
        }
    }


@pytest.mark.parametrize(
    ("months", "bucket"),
    [
        (1, "rf_under_1_aar"),
        (11, "rf_under_1_aar"),
        (12, "rf_1_2_aar"),
        (23, "rf_1_2_aar"),
        (24, "rf_over_2_aar"),
        (40, "rf_over_2_aar"),
    ],
)
def test_duration_buckets(months: int, bucket: str) -> None:
    got = indicators(spell("a", M, months))[101]
    buckets = ("rf_under_1_aar", "rf_1_2_aar", "rf_over_2_aar")
    assert {b: got[b] for b in buckets} == {b: int(b == bucket) for b in buckets}
    assert got["rf_lange_forloeb"] == int(months >= 12)


@pytest.mark.parametrize(
    ("ago", "flags", "without"),
    [
        (12, {"praktik": True}, 1),  # M-12: outside the year
        (11, {"praktik": True}, 0),  # M-11: inside
        (11, {"loentimer": 1}, 0),
        (11, {"loentimer": 0}, 1),
        (0, {"loentimer": 250}, 0),
        (3, {"fleksjob": True, "su": True, "grad": 90.0}, 1),  # not virksomhedsrettet
        (0, {"praktik": None, "loentimer": None}, 1),
    ],
)
def test_virksomhedsrettet_indsats_in_the_last_twelve_months(
    ago: int, flags: dict[str, Any], without: int
) -> None:
    rows = [r for r in spell("a", M, 18) if r[2] != M - ago] + [row("a", M - ago, **flags)]
    got = indicators(rows)[101]
    assert (got["rf_lange_forloeb"], got["rf_uden_indsats"]) == (1, without)


def test_indicators_count_in_the_kommune_at_m_and_see_indsats_in_any_kommune() -> None:
    rows = [*spell("a", M - 1, 13, 147), row("a", M - 5, 751, praktik=True), row("a", M, 101)]
    rows += [*spell("b", M - 1, 13, 101), row("b", M, 147)]
    got = indicators(rows)
    assert got[101]["rf_lange_forloeb"] == 1
    assert got[101]["rf_uden_indsats"] == 0  # a: praktik in a row of kommune 751
    assert got[147]["rf_uden_indsats"] == 1  # b: never any indsats


def test_indicator_duplicates_count_once_and_schema() -> None:
    rows = spell("a", M, 12) + spell("a", M, 12) + [row("a", M, 147)]
    frame = rf_indicators(panel(rows), M).collect()
    assert frame.schema == pl.Schema(RF_INDICATOR_SCHEMA)
    assert frame.to_dicts() == [
        {
            "kommune_kode": 147,
            "rf_lange_forloeb": 1,
            "rf_uden_indsats": 1,
            "rf_under_1_aar": 0,
            "rf_1_2_aar": 1,
            "rf_over_2_aar": 0,
        }
    ]


# --- properties ------------------------------------------------------------------------

ROWS = st.lists(
    st.builds(
        row,
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.integers(JAN - 14, MAR + 2),
        st.sampled_from([101, 147, 751]),
        praktik=st.sampled_from([True, False, None]),
        loentimer=st.sampled_from([0, 0, 1, 500, None]),
        fleksjob=st.booleans(),
        su=st.booleans(),
        grad=st.sampled_from([None, 0.0, 50.0, 50.5, 100.0]),
    ),
    max_size=40,
)


def _r1_r2(got: dict[int, dict[str, int]]) -> dict[int, tuple[int, int, int]]:
    return {
        kode: (
            c["rf_maalgruppe"],
            sum(c[m] for m in CATEGORY_IDS),
            sum(c[m] for m in CATEGORY_IDS[:4]),
        )
        for kode, c in got.items()
    }


@settings(max_examples=60, deadline=None)
@given(ROWS)
def test_categories_never_exceed_the_population(rows: list[Row]) -> None:
    for population, r1, r2 in _r1_r2(counts(rows)).values():
        assert population >= 1
        assert 0 <= r2 <= r1 <= population
        assert 0.0 <= r1 / population <= 1.0
        assert 0.0 <= r2 / population <= 1.0
    for c in indicators(rows, MAR).values():
        assert 0 <= c["rf_uden_indsats"] <= c["rf_lange_forloeb"]
        assert c["rf_lange_forloeb"] == c["rf_1_2_aar"] + c["rf_over_2_aar"]
        assert c["rf_under_1_aar"] + c["rf_lange_forloeb"] >= 1


@settings(max_examples=60, deadline=None)
@given(ROWS, st.randoms(use_true_random=False))
def test_row_order_never_changes_results(rows: list[Row], rnd: Any) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert counts(shuffled) == counts(rows)
    assert indicators(shuffled, MAR) == indicators(rows, MAR)


@settings(max_examples=60, deadline=None)
@given(
    ROWS.filter(bool),
    st.integers(0, 39),
    st.sampled_from(
        [{"grad": 80.0}, {"su": True}, {"fleksjob": True}, {"loentimer": 100}, {"praktik": True}]
    ),
)
def test_adding_a_touch_never_lowers_r1_or_r2(
    rows: list[Row], index: int, touch: dict[str, Any]
) -> None:
    person, kommune, month, praktik, loentimer, fleksjob, su, grad = rows[index % len(rows)]
    flags: dict[str, Any] = {
        "praktik": praktik,
        "loentimer": loentimer,
        "fleksjob": fleksjob,
        "su": su,
        "grad": grad,
    }
    touched = [*rows, row(person, month, kommune, **(flags | touch))]
    before, after = _r1_r2(counts(rows)), _r1_r2(counts(touched))
    assert before.keys() == after.keys()
    for kode, (population, r1, r2) in before.items():
        assert after[kode][0] == population
        assert after[kode][1] >= r1
        assert after[kode][2] >= r2


def _indicators_by_hand(rows: list[Row], month: int) -> dict[int, dict[str, int]]:
    """The indicator rules read person by person, in plain Python."""
    found: dict[int, dict[str, int]] = {}
    for person in {r[0] for r in rows}:
        mine = [r for r in rows if r[0] == person]
        months = {r[2] for r in mine}
        if month not in months:
            continue
        length = 1
        while month - length in months:
            length += 1
        kommune = max(r[1] for r in mine if r[2] == month)
        indsats = any(month - 12 < r[2] <= month and (bool(r[3]) or (r[4] or 0) > 0) for r in mine)
        c = found.setdefault(kommune, dict.fromkeys(list(RF_INDICATOR_SCHEMA)[1:], 0))
        c["rf_lange_forloeb"] += length >= 12
        c["rf_uden_indsats"] += length >= 12 and not indsats
        c["rf_under_1_aar"] += length < 12
        c["rf_1_2_aar"] += 12 <= length < 24
        c["rf_over_2_aar"] += length >= 24
    return found


@settings(max_examples=80, deadline=None)
@given(ROWS)
def test_indicators_follow_the_rules_read_by_hand(rows: list[Row]) -> None:
    assert indicators(rows, MAR) == _indicators_by_hand(rows, MAR)
