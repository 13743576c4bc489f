"""The one terminal table: texts first, laid out for the window so no value is ever cut.

Every command that prints a table builds a :class:`Grid` (a key column — areas,
months, files — and value columns); :meth:`Grid.render` lays it out for the
terminal's width. Headers wrap at spaces; values are whole (texts marked as
wrapping break at spaces only); when the columns do not fit side by side they are
stacked in several tables, each starting with the key column. A table that fits
is one table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

_AFTER = re.compile(r"(?<=[/–])(?=.)")
"""A header also breaks after a slash or an en dash (``Virksomhedspraktik/`` ``løntilskud``,
``Aug.–`` ``Okt. 2019``)."""


def _words(text: str) -> int:
    """The longest word of a value (it breaks at spaces only)."""
    return max((len(w) for w in text.split()), default=0)


def _pieces(text: str) -> list[str]:
    """A header's unbreakable pieces: its words, split after ``/`` and ``–``."""
    return [piece for word in text.split() for piece in _AFTER.split(word)]


def wrap_header(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` (where its pieces allow), greedily,
    at spaces and after ``/`` and ``–``; its own line breaks kept.

    >>> print(wrap_header("Andel Aug.–Okt. 2019 Virksomhedspraktik/løntilskud", 10))
    Andel
    Aug.–Okt.
    2019
    Virksomhedspraktik/
    løntilskud
    """
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            for k, piece in enumerate(_AFTER.split(word)):
                joined = f"{line} {piece}" if k == 0 and line else line + piece
                if line and len(joined) > width:
                    lines.append(line)
                    line = piece
                else:
                    line = joined
        lines.append(line)
    return "\n".join(lines)


@dataclass
class Grid:
    """A table's texts before layout.

    ``left`` are the columns aligned left (the key column always; other columns are
    numbers, aligned right); ``wrap`` the columns whose cells may break at spaces
    (long labels); ``bold`` the rows printed in bold (totals); ``notes`` the lines
    under the table (``Anm.:``, ``Kilde:``).
    """

    title: str | None
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    sections: set[int] = field(default_factory=set)
    caption: str | None = None
    left: set[int] = field(default_factory=set)
    wrap: set[int] = field(default_factory=set)
    bold: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def add_row(self, cells: list[str], *, new_section: bool = False, bold: bool = False) -> None:
        """Append a row; ``new_section`` draws a line above it (Hele landet)."""
        if new_section and self.rows:
            self.sections.add(len(self.rows))
        if bold:
            self.bold.add(len(self.rows))
        self.rows.append(cells)

    def _cell_min(self, i: int, cell: str) -> int:
        return _words(cell) if i in self.wrap else len(cell)

    def min_widths(self) -> list[int]:
        """Each column's narrowest width: its longest value (word, where it wraps) and its
        header's longest word (the key column's header whole)."""
        widths = []
        for i, header in enumerate(self.headers):
            cells = max((self._cell_min(i, r[i]) for r in self.rows), default=0)
            head = max((len(p) for p in _pieces(header)), default=0)
            widths.append(max(head, cells, 1) if i else max(len(header), cells))
        return widths

    def natural_widths(self) -> list[int]:
        """Each column's width without wrapping: its longest header line or value."""
        return [
            max(max(len(line) for line in header.split("\n")), *(len(r[i]) for r in self.rows))
            for i, header in enumerate(self.headers)
        ]

    def chunks(self, width: int) -> list[list[int]]:
        """Value columns packed in order into tables that fit ``width`` (key column first)."""
        mins = self.min_widths()

        def fits(cols: list[int]) -> bool:
            return sum(mins[c] for c in cols) + 3 * len(cols) + 1 <= width

        out: list[list[int]] = [[0]]
        for col in range(1, len(self.headers)):
            if fits([*out[-1], col]) or len(out[-1]) == 1:
                out[-1].append(col)
            else:
                out.append([0, col])
        return out

    def fitted(self, cols: list[int], width: int) -> list[int]:
        """Widths of ``cols`` within ``width``: natural where there is room, else the
        widest columns narrowed first (headers wrap), never below a column's minimum."""
        mins, natural = self.min_widths(), self.natural_widths()
        widths = [natural[c] for c in cols]
        floor = [mins[c] for c in cols]
        excess = sum(widths) + 3 * len(cols) + 1 - width
        while excess > 0:
            slack = [(w, i) for i, w in enumerate(widths) if w > floor[i]]
            if not slack:
                break
            _, i = max(slack)
            widths[i] -= 1
            excess -= 1
        return widths

    def render(self, width: int) -> Group:
        """One table when it fits ``width``, else several stacked, with whole values;
        the notes below."""
        parts = self.chunks(width)
        out: list[RenderableType] = []
        for n, cols in enumerate(parts):
            table = Table(
                title=self.title if n == 0 else None,
                title_justify="left",
                caption=self.caption if n == len(parts) - 1 else None,
                caption_justify="left",
            )
            for c, w in zip(cols, self.fitted(cols, width), strict=True):
                table.add_column(
                    wrap_header(self.headers[c], w) if c else self.headers[c],
                    justify="left" if c == 0 or c in self.left else "right",
                    width=w,
                    overflow="fold",
                )
            for i, row in enumerate(self.rows):
                if i in self.sections:
                    table.add_section()
                table.add_row(*(row[c] for c in cols), style="bold" if i in self.bold else None)
            out.append(table)
        out += [Text(line, style="dim", overflow="fold") for line in self.notes]
        return Group(*out)
