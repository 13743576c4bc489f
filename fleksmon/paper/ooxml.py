"""WordprocessingML pieces as text: runs, fields, captions, the contents list and tables.

The Word writer (:mod:`fleksmon.paper.word`) builds these as XML text and parses each
once, which is fast for tables of a hundred rows and keeps every element in the order
Word's schema wants. Styles are named by their ids (the writer looks them up in the
document, so a kommune's template restyles them). Lengths are in twentieths of a
point (``dxa``); 567 make a centimetre.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from fleksmon.paper.model import Band, Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W_NS}"'
DXA_PER_CM = 567
HEAD_FILL = "D9E2F3"
"""The header bands' and headers' shading (a light blue-grey)."""
RULE = '<w:top w:val="single" w:sz="12" w:space="0" w:color="000000"/>'
"""The rule above a row set apart (Hele landet)."""


@dataclass(frozen=True)
class Styles:
    """The style ids of the styles the writer uses, as the document names them."""

    table: str
    cell: str
    caption: str
    note: str
    toc: tuple[str, str]


def text_runs(text: str, *, bold: bool = False) -> str:
    """Runs for ``text``: ``\\n`` breaks the line; ``bold`` sets it bold."""
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    parts = [f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n")]
    return f"<w:r>{props}{'<w:br/>'.join(parts)}</w:r>"


def field(instruction: str, cached: str = "") -> str:
    """A field (``PAGE``, ``SEQ Tabel``, ``PAGEREF …``) with its last result ``cached``;
    Word recomputes it, other readers show the cached text."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{text_runs(cached)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def paragraph(style: str, content: str, *, keep_next: bool = False, align: str = "") -> str:
    """A paragraph of ``style`` holding ``content`` (runs)."""
    keep = "<w:keepNext/>" if keep_next else ""
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    return f'<w:p {NS}><w:pPr><w:pStyle w:val="{style}"/>{keep}{jc}</w:pPr>{content}</w:p>'


def caption(style: str, label: str, number: int, text: str) -> str:
    """A numbered caption above a table or figure: ``Tabel 1. …`` (the number a ``SEQ``
    field, so tables the analyst adds are numbered on)."""
    content = (
        text_runs(f"{label} ")
        + field(f"SEQ {label} \\* ARABIC", str(number))
        + text_runs(f". {text}")
    )
    return paragraph(style, content, keep_next=True)


def contents(
    entries: Sequence[tuple[int, str, str, int]], styles: tuple[str, str], width_cm: float
) -> list[str]:
    """The contents list as a ``TOC`` field over the headings of levels 1–2; its cached
    entries (level, text, bookmark, page) link to the headings, each page number a
    ``PAGEREF`` to the heading's bookmark, so every reader shows the list and Word
    updates it."""
    tab = round(width_cm * DXA_PER_CM)
    out = []
    for i, (level, text, mark, number) in enumerate(entries):
        start = ""
        if i == 0:
            start = (
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText>'
                '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            )
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == len(entries) - 1 else ""
        page = field(f"PAGEREF {mark} \\h", str(number))
        link = (
            f'<w:hyperlink w:anchor="{mark}" w:history="1">{text_runs(text)}'
            f"<w:r><w:tab/></w:r>{page}</w:hyperlink>"
        )
        out.append(
            f'<w:p {NS}><w:pPr><w:pStyle w:val="{styles[min(level, 2) - 1]}"/>'
            f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{tab}"/></w:tabs></w:pPr>'
            f"{start}{link}{end}</w:p>"
        )
    return out


KEEP_TOGETHER = 20
"""A table of at most this many rows is kept on one page (each row kept with the next)."""


def _cell(content: str, width: int, *, span: int = 1, fill: str = "", rule: bool = False) -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    borders = f"<w:tcBorders>{RULE}</w:tcBorders>" if rule else ""
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{borders}{shade}'
        f'<w:vAlign w:val="bottom"/></w:tcPr>{content}</w:tc>'
    )


def _cell_paragraph(style: str, runs: str, align: str, keep: bool) -> str:
    keep_next = "<w:keepNext/>" if keep else ""
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}{jc}</w:pPr>{runs}</w:p>'


def _row(cells: str, *, header: bool) -> str:
    repeat = "<w:tblHeader/>" if header else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>{cells}</w:tr>"


def _band_row(bands: Sequence[Band], widths: list[int], style: str) -> str:
    cells, col = [], 0
    for band in bands:
        width = sum(widths[col : col + band.span])
        runs = text_runs(band.text, bold=True) if band.text else ""
        para = _cell_paragraph(style, runs, "center", keep=True)
        cells.append(_cell(para, width, span=band.span, fill=HEAD_FILL if band.text else ""))
        col += band.span
    return _row("".join(cells), header=True)


def table(model: Table, styles: Styles, width_cm: float) -> str:
    """A real Word table: the header bands and headers (repeated on every page, shaded,
    bold, kept with the first row), then a row per area (numbers right-aligned, a row
    set apart with a rule above and in bold); no row breaks across pages, and a short
    table stays on one page. Columns share ``width_cm`` by the model's weights."""
    weights = model.weights
    total = sum(weights)
    widths = [round(width_cm * DXA_PER_CM * w / total) for w in weights]
    numeric = model.numeric
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    rows = []
    if model.bands:
        rows.append(_band_row(model.bands, widths, styles.cell))
    heads = "".join(
        _cell(
            _cell_paragraph(
                styles.cell, text_runs(h, bold=True), "center" if numeric[i] else "", keep=True
            ),
            widths[i],
            fill=HEAD_FILL,
        )
        for i, h in enumerate(model.headers)
    )
    rows.append(_row(heads, header=True))
    together = len(model.rows) <= KEEP_TOGETHER
    for n, row in enumerate(model.rows, start=1):
        keep = together and n < len(model.rows)
        cells = "".join(
            _cell(
                _cell_paragraph(
                    styles.cell,
                    text_runs(c.text, bold=row.apart),
                    "right" if c.numeric else "",
                    keep,
                ),
                widths[i],
                rule=row.apart,
            )
            for i, c in enumerate(row.cells)
        )
        rows.append(_row(cells, header=False))
    look = (
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
    )
    props = (
        f'<w:tblPr><w:tblStyle w:val="{styles.table}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>{look}</w:tblPr>'
    )
    return f"<w:tbl {NS}>{props}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
