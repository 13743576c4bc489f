"""The chart under each report table, read back with openpyxl: its place, series and look."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from fleksmon import areas, report
from fleksmon.query import Query
from fleksmon.render import excel
from fleksmon.store import Store
from tests.conftest import SEP_2019, tidy

MONTHS = (SEP_2019 - 2, SEP_2019 - 1, SEP_2019)


def national_frame() -> pl.DataFrame:
    """K1 counts for all 98 kommuner over three months (kommune i: 60 + i % 35 of 100)."""
    return tidy(
        [
            (k.name, m, m, measure, value)
            for i, k in enumerate(areas.kommuner())
            for m in MONTHS
            for measure, value in (
                ("fleksjob_fuldtid", float(60 + i % 35 + (m - MONTHS[0]))),
                ("ledighedsydelse_fuldtid", float(40 - i % 35 - (m - MONTHS[0]))),
            )
        ]
    )


def write(tmp_path: Path, query: Query, criteria: tuple[str, ...] = ("K1",)) -> Any:
    out = tmp_path / "report.xlsx"
    excel.write_workbook(report.workbook_data(list(criteria), query), out)
    return openpyxl.load_workbook(out)


def column_a(ws: Any) -> list[Any]:
    return [c.value for c in ws["A"]]


@pytest.fixture
def national(tmp_path: Path) -> Any:
    return write(tmp_path, Query(frame=national_frame(), kommuner=["Viborg", "Thisted"]))


def test_hele_landet_is_the_comparison_row_also_with_kommune(national: Any) -> None:
    ws = national["K1"]
    names = column_a(ws)[excel.FIRST_ROW - 1 : excel.FIRST_ROW + 2]
    assert names == ["Thisted", "Viborg", "Hele landet"]
    land = [c.value for c in ws[excel.FIRST_ROW + 2]]
    total_f = sum(60 + i % 35 + 2 for i in range(98))
    assert land[4] == pytest.approx(total_f / 9800)
    assert land[5:8] == [9800, total_f, 9800 - total_f]
    assert ws.cell(excel.FIRST_ROW + 2, 1).font.b


def test_chart_sits_below_the_table_and_its_notes(national: Any) -> None:
    ws = national["K1"]
    (chart,) = ws._charts
    kilde = column_a(ws).index("Kilde: Jobindsats.dk") + 1
    assert chart.anchor._from.col == 0
    assert chart.anchor._from.row + 1 > kilde
    heads = [c.value for c in ws[excel.HEAD_ROW]]
    assert chart.anchor._from.row + 1 > len(heads)


def test_chart_series_are_straight_and_include_the_target(national: Any) -> None:
    ws = national["K1"]
    (chart,) = ws._charts
    names = [ws[s.tx.strRef.f.replace("'K1'!", "")].value for s in chart.series]
    assert names == ["Viborg", "Thisted", "Hele landet", "Top-10 gns.", "Mål"]
    assert [s.smooth for s in chart.series] == [False] * 5
    looks = [(s.spPr.ln.prstDash, s.marker.symbol or "none") for s in chart.series]
    assert looks == [
        ("solid", "circle"),
        ("solid", "circle"),
        ("dash", "none"),
        ("sysDot", "none"),
        ("solid", "none"),
    ]
    colours = [s.spPr.ln.solidFill.srgbClr for s in chart.series]
    assert colours[2:] == ["000000", "7F7F7F", "C00000"]
    widths = [s.spPr.ln.w for s in chart.series]
    assert widths[0] == widths[1] > max(widths[2:])
    target = chart.series[-1].val.numRef.f.replace("'K1'!", "").replace("$", "")
    values = [c.value for row in ws[target] for c in row]
    assert values == [0.9, 0.9, 0.9]
    labels = chart.series[0].cat.strRef.f.replace("'K1'!", "").replace("$", "")
    assert [c.value for row in ws[labels] for c in row] == ["Jul. 2019", "Aug. 2019", "Sep. 2019"]
    assert chart.y_axis.number_format.formatCode == "0%"
    # Viborg starts at 76 %: the axis starts at the 10 %-point step below 74 %.
    assert (chart.y_axis.scaling.min, chart.y_axis.scaling.max) == (0.7, 1.0)


def test_chart_xml_says_no_smoothing(tmp_path: Path) -> None:
    write(tmp_path, Query(frame=national_frame(), kommuner=["Viborg"]))
    with zipfile.ZipFile(tmp_path / "report.xlsx") as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    xml = xml.replace(" />", "/>")  # openpyxl writes either, with lxml installed or not
    assert xml.count('<smooth val="0"/>') == xml.count("<ser>") == 4
    assert 'val="1"/></ser>' not in xml


def test_top10_note_says_what_it_is(national: Any) -> None:
    notes = [v for v in column_a(national["K1"]) if isinstance(v, str) and "Top-10" in v]
    assert notes == ["Top-10 gns.: gennemsnit af de 10 bedste kommuners andel i måneden."]


def test_top10_left_out_with_fewer_than_ten_kommuner(k1_store: Store, tmp_path: Path) -> None:
    wb = write(tmp_path, Query(store=k1_store))
    ws = wb["K1"]
    (chart,) = ws._charts
    names = [ws[s.tx.strRef.f.replace("'K1'!", "")].value for s in chart.series]
    assert "Top-10 gns." not in names and names[-1] == "Mål"
    notes = [v for v in column_a(ws) if isinstance(v, str) and "Top-10" in v]
    assert notes == [
        "Top-10 gns. er udeladt, da kun 9 kommuner har data (der skal være mindst 10)."
    ]


def test_top10_left_out_only_in_short_months() -> None:
    frame = national_frame().filter(
        (pl.col("fra") == SEP_2019)
        | pl.col("kommune").is_in([k.name for k in areas.kommuner()][:9])
    )
    section = report.workbook_data(["K1"], Query(frame=frame, kommuner=["Viborg"])).sections[0]
    assert section.chart[report.TOP10].to_list()[:2] == [None, None]
    assert section.chart_notes == [
        "Top-10 gns.: gennemsnit af de 10 bedste kommuners andel i måneden.",
        "Top-10 gns. er udeladt for Jul. 2019, Aug. 2019, da kun 9 kommuner har data "
        "(der skal være mindst 10).",
        # the Hele landet line (Sep. 2019, all 98 kommuner) is their sum, and says so
        "Hele landet: summeret af kommunernes tal (kan afvige fra Jobindsats' eget landstal, "
        "som også tæller personer uden kommune).",
    ]


def test_chart_starts_a_page_when_it_would_be_cut(k1_store: Store, tmp_path: Path) -> None:
    ws = write(tmp_path, Query(store=k1_store))["K1"]
    (chart,) = ws._charts
    kilde = column_a(ws).index("Kilde: Jobindsats.dk") + 1
    assert [b.id for b in ws.row_breaks.brk] == [kilde] == [chart.anchor._from.row - 1]


def test_chart_stays_on_the_first_page_when_it_fits(national: Any) -> None:
    assert national["K1"].row_breaks.brk == []


def test_page_header_keeps_an_ampersand(k1_store: Store, tmp_path: Path) -> None:
    from dataclasses import replace
    from types import MappingProxyType

    from fleksmon.criteria import CRITERIA

    own = dict(CRITERIA, K1=replace(CRITERIA["K1"], name="Fleksjob & ledighedsydelse"))
    ws = write(tmp_path, Query(store=k1_store, criteria=MappingProxyType(own)))["K1"]
    assert ws.oddHeader.left.text == "K1: Fleksjob && ledighedsydelse"
