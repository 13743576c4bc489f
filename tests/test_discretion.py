"""--discretion N: small counts hidden, and the cells that would give them back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from fleksmon import api, areas
from fleksmon.query import Query
from fleksmon.store import Store
from tests.conftest import SEP_2019, tidy

Run = Callable[..., Any]
NORD = [k.name for k in areas.members(areas.resolve("Region Nordjylland"))]


def _frame() -> pl.DataFrame:
    """K1 counts: all of Region Nordjylland, and Viborg (Region Midtjylland, alone).

    Hand count with N = 5: Viborg's ledighedsydelse 3 and Læsø's 2 are below 5
    (primary); each row's population is fleksjob + ledighedsydelse, so their
    fleksjob counts go too (secondary, within the row); Region Nordjylland's
    ledighedsydelse is the sum of its eleven kommuner, so the next smallest,
    Brønderslev's 6, goes (secondary, across the total), and with it Brønderslev's
    fleksjob (its row). Nothing else is hidden.
    """
    counts = {"Viborg": (100.0, 3.0), "Læsø": (20.0, 2.0), "Brønderslev": (300.0, 6.0)}
    for i, name in enumerate(n for n in NORD if n not in counts):
        counts[name] = (50.0 + 10 * i, 10.0 + i)
    rows: list[tuple[str, int, int, str, float | None]] = []
    for name, (f, ly) in counts.items():
        rows.append((name, SEP_2019, SEP_2019, "fleksjob_fuldtid", f))
        rows.append((name, SEP_2019, SEP_2019, "ledighedsydelse_fuldtid", ly))
    return tidy(rows)


def test_hand_counted_cells_are_hidden() -> None:
    result = api.gap("K1", Query(frame=_frame(), discretion=5))
    recs = {r["kommune"]: r for r in result.records.to_dicts()}
    hidden = {k: v for (k, _), v in result.hidden.items()}
    derived = {"share_pct": "x", "gap_pp": "x", "gap_persons": "x", "met": "x"}
    assert hidden == {
        "Viborg": {"ledighedsydelse": "<5", "hits": "x", **derived},
        "Læsø": {"ledighedsydelse": "<5", "hits": "x", **derived},
        "Brønderslev": {"ledighedsydelse": "x", "hits": "x", **derived},
    }
    suppressed = {k for k, r in recs.items() if r["suppressed"]}
    assert suppressed == {"Viborg", "Læsø", "Brønderslev"}
    assert recs["Viborg"]["population"] == 103.0  # a total of hidden parts stays
    assert recs["Viborg"]["hits"] is None and recs["Viborg"]["share_pct"] is None
    assert recs["Brønderslev"]["ledighedsydelse"] is None
    region = recs["Region Nordjylland"]
    assert region["suppressed"] is False and region["ledighedsydelse"] is not None
    frederikshavn = recs["Frederikshavn"]
    assert frederikshavn["hits"] is not None and frederikshavn["share_pct"] is not None
    assert result.notes[-1].startswith("Diskretion: antal under 5 vises som <5; x skjuler")


def test_off_by_default_and_zero_is_off() -> None:
    plain = api.gap("K1", frame=_frame())
    assert "suppressed" not in plain.records.columns and plain.hidden == {}
    assert api.gap("K1", frame=_frame(), discretion=0).records.equals(plain.records)


def test_cli_json_table_and_csv(cli: Run, store: Store, tmp_path: Path) -> None:
    store.ingest(_frame(), kind="aggregate", source=Path("nord.csv"), sha256="nord")
    base = ("gap", "-c", "1", "-s", str(store.root), "--discretion", "5")
    records = json.loads(cli(*base, "-k", "Viborg", "-f", "json").stdout)
    assert (
        records == api.gap("K1", store=store, kommuner=["Viborg"], discretion=5).records.to_dicts()
    )
    assert (records[0]["hits"], records[0]["ledighedsydelse"], records[0]["suppressed"]) == (
        None,
        None,
        True,
    )
    table = cli(*base, "-k", "Viborg", "-k", "Læsø", "-f", "table").stdout
    viborg = next(line for line in table.splitlines() if line.startswith("│ Viborg"))
    assert [c.strip() for c in viborg.strip("│").split("│")] == [
        "Viborg", "x", "90%", "x", "x", "103", "x",
    ]  # fmt: skip
    assert "Anm.: Diskretion: antal under 5 vises som <5" in table
    csv = cli(*base, "-k", "Viborg", "-f", "csv").stdout.splitlines()
    assert csv[0].endswith(",suppressed") and csv[1].endswith(",,true")


def test_negative_discretion_is_refused(cli: Run, k1_store: Store) -> None:
    result = cli("gap", "-s", str(k1_store.root), "--discretion", "-1")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --discretion -1 is not a count. Give the smallest count to show, e.g. "
        "--discretion 5 (0: off).\n"
    )


def test_compute_and_noegletal_hide_them_too(cli: Run, store: Store) -> None:
    store.ingest(_frame(), kind="aggregate", source=Path("nord.csv"), sha256="nord")
    args = ("-c", "1", "-k", "Læsø", "-p", "2019M09", "-s", str(store.root), "--discretion", "5")
    args += ("-f", "csv")
    compute = cli("compute", *args).stdout.splitlines()
    assert compute[1].startswith("Læsø,825,K1,2019M09,22.0,,,90.0,,,,,")
    assert compute[1].endswith(",true")
    noegletal = cli("noegletal", *args).stdout.splitlines()
    assert "K1,2019M09,Læsø,,,," in noegletal  # asked for: a row, its share hidden
    plain = cli("noegletal", *args[:-4], "-f", "csv").stdout
    assert "K1,2019M09,Læsø,90.9" in plain


def test_workbook_shows_hidden_cells_and_states_discretion(
    cli: Run, store: Store, tmp_path: Path
) -> None:
    import openpyxl

    store.ingest(_frame(), kind="aggregate", source=Path("nord.csv"), sha256="nord")
    out = tmp_path / "r.xlsx"
    args = ("-c", "1", "-k", "Viborg", "-k", "Læsø", "-s", str(store.root), "--discretion", "5")
    assert cli("export", str(out), *args).exit_code == 0
    wb = openpyxl.load_workbook(out)
    cells = {r[0]: r for r in wb["K1"].iter_rows(values_only=True) if r[0] in ("Viborg", "Læsø")}
    assert "<5" in cells["Viborg"] and "x" in cells["Læsø"]
    kilder = [v for row in wb["Kilder"].iter_rows(values_only=True) for v in row if v]
    assert any(str(v).startswith("Diskretion: antal under 5 vises som <5") for v in kilder)


def test_a_hidden_spell_duration_is_not_given_back_by_the_long_spells() -> None:
    """R1 records carry spells of at least a year = 1–2 years + over 2 years.

    Hand count with N = 5: over 2 years (3) is below 5 (primary); of the sum's other
    cells, 1–2 years (40) is smaller than the total (43), so it goes too (secondary);
    the total, under-1-year and the categories stay.
    """
    from fleksmon.criteria import CRITERIA
    from fleksmon.measures.discretion import suppress

    record = {
        "kommune": "Viborg",
        "period": "2020M01..2020M03",
        "population": 200.0,
        "hits": 80.0,
        "share_pct": 40.0,
        "gap_pp": None,
        "gap_persons": None,
        "met": True,
        "selvforsoerget": 10.0,
        "uddannelse": 10.0,
        "fleksjob": 20.0,
        "loentimer": 20.0,
        "praktik_loentilskud": 20.0,
        "lange_forloeb": 43.0,
        "uden_indsats": 12.0,
        "under_1_aar": 150.0,
        "forloeb_1_2_aar": 40.0,
        "over_2_aar": 3.0,
    }
    out, hidden = suppress(pl.DataFrame([record]), CRITERIA["R1"], 5)
    row = out.row(0, named=True)
    assert hidden[("Viborg", "2020M01..2020M03")] == {"over_2_aar": "<5", "forloeb_1_2_aar": "x"}
    assert row["over_2_aar"] is None and row["forloeb_1_2_aar"] is None
    assert row["lange_forloeb"] == 43.0 and row["under_1_aar"] == 150.0
    assert row["suppressed"] is True
