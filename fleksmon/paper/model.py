"""The paper as data: chapters of headings, paragraphs, tables and figures.

A writer (Word: :mod:`fleksmon.paper.word`) lays this out; nothing here knows a file
format. Values stay values: a table cell holds its number and how the report prints
it (:data:`FORMATS`), and :attr:`Cell.text` is the one place that turns it into the
Danish text every writer shows (``88 %``, ``2.108``, ``✓``), so a PDF and a Word
document print the same figure the same way. A figure holds its chart as data
(:class:`fleksmon.render.chart.Chart`), its caption and alt text.

>>> Cell(87.94, "share").text, Cell(2108, "count").text, Cell(None, "share").text
('88%', '2.108', '–')
>>> Cell("x", "count").text, Cell(2.1, "points").text, Cell(-0.25, "decimal").text
('x', '2', '-0,3')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from fleksmon.numbers import format_int, format_number
from fleksmon.render.table import NONE, pct, target

if TYPE_CHECKING:
    from fleksmon.render.chart import Chart

FORMATS = ("text", "share", "share1", "target", "count", "points", "decimal")
"""How a cell prints: text as it is; a share in percent, whole (``share``, the report
tables) or with one decimal (``share1``); a target (``90 %``, ``87,5 %``); a count
with thousands dots; whole %-points (``points``); a number with one decimal."""
Role = Literal["body", "statement", "note", "lead"]
SHORT = 10
"""A header line this short stays whole (``Sep. 2019``); longer ones wrap at spaces."""
WIDEST, PADDING = 30.0, 2.5
"""A column's weight is at most this many characters, plus the cell's margins."""


@dataclass(frozen=True)
class Cell:
    """One table cell: a value and how it prints (one of :data:`FORMATS`). Text is
    printed as it is, also in a number column (``✓``, ``–``, ``<5``, ``x``)."""

    value: str | float | int | None
    fmt: str = "text"

    @property
    def text(self) -> str:
        """The cell as printed (Danish separators, rounded half away from zero)."""
        value = self.value
        if isinstance(value, str):
            return value
        if value is None:
            return NONE if self.fmt != "text" else ""
        if self.fmt == "share":
            return pct(value)
        if self.fmt == "share1":
            return pct(value, 1)
        if self.fmt == "target":
            return target(value)
        if self.fmt == "decimal":
            return format_number(value, 1)
        if self.fmt in ("count", "points"):
            return format_int(value)
        return str(value)

    @property
    def numeric(self) -> bool:
        """A number column's cell (right-aligned)."""
        return self.fmt != "text"


@dataclass(frozen=True)
class Band:
    """A header band over ``span`` columns (``Baseline``, ``Status for …``,
    ``Afstand til målsætning``); an empty text leaves the columns under it without."""

    text: str
    span: int


@dataclass(frozen=True)
class Row:
    """A table row; ``apart`` sets it apart from the rows above (Hele landet: a rule
    above it and bold), as the reports print the country to compare with."""

    cells: tuple[Cell, ...]
    apart: bool = False


@dataclass(frozen=True)
class Table:
    """A table: its caption (above it), the header bands, the column headers (``\\n``
    breaks a header's line), the rows, the lines under it (the gap formula, ``Anm.:``,
    ``Kilde:``) and each column's relative width. ``key`` names it for a reader
    (``K1``, ``K1-tempo``, ``kilder``)."""

    key: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    bands: tuple[Band, ...] = ()
    notes: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()

    @property
    def wide(self) -> bool:
        """More columns than a portrait page holds readably: set it on a landscape page."""
        return len(self.headers) > 7

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Whether each column holds numbers (aligned right, its header centred)."""
        return tuple(any(r.cells[i].numeric for r in self.rows) for i in range(len(self.headers)))

    @property
    def weights(self) -> tuple[float, ...]:
        """Each column's relative width: the model's, else fitted to the texts (its
        header's lines up to :data:`SHORT` characters whole, longer ones' longest word,
        the longest word of a band over it alone, its widest number, a text cell's
        longest word or up to 12 characters of it; at least 4)."""
        if self.widths:
            return self.widths
        out = []
        above = self._band_over()
        for i, head in enumerate(self.headers):
            sizes = [4, *(len(word) for word in above[i].split())]
            for line in head.split("\n"):
                sizes += [len(line)] if len(line) <= SHORT else [len(w) for w in line.split()]
            for row in self.rows:
                cell = row.cells[i]
                shown = cell.text
                words = max((len(w) for w in shown.split()), default=0)
                sizes.append(len(shown) if cell.numeric else max(words, min(len(shown), 12)))
            out.append(min(float(max(sizes)), WIDEST) + PADDING)
        return tuple(out)

    def _band_over(self) -> list[str]:
        """Each column's band text where the band is over that column alone."""
        out = [""] * len(self.headers)
        col = 0
        for band in self.bands:
            if band.span == 1 and col < len(out):
                out[col] = band.text
            col += band.span
        return out


@dataclass(frozen=True)
class Figure:
    """A chart with its caption (above it), its alt text (for screen readers and
    whoever cannot see it) and the lines under it."""

    key: str
    caption: str
    chart: Chart
    alt: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Heading:
    """A heading below the chapter's own (level 2)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """Body text; ``role`` ``statement`` is a criterion's statement (emphasised), ``note``
    a line under a table or figure, ``lead`` the opening text of a chapter."""

    text: str
    role: Role = "body"


Block = Heading | Paragraph | Table | Figure


@dataclass(frozen=True)
class Chapter:
    """A chapter: its heading (level 1, in the contents) and blocks; it starts on a new
    page, landscape where one of its tables is wide."""

    heading: str
    blocks: tuple[Block, ...]
    key: str = ""

    @property
    def landscape(self) -> bool:
        """Set the chapter on landscape pages (a wide table)."""
        return any(isinstance(b, Table) and b.wide for b in self.blocks)

    @property
    def tables(self) -> list[Table]:
        """The chapter's tables, in order."""
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def figures(self) -> list[Figure]:
        """The chapter's figures, in order."""
        return [b for b in self.blocks if isinstance(b, Figure)]


@dataclass(frozen=True)
class Front:
    """The front page: the title, what it is about (a kommune, a group), and the lines
    below (the period, the date made, ``Udarbejdet med fleksmon``)."""

    title: str
    subject: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paper:
    """A whole paper: front page, a contents list (``contents`` its heading), the
    chapters in order, the line every page's footer carries, the words before a
    table's and a figure's number (``Tabel 1``, ``Figur 1``) and the language."""

    kind: str
    front: Front
    chapters: tuple[Chapter, ...]
    contents: str = "Indhold"
    footer: str = ""
    table_label: str = "Tabel"
    figure_label: str = "Figur"
    language: str = "da-DK"

    @property
    def tables(self) -> list[Table]:
        """Every table of the paper, in order."""
        return [t for c in self.chapters for t in c.tables]

    @property
    def figures(self) -> list[Figure]:
        """Every figure of the paper, in order."""
        return [f for c in self.chapters for f in c.figures]
