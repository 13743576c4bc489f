"""The Data and Kilder sheets: Danish headers and formats, only the batches behind the
figures, replaced extracts marked, and no text from users ever run as a formula."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fleksmon import report
from fleksmon.query import Query
from fleksmon.render import excel
from fleksmon.store import Store
from tests.conftest import K1_SEP_2019, SEP_2019, k1_rows, tidy

HEAD = ("Fil", "Type", "Rækker", "SHA-256", "Indlæst (UTC)", "Status")


def export(store: Store, tmp_path: Path, *criteria: str) -> Any:
    out = tmp_path / "report.xlsx"
    excel.write_workbook(report.workbook_data(list(criteria or ("K1",)), Query(store=store)), out)
    return openpyxl.load_workbook(out)


def listed(wb: Any) -> dict[str, tuple[Any, ...]]:
    """The Kilder table's rows by file name."""
    rows = list(wb["Kilder"].iter_rows(values_only=True))
    head = rows.index(HEAD)
    return {r[0]: r for r in rows[head + 1 :] if r[3]}


def lines(wb: Any) -> list[str]:
    return [v for v in (c.value for c in wb["Kilder"]["A"]) if isinstance(v, str)]


def k1_month(month: int, scale: float = 1.0) -> list[tuple[str, int, int, str, float | None]]:
    return [(k, month, month, m, v * scale) for k, _, _, m, v in k1_rows()]


def test_only_batches_behind_the_figures(k1_store: Store, tmp_path: Path) -> None:
    k3 = [("Viborg", SEP_2019, SEP_2019, "k3_population", 786.0)]
    k1_store.ingest(tidy(k3), kind="aggregate", source=Path("k3.csv"), sha256="k3")
    assert set(listed(export(k1_store, tmp_path))) == {"k1.csv"}
    assert set(listed(export(k1_store, tmp_path, "K1", "K3"))) == {"k1.csv", "k3.csv"}


def test_partly_replaced_batch_is_marked(store: Store, tmp_path: Path) -> None:
    older = tidy(k1_month(SEP_2019 - 1) + k1_month(SEP_2019))
    store.ingest(older, kind="aggregate", source=Path("jan.csv"), sha256="jan")
    store.ingest(
        tidy(k1_month(SEP_2019, 1.01)), kind="aggregate", source=Path("feb.csv"), sha256="feb"
    )
    table = listed(export(store, tmp_path))
    assert {name: row[5] for name, row in table.items()} == {
        "jan.csv": "Delvis erstattet af nyere udtræk",
        "feb.csv": "Bruges",
    }
    assert list(table) == ["jan.csv", "feb.csv"]
    assert table["jan.csv"][2] == 4 * len(K1_SEP_2019)


def test_wholly_replaced_batch_is_named_not_listed(store: Store, tmp_path: Path) -> None:
    store.ingest(tidy(k1_month(SEP_2019)), kind="aggregate", source=Path("old.csv"), sha256="o")
    store.ingest(
        tidy(k1_month(SEP_2019, 1.01)), kind="aggregate", source=Path("new.csv"), sha256="n"
    )
    wb = export(store, tmp_path)
    assert set(listed(wb)) == {"new.csv"}
    (note,) = [line for line in lines(wb) if line.startswith("Erstattet")]
    old = next(b for b in store.batches() if b.source == "old.csv")
    assert note == (
        "Erstattet helt af nyere udtræk og ikke med i tallene: "
        f"old.csv ({old.time:%Y-%m-%d %H:%M})."
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_text_starting_like_a_formula_stays_text(store: Store, tmp_path: Path, start: str) -> None:
    name = f"{start}SUM(A1:A9)+cmd|' /C calc'!A0.csv"
    store.ingest(tidy(k1_month(SEP_2019)), kind="aggregate", source=Path(name), sha256="x")
    wb = export(store, tmp_path)
    (cell,) = [c for c in wb["Kilder"]["A"] if c.value == name]
    assert cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(tmp_path / "report.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(re.search(r"<f[ >]", z.read(n).decode()) for n in sheets)


def test_set_value_escapes_each_formula_start() -> None:
    ws = openpyxl.Workbook().active
    for row, text in enumerate(["=1+1", "+1", "-1", "@A1", "\t=1", "Viborg"], start=1):
        excel.set_value(ws.cell(row, 1), text)
    assert [c.data_type for c in ws["A"]] == ["s"] * 6
    assert [bool(c.quotePrefix) for c in ws["A"]] == [True] * 5 + [False]


def test_data_sheet_formats_and_print(k1_store: Store, tmp_path: Path) -> None:
    ws = export(k1_store, tmp_path)["Data"]
    heads = [c.value for c in ws[1]]
    col = {h.replace("\n", " "): i for i, h in enumerate(heads)}
    gentofte = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Gentofte")
    share = gentofte[col["Andel"]]
    assert share.value == pytest.approx(401 / 449) and share.number_format == "0.0%"
    assert gentofte[col["Mål"]].value == 0.9
    assert gentofte[col["Mål nået"]].value == "Nej"
    assert gentofte[col["Antal i alt"]].number_format == "#,##0"
    assert gentofte[col["%-point til mål"]].number_format == "0.0"
    assert ws.freeze_panes == "B2" and ws.print_title_rows == "$1:$1"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(heads)).column_letter}{len(K1_SEP_2019) + 1}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_person_level_batch_behind_k2(cli: Any, store: Store, tmp_path: Path) -> None:
    spells = Path(__file__).resolve().parents[1] / "examples" / "persons" / "ly-forloeb.csv"
    assert cli("ingest", str(spells), "-s", str(store.root)).exit_code == 0
    table = listed(export(store, tmp_path, "K2"))
    assert list(table) == [str(spells)]
    assert table[str(spells)][1:3] == ("ly-forloeb", 4880)
    assert table[str(spells)][5] == "Bruges"
