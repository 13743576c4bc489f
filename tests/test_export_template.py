"""``--template``: a kommune's own workbook filled by meaning, never by position."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName

from fleksmon import report
from fleksmon.errors import FleksmonError
from fleksmon.query import Query
from fleksmon.render import excel
from fleksmon.store import Store

Run = Callable[..., Any]
HEADERS = {
    "A": "Kommune",
    "B": "Andel\nSep. 2018",
    "C": "%-point",
    "D": "Antal personer*",
    "E": "Andel i april 2019",
    "F": "Andel i maj 2019",
    "G": "Antal på ledighedsydelse, sep. 2019",
    "H": "Antal i fleksjob",
    "I": "Fleksjob + ledighedsydelse",
    "J": "Ændring",
}


def report_template(path: Path, extra: dict[str, str] | None = None) -> None:
    """A report-shaped K1 sheet with its columns in another order than fleksmon's, the
    user's formulas (a %-point, a change column, a reference to Viborg's row) and styles."""
    wb = openpyxl.Workbook()
    wb.active.title = "Forside"
    ws = wb.create_sheet("K1")
    ws["A1"] = "Vores egen titel"
    ws["B3"] = "Baseline"
    ws["C3"] = "Afstand til målsætning"
    ws.merge_cells("C3:D3")
    for letter, text in {**HEADERS, **(extra or {})}.items():
        ws[f"{letter}4"] = text
    for row, name in enumerate(["Viborg", "Gentofte", "Thisted", "Hele landet"], start=5):
        ws[f"A{row}"] = name
        ws[f"J{row}"] = f"=F{row}-E{row}"
        for letter in "BCDEFGHI":
            ws[f"{letter}{row}"] = 123456
    ws["C6"] = "=0.9-F6"
    ws["A12"] = "=H5"
    ws["H5"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["H5"].font = Font(name="Georgia", italic=True)
    ws["F5"].number_format = "0.0%"
    wb.save(path)


def fill(store: Store, tmp_path: Path, template: Path, kommuner: tuple[str, ...] = ()) -> Any:
    out = tmp_path / "udfyldt.xlsx"
    data = report.workbook_data(["K1"], Query(store=store, kommuner=kommuner))
    assert excel.write_workbook(data, out, template) == ["K1", "Data", "Kilder"]
    return openpyxl.load_workbook(out)


def test_columns_found_by_header_text(k1_store: Store, tmp_path: Path) -> None:
    template = tmp_path / "skabelon.xlsx"
    report_template(template)
    wb = fill(k1_store, tmp_path, template)
    assert wb.sheetnames == ["Forside", "K1", "Data", "Kilder"]
    ws = wb["K1"]
    viborg = {c.column_letter: c.value for c in ws[5]}
    assert viborg["A"] == "Viborg"
    assert viborg["I"] == 2397 and viborg["H"] == 2108 and viborg["G"] == 289
    assert viborg["C"] == pytest.approx(2.056737588652481) and viborg["D"] == 49
    assert viborg["F"] == pytest.approx(2108 / 2397)
    assert viborg["B"] == "–"
    assert viborg["E"] is None
    assert ws["F4"].value == "Andel i Sep. 2019" and ws["E4"].value == "Andel i april 2019"
    gentofte = {c.column_letter: c.value for c in ws[6]}
    assert gentofte["H"] == 401 and gentofte["F"] == pytest.approx(401 / 449)


def test_formulas_styles_and_rows_stay_the_users(k1_store: Store, tmp_path: Path) -> None:
    template = tmp_path / "skabelon.xlsx"
    report_template(template)
    ws = fill(k1_store, tmp_path, template)["K1"]
    assert ws["C6"].value == "=0.9-F6"
    assert [ws[f"J{r}"].value for r in range(5, 9)] == [f"=F{r}-E{r}" for r in range(5, 9)]
    assert ws["A12"].value == "=H5" and ws["A5"].value == "Viborg"
    assert ws["A1"].value == "Vores egen titel"
    assert ws["H5"].fill.fgColor.rgb == "00FFFF00" and ws["H5"].font.name == "Georgia"
    assert ws["F5"].number_format == "0.0%" and ws["F6"].number_format == "0%"
    assert ws["H6"].number_format == "#,##0"
    # Hele landet has no figures in this store: its old values are emptied, not kept.
    assert [ws[f"{c}8"].value for c in "BCDFGHI"] == [None] * 7


def test_only_the_kommune_asked_for_is_filled(k1_store: Store, tmp_path: Path) -> None:
    template = tmp_path / "skabelon.xlsx"
    report_template(template)
    ws = fill(k1_store, tmp_path, template, ("Thisted",))["K1"]
    assert ws["H7"].value == 1078
    assert ws["H5"].value is None and ws["A5"].value == "Viborg"


def test_defined_name_places_a_column(k1_store: Store, tmp_path: Path) -> None:
    template = tmp_path / "skabelon.xlsx"
    report_template(template, {"C": "Mangler til mål"})
    wb = openpyxl.load_workbook(template)
    wb.defined_names["K1_gap_pp"] = DefinedName("K1_gap_pp", attr_text="K1!$C$4")
    wb.save(template)
    ws = fill(k1_store, tmp_path, template)["K1"]
    assert ws["C5"].value == pytest.approx(2.056737588652481)


def test_empty_table_is_filled_in_report_order(k1_store: Store, tmp_path: Path) -> None:
    template = tmp_path / "skabelon.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "K1"
    ws.append(["Område", "Antal personer", "Andel"])
    wb.save(template)
    ws = fill(k1_store, tmp_path, template)["K1"]
    assert [ws[f"A{r}"].value for r in (2, 10)] == ["Gentofte", "Ballerup"]
    assert ws["B2"].value == 3 and ws["C1"].value == "Andel\nSep. 2019"


def test_unknown_column_is_refused(k1_store: Store, tmp_path: Path) -> None:
    template = tmp_path / "skabelon.xlsx"
    report_template(template, {"K": "Kommentar"})
    wb = openpyxl.load_workbook(template)
    wb["K1"]["K5"] = "god udvikling"
    wb.save(template)
    data = report.workbook_data(["K1"], Query(store=k1_store))
    with pytest.raises(FleksmonError) as err:
        excel.write_workbook(data, tmp_path / "ud.xlsx", template)
    assert str(err.value.args[0]) == (
        "template skabelon.xlsx, sheet K1, column K: the header 'Kommentar' names nothing "
        "fleksmon writes"
    )
    assert not (tmp_path / "ud.xlsx").exists()


def test_cli_refuses_in_one_line(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    template, out = tmp_path / "skabelon.xlsx", tmp_path / "ud.xlsx"
    report_template(template, {"K": "Kommentar"})
    wb = openpyxl.load_workbook(template)
    wb["K1"]["K5"] = "god udvikling"
    wb.save(template)
    result = cli("export", str(out), "-c", "1", "-s", str(k1_store.root), "-t", str(template))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "Error: template skabelon.xlsx, sheet K1, column K: the header 'Kommentar' names "
        "nothing fleksmon writes. Name it as the report does ("
    )
    assert not out.exists()
