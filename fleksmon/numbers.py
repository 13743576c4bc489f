"""Danish number and missing-marker parsing.

Danish extracts write ``1.227`` for one thousand two hundred and twenty-seven,
``83,5`` for 83.5 and ``84 %`` or ``84 pct.`` for a share; ``-``, ``..``, ``.``,
``x`` and the empty cell mean *missing* (suppressed or unknown), never zero.
Columns are read as text and parsed here, explicitly.

A dot before exactly three digits is a thousands separator only after a first
group of one to three digits that does not start with 0 (``1.227``,
``12.000.000``). ``0.125``, ``00.125`` and ``1234.567`` are no thousands: they
are decimals in a file that writes decimals with a point, and refused in any
other file (:func:`undecided_dot_expr`, :func:`decimal_point_expr`,
:func:`decimal_comma_expr` give the readers what they need to decide).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

MISSING_MARKERS: tuple[str, ...] = ("", "-", "–", "..", ".", "x", "X", "NA", "n/a")

_PCT = r"\s*(%|pct\.?|procent)\s*$"
THOUSANDS_DOT = r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$"
"""Thousands with a dot (``1.227``, ``1.227,5``): a first group of 1–3 digits, never 0…."""
THOUSANDS_SPACE = r"^[+-]?[1-9]\d{0,2}( \d{3})+(,\d+)?$"
ENGLISH_THOUSANDS = r"^[+-]?[1-9]\d{0,2}(,\d{3})+$"
"""``2,108``: English thousands or a Danish decimal, decided by the rest of the file."""
DOT_THREE = r"^[+-]?\d*\.\d{3}$"
"""A dot before exactly three digits: thousands where :data:`THOUSANDS_DOT` holds."""
DECIMAL_POINT = r"^[+-]?\d*\.(\d{1,2}|\d{4,})$"
"""A decimal point: a dot not before a group of three digits (``2.5``, ``0.1250``)."""
DECIMAL_COMMA = r"^[+-]?[\d.]*\d,\d+$"
"""A decimal comma (``83,5``, ``1.227,5``; ``2,108`` only where it is not English thousands)."""
_PLAIN_COMMA = r"^[+-]?\d+,\d+$"
_PLAIN_DOT = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def _clean(col: pl.Expr) -> pl.Expr:
    return (
        col.cast(pl.String)
        .str.replace_all("[\u00a0\u2009\u202f]", " ")
        .str.replace_all("\u2212", "-")
        .str.strip_chars()
    )


def is_missing_expr(col: pl.Expr) -> pl.Expr:
    """True where a raw text cell is a missing marker (or null)."""
    cleaned = _clean(col)
    return cleaned.is_null() | cleaned.is_in(list(MISSING_MARKERS))


def number_body(col: pl.Expr) -> pl.Expr:
    """The number part of a text cell: cleaned, without a trailing percent sign."""
    return _clean(col).str.replace(_PCT, "").str.strip_chars()


def undecided_dot_expr(col: pl.Expr) -> pl.Expr:
    """True where a dot before three digits cannot be thousands (``0.125``, ``00.125``,
    ``0.600``, ``1234.567``): read as a decimal, which only a file that writes
    decimals with a point (:func:`decimal_point_expr`, never
    :func:`decimal_comma_expr`) allows."""
    s = number_body(col)
    return s.str.contains(DOT_THREE) & ~s.str.contains(THOUSANDS_DOT)


def decimal_point_expr(col: pl.Expr) -> pl.Expr:
    """True where a cell writes a decimal point (``2.5``, ``0.25 %``, ``7.1250``)."""
    return number_body(col).str.contains(DECIMAL_POINT)


def decimal_comma_expr(col: pl.Expr) -> pl.Expr:
    """True where a cell writes a decimal comma (``83,5``, ``1.227,5``, not ``2,108``)."""
    s = number_body(col)
    return s.str.contains(DECIMAL_COMMA) & ~s.str.contains(ENGLISH_THOUSANDS)


def not_thousands(text: str) -> str:
    """Why a number with a dot before three digits is not thousands, for messages.

    >>> not_thousands("0.125"), not_thousands("1234.567")
    ('its first group starts with 0', 'its first group has more than three digits')
    """
    first = text.strip().lstrip("+-").split(".")[0]
    if first.startswith("0"):
        return "its first group starts with 0"
    return "its first group has more than three digits" if first else "it has no first group"


@dataclass
class DecimalMarks:
    """What the number cells of one file say about its decimal mark, gathered part by part
    (a file read in chunks adds each chunk): a decimal point seen, the first row with a
    decimal comma, and the first ``0.125`` (row, column) that only a point file allows."""

    point: bool = False
    comma_row: int | None = None
    undecided: tuple[int, str] | None = None

    def add(self, frame: pl.DataFrame, columns: Sequence[str], row: str) -> None:
        """Add the text cells of ``columns`` (row numbers in column ``row``)."""
        for name in columns:
            cells = frame.get_column(name).cast(pl.String)
            distinct = pl.DataFrame({name: cells.unique()})  # each text looked at once
            col = pl.col(name)
            marks = distinct.select(
                point=decimal_point_expr(col).any(),
                comma=col.filter(decimal_comma_expr(col)).implode(),
                undecided=col.filter(undecided_dot_expr(col)).implode(),
            ).row(0, named=True)
            found = {"point": marks["point"]}
            for mark in ("comma", "undecided"):
                where = cells.is_in(pl.Series(marks[mark], dtype=pl.String).implode())
                found[mark] = frame.get_column(row).filter(where).min() if marks[mark] else None
            self.point = self.point or bool(found["point"])
            comma = found["comma"]
            if comma is not None and (self.comma_row is None or comma < self.comma_row):
                self.comma_row = int(comma)
            at = found["undecided"]
            if at is not None and (self.undecided is None or at < self.undecided[0]):
                self.undecided = (int(at), name)

    def refused(self) -> str | None:
        """Why the first ``0.125`` cannot be read (``None`` when it can, or there is none)."""
        if self.undecided is None:
            return None
        if self.comma_row is not None:
            return f"the file writes decimals with a comma (row {self.comma_row})"
        return None if self.point else "no number in the file has a decimal point"


def number_expr(col: pl.Expr) -> pl.Expr:
    """Parse a text column of Danish numbers into Float64; missing markers and junk → null.

    Pair it with :func:`bad_number_expr` to refuse junk instead of dropping it, and
    with :func:`undecided_dot_expr` to refuse ``0.125`` where the file does not
    write decimals with a point (it is read here as the decimal 0,125).
    """
    s = number_body(col)
    thousands_dot = s.str.replace_all(r"\.", "").str.replace(",", ".")
    thousands_space = s.str.replace_all(" ", "").str.replace(",", ".")
    return (
        pl.when(is_missing_expr(col))
        .then(None)
        .when(s.str.contains(THOUSANDS_DOT))
        .then(thousands_dot)
        .when(s.str.contains(THOUSANDS_SPACE))
        .then(thousands_space)
        .when(s.str.contains(_PLAIN_COMMA))
        .then(s.str.replace(",", "."))
        .when(s.str.contains(_PLAIN_DOT))
        .then(s)
        .otherwise(None)
        .cast(pl.Float64, strict=False)
    )


def bad_number_expr(col: pl.Expr) -> pl.Expr:
    """True where a cell holds text that is neither a number nor a missing marker."""
    return ~is_missing_expr(col) & number_expr(col).is_null()


def parse_number(text: str | float | int | None) -> float | None:
    """Parse one Danish-formatted value; ``None`` for a missing marker.

    >>> parse_number("1.227"), parse_number("83,5 %"), parse_number("-")
    (1227.0, 83.5, None)
    """
    if text is None:
        return None
    if isinstance(text, int | float):
        return float(text)
    value = pl.select(number_expr(pl.lit(text, dtype=pl.String))).item()
    if value is None and not pl.select(is_missing_expr(pl.lit(text, dtype=pl.String))).item():
        raise ValueError(f"not a number: {text!r}")
    return None if value is None else float(value)


def round_half_away(x: float, digits: int = 0) -> float:
    """Round half away from zero (``2.5 → 3``, ``-2.5 → -3``), as the reports do.

    Rounds the shortest decimal that names ``x`` (its ``repr``), not its binary
    value: a share computed as one division of exact counts is the float nearest
    to the true ratio, so a tie such as 24,35 % (stored as 24.350000000000001…)
    or 0,285 is decided as a tie, and a value just below a tie stays below it.
    A small negative value keeps its sign (−0,03 → −0,0: the reports print a fall so).

    >>> round_half_away(2.5), round_half_away(0.125, 2), round_half_away(-1.5)
    (3.0, 0.13, -2.0)
    >>> round_half_away(24.25, 1), round_half_away(24.35, 1), round_half_away(88.5)
    (24.3, 24.4, 89.0)
    >>> format_number(-0.03), format_number(0.0), format_number(-0.0)
    ('-0,0', '0,0', '0,0')
    """
    step = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(x) + 0.0)).quantize(step, rounding=ROUND_HALF_UP))


def fraction(pct: float) -> float:
    """A percent as the fraction a sheet's percent format shows, the float nearest to the
    decimal as written: ``2.9 → 0.029`` (``2.9 / 100`` is 0.028999999999999998).

    >>> fraction(2.9), fraction(87.9), fraction(-0.06)
    (0.029, 0.879, -0.0006)
    """
    return float(Decimal(repr(float(pct))).scaleb(-2))


def format_int(x: float) -> str:
    """A whole number with Danish thousands separators: ``1227 → '1.227'``."""
    return f"{round_half_away(x):,.0f}".replace(",", ".")


def format_number(x: float, decimals: int = 1) -> str:
    """A number with Danish separators: ``1227.25 → '1.227,3'`` (one decimal)."""
    text = f"{round_half_away(x, decimals):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
