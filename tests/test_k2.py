"""K2 from person-level spells: month-end clamping, exactly 6 months, running spells,
spells built from benefit months, windows, and properties."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleksmon.measures import k2
from fleksmon.measures.k2 import k2_monthly, k2_windows, spells_from_months
from fleksmon.periods import month_index, parse_period
from fleksmon.schema import FIRST_DATE, LAST_DATE, PERSON_KINDS
from tests.conftest import person_frame

D = dt.date


def spells(*rows: tuple[str, int, dt.date, dt.date | None]) -> pl.LazyFrame:
    return person_frame(list(rows), "ly-forloeb").lazy()


def monthly(lf: pl.LazyFrame) -> dict[tuple[int, int], tuple[int, int, int]]:
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in k2_monthly(lf).collect().iter_rows()}


@pytest.mark.parametrize(
    ("start", "end", "under"),
    [
        (D(2019, 8, 31), D(2020, 2, 28), True),  # + 6 months = 29 Feb 2020 (leap year)
        (D(2019, 8, 31), D(2020, 2, 29), False),
        (D(2018, 8, 31), D(2019, 2, 27), True),  # + 6 months = 28 Feb 2019
        (D(2018, 8, 31), D(2019, 2, 28), False),
        (D(2019, 1, 15), D(2019, 7, 14), True),  # exactly 6 months is not under
        (D(2019, 1, 15), D(2019, 7, 15), False),
        (D(2019, 3, 31), D(2019, 9, 29), True),  # 31 Mar + 6 months = 30 Sep
        (D(2019, 3, 31), D(2019, 9, 30), False),
    ],
)
def test_under_six_months_uses_clamped_calendar_months(
    start: dt.date, end: dt.date, under: bool
) -> None:
    got = monthly(spells(("a", 101, start, end)))
    ended = got[(101, month_index(end.year, end.month))]
    assert ended[0] == 1
    assert ended[1] == (1 if under else 0)


def test_crossing_six_months() -> None:
    got = monthly(
        spells(
            ("running", 101, D(2019, 8, 31), None),  # crosses on 29 Feb 2020
            ("long", 101, D(2019, 8, 31), D(2020, 2, 29)),  # ends on its anniversary: crosses
            ("short", 101, D(2019, 8, 31), D(2020, 2, 28)),  # ends the day before: no crossing
        )
    )
    feb = got[(101, month_index(2020, 2))]
    assert feb == (2, 1, 2)


def test_running_spell_is_not_ended() -> None:
    got = monthly(spells(("a", 751, D(2019, 1, 10), None)))
    assert got == {(751, month_index(2019, 7)): (0, 0, 1)}


def test_kommune_of_the_spell_and_schema() -> None:
    frame = k2_monthly(
        spells(("a", 101, D(2019, 1, 1), D(2019, 2, 1)), ("b", 751, D(2019, 1, 1), D(2019, 2, 1)))
    ).collect()
    assert frame.schema == pl.Schema(
        {
            "kommune_kode": pl.Int16,
            "maaned": pl.Int32,
            "ly_afsluttet": pl.Int64,
            "ly_afsluttet_under_6m": pl.Int64,
            "ly_krydser_6m": pl.Int64,
        }
    )
    assert frame.get_column("kommune_kode").to_list() == [101, 751]


def months(*rows: tuple[str, int, int]) -> pl.LazyFrame:
    return person_frame(list(rows), "ly-maaneder").lazy()


def test_spells_from_months_split_by_a_month_without_benefit() -> None:
    jan = month_index(2019, 1)
    lf = months(
        ("a", 101, jan),
        ("a", 101, jan + 1),
        ("a", 101, jan + 2),
        ("a", 101, jan + 4),  # April without benefit: a new spell from May
        ("a", 101, jan + 5),
        ("b", 751, jan + 1),
        ("b", 751, jan + 1),  # duplicate month counted once
        ("c", 101, jan + 3),
        ("c", 751, jan + 4),  # moved: the spell's kommune is that of its last month
    )
    got = spells_from_months(lf).collect()
    assert got.schema == pl.Schema(PERSON_KINDS["ly-forloeb"])
    expected = person_frame(
        [
            ("a", 101, D(2019, 1, 1), D(2019, 3, 31)),
            ("a", 101, D(2019, 5, 1), None),  # last month is the panel's latest: running
            ("b", 751, D(2019, 2, 1), D(2019, 2, 28)),
            ("c", 751, D(2019, 4, 1), D(2019, 5, 31)),
        ],
        "ly-forloeb",
    )
    assert got.sort("person", "start").equals(expected.sort("person", "start"))


def test_windows_sum_three_months_and_fill_zeros() -> None:
    lf = spells(
        ("a", 101, D(2019, 1, 1), D(2019, 3, 10)),
        ("b", 101, D(2019, 1, 1), D(2019, 9, 10)),
        ("c", 751, D(2019, 2, 1), D(2019, 4, 30)),
    )
    win = k2_windows(k2_monthly(lf), month_index(2019, 4), month_index(2019, 9)).collect()
    kbh = win.filter(pl.col("kommune_kode") == 101)
    assert kbh.get_column("maaned").to_list() == list(
        range(month_index(2019, 4), month_index(2019, 10))
    )
    # Feb–Apr window (ending Apr): spell a ended Mar, under 6 months.
    assert kbh.row(0, named=True) == {
        "kommune_kode": 101,
        "maaned": month_index(2019, 4),
        "ly_afsluttet": 1,
        "ly_afsluttet_under_6m": 1,
        "ly_krydser_6m": 0,
        "ly_share": 1.0,
    }
    # Jul–Sep window: b crossed in Jul and ended in Sep (not under 6 months).
    sep = kbh.filter(pl.col("maaned") == month_index(2019, 9)).row(0, named=True)
    assert (sep["ly_afsluttet"], sep["ly_afsluttet_under_6m"], sep["ly_krydser_6m"]) == (1, 0, 1)
    assert sep["ly_share"] == 0.0
    # A window with no ended spell has no share.
    jun = kbh.filter(pl.col("maaned") == month_index(2019, 6)).row(0, named=True)
    assert jun["ly_afsluttet"] == 0
    assert jun["ly_share"] is None


def _reference(
    rows: list[tuple[str, int, dt.date, dt.date | None]],
) -> dict[tuple[int, int], list[int]]:
    out: dict[tuple[int, int], list[int]] = {}

    def add_months(d: dt.date, n: int) -> dt.date:
        m = d.month - 1 + n
        y, m = d.year + m // 12, m % 12 + 1
        last = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
        return dt.date(y, m, min(d.day, last))

    for _, kom, start, end in rows:
        six = add_months(start, 6)
        if end is not None:
            cell = out.setdefault((kom, end.year * 12 + end.month - 1), [0, 0, 0])
            cell[0] += 1
            cell[1] += end < six
        if end is None or end >= six:
            out.setdefault((kom, six.year * 12 + six.month - 1), [0, 0, 0])[2] += 1
    return out


spell_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from([101, 751]),
        st.dates(D(2018, 1, 1), D(2020, 12, 31)),
        st.one_of(st.none(), st.integers(0, 400)),
    ).map(lambda t: (t[0], t[1], t[2], None if t[3] is None else t[2] + dt.timedelta(days=t[3]))),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(spell_rows, st.integers(0, 10**6))
def test_matches_reference_shares_in_range_and_order_free(
    rows: list[tuple[str, int, dt.date, dt.date | None]], seed: int
) -> None:
    frame = person_frame(rows, "ly-forloeb")
    got = monthly(frame.lazy())
    assert {k: list(v) for k, v in got.items()} == _reference(rows)
    assert all(0 <= under <= ended for ended, under, _ in got.values())
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed)
    assert monthly(shuffled.lazy()) == got


def test_spells_running_when_benefit_records_begin_are_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fleksmon import api
    from fleksmon.store import Store

    monkeypatch.setenv("FLEKSMON_KEY", "k")
    rows = ["person;kommune;periode"]
    rows += [f"a;Viborg;2019M{m:02d}" for m in (1, 2)]  # running at the first month: unknown start
    rows += [f"b;Viborg;2019M{m:02d}" for m in (2, 3)]  # starts Feb, ends Mar: under 6 months
    rows += [f"c;Viborg;2019M{m:02d}" for m in range(2, 11)]  # Feb..Oct: 9 months
    rows += ["d;Viborg;2019M12"]
    path = tmp_path / "maaneder.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    from fleksmon.ingest import ingest

    store = Store(tmp_path / "s")
    ingest(store, [path])
    result = api.compute("K2", store=store, period=parse_period("2019M03..2019M11"))
    by_period = {r["period"]: r for r in result.records.to_dicts()}
    assert by_period["2019M01..2019M03"]["population"] == 1.0
    assert by_period["2019M01..2019M03"]["hits"] == 1.0
    assert by_period["2019M09..2019M11"]["population"] == 1.0
    assert by_period["2019M09..2019M11"]["hits"] == 0.0
    assert by_period["2019M07..2019M09"]["crossings"] == 1.0
    started = "1 ledighedsydelsesforløb, der allerede var i gang i Jan. 2019"
    assert any(started in n for n in result.notes)


def test_calendar_is_offset_by_six_months_on_every_day() -> None:
    """The day table K2 reads equals polars' own calendar arithmetic on every day of
    1900–2199 (31 Aug → 28/29 Feb, leap years, month ends)."""
    days = pl.date_range(FIRST_DATE, LAST_DATE, eager=True)
    six = days.dt.offset_by("6mo")

    def month(d: pl.Series) -> pl.Series:
        return d.dt.year().cast(pl.Int32) * 12 + d.dt.month().cast(pl.Int32) - 1

    expected = pl.DataFrame(
        {"month": month(days), "six_day": six.cast(pl.Int32), "six_month": month(six)}
    )
    assert k2._calendar().equals(expected)
