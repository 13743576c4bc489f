"""Person-level batches are stored as sorted, person-clustered parts and read back exactly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from fleksmon import sources
from fleksmon.criteria import CRITERIA
from fleksmon.measures.k2 import k2_monthly, spells_from_months
from fleksmon.measures.k3 import k3_monthly
from fleksmon.measures.parallel import collect_parts
from fleksmon.measures.rf import rf_counts, rf_indicators, rf_period_counts
from fleksmon.periods import Period
from fleksmon.pseudonym import pseudonymize
from fleksmon.store import Store, parts
from fleksmon.synth import hours_panel, ly_months, ly_spells, rf_panel
from tests.conftest import TEST_KEY

START = 2018 * 12


def stored(frame: pl.DataFrame) -> pl.DataFrame:
    return pseudonymize(frame, TEST_KEY)


def put(store: Store, frame: pl.DataFrame, kind: str, name: str) -> None:
    store.ingest(frame, kind=kind, source=Path(name), sha256=name * 8)


def wide(tidy: pl.DataFrame) -> pl.DataFrame:
    return tidy.sort("kommune", "fra", "maaling")


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts, "PART_ROWS", 7_000)


@pytest.mark.usefixtures("small_parts")
def test_parts_are_sorted_and_hold_disjoint_persons(tmp_path: Path) -> None:
    panel = stored(hours_panel(persons=3000, months=30, seed=5, start_month=START))
    store = Store(tmp_path)
    put(store, panel, "fleksjob-timer", "a")
    (batch,) = store.batches()
    assert batch.parts == 8 and batch.rows == panel.height
    files = sorted((tmp_path / batch.file).glob("part-*.parquet"))
    assert len(files) == 8
    seen: set[int] = set()
    for i, path in enumerate(files):
        part = pl.read_parquet(path)
        assert part.equals(part.sort("person", "maaned", "kommune_kode"))
        assert (part.get_column("person") % 8 == i).all()
        persons = set(part.get_column("person").unique())
        assert not persons & seen
        seen |= persons
    data = store.person("fleksjob-timer")
    assert data is not None
    assert data.scan().sort(pl.all()).collect().equals(panel.sort(pl.all()))


@pytest.mark.usefixtures("small_parts")
def test_k3_from_parts_equals_the_whole_panel(tmp_path: Path) -> None:
    panel = stored(hours_panel(persons=3000, months=30, seed=5, start_month=START))
    store = Store(tmp_path)
    put(store, panel, "fleksjob-timer", "a")
    got = sources._person_tidy(store, CRITERIA["K3"], None)
    assert got is not None
    data = store.person("fleksjob-timer")
    assert data is not None and data.count == 8
    whole = k3_monthly(panel.lazy()).collect()
    totals = (
        got.filter(pl.col("maaling") == "k3_population").select(pl.col("vaerdi").sum()).collect()
    )
    assert totals.item() == whole.get_column("k3_population").sum() > 0


@pytest.mark.usefixtures("small_parts")
def test_newest_batch_wins_per_kommune_month_across_part_counts(tmp_path: Path) -> None:
    """An older one-part batch, partly replaced by a newer 8-part one: the newest batch's
    rows win per kommune and month, every part comes back sorted, nothing is lost."""
    old = stored(hours_panel(persons=300, months=30, seed=9, start_month=START))
    new = stored(hours_panel(persons=3000, months=30, seed=5, start_month=START + 20))
    store = Store(tmp_path)
    put(store, old, "fleksjob-timer", "a")
    put(store, new, "fleksjob-timer", "b")
    assert [b.parts for b in store.batches()] == [1, 8]
    keys = new.select("kommune_kode", "maaned").unique()
    kept = old.join(keys, on=["kommune_kode", "maaned"], how="anti")
    assert 0 < kept.height < old.height
    expected = pl.concat([kept, new])
    data = store.person("fleksjob-timer")
    assert data is not None and data.count == 8
    pieces = [p.collect() for p in data.parts()]
    for piece in pieces:
        assert piece.equals(piece.sort("person", "maaned", "kommune_kode"))
    assert pl.concat(pieces).sort(pl.all()).equals(expected.sort(pl.all()))
    assert store.batches()[1].replaced == old.height - kept.height
    k3 = sources._person_tidy(store, CRITERIA["K3"], None)
    assert k3 is not None
    whole = k3_monthly(expected.lazy()).collect()
    got = k3.filter(pl.col("maaling") == "k3_progression").select(pl.col("vaerdi").sum())
    assert got.collect().item() == whole.get_column("k3_progression").sum() > 0


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("columns", [["timer_cent"], ["kommune_kode", "maaned"], None])
def test_narrowed_reads_equal_the_filtered_rows(tmp_path: Path, columns: list[str] | None) -> None:
    """part(columns, where) and rows(columns, where) read only what they are asked for, across
    a partly replaced one-part batch and an 8-part batch, and give exactly those rows."""
    old = stored(hours_panel(persons=300, months=30, seed=9, start_month=START))
    new = stored(hours_panel(persons=3000, months=30, seed=5, start_month=START + 20))
    store = Store(tmp_path)
    put(store, old, "fleksjob-timer", "a")
    put(store, new, "fleksjob-timer", "b")
    keys = new.select("kommune_kode", "maaned").unique()
    every = pl.concat([old.join(keys, on=["kommune_kode", "maaned"], how="anti"), new])
    where = pl.col("maaned") <= START + 24
    wanted = every.filter(where)
    data = store.person("fleksjob-timer")
    assert data is not None and len(data.sources) == 2
    pieces = [p.collect() for p in data.parts(columns, where)]
    names = columns or every.columns
    assert all(piece.columns == names for piece in pieces)
    for piece in (p.collect() for p in data.parts(None, where)):
        assert piece.equals(piece.sort("person", "maaned", "kommune_kode", maintain_order=True))
    assert pl.concat(pieces).sort(pl.all()).equals(wanted.select(names).sort(pl.all()))
    rows = data.rows(names, where).collect()
    assert rows.columns == names
    assert rows.sort(pl.all()).equals(wanted.select(names).sort(pl.all()))


def test_a_fully_replaced_batch_is_not_read(tmp_path: Path) -> None:
    old = stored(hours_panel(persons=300, months=12, seed=5, start_month=START))
    store = Store(tmp_path)
    put(store, old, "fleksjob-timer", "a")
    put(store, old.with_columns(pl.col("timer_cent") + 1), "fleksjob-timer", "b")
    data = store.person("fleksjob-timer")
    assert data is not None
    assert [s.path.name for s in data.sources] == [store.batches()[1].file.split("/")[-1]]


@pytest.mark.usefixtures("small_parts")
def test_k2_from_parts_equals_the_whole(tmp_path: Path) -> None:
    spells = stored(ly_spells(3000, 36, seed=2, start_month=START))
    months = stored(ly_months(ly_spells(2000, 36, seed=3, start_month=START), START + 35))
    store = Store(tmp_path)
    put(store, spells, "ly-forloeb", "a")
    put(store, months, "ly-maaneder", "b")
    found = sources._k2_monthly(store, None)
    assert found is not None
    monthly, _, _ = found
    built = spells_from_months(months.lazy())
    first = int(months.get_column("maaned").min())  # type: ignore[arg-type]
    known = built.filter(pl.col("start") > pl.date(first // 12, first % 12 + 1, 1))
    expected = k2_monthly(pl.concat([spells.lazy(), known])).collect()
    got = monthly.collect().sort("kommune_kode", "maaned").select(expected.columns)
    assert got.equals(expected)


def test_k3_plan_on_a_part_does_not_sort_persons(tmp_path: Path) -> None:
    store = Store(tmp_path)
    put(store, stored(hours_panel(300, 12, seed=1, start_month=START)), "fleksjob-timer", "a")
    data = store.person("fleksjob-timer")
    assert data is not None
    plan = k3_monthly(data.part(0), first_month=START, ordered=True).explain()
    assert 'SORT BY [col("person")' not in plan
    unordered = k3_monthly(data.part(0), first_month=START).explain()
    assert 'SORT BY [col("person")' in unordered


@pytest.mark.usefixtures("small_parts")
def test_r1_from_parts_equals_the_whole(tmp_path: Path) -> None:
    panel = stored(rf_panel(3000, 30, seed=4, start_month=START))
    store = Store(tmp_path)
    put(store, panel, "ressourceforloeb", "a")
    data = store.person("ressourceforloeb")
    assert data is not None and data.count > 1
    period = Period(START + 20, START + 22)
    got = sources._rf_tidy(store, CRITERIA["R1"], None, period)
    assert got is not None
    rows = got.filter(pl.col("til") == period.end).collect()
    whole = rf_counts(panel.lazy(), period.start, period.end).join(
        rf_indicators(panel.lazy(), period.end), on="kommune_kode", how="full", coalesce=True
    )
    expected = whole.collect().drop("kommune_kode").sum()
    sums = rows.group_by("maaling").agg(pl.col("vaerdi").sum())
    for name in expected.columns:
        value = sums.filter(pl.col("maaling") == name).get_column("vaerdi").item()
        assert value == expected.get_column(name).item(), name
    assert expected.get_column("rf_maalgruppe").item() > 0


def test_parts_are_collected_in_order_a_few_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """collect_parts gives every plan's result in order, never more at once than threads."""
    sizes: list[int] = []
    real = pl.collect_all

    def counting(plans: list[pl.LazyFrame], **kwargs: object) -> list[pl.DataFrame]:
        sizes.append(len(plans))
        return real(plans, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pl, "collect_all", counting)
    plans = (pl.LazyFrame({"i": [i]}) for i in range(2 * pl.thread_pool_size() + 1))
    got = [frame.item() for frame in collect_parts(plans)]
    assert got == list(range(2 * pl.thread_pool_size() + 1))
    assert max(sizes) == pl.thread_pool_size() and sizes[-1] == 1


def test_r1_r2_periods_in_one_pass_equal_each_alone() -> None:
    panel = stored(rf_panel(2000, 30, seed=7, start_month=START)).sort(
        "person", "maaned", "kommune_kode"
    )
    halves = [panel.lazy().filter(pl.col("person") % 2 == i) for i in range(2)]
    periods = [(START + 6, START + 8), (START + 21, START + 23)]
    got = rf_period_counts(halves, periods, ordered=True)
    for (start, end), found in zip(periods, got, strict=True):
        alone = (
            rf_counts(panel.lazy(), start, end)
            .join(rf_indicators(panel.lazy(), end), on="kommune_kode", how="full", coalesce=True)
            .fill_null(0)
            .sort("kommune_kode")
            .collect()
        )
        assert found.equals(alone.select(found.columns))
        assert found.get_column("rf_maalgruppe").sum() > 0


@pytest.mark.usefixtures("small_parts")
def test_spell_dates_come_from_the_key_files_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ly-forloeb key file keeps each kommune's first and last start and last end; over a
    partly replaced store they give the current rows' span, and K2 gets the same months
    from them as from reading the rows (as it does for a key file written before)."""
    old = stored(ly_spells(3000, 36, seed=2, start_month=START))
    new = stored(ly_spells(800, 24, seed=3, start_month=START + 14))
    store = Store(tmp_path / "new")
    put(store, old, "ly-forloeb", "a")
    put(store, new, "ly-forloeb", "b")
    kommuner = new.select("kommune_kode").unique()
    current = pl.concat([old.join(kommuner, on="kommune_kode", how="anti"), new])
    want = current.select(
        pl.col("start").min(), pl.max_horizontal(pl.col("slut").max(), pl.col("start").max())
    ).row(0)
    data = store.person("ly-forloeb")
    assert data is not None and len(data.sources) == 2
    assert data.dates() == want
    found = sources._k2_monthly(store, None)
    assert found is not None
    monkeypatch.setattr(  # key files as written before they kept the dates
        parts, "_key_rows", lambda frame, kind: frame.select("kommune_kode").unique()
    )
    before = Store(tmp_path / "before")
    put(before, old, "ly-forloeb", "a")
    put(before, new, "ly-forloeb", "b")
    data = before.person("ly-forloeb")
    assert data is not None and data.dates() is None
    again = sources._k2_monthly(before, None)
    assert again is not None and again[1] == found[1]
    assert again[0].collect().sort(pl.all()).equals(found[0].collect().sort(pl.all()))
