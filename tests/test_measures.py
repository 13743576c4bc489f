"""Shares, gaps, windows and areas against the published reports."""

from __future__ import annotations

import polars as pl
import pytest

from fleksmon import api
from fleksmon.areas import kommuner
from fleksmon.criteria import CRITERIA
from fleksmon.errors import FleksmonError
from fleksmon.numbers import round_half_away
from fleksmon.periods import month_index, parse_period
from fleksmon.targets import load_targets
from tests.conftest import K1_SEP_2019, SEP_2019, tidy


def test_k1_oct_2019_report(k1_frame: pl.DataFrame) -> None:
    result = api.gap("K1", frame=k1_frame)
    got = {
        r["kommune"]: (
            round_half_away(r["share_pct"]),
            round_half_away(r["gap_pp"]),
            r["gap_persons"],
        )
        for r in result.records.to_dicts()
    }
    expected = {k: (float(s), float(pp), n) for k, (_, _, s, pp, n) in K1_SEP_2019.items()}
    assert got == expected
    assert set(result.records["period"]) == {"2019M09"}
    assert result.records["met"].to_list() == [False] * 9


def test_k3_hele_landet_check() -> None:
    frame = tidy(
        [
            ("Hele landet", SEP_2019, SEP_2019, "k3_population", 26115.0),
            ("Hele landet", SEP_2019, SEP_2019, "k3_progression", 6314.0),
        ]
    )
    rec = api.gap("K3", frame=frame).records.row(0, named=True)
    assert (rec["population"], rec["hits"]) == (26115.0, 6314.0)
    assert round_half_away(rec["share_pct"]) == 24
    assert round_half_away(rec["gap_pp"]) == 4
    assert rec["gap_persons"] == 998
    assert rec["kommune_kode"] is None


def _k3(n: float | None, p: float | None, month: int = SEP_2019, area: str = "Viborg") -> list:
    return [
        (area, month, month, "k3_population", n),
        (area, month, month, "k3_progression", p),
    ]


def test_met_prints_no_negative_gap() -> None:
    rec = api.gap("K3", frame=tidy(_k3(100, 30))).records.row(0, named=True)
    assert rec["met"] is True
    assert rec["gap_pp"] is None and rec["gap_persons"] is None


def test_exactly_on_target_is_met() -> None:
    rec = api.gap("K3", frame=tidy(_k3(100, 28))).records.row(0, named=True)
    assert rec["met"] is True


@pytest.mark.parametrize(("n", "p"), [(0, 0), (None, 3), (10, None)])
def test_no_share_without_population(n: float | None, p: float | None) -> None:
    frame = tidy(_k3(n, p) + _k3(10, 1, area="Faxe"))
    result = api.gap("K3", frame=frame, kommuner=["Viborg", "Faxe"])
    recs = {r["kommune"]: r for r in result.records.to_dicts()}
    assert set(recs) == {"Viborg", "Faxe"}
    viborg = recs["Viborg"]
    assert (viborg["population"], viborg["hits"]) == (n, p)
    assert (viborg["share_pct"], viborg["met"], viborg["gap_pp"], viborg["gap_persons"]) == (
        None,
        None,
        None,
        None,
    )
    assert recs["Faxe"]["share_pct"] == 10.0


def test_gap_persons_rounds_half_away() -> None:
    # 0.28 * 25 - 6.5 is not possible with counts; 0.28 * 50 - 13.5: use K2 at 85 %: 0.85*10-8 = 0.5
    rows = [
        ("Faxe", m, m, meas, v)
        for m in (SEP_2019 - 2, SEP_2019 - 1, SEP_2019)
        for meas, v in (
            ("ly_afsluttet", 10.0 if m == SEP_2019 else 0.0),
            ("ly_afsluttet_under_6m", 8.0 if m == SEP_2019 else 0.0),
            ("ly_krydser_6m", 1.0),
        )
    ]
    rec = api.gap("K2", frame=tidy(rows)).records.row(0, named=True)
    assert rec["gap_persons"] == 1  # round(0.5) = 1, half away from zero
    assert rec["period"] == "2019M07..2019M09"
    assert rec["crossings"] == 3.0


def test_k2_rolling_windows_sum_months() -> None:
    months = range(month_index(2019, 6), month_index(2019, 9) + 1)
    rows = []
    for i, m in enumerate(months):
        rows += [
            ("Viborg", m, m, "ly_afsluttet", 10.0 + i),
            ("Viborg", m, m, "ly_afsluttet_under_6m", 8.0),
            ("Viborg", m, m, "ly_krydser_6m", 2.0),
        ]
    result = api.compute("K2", frame=tidy(rows))
    recs = result.records.to_dicts()
    assert [r["period"] for r in recs] == ["2019M06..2019M08", "2019M07..2019M09"]
    assert [r["population"] for r in recs] == [33.0, 36.0]
    assert [r["hits"] for r in recs] == [24.0, 24.0]


def test_k2_window_with_missing_month_has_no_share() -> None:
    rows = []
    for m in (
        month_index(2019, 6),
        month_index(2019, 8),
        month_index(2019, 9),
        month_index(2019, 10),
    ):
        rows += [
            ("Viborg", m, m, "ly_afsluttet", 10.0),
            ("Viborg", m, m, "ly_afsluttet_under_6m", 9.0),
        ]
    result = api.compute("K2", frame=tidy(rows), period=parse_period("2019M08..2019M10"))
    by_period = {r["period"]: r["share_pct"] for r in result.records.to_dicts()}
    assert by_period == {"2019M08..2019M10": 90.0}


def test_suppressed_part_makes_population_unknown(k1_frame: pl.DataFrame) -> None:
    frame = k1_frame.with_columns(
        pl.when((pl.col("kommune") == "Faxe") & (pl.col("maaling") == "ledighedsydelse_fuldtid"))
        .then(None)
        .otherwise(pl.col("vaerdi"))
        .alias("vaerdi")
    )
    recs = {r["kommune"]: r for r in api.gap("K1", frame=frame).records.to_dicts()}
    assert "Faxe" not in recs or recs["Faxe"]["share_pct"] is None


def test_hele_landet_summed_only_when_all_kommuner_present() -> None:
    rows = []
    for i, k in enumerate(kommuner()):
        rows += [
            (k.name, SEP_2019, SEP_2019, "k3_population", 100.0),
            (k.name, SEP_2019, SEP_2019, "k3_progression", float(i % 50)),
        ]
    result = api.gap("K3", frame=tidy(rows), kommuner=["Hele landet", "Region Nordjylland"])
    recs = {r["kommune"]: r for r in result.records.to_dicts()}
    assert recs["Hele landet"]["population"] == 9800.0
    assert recs["Hele landet"]["hits"] == float(sum(i % 50 for i in range(98)))
    assert recs["Region Nordjylland"]["population"] == 1100.0
    partial = api.gap("K3", frame=tidy(rows[2:]))
    assert "Hele landet" not in set(partial.records["kommune"])
    assert any("kun 97 af 98 kommuner" in n for n in partial.notes)


def test_given_hele_landet_row_wins_over_sum() -> None:
    rows = [
        (k.name, SEP_2019, SEP_2019, m, 1.0)
        for k in kommuner()
        for m in ("k3_population", "k3_progression")
    ]
    rows += _k3(500, 100, area="Hele landet")
    rec = api.gap("K3", frame=tidy(rows), kommuner=["hele landet"]).records.row(0, named=True)
    assert rec["population"] == 500.0


def test_baseline_is_read_at_the_criterion_baseline() -> None:
    base = month_index(2018, 9)
    frame = tidy(_k3(100, 20, base) + _k3(100, 25))
    rec = api.gap("K3", frame=frame).records.row(0, named=True)
    assert rec["baseline_pct"] == 20.0
    assert rec["share_pct"] == 25.0


def test_compute_default_is_last_seven_months() -> None:
    rows = []
    for m in range(month_index(2019, 1), month_index(2019, 10)):
        rows += _k3(100, 20)[:0] + _k3(100.0, float(m % 30), m)
    result = api.compute("K3", frame=tidy(rows))
    assert [p.code() for p in result.periods] == [
        "2019M03",
        "2019M04",
        "2019M05",
        "2019M06",
        "2019M07",
        "2019M08",
        "2019M09",
    ]


def test_unknown_period_is_an_error(k1_frame: pl.DataFrame) -> None:
    with pytest.raises(FleksmonError) as err:
        api.gap("K1", frame=k1_frame, period=parse_period("2017M01"))
    assert err.value.line() == (
        "no K1 data for 2017M01. The data covers 2019M09..2019M09; pick a period inside it."
    )


def test_r1_r2_from_the_jan_mar_2020_report() -> None:
    q1 = (month_index(2020, 1), month_index(2020, 3))
    counts = {
        "rf_maalgruppe": 4697,
        "rf_praktik_loentilskud": 1124,
        "rf_loentimer": 113,
        "rf_fleksjob": 32,
        "rf_selvforsoerget": 32,
        "rf_uddannelse": 10,
    }
    frame = tidy([("Hele landet", *q1, m, float(v)) for m, v in counts.items()])
    r1 = api.gap("R1", frame=frame).records.row(0, named=True)
    r2 = api.gap("R2", frame=frame).records.row(0, named=True)
    assert r1["period"] == "2020M01..2020M03"
    assert (r1["hits"], round_half_away(r1["share_pct"], 1)) == (1311.0, 27.9)
    assert (r2["hits"], round_half_away(r2["share_pct"], 1)) == (187.0, 4.0)
    assert r2["loentimer"] == 113.0
    # A later quarter with other counts: its share is its own, the baseline stays Q1 2020.
    q2 = (month_index(2020, 4), month_index(2020, 6))
    later = {**counts, "rf_maalgruppe": 4000, "rf_praktik_loentilskud": 1000}
    both = pl.concat([frame, tidy([("Hele landet", *q2, m, float(v)) for m, v in later.items()])])
    r1_q2 = api.gap("R1", frame=both, period=parse_period("2020K2")).records.row(0, named=True)
    r2_q2 = api.gap("R2", frame=both, period=parse_period("2020K2")).records.row(0, named=True)
    assert r1_q2["period"] == "2020M04..2020M06"
    assert (r1_q2["share_pct"], r1_q2["baseline_pct"]) == (100 * 1187 / 4000, r1["share_pct"])
    assert (r2_q2["share_pct"], r2_q2["baseline_pct"]) == (100 * 187 / 4000, r2["share_pct"])


def test_own_targets_lower_is_better(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "aalborg.toml"  # type: ignore[operator]
    path.write_text(
        '[LY]\nname = "Andel på ledighedsydelse"\ntarget_pct = 13\ndirection = "lower"\n'
        'population = ["fleksjob_fuldtid", "ledighedsydelse_fuldtid"]\n'
        'hits = ["ledighedsydelse_fuldtid"]\nbaseline = "2016M06"\n\n[K3]\ntarget_pct = 35\n',
        encoding="utf-8",
    )
    table = load_targets(path)
    assert table["K3"].target_pct == 35 and CRITERIA["K3"].target_pct == 28
    frame = tidy(
        [
            ("Aalborg", SEP_2019, SEP_2019, "fleksjob_fuldtid", 2000.0),
            ("Aalborg", SEP_2019, SEP_2019, "ledighedsydelse_fuldtid", 300.0),
        ]
    )
    rec = api.gap("LY", frame=frame, criteria=table).records.row(0, named=True)
    assert round_half_away(rec["share_pct"], 1) == 13.0
    assert rec["met"] is False
    assert rec["gap_persons"] == 1  # 300 - 0.13 * 2300 = 1


def test_top10_mean() -> None:
    from fleksmon.measures.shares import series, top10_mean

    rows = []
    for i, k in enumerate(kommuner()[:15]):
        rows += _k3(100.0, float(i), area=k.name)
    out = top10_mean(series(tidy(rows).lazy(), CRITERIA["K3"]), CRITERIA["K3"]).collect()
    assert out["top10_pct"].to_list() == [sum(range(5, 15)) / 10]
