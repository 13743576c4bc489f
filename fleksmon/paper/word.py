"""A paper (:mod:`fleksmon.paper.model`) as a Word document an analyst can keep working in.

Headings and text in Word's built-in styles (Title, Subtitle, Heading 1/2, Normal,
Caption, TOC Heading, toc 1/2; tables in Table Grid) and two named styles of its own
("Tabeltekst" in table cells, "Anmærkning" for the lines under tables and figures),
so a kommune restyles the whole paper by changing its styles; real Word tables with
the report's header bands, repeated on every page; charts as pictures at print
resolution with alt text; landscape pages where a chapter's table is wide; a contents
list Word updates when the document opens; page numbers in the footer.

With a template (``.docx`` or ``.dotx``) its styles, page setup, headers and footers
(logo and all) are kept and its body is replaced by the paper; styles it lacks are
added, and ``Side X af Y`` is added to its footer only when it has no page number.

The file is written whole or not at all (a temporary file, then a rename).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from fleksmon.errors import FleksmonError
from fleksmon.paper import ooxml
from fleksmon.paper.model import Block, Chapter, Figure, Heading, Paper, Paragraph, Table
from fleksmon.paper.pages import Geometry, layout

A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)
DPI = 300
"""Chart pictures' resolution (dots per inch at their printed size or finer)."""
FIGURE_CM = {False: 16.0, True: 22.0}
"""A chart's printed width on a portrait and on a landscape page (its height is 5/9)."""
CELL, NOTE = "Tabeltekst", "Anmærkning"
"""The paper's own paragraph styles: table cells, and the lines under tables and figures."""
SUFFIXES = (".docx", ".dotx")
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
SETTINGS_AFTER = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator",
)  # fmt: skip
"""Elements of Word's settings that come after ``updateFields`` (the schema's order)."""


def check_paths(output: Path, template: Path | None = None) -> None:
    """Refuse an output that is not .docx, a missing folder and a missing template."""
    if output.suffix.lower() != ".docx":
        raise FleksmonError(f"cannot write {output}: not a .docx file", "name it like rapport.docx")
    if not output.parent.is_dir():
        raise FleksmonError(
            f"cannot write {output}: the folder {output.parent} does not exist",
            "create the folder first or pick another path",
        )
    if template is not None and not template.is_file():
        raise FleksmonError(f"template {template} not found", "pass an existing .docx file")


def _open(template: Path | None) -> Any:
    """A new document, or the template's with its body emptied (a ``.dotx`` read as
    the document it makes)."""
    if template is None:
        return Document()
    try:
        with zipfile.ZipFile(template) as source:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
                for item in source.infolist():
                    data = source.read(item)
                    if item.filename == "[Content_Types].xml":
                        data = data.replace(TEMPLATE_MAIN.encode(), MAIN.encode())
                    copy.writestr(item, data)
        doc = Document(io.BytesIO(buffer.getvalue()))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FleksmonError(
            f"cannot read template {template} ({type(exc).__name__}: {exc})",
            "pass a Word document or template (.docx, .dotx) saved by Word",
        ) from exc
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _style(doc: Any, name: str, kind: Any = WD_STYLE_TYPE.PARAGRAPH, **look: Any) -> str:
    """The id of the style ``name``, added (based on Normal, with ``look``) when the
    document lacks it."""
    try:
        return str(doc.styles[name].style_id)
    except KeyError:
        pass
    style = doc.styles.add_style(name, kind)
    if kind == WD_STYLE_TYPE.TABLE:
        borders = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        style.element.append(
            parse_xml(f"<w:tblPr {ooxml.NS}><w:tblBorders>{borders}</w:tblBorders></w:tblPr>")
        )
        return str(style.style_id)
    style.base_style = doc.styles["Normal"]
    if "size" in look:
        style.font.size = Pt(look["size"])
    style.font.bold = look.get("bold")
    fmt = style.paragraph_format
    fmt.space_after = Pt(look.get("after", 6))
    fmt.space_before = Pt(look.get("before", 0))
    if "outline" in look:
        style.element.get_or_add_pPr().append(
            parse_xml(f'<w:outlineLvl {ooxml.NS} w:val="{look["outline"]}"/>')
        )
    return str(style.style_id)


def _styles(doc: Any) -> ooxml.Styles:
    """Every style the paper uses, added where the document lacks one."""
    for name, size, outline in (("Heading 1", 16, 0), ("Heading 2", 13, 1)):
        _style(doc, name, size=size, bold=True, before=12, outline=outline)
    _style(doc, "Title", size=26)
    _style(doc, "Subtitle", size=15)
    _style(doc, "TOC Heading", size=16, bold=True, outline=9)
    return ooxml.Styles(
        table=_style(doc, "Table Grid", WD_STYLE_TYPE.TABLE),
        cell=_style(doc, CELL, size=9, after=0),
        caption=_style(doc, "Caption", size=9, bold=True, after=4),
        note=_style(doc, NOTE, size=8, after=2),
        toc=(_style(doc, "toc 1", after=3), _style(doc, "toc 2", after=3)),
    )


def _fresh(doc: Any, language: str) -> None:
    """Without a template: A4 with 2 cm margins, Calibri 11, the paper's language."""
    section = doc.sections[0]
    section.page_width, section.page_height = A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)


def _page_numbers(doc: Any, paper: Paper, fresh: bool) -> None:
    """``Side X af Y`` in the footer (with the paper's footer line when fleksmon made
    the document); a template's footer gets it only when it has no page number."""
    footer = doc.sections[0].footer
    if not fresh and any(
        "PAGE" in (node.text or "") for node in footer._element.iter(qn("w:instrText"))
    ):
        return
    style = str(doc.styles["Footer"].style_id) if _has(doc, "Footer") else "Normal"
    lead = f"{paper.footer} · " if fresh and paper.footer else ""
    runs = (
        ooxml.text_runs(f"{lead}Side ")
        + ooxml.field("PAGE", "1")
        + ooxml.text_runs(" af ")
        + ooxml.field("NUMPAGES", "1")
    )
    footer._element.append(parse_xml(ooxml.paragraph(style, runs, align="right")))


def _has(doc: Any, name: str) -> bool:
    try:
        doc.styles[name]
    except KeyError:
        return False
    return True


def _update_on_open(doc: Any) -> None:
    """Ask Word to update the fields (contents, page references) when it opens the file."""
    settings = doc.settings.element
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    flag = parse_xml(f'<w:updateFields {ooxml.NS} w:val="true"/>')
    later = [settings.find(qn(f"w:{name}")) for name in SETTINGS_AFTER]
    first = next((node for node in later if node is not None), None)
    if first is None:
        settings.append(flag)
    else:
        first.addprevious(flag)


class _Writer:
    """Lays a paper out into a document, chapter by chapter."""

    def __init__(self, doc: Any, paper: Paper, styles: ooxml.Styles) -> None:
        self.doc, self.paper, self.styles = doc, paper, styles
        self.body = doc.element.body
        self.landscape = False
        self.marks = 0
        self.tables = self.figures = 0
        self.widths: Iterator[float] = iter(())

    def width_cm(self) -> float:
        section = self.doc.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        return float(Emu(usable).cm)

    def xml(self, text: str) -> None:
        self.body.sectPr.addprevious(parse_xml(text))

    def front(self) -> None:
        front = self.paper.front
        title = self.doc.add_paragraph(front.title, style="Title")
        title.paragraph_format.space_before = Cm(6)
        self.doc.add_paragraph(front.subject, style="Subtitle")
        for line in front.lines:
            self.doc.add_paragraph(line)

    def contents(self) -> None:
        heading = self.doc.add_paragraph(self.paper.contents, style="TOC Heading")
        heading.paragraph_format.page_break_before = True
        entries, mark = [], 0
        for chapter in self.paper.chapters:
            mark += 1
            entries.append((1, chapter.heading, _mark(mark)))
            for block in chapter.blocks:
                if isinstance(block, Heading):
                    mark += 1
                    entries.append((block.level, block.text, _mark(mark)))
        planned = layout(self.paper, self.geometry())
        self.widths = iter(planned.figures)
        listed = [(*entry, n) for entry, n in zip(entries, planned.pages, strict=True)]
        for entry in ooxml.contents(listed, self.styles.toc, self.width_cm()):
            self.xml(entry)

    def geometry(self) -> Geometry:
        """The usable page in each orientation (less a little for a footer of two lines)."""
        section = self.doc.sections[0]
        across = Emu(section.page_width - section.left_margin - section.right_margin).cm
        down = Emu(section.page_height - section.top_margin - section.bottom_margin).cm - 0.3
        wide = float(Emu(section.page_height - section.left_margin - section.right_margin).cm)
        low = float(Emu(section.page_width - section.top_margin - section.bottom_margin).cm) - 0.3
        return Geometry({False: across, True: wide}, {False: down, True: low}, FIGURE_CM)

    def heading(self, text: str, level: int, new_page: bool = False) -> None:
        self.marks += 1
        para = self.doc.add_paragraph(style=f"Heading {level}")
        para.paragraph_format.page_break_before = new_page or None
        name = _mark(self.marks)
        para._p.append(
            parse_xml(f'<w:bookmarkStart {ooxml.NS} w:id="{self.marks}" w:name="{name}"/>')
        )
        para.add_run(text)
        para._p.append(parse_xml(f'<w:bookmarkEnd {ooxml.NS} w:id="{self.marks}"/>'))

    def chapter(self, chapter: Chapter) -> None:
        new_page = True
        if chapter.landscape != self.landscape:
            self._orient(chapter.landscape)
            new_page = False
        self.heading(chapter.heading, 1, new_page)
        for block in chapter.blocks:
            self.block(block)

    def _orient(self, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        short, long = sorted((section.page_width, section.page_height))
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (long, short) if landscape else (short, long)
        title_page = section._sectPr.find(qn("w:titlePg"))
        if title_page is not None:
            section._sectPr.remove(title_page)
        self.landscape = landscape

    def block(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.heading(block.text, block.level)
        elif isinstance(block, Paragraph):
            self.text(block)
        elif isinstance(block, Table):
            self.table(block)
        else:
            self.figure(block)

    def text(self, block: Paragraph) -> None:
        if block.role == "note":
            self.note(block.text)
            return
        para = self.doc.add_paragraph()
        para.add_run(block.text).bold = block.role == "statement" or None

    def note(self, text: str) -> None:
        self.xml(ooxml.paragraph(self.styles.note, ooxml.text_runs(text)))

    def table(self, table: Table) -> None:
        self.tables += 1
        label = self.paper.table_label
        self.xml(ooxml.caption(self.styles.caption, label, self.tables, table.caption))
        self.xml(ooxml.table(table, self.styles, self.width_cm()))
        for line in table.notes:
            self.note(line)
        if not table.notes:
            self.doc.add_paragraph()

    def figure(self, figure: Figure) -> None:
        from fleksmon.render import image

        self.figures += 1
        label = self.paper.figure_label
        self.xml(ooxml.caption(self.styles.caption, label, self.figures, figure.caption))
        png = image.picture(figure.chart, "png", dpi=DPI)
        width = next(self.widths)
        para = self.doc.add_paragraph()
        para.paragraph_format.keep_with_next = True
        shape = para.add_run().add_picture(io.BytesIO(png), width=Cm(width))
        shape._inline.docPr.set("descr", figure.alt)
        shape._inline.docPr.set("title", f"{label} {self.figures}. {figure.caption}")
        for line in figure.notes:
            self.note(line)


def _mark(number: int) -> str:
    """The bookmark of the ``number``-th heading (the contents list links to it)."""
    return f"_Toc{number:08d}"


def write(paper: Paper, output: Path, template: Path | None = None) -> None:
    """Write ``paper`` as ``output`` (.docx), into a copy of ``template`` if given."""
    check_paths(output, template)
    doc = _open(template)
    if template is None:
        _fresh(doc, paper.language)
    writer = _Writer(doc, paper, _styles(doc))
    writer.front()
    writer.contents()
    for chapter in paper.chapters:
        writer.chapter(chapter)
    _page_numbers(doc, paper, template is None)
    _update_on_open(doc)
    props = doc.core_properties
    props.title = f"{paper.front.title}: {paper.front.subject}"
    props.subject = paper.front.subject
    props.author = "fleksmon"
    props.language = paper.language
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    save(doc, output)


def save(doc: Any, output: Path) -> None:
    """Write the document whole or not at all (a temporary file, then a rename)."""
    tmp = output.with_name(f".{output.name}.{uuid.uuid4().hex}.tmp")
    try:
        doc.save(str(tmp))
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FleksmonError(f"cannot write {output} ({exc.strerror})", "pick another path") from exc
