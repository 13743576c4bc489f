"""``fleksmon export``: workbooks read back with openpyxl, cell by cell."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from fleksmon import api, areas, report
from fleksmon.query import Query
from fleksmon.render import excel
from fleksmon.store import Store
from tests.conftest import SEP_2019, tidy

Run = Callable[..., Any]
EVIL = '=HYPERLINK("x.example","klik").csv'
K3_SEP_2019 = {"Thisted": (194, 107), "Viborg": (786, 173), "Gentofte": (164, 21)}


@pytest.fixture
def k13_store(k1_store: Store) -> Store:
    """The K1 counts plus K3 counts for three kommuner, from a file with a formula-like name."""
    rows = [
        (name, SEP_2019, SEP_2019, measure, float(value))
        for name, (n, p) in K3_SEP_2019.items()
        for measure, value in (("k3_population", n), ("k3_progression", p))
    ]
    k1_store.ingest(tidy(rows), kind="aggregate", source=Path(EVIL), sha256="k3hash")
    return k1_store


@pytest.fixture
def workbook(k13_store: Store, tmp_path: Path) -> Any:
    out = tmp_path / "report.xlsx"
    data = report.workbook_data(["K1", "K3"], Query(store=k13_store))
    assert excel.write_workbook(data, out) == ["K1", "K3", "Data", "Kilder"]
    return openpyxl.load_workbook(out)


DATA_HEADERS = {
    "kommune": "Område",
    "kommune_kode": "Kommunekode",
    "criterion": "Kriterie",
    "period": "Periode",
    "population": "Antal i alt",
    "hits": "Heraf i målet",
    "share_pct": "Andel",
    "target_pct": "Mål",
    "gap_pp": "%-point til\nmål",
    "gap_persons": "Antal personer\ntil mål",
    "met": "Mål nået",
    "baseline_pct": "Andel ved\nbaseline",
    "note": "Bemærkning",
    "as_of": "Lageret pr.",
    "ledighedsydelse": "Ledighedsydelse,\nfuldtidspersoner",
}


def sheet_value(key: str, value: Any) -> Any:
    """A record's value as the Data sheet holds it: shares as fractions, yes/no in Danish."""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if key in ("share_pct", "target_pct", "baseline_pct") and value is not None:
        return value / 100.0
    return value


def rows_by_area(ws: Any) -> dict[str, list[Any]]:
    """Area rows (from row 6 to the first empty row) keyed by the area name."""
    out: dict[str, list[Any]] = {}
    for row in ws.iter_rows(min_row=excel.FIRST_ROW):
        if row[0].value is None:
            break
        out[row[0].value] = [c for c in row[1:] if c.value is not None]
    return out


def digits(value: Any) -> Any:
    """A float to 14 significant digits (what survives the trip through Excel)."""
    return float(f"{value:.14g}") if isinstance(value, float) else value


def test_sheets_title_period_and_headers(workbook: Any) -> None:
    assert workbook.sheetnames == ["K1", "K3", "Data", "Kilder"]
    ws = workbook["K1"]
    assert ws["A1"].value == (
        "Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct."
    )
    assert ws["A2"].value == "Sep. 2019"
    assert [c.value for c in ws[4]][1:3] == ["Baseline", "Status for andel i fleksjob"]
    assert "Afstand til målsætning" in [c.value for c in ws[4]]
    assert [c.value for c in ws[5]][:3] == ["Område", "Andel\nSep. 2018", "Andel\nSep. 2019"]
    assert [c.value for c in ws[5] if c.value][-2:] == ["%-point", "Antal\npersoner*"]
    assert [c.value for c in ws[5]][3:6] == [
        "Fleksjob +\nledighedsydelse\nSep. 2019",
        "Fleksjob\nSep. 2019",
        "Ledighedsydelse,\nfuldtidspersoner\nSep. 2019",
    ]


@pytest.mark.parametrize("sheet", ["K1", "K3"])
def test_sheets_print_on_one_page_wide(workbook: Any, sheet: str) -> None:
    ws = workbook[sheet]
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,  # A4
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$4:$5"
    assert ws.freeze_panes == "B6"
    margins = ws.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom) == (0.5, 0.5, 0.8, 0.8)
    crit = {"K1": "K1: Andel i fleksjob", "K3": "K3: Progression i små fleksjob"}[sheet]
    assert ws.oddHeader.left.text == crit
    assert ws.oddHeader.right.text == "Sep. 2019"
    assert ws.oddFooter.right.text == "Side &P af &N"


def test_header_rows_are_high_enough_and_widths_fit(workbook: Any) -> None:
    ws = workbook["K1"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:H1", "C4:F4", "G4:H4"} <= merged
    lines = max(str(c.value).count("\n") + 1 for c in ws[5] if c.value)
    assert lines == 3
    assert ws.row_dimensions[5].height >= lines * 14
    assert ws.row_dimensions[1].height >= 17
    for cell in ws[5]:
        longest = max(len(line) for line in str(cell.value).split("\n"))
        assert ws.column_dimensions[cell.column_letter].width >= longest + 1
    assert ws.column_dimensions["A"].width >= len("Frederikshavn") + 2
    for row in ws.iter_rows(min_row=6, max_row=14):
        for cell in row:
            if isinstance(cell.value, (int, float)) and cell.number_format == "#,##0":
                width = ws.column_dimensions[cell.column_letter].width
                assert width >= len(f"{cell.value:,.0f}") + 2


def test_k1_rows_are_numbers_with_report_formats(workbook: Any) -> None:
    rows = rows_by_area(workbook["K1"])
    assert list(rows)[::8] == ["Gentofte", "Ballerup"]
    for name, (share, pp, persons, n, f, ly) in {
        "Gentofte": (0.8930957683741649, 0.6904231625835138, 3, 449, 401, 48),
        "Viborg": (0.8794326241134752, 2.056737588652481, 49, 2397, 2108, 289),
        "Ballerup": (0.7950310559006211, 10.49689440993789, 68, 644, 512, 132),
    }.items():
        base, c_share, c_n, c_f, c_ly, c_pp, c_persons = rows[name]
        assert base.value == "–"
        assert c_share.value == pytest.approx(share) and c_share.number_format == "0%"
        assert [c_n.value, c_f.value, c_ly.value] == [n, f, ly]
        assert {c.number_format for c in (c_n, c_f, c_ly, c_persons)} == {"#,##0"}
        assert c_pp.value == pytest.approx(pp) and c_pp.number_format == "0"
        assert c_persons.value == persons


def test_met_shows_check_marks_and_notes(workbook: Any) -> None:
    ws = workbook["K3"]
    rows = rows_by_area(ws)
    assert list(rows) == ["Thisted", "Viborg", "Gentofte"]
    assert [c.value for c in rows["Thisted"][-2:]] == ["✓", "✓"]
    assert [c.value for c in rows["Viborg"][-2:]][1] == 47
    lines = [r[0] for r in ws.iter_rows(min_row=excel.FIRST_ROW + 4, max_col=1, values_only=True)]
    assert (
        "*Antallet er udregnet ved: 0,28*antal personer i fleksjob - antal personer i små "
        "fleksjob med progression = antal personer som opnår progression for at nå målsætning."
        in lines
    )
    assert "Anm.: Opgjort på udtræk fra Jobindsats.dk, Sep. 2019." in lines
    assert "Kilde: Jobindsats.dk" in lines


def test_data_sheet_equals_the_library(workbook: Any, k13_store: Store) -> None:
    rows = list(workbook["Data"].iter_rows(values_only=True))
    expected = pl.concat(
        [api.compute(c, store=k13_store).records for c in ("K1", "K3")], how="diagonal_relaxed"
    )
    assert list(rows[0]) == [DATA_HEADERS[c] for c in expected.columns]
    # Excel keeps 15 significant digits, so floats come back to that precision.
    read = [[digits(v) for v in r] for r in rows[1:]]
    assert read == [
        [digits(sheet_value(k, v)) for k, v in rec.items()] for rec in expected.to_dicts()
    ]


def test_sources_sheet_lists_the_batches_and_never_a_formula(workbook: Any, tmp_path: Path) -> None:
    rows = list(workbook["Kilder"].iter_rows(values_only=True))
    head = rows.index(("Fil", "Type", "Rækker", "SHA-256", "Indlæst (UTC)", "Status"))
    listed = {r[3]: r for r in rows[head + 1 :] if r[3]}
    assert set(listed) == {"k1", "k3hash"}
    assert listed["k3hash"][:3] == (EVIL, "Udtræk af tal (aggregeret)", 6)
    assert listed["k3hash"][5] == "Bruges"
    cell = next(c for c in workbook["Kilder"]["A"] if c.value == EVIL)
    assert cell.data_type == "s" and cell.quotePrefix
    with zipfile.ZipFile(tmp_path / "report.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)


def test_chart_against_hele_landet_and_top10(workbook: Any) -> None:
    assert len(workbook["K1"]._charts) == 1
    frame = tidy(
        [
            (k.name, m, m, measure, value)
            for i, k in enumerate(areas.kommuner())
            for m in (SEP_2019 - 1, SEP_2019)
            for measure, value in (("k3_population", 100.0), ("k3_progression", float(i % 40)))
        ]
    )
    data = report.workbook_data(["K3"], Query(frame=frame, kommuner=["791"]))
    chart = data.sections[0].chart
    assert chart.columns == ["period", "Viborg", "Hele landet", report.TOP10]
    assert chart["period"].to_list() == ["Aug. 2019", "Sep. 2019"]
    viborg = next(i for i, k in enumerate(areas.kommuner()) if k.name == "Viborg") % 40
    land = sum(i % 40 for i in range(98)) / 98
    top = sum(sorted((i % 40 for i in range(98)), reverse=True)[:10]) / 10
    assert chart.row(1) == pytest.approx(("Sep. 2019", viborg, land, top))
    assert data.batches == []


def test_cli_writes_and_says_so(cli: Run, k13_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    result = cli(
        "export", str(out), "-c", "1", "-c", "K3", "-k", "Viborg", "-s", str(k13_store.root)
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"Wrote {out} (4 sheets: K1, K3, Data, Kilder)\n"
    assert list(rows_by_area(openpyxl.load_workbook(out)["K3"])) == ["Viborg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-k", "Vibrog"],
            "Error: unknown kommune 'Vibrog'. Did you mean 'Viborg', 'Svendborg' or 'Silkeborg'? "
            "Use a kommune or region name, a DST code, or 'Hele landet'.\n",
        ),
        (
            ["--template", "nope.xlsx"],
            "Error: template nope.xlsx not found. Pass an existing .xlsx file.\n",
        ),
    ],
)
def test_cli_errors_are_one_line(
    cli: Run, k13_store: Store, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "r.xlsx"
    result = cli("export", str(out), "-c", "1", "-s", str(k13_store.root), *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert not out.exists()


def test_cli_missing_folder_is_an_error(cli: Run, k13_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "nowhere" / "r.xlsx"
    result = cli("export", str(out), "-s", str(k13_store.root))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: cannot write {out}: the folder {out.parent} does not exist. "
        "Create the folder first or pick another path.\n"
    )
