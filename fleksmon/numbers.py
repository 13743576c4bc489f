"""Danish number and missing-marker parsing.

Danish extracts write ``1.227`` for one thousand two hundred and twenty-seven,
``83,5`` for 83.5 and ``84 %`` or ``84 pct.`` for a share; ``-``, ``..``, ``.``,
``x`` and the empty cell mean *missing* (suppressed or unknown), never zero.
Columns are read as text and parsed here, explicitly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

MISSING_MARKERS: tuple[str, ...] = ("", "-", "–", "..", ".", "x", "X", "NA", "n/a")

_PCT = r"\s*(%|pct\.?|procent)\s*$"
_THOUSANDS_DOT = r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"
_PLAIN_COMMA = r"^[+-]?\d+,\d+$"
_PLAIN_DOT = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_THOUSANDS_SPACE = r"^[+-]?\d{1,3}( \d{3})+(,\d+)?$"


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


def number_expr(col: pl.Expr) -> pl.Expr:
    """Parse a text column of Danish numbers into Float64; missing markers and junk → null.

    Pair it with :func:`bad_number_expr` to refuse junk instead of dropping it.
    """
    s = _clean(col).str.replace(_PCT, "").str.strip_chars()
    thousands_dot = s.str.replace_all(r"\.", "").str.replace(",", ".")
    thousands_space = s.str.replace_all(" ", "").str.replace(",", ".")
    return (
        pl.when(is_missing_expr(col))
        .then(None)
        .when(s.str.contains(_THOUSANDS_DOT))
        .then(thousands_dot)
        .when(s.str.contains(_THOUSANDS_SPACE))
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


def format_int(x: float) -> str:
    """A whole number with Danish thousands separators: ``1227 → '1.227'``."""
    return f"{round_half_away(x):,.0f}".replace(",", ".")


def format_number(x: float, decimals: int = 1) -> str:
    """A number with Danish separators: ``1227.25 → '1.227,3'`` (one decimal)."""
    text = f"{round_half_away(x, decimals):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
