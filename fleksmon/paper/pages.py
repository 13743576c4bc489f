"""The pages laid out in advance, from the model: where each heading lands (for the
contents list) and how wide each figure is printed.

Word lays the pages out itself and updates the contents list when it opens the
document (the writer asks it to); a reader that does not (a previewer, LibreOffice)
shows the page numbers estimated here. The estimate follows the writer's layout:
the front page, the contents, each chapter on a new page, rows that never break,
short tables and figures kept whole, header rows repeated. A figure takes the room
left below the table when that prints it at least :data:`MIN_FIGURE_CM` wide (so a
criterion's table and chart share a page), else its full width on the next page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fleksmon.paper.model import Chapter, Figure, Heading, Paper, Paragraph, Table

LINE_CM = {"body": 0.54, "note": 0.33, "cell": 0.40}
"""Line heights (cm) of body text (11 pt), notes (8 pt) and table cells (9 pt)."""
CHARS_PER_CM = {"body": 5.3, "note": 7.3, "cell": 6.2}
AFTER_CM = {"body": 0.35, "note": 0.07, "cell": 0.0}
HEADING_CM = {1: 1.6, 2: 1.1}
CAPTION_CM = 0.7
ENTRY_CM = 0.6
KEEP_TOGETHER = 20
MIN_FIGURE_CM = 13.0
SPARE_CM = 1.0
"""Room kept free below a figure fitted into what is left of a page (the estimate's
margin of error)."""


@dataclass(frozen=True)
class Geometry:
    """A page's usable width and height (cm) in each orientation, and a figure's width."""

    width: dict[bool, float]
    height: dict[bool, float]
    figure: dict[bool, float]


def lines(text: str, width_cm: float, kind: str) -> int:
    """How many lines ``text`` takes in ``width_cm`` at the size of ``kind``."""
    per_line = max(int(width_cm * CHARS_PER_CM[kind]), 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


class _Flow:
    def __init__(self, geometry: Geometry) -> None:
        self.geometry = geometry
        self.page, self.used, self.landscape = 1, 0.0, False
        self.pages: list[int] = []
        self.figures: list[float] = []
        self.waiting = 0.0
        """The height of headings kept with what follows them, not placed yet."""

    @property
    def width(self) -> float:
        return self.geometry.width[self.landscape]

    @property
    def height(self) -> float:
        return self.geometry.height[self.landscape]

    def new_page(self, landscape: bool | None = None) -> None:
        self.page += 1
        self.used = 0.0
        if landscape is not None:
            self.landscape = landscape

    def place(self, height: float) -> None:
        """Place a block of ``height`` with the headings waiting for it (on a new page
        when it does not fit)."""
        height += self.waiting
        if self.used > 0 and self.used + height > self.height:
            self.new_page()
        self.used += height
        for i in range(len(self.pages)):
            if self.pages[i] == 0:
                self.pages[i] = self.page
        self.waiting = 0.0

    def heading(self, level: int) -> None:
        """A heading: its page is that of the block after it (it is kept with it)."""
        self.pages.append(0)
        self.waiting += HEADING_CM[level]

    def text(self, text: str, kind: str) -> float:
        return lines(text, self.width, kind) * LINE_CM[kind] + AFTER_CM[kind]

    def table(self, table: Table) -> None:
        weights = table.weights
        total = sum(weights)
        widths = [self.width * w / total for w in weights]

        def height(texts: list[str]) -> float:
            tall = max(lines(t, w - 0.2, "cell") for t, w in zip(texts, widths, strict=True))
            return tall * LINE_CM["cell"] + AFTER_CM["cell"]

        head = height(list(table.headers)) + (height([""] * len(widths)) if table.bands else 0)
        rows = [height([c.text for c in r.cells]) for r in table.rows]
        if len(rows) <= KEEP_TOGETHER:
            self.place(CAPTION_CM + head + sum(rows))
        else:
            self.place(CAPTION_CM + head + rows[0])
            for row in rows[1:]:
                if self.used + row > self.height:
                    self.new_page()
                    self.used = head
                self.used += row
        for note in table.notes:
            self.place(self.text(note, "note"))

    def figure(self, figure: Figure) -> None:
        width = min(self.geometry.figure[self.landscape], self.width)
        notes = sum(self.text(note, "note") for note in figure.notes)
        left = self.height - self.used - self.waiting - CAPTION_CM - notes - SPARE_CM
        if self.used > 0 and left * 9 / 5 < width and left * 9 / 5 >= MIN_FIGURE_CM:
            width = left * 9 / 5
        self.figures.append(round(width, 1))
        self.place(CAPTION_CM + width * 5 / 9 + 0.3)
        for note in figure.notes:
            self.place(self.text(note, "note"))

    def chapter(self, chapter: Chapter) -> None:
        self.new_page(chapter.landscape)
        self.heading(1)
        for block in chapter.blocks:
            if isinstance(block, Heading):
                self.heading(block.level)
            elif isinstance(block, Paragraph):
                self.place(self.text(block.text, "note" if block.role == "note" else "body"))
            elif isinstance(block, Table):
                self.table(block)
            else:
                self.figure(block)
        self.place(0.0)


@dataclass(frozen=True)
class Layout:
    """The estimated page of each heading in the contents list, and each figure's width
    (cm), in order."""

    pages: list[int]
    figures: list[float]


def layout(paper: Paper, geometry: Geometry) -> Layout:
    """The paper's pages laid out in advance."""
    flow = _Flow(geometry)
    flow.new_page()
    entries = sum(1 + sum(isinstance(b, Heading) for b in c.blocks) for c in paper.chapters)
    flow.used = HEADING_CM[1]
    for _ in range(entries):
        flow.place(ENTRY_CM)
    for chapter in paper.chapters:
        flow.chapter(chapter)
    return Layout(flow.pages, flow.figures)
