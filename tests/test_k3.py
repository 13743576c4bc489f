"""K3 from a person-level hours panel: every edge rule on hand-built panels, plus properties."""

from __future__ import annotations

from collections import defaultdict

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleksmon.measures.k3 import k3_censored, k3_monthly, k3_monthly_parts
from fleksmon.periods import month_index
from tests.conftest import person_frame

M0 = month_index(2018, 1)
"""The panel's first month in these tests (an anchor person is present then)."""


def rows_for(
    person: str, first: int, hours: list[int], kommune: int = 101
) -> list[tuple[str, int, int, int]]:
    """One row a month from ``first``; hours in hundredths."""
    return [(person, kommune, first + i, h) for i, h in enumerate(hours)]


def panel(*parts: list[tuple[str, int, int, int]], anchor: bool = True) -> pl.LazyFrame:
    rows = [r for part in parts for r in part]
    if anchor:
        rows.append(("anchor", 999, M0, 0))
    return person_frame(rows, "fleksjob-timer").lazy()


def counts(frame: pl.LazyFrame, month: int, kommune: int = 101) -> tuple[int, int]:
    got = (
        k3_monthly(frame)
        .collect()
        .filter((pl.col("kommune_kode") == kommune) & (pl.col("maaned") == month))
    )
    if got.height == 0:
        return (0, 0)
    return (int(got["k3_population"][0]), int(got["k3_progression"][0]))


def test_population_from_the_twelfth_month() -> None:
    lf = panel(rows_for("a", M0 + 1, [300] * 14))
    assert counts(lf, M0 + 11) == (0, 0)  # 11th month
    assert counts(lf, M0 + 12) == (1, 0)  # 12th month
    assert counts(lf, M0 + 14) == (1, 0)


def test_spell_shorter_than_twelve_months_is_excluded() -> None:
    lf = panel(rows_for("a", M0 + 1, [300] * 11))
    assert k3_monthly(lf).collect().height == 0


@pytest.mark.parametrize(
    ("start", "inside"),
    [
        ([217, 217, 216], True),  # S = 6,50 hours: 1 hour a week rounded → in
        ([217, 216, 216], False),  # S = 6,49
        ([4550, 4550, 4549], True),  # S = 136,49: 10 hours a week → in
        ([4550, 4550, 4550], False),  # S = 136,50 → 11 hours (half away from zero) → out
    ],
)
def test_start_hours_boundaries_are_exact(start: list[int], inside: bool) -> None:
    lf = panel(rows_for("a", M0 + 1, [*start, *([5000] * 9)]))
    assert counts(lf, M0 + 12)[0] == (1 if inside else 0)


def test_progression_needs_every_last_month_above_every_start_month() -> None:
    start = [200, 300, 250]
    up = panel(rows_for("a", M0 + 1, [*start, *([250] * 6), 301, 301, 301]))
    assert counts(up, M0 + 12) == (1, 1)
    equal = panel(rows_for("a", M0 + 1, [*start, *([250] * 6), 300, 400, 400]))
    assert counts(equal, M0 + 12) == (1, 0)  # equal hours are not progression
    dip = panel(rows_for("a", M0 + 1, [*start, *([250] * 6), 400, 299, 400]))
    assert counts(dip, M0 + 12) == (1, 0)


def test_gap_month_splits_the_spell() -> None:
    hours = [300] * 5
    later = [300] * 13
    lf = panel(rows_for("a", M0 + 1, hours), rows_for("a", M0 + 7, later))
    # Without the gap the spell's 12th month would be M0+12; the new spell starts at M0+7.
    assert counts(lf, M0 + 12) == (0, 0)
    assert counts(lf, M0 + 17) == (0, 0)
    assert counts(lf, M0 + 18) == (1, 0)


def test_zero_hour_month_is_still_in_flexjob() -> None:
    lf = panel(rows_for("a", M0 + 1, [300, 300, 300, 0, 0, *([300] * 7)]))
    assert counts(lf, M0 + 12) == (1, 0)


def test_left_censored_spells_are_left_out_and_counted() -> None:
    lf = panel(
        rows_for("censored", M0, [300] * 20, kommune=751),
        rows_for("b", M0 + 1, [300] * 15),
        anchor=False,
    )
    assert counts(lf, M0 + 13, kommune=751) == (0, 0)
    assert counts(lf, M0 + 12) == (1, 0)
    cens = k3_censored(lf).collect()
    assert cens.to_dicts() == [{"kommune_kode": 751, "k3_censored": 1}]
    # A later spell of the same person (after a gap) is not censored.
    again = panel(rows_for("c", M0, [300] * 3), rows_for("c", M0 + 4, [300] * 12), anchor=False)
    assert counts(again, M0 + 15) == (1, 0)


def test_employer_rows_are_summed_before_the_rules() -> None:
    # Each employer row alone is a 1–10 hour job, their sum is not.
    two = [("a", 101, M0 + 1 + i, h) for i in range(12) for h in (4000, 600)]
    lf = panel(two)
    assert counts(lf, M0 + 12) == (0, 0)
    # Summed rows decide progression too: 150+150 per start month, 200+200 at the end.
    rows = [("b", 101, M0 + 1 + i, 150) for i in range(12) for _ in range(2)]
    rows += [("b", 101, M0 + 13 + i, 200) for i in range(3) for _ in range(2)]
    lf = panel(rows)
    assert counts(lf, M0 + 15) == (1, 1)


def test_person_counts_in_the_kommune_of_the_month() -> None:
    lf = panel(
        rows_for("a", M0 + 1, [300] * 6, kommune=101), rows_for("a", M0 + 7, [400] * 8, kommune=751)
    )
    assert counts(lf, M0 + 12, kommune=751) == (1, 1)
    assert counts(lf, M0 + 12, kommune=101) == (0, 0)


def test_explicit_first_month_and_parts_agree() -> None:
    a = panel(rows_for("a", M0 + 1, [300] * 14), anchor=False)
    b = panel(rows_for("b", M0, [300] * 14), rows_for("c", M0 + 2, [300] * 14), anchor=False)
    whole = k3_monthly(pl.concat([a, b])).collect()
    parts = k3_monthly_parts([a, b], first_month=M0)
    assert parts.equals(whole)
    # On its own, part a would take M0+1 as the panel's first month: all censored.
    assert k3_monthly(a).collect().height == 0


def test_schema() -> None:
    got = k3_monthly(panel(rows_for("a", M0 + 1, [300] * 12))).collect()
    assert got.schema == pl.Schema(
        {
            "kommune_kode": pl.Int16,
            "maaned": pl.Int32,
            "k3_population": pl.Int64,
            "k3_progression": pl.Int64,
        }
    )


# --------------------------------------------------------------------------- properties


def reference(rows: list[tuple[str, int, int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """A plain-Python K3, month by month, written straight from criteria.md."""
    months: dict[str, dict[int, list[int]]] = defaultdict(dict)
    for person, kommune, month, cent in rows:
        _, total = months[person].get(month, [kommune, 0])
        months[person][month] = [kommune, total + cent]
    first = min(m for _, _, m, _ in rows)
    out: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for series in months.values():
        spell: list[tuple[int, int, int]] = []
        for month in sorted(series):
            if spell and month != spell[-1][0] + 1:
                spell = []
            spell.append((month, *series[month]))  # type: ignore[arg-type]
            if spell[0][0] == first or len(spell) < 12:
                continue
            start = [h for _, _, h in spell[:3]]
            if not 650 <= sum(start) < 13650:
                continue
            cell = out[(series[month][0], month)]
            cell[0] += 1
            cell[1] += min(h for _, _, h in spell[-3:]) > max(start)
    return {k: (v[0], v[1]) for k, v in out.items()}


person_rows = st.lists(
    st.tuples(
        st.sampled_from(["p1", "p2", "p3", "p4"]),
        st.sampled_from([101, 751]),
        st.integers(M0, M0 + 20),
        st.sampled_from([0, 150, 216, 217, 300, 500, 4550, 5000]),
    ),
    min_size=1,
    max_size=120,
)


def _consistent(rows: list[tuple[str, int, int, int]]) -> list[tuple[str, int, int, int]]:
    """One kommune per person and month (the reader refuses anything else)."""
    kommune: dict[tuple[str, int], int] = {}
    return [(p, kommune.setdefault((p, m), k), m, h) for p, k, m, h in rows]


def as_dict(frame: pl.DataFrame) -> dict[tuple[int, int], tuple[int, int]]:
    return {(r[0], r[1]): (r[2], r[3]) for r in frame.iter_rows()}


@settings(max_examples=150, deadline=None)
@given(person_rows, st.randoms(use_true_random=False))
def test_matches_reference_and_row_order_never_matters(
    rows: list[tuple[str, int, int, int]], rnd: object
) -> None:
    rows = _consistent(rows)
    frame = person_frame(rows, "fleksjob-timer")
    got = k3_monthly(frame.lazy()).collect()
    assert as_dict(got) == reference(rows)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=rnd.randint(0, 10**6))  # type: ignore[attr-defined]
    assert k3_monthly(shuffled.lazy()).collect().equals(got)
    shares = got.select(pl.col("k3_progression") / pl.col("k3_population")).to_series()
    assert shares.is_between(0.0, 1.0).all()


@settings(max_examples=100, deadline=None)
@given(person_rows)
def test_adding_a_progressing_person_never_lowers_hits(
    rows: list[tuple[str, int, int, int]],
) -> None:
    rows = _consistent(rows)
    before = as_dict(k3_monthly(panel(rows)).collect())
    extra = rows_for("new", M0 + 1, [250, 250, 250, *([900] * 17)])
    after = as_dict(k3_monthly(panel(rows, extra)).collect())
    for key, (pop, prog) in before.items():
        assert after[key][0] >= pop
        assert after[key][1] >= prog
    assert after[(101, M0 + 20)][1] >= before.get((101, M0 + 20), (0, 0))[1] + 1
