"""Awkward templates (issue 18): a two-row header, an Excel table, chart sheets named where a
table goes, a defined name pointing at #REF! and a picture the writer cannot carry — each
filled right or refused (or warned about) in one line."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from fleksmon import report
from fleksmon.errors import FleksmonError
from fleksmon.periods import month_index
from fleksmon.query import Query
from fleksmon.render import excel
from fleksmon.render.template import template_warnings
from fleksmon.store import Store
from tests.conftest import k1_rows, tidy

Run = Callable[..., Any]
JUL, AUG = month_index(2019, 7), month_index(2019, 8)


@pytest.fixture
def three_months(tmp_path: Path) -> Store:
    """Sep. 2019 as published, with Viborg's Jul. (2.100 + 300) and Aug. (2.104 + 296)."""
    store = Store(tmp_path / "store")
    rows = [
        *k1_rows(),
        ("Viborg", JUL, JUL, "fleksjob_fuldtid", 2100.0),
        ("Viborg", JUL, JUL, "ledighedsydelse_fuldtid", 300.0),
        ("Viborg", AUG, AUG, "fleksjob_fuldtid", 2104.0),
        ("Viborg", AUG, AUG, "ledighedsydelse_fuldtid", 296.0),
    ]
    store.ingest(tidy(rows), kind="aggregate", source=Path("k1.csv"), sha256="k1")
    return store


def _fill(store: Store, tmp_path: Path, wb: Any, kommuner: tuple[str, ...] = ()) -> Any:
    template = tmp_path / "skabelon.xlsx"
    wb.save(template)
    out = tmp_path / "udfyldt.xlsx"
    data = report.workbook_data(["K1"], Query(store=store, kommuner=kommuner))
    excel.write_workbook(data, out, template)
    return openpyxl.load_workbook(out)


def _sheet(title: str = "K1") -> tuple[Any, Any]:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    return wb, ws


def test_two_row_header_puts_each_months_share_under_it(
    three_months: Store, tmp_path: Path
) -> None:
    wb, ws = _sheet()
    ws["B1"] = "Andel"
    ws.merge_cells("B1:D1")
    ws.append(["Område", "Jul. 2019", "Aug. 2019", "Sep. 2019", "Antal personer"])
    ws.append(["Viborg"])
    out = _fill(three_months, tmp_path, wb, ("Viborg",))["K1"]
    header = ["Område", "Jul. 2019", "Aug. 2019", "Sep. 2019", "Antal personer"]
    assert [c.value for c in out[2]] == header
    assert [out[f"{c}3"].value for c in "BCD"] == pytest.approx(
        [2100 / 2400, 2104 / 2400, 2108 / 2397]
    )
    assert out["E3"].value == 49


def test_excel_table_columns_follow_the_renamed_headers(k1_store: Store, tmp_path: Path) -> None:
    wb, ws = _sheet()
    ws.append(["Område", "Andel i maj 2019", "Antal personer"])
    ws.append(["Viborg", 0.5, 3])
    ws.append(["Thisted", 0.5, 3])
    ws.add_table(Table(displayName="K1tabel", ref="A1:C3"))
    out = _fill(k1_store, tmp_path, wb)["K1"]
    names = [c.name for c in out.tables["K1tabel"].tableColumns]
    assert names == [c.value for c in out[1]] == ["Område", "Andel i Sep. 2019", "Antal personer"]
    assert (out["C2"].value, out["C3"].value) == (49, 40)


def _chart(wb: Any, ws: Any, title: str) -> None:
    sheet = wb.create_chartsheet(title)
    bars = BarChart()
    bars.add_data(Reference(ws, min_col=2, min_row=1, max_row=2))
    sheet.add_chart(bars)


@pytest.mark.parametrize("title", ["K1", "Data"])
def test_chart_sheet_where_a_table_goes_is_refused(
    k1_store: Store, tmp_path: Path, title: str
) -> None:
    wb, ws = _sheet("Tal" if title == "K1" else "K1")
    ws.append(["Område", "Antal personer"])
    ws.append(["Viborg", 1])
    _chart(wb, ws, title)
    with pytest.raises(FleksmonError) as err:
        _fill(k1_store, tmp_path, wb)
    assert err.value.line() == (
        f"template skabelon.xlsx: the sheet '{title}' is a chart sheet, where fleksmon writes a "
        f"table. Rename the chart sheet (e.g. '{title} figur'), or delete it."
    )


def test_chart_sheet_elsewhere_is_kept(k1_store: Store, tmp_path: Path) -> None:
    wb, ws = _sheet()
    ws.append(["Område", "Antal personer"])
    ws.append(["Viborg", 1])
    _chart(wb, ws, "Figur")
    out = _fill(k1_store, tmp_path, wb)
    assert out.sheetnames == ["K1", "Figur", "Data", "Kilder"]
    assert out["K1"]["B2"].value == 49


def test_defined_name_pointing_at_ref_is_refused(k1_store: Store, tmp_path: Path) -> None:
    wb, ws = _sheet()
    ws.append(["Område", "Antal personer"])
    wb.defined_names["K1_hits"] = DefinedName("K1_hits", attr_text="K1!#REF!")
    with pytest.raises(FleksmonError) as err:
        _fill(k1_store, tmp_path, wb)
    assert err.value.line() == (
        "template skabelon.xlsx, sheet K1: the defined name K1_hits refers to #REF! (a cell that "
        "was deleted). Point the name at the column's header cell, or delete it (Formulas > "
        "Name Manager)."
    )


def test_picture_the_writer_cannot_carry_is_named(
    cli: Run, k1_store: Store, tmp_path: Path
) -> None:
    wb, ws = _sheet()
    ws.append(["Område", "Antal personer"])
    ws.append(["Viborg", 1])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    assert template_warnings(plain) == []
    template = tmp_path / "logo.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(template, "w") as out:
        for info in src.infolist():
            out.writestr(info, src.read(info.filename))
        out.writestr("xl/media/image1.png", b"\x89PNG logo in the page header")
    line = (
        "template logo.xlsx: 1 of its 1 pictures (a logo in the page header, in a shape or a "
        "group?) cannot be carried into the filled workbook and are left out; insert them "
        "again there, or as a plain picture on a sheet of the template"
    )
    assert template_warnings(template) == [line]
    result = cli(
        "export",
        str(tmp_path / "udfyldt.xlsx"),
        "-c",
        "1",
        "--template",
        str(template),
        "--store",
        str(k1_store.root),
    )
    assert result.exit_code == 0, result.stderr
    assert f"Warning: {line}\n" in result.stderr
