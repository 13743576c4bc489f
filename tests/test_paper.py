"""The paper's content model and its Word document, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from fleksmon import api, areas
from fleksmon.paper import fleksjob, word
from fleksmon.paper.model import Cell, Paper, Row, Table
from fleksmon.query import Query
from fleksmon.render.table import count, pct
from tests.test_export_chart import national_frame

MADE = dt.datetime(2019, 10, 14, 8, 30, tzinfo=dt.UTC)
QUERY = Query(frame=national_frame(), kommuner=["Viborg", "Thisted"])


@pytest.fixture(scope="module")
def paper() -> Paper:
    return fleksjob.paper(["K1"], QUERY, by="2020M12", made=MADE)


@pytest.fixture(scope="module")
def document(paper: Paper, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("paper") / "rapport.docx"
    word.write(paper, out)
    return docx.Document(str(out))


def texts(table: Any) -> list[list[str]]:
    """A Word table's cell texts, merged cells once."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1][0]:
                cells.append((cell._tc, cell.text))
        rows.append([text for _, text in cells])
    return rows


def test_the_model_is_the_report_table(paper: Paper) -> None:
    (k1, pace) = paper.tables[:2]
    assert k1.key == "K1" and pace.key == "K1-tempo"
    assert k1.caption == (
        "Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct., Jul.–Sep. 2019"
    )
    assert [(b.text, b.span) for b in k1.bands] == [
        ("", 1),
        ("Baseline", 1),
        ("Status for andel i fleksjob", 6),
        ("Afstand til målsætning", 2),
    ]
    assert [r.cells[0].text for r in k1.rows] == ["Thisted", "Viborg", "Hele landet"]
    assert [r.apart for r in k1.rows] == [False, False, True]
    assert k1.notes[0].startswith("*Antallet er udregnet ved: 0,9*(antal i fleksjob")
    assert k1.notes[-1] == "Kilde: Jobindsats.dk"
    assert k1.wide and paper.chapters[0].landscape and not paper.chapters[-1].landscape


def test_every_number_is_a_record_printed_as_the_tables_print_it(paper: Paper) -> None:
    k1 = paper.tables[0]
    result = api.compute("K1", QUERY.but(kommuner=["Viborg", "Thisted", areas.HELE_LANDET]))
    latest = result.periods[-1].code()
    for row in k1.rows:
        records = result.records.filter(result.records["kommune"] == row.cells[0].text)
        by_period = {r["period"]: r for r in records.to_dicts()}
        last = by_period[latest]
        expected = [
            last["kommune"],
            pct(last["baseline_pct"]),
            *(pct(by_period[p.code()]["share_pct"]) for p in result.periods),
            count(last["population"]),
            count(last["hits"]),
            count(last["ledighedsydelse"]),
            count(round(last["gap_pp"])) if not last["met"] else "✓",
            count(last["gap_persons"]) if not last["met"] else "✓",
        ]
        assert [c.text for c in row.cells] == expected


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (Cell(87.5, "share"), "88%"),
        (Cell(24.25, "share1"), "24,3%"),
        (Cell(87.5, "target"), "87,5%"),
        (Cell(117861.0, "count"), "117.861"),
        (Cell(2.5, "points"), "3"),
        (Cell(-0.05, "decimal"), "-0,1"),
        (Cell("<5", "count"), "<5"),
        (Cell(None, "count"), "–"),
        (Cell(None), ""),
    ],
)
def test_cells_print_danish_rounded_half_away_from_zero(cell: Cell, shown: str) -> None:
    assert cell.text == shown


def test_figure_alt_text_says_what_the_chart_shows(paper: Paper) -> None:
    (figure,) = paper.figures
    assert figure.caption == "Andel i fleksjob, Jul.–Sep. 2019"
    assert figure.alt.startswith("Linjediagram: Andel i fleksjob, Jul.–Sep. 2019. Viborg fra ")
    assert figure.alt.endswith("målet er 90,0%.")
    assert figure.notes[-1] == "Kilde: Jobindsats.dk"


def test_front_page_and_datagrundlag(paper: Paper) -> None:
    assert paper.front.title == "Udvikling i fleksjob"
    assert paper.front.subject == "Viborg og Thisted"
    assert paper.front.lines == (
        "Status for september 2019",
        "Udarbejdet 14. oktober 2019",
        "Udarbejdet med fleksmon 0.1.0",
    )
    basis = paper.chapters[-1]
    assert basis.heading == "Datagrundlag"
    assert [b.text for b in basis.blocks if hasattr(b, "text")][:3] == [
        "Papiret er udarbejdet 14. oktober 2019 kl. 10:30 med fleksmon 0.1.0 ud fra de "
        "udtræk, der er indlæst i fleksmons lager. Tallene er de samme som i fleksmon "
        "compute og fleksmon gap for samme valg.",
        "Tallene er givet direkte, ikke læst fra lageret.",
        "Ingen diskretion: alle antal vises, også små antal.",
    ]


def test_word_headings_and_text_in_builtin_styles(document: Any) -> None:
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert styled[:5] == [
        ("Title", "Udvikling i fleksjob"),
        ("Subtitle", "Viborg og Thisted"),
        ("Normal", "Status for september 2019"),
        ("Normal", "Udarbejdet 14. oktober 2019"),
        ("Normal", "Udarbejdet med fleksmon 0.1.0"),
    ]
    headings = [(s, t) for s, t in styled if s.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Succeskriterie 1: Andel i fleksjob"),
        ("Heading 2", "Tempo mod målet"),
        ("Heading 1", "Datagrundlag"),
    ]
    captions = [t for s, t in styled if s == "Caption"]
    assert captions[0].startswith("Tabel 1. Succeskriterie 1: Fleksjob")
    assert captions[1] == "Figur 1. Andel i fleksjob, Jul.–Sep. 2019"
    assert ("Anmærkning", "Kilde: Jobindsats.dk") in styled
    contents = [t for s, t in styled if s == "toc 1"]
    assert [t.split("\t")[0] for t in contents] == [
        "Succeskriterie 1: Andel i fleksjob",
        "Datagrundlag",
    ]


def test_word_tables_are_real_tables_with_header_bands(document: Any, paper: Paper) -> None:
    table = document.tables[0]
    assert table.style.name == "Table Grid"
    rows = texts(table)
    model = paper.tables[0]
    assert rows[0] == ["", "Baseline", "Status for andel i fleksjob", "Afstand til målsætning"]
    assert rows[1] == list(model.headers)
    assert rows[2:] == [[c.text for c in r.cells] for r in model.rows]
    header_rows = [r._tr.trPr.find(qn("w:tblHeader")) is not None for r in table.rows]
    assert header_rows == [True, True, False, False, False]
    land = table.rows[-1].cells[1].paragraphs[0]
    assert land.runs[0].bold and land.alignment == 2  # right
    assert [len(texts(t)) for t in document.tables] == [5, 3]  # no store: no extracts


def test_word_chart_is_a_picture_with_alt_text(document: Any, paper: Paper) -> None:
    (shape,) = document.inline_shapes
    assert shape._inline.docPr.get("descr") == paper.figures[0].alt
    assert shape.width.cm == pytest.approx(22.0, abs=0.01)
    blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert blob.content_type == "image/png"
    assert blob.blob[:8] == b"\x89PNG\r\n\x1a\n"
    width_px = int.from_bytes(blob.blob[16:20], "big")
    assert width_px / (shape.width.inches) >= 200  # print resolution


def test_word_landscape_where_the_table_is_wide(document: Any) -> None:
    orientation = [s.orientation for s in document.sections]
    assert orientation == [0, 1, 0]  # portrait front and contents, landscape K1, portrait
    wide = document.sections[1]
    assert wide.page_width > wide.page_height


def test_word_page_numbers_and_fields_update_on_open(document: Any) -> None:
    footer = document.sections[0].footer
    instructions = [n.text.strip() for n in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[-1].text.endswith("Side 1 af 1")
    update = document.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    assert document.core_properties.language == "da-DK"


def test_written_whole_or_not_at_all(
    paper: Paper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "rapport.docx"
    out.write_bytes(b"old")

    def fail(self: Any, path: str) -> None:
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx.document.Document, "save", fail)
    with pytest.raises(Exception, match="No space left on device"):
        word.write(paper, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.docx"]


def test_a_template_keeps_its_styles_header_and_logo(paper: Paper, tmp_path: Path) -> None:
    template = _template(tmp_path)
    out = tmp_path / "udvalg.docx"
    word.write(paper, out, template)
    made = docx.Document(str(out))
    heading = made.styles["Heading 1"]
    assert heading.font.name == "Georgia" and heading.font.size.pt == 20
    header = made.sections[0].header
    assert header.paragraphs[0].text == "Viborg Kommune · Beskæftigelsesudvalget"
    assert len(header.part.package.image_parts) == 2  # the logo and the chart
    assert any(r.is_external is False and "image" in r.reltype for r in header.part.rels.values())
    assert "Skabelonens tekst" not in [p.text for p in made.paragraphs]
    named = [p.style.name for p in made.paragraphs if p.text.startswith("Succeskriterie 1:")]
    assert named == ["toc 1", "Heading 1"]
    footer = made.sections[0].footer
    assert [p.text for p in footer.paragraphs] == ["Fortroligt", "Side 1 af 1"]


def test_a_dotx_template_is_read_as_the_document_it_makes(paper: Paper, tmp_path: Path) -> None:
    source = _template(tmp_path)
    dotx = tmp_path / "skabelon.dotx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dotx, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            zout.writestr(item, data)
    out = tmp_path / "fra-dotx.docx"
    word.write(paper, out, dotx)
    assert docx.Document(str(out)).styles["Heading 1"].font.name == "Georgia"


def _template(folder: Path) -> Path:
    """A kommune's template: its own Heading 1, a header with text and a logo, a footer
    line, and body text that the paper replaces."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 0.5), dpi=50)
    fig.text(0.1, 0.3, "LOGO")
    logo = folder / "logo.png"
    fig.savefig(logo)
    plt.close(fig)
    doc = docx.Document()
    style = doc.styles["Heading 1"]
    style.font.name = "Georgia"
    style.font.size = docx.shared.Pt(20)
    header = doc.sections[0].header
    header.paragraphs[0].text = "Viborg Kommune · Beskæftigelsesudvalget"
    header.add_paragraph().add_run().add_picture(str(logo), width=docx.shared.Cm(2))
    doc.sections[0].footer.paragraphs[0].text = "Fortroligt"
    doc.add_paragraph("Skabelonens tekst")
    path = folder / "skabelon.docx"
    doc.save(str(path))
    return path


def test_errors_are_one_line(paper: Paper, tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"not a \.docx file"):
        word.write(paper, tmp_path / "rapport.pdf")
    with pytest.raises(Exception, match="does not exist"):
        word.write(paper, tmp_path / "mangler" / "rapport.docx")
    with pytest.raises(Exception, match=r"template .* not found"):
        word.write(paper, tmp_path / "rapport.docx", tmp_path / "ingen.docx")
    broken = tmp_path / "broken.docx"
    broken.write_text("not a zip")
    with pytest.raises(Exception, match="cannot read template"):
        word.write(paper, tmp_path / "rapport.docx", broken)


def test_a_short_table_stays_on_one_page() -> None:
    from fleksmon.paper import ooxml

    rows = tuple(Row((Cell(str(i)),)) for i in range(3))
    styles = ooxml.Styles("T", "C", "Cap", "N", ("t1", "t2"))
    xml = ooxml.table(Table("x", "x", ("Område",), rows), styles, 10)
    assert xml.count("<w:keepNext/>") == 1 + 2  # the header and every row but the last
    long = Table("x", "x", ("Område",), rows * 10)
    assert ooxml.table(long, styles, 10).count("<w:keepNext/>") == 1
