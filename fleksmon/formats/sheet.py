"""What every tabular parser hands over: a :class:`Sheet` of text cells, its header found.

A parser (CSV, workbook, JSON) finds the header row with :func:`find_header`,
given the folded names a header row holds, and returns the rows above and
including it (``top``) and the body below it as text columns ``c0..cN``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import polars as pl

SCAN_ROWS = 60
"""Rows searched for the header row."""


def fold_label(text: str) -> str:
    """Fold a header or label for matching: lower case, æøå spelled out, punctuation as space."""
    t = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w%≥>=<]+", " ", t).split())


def find_header(
    rows: Sequence[Sequence[str | None]], names: Collection[str], least: int = 1
) -> int | None:
    """Index of the first row with at least ``least`` cells named like one of ``names``
    (folded, see :func:`fold_label`)."""
    for i, row in enumerate(rows[:SCAN_ROWS]):
        if sum(1 for cell in row if cell and fold_label(str(cell)) in names) >= least:
            return i
    return None


@dataclass
class Sheet:
    """A table as read from a file, before its layout is known.

    ``top`` holds the rows from the top of the file down to and including the
    header row (as text); ``body`` the rows below it as text columns ``c0..cN``;
    ``first_line`` is the row number (as the user sees it) of the body's first row;
    ``lines``, where given, the row number of every body row (rows spanning lines,
    skipped lines); ``ragged`` marks a body whose null cells are cells missing at the
    end of a short row (CSV), not empty cells; ``fill_down`` whether an empty area or
    period cell is a merged cell to fill from above (never in an API answer);
    ``warnings`` what the parser has to say about the choice of sheet.
    """

    name: str
    top: list[list[str | None]]
    body: pl.DataFrame
    first_line: int
    table: str | None = None
    lines: list[int] | None = None
    ragged: bool = False
    fill_down: bool = True
    warnings: list[str] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        """The header row's cells as text (empty where blank), one per body column."""
        cells = [("" if c is None else str(c).strip()) for c in self.top[-1]] if self.top else []
        width = self.body.width
        return (cells + [""] * width)[:width]


def exact_text(numbers: pl.Expr) -> pl.Expr:
    """Numbers (Excel cells, JSON) as Danish text: ``1.206`` → ``'1,2060'``.

    A number is exact, so exactly three decimals get a fourth zero: the text
    cannot be taken for English thousands (``1,206``) by the plausibility check.
    """
    text = numbers.cast(pl.String).str.replace(".", ",", literal=True)
    return pl.when(text.str.contains(r",\d{3}$")).then(text + "0").otherwise(text)
