"""Months, quarters and ranges: parsing the forms analysts write, printing two forms.

A month is held as an integer index ``year * 12 + (month - 1)`` so that month
arithmetic is plain integer arithmetic; :class:`Period` is an inclusive range of
months (a single month has ``start == end``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from fleksmon.errors import FleksmonError, shown

_MONTH_NAMES: dict[str, int] = {}
for _i, _names in enumerate(
    [
        ("jan", "januar", "january"),
        ("feb", "februar", "february"),
        ("mar", "mrt", "marts", "march"),
        ("apr", "april"),
        ("maj", "may"),
        ("jun", "juni", "june"),
        ("jul", "juli", "july"),
        ("aug", "august"),
        ("sep", "sept", "september"),
        ("okt", "oct", "oktober", "october"),
        ("nov", "november"),
        ("dec", "december"),
    ],
    start=1,
):
    for _n in _names:
        _MONTH_NAMES[_n] = _i

HUMAN_MONTHS = (
    "Jan.", "Feb.", "Mar.", "Apr.", "Maj", "Jun.",
    "Jul.", "Aug.", "Sep.", "Okt.", "Nov.", "Dec.",
)  # fmt: skip


def month_index(year: int, month: int) -> int:
    """The integer index of a calendar month."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    return year * 12 + month - 1


def month_code(m: int) -> str:
    """``2019M11`` form of a month index."""
    return f"{m // 12}M{m % 12 + 1:02d}"


def month_human(m: int) -> str:
    """``Nov. 2019`` form of a month index, as in the report tables."""
    return f"{HUMAN_MONTHS[m % 12]} {m // 12}"


def month_date(m: int) -> dt.date:
    """The first day of a month index."""
    return dt.date(m // 12, m % 12 + 1, 1)


def month_of_date(d: dt.date) -> int:
    """The month index a date falls in."""
    return month_index(d.year, d.month)


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive range of months."""

    start: int
    end: int

    @property
    def months(self) -> list[int]:
        """Every month index in the range, oldest first."""
        return list(range(self.start, self.end + 1))

    def __len__(self) -> int:
        return self.end - self.start + 1

    def code(self) -> str:
        """``2019M11`` for a month, ``2019M09..2019M11`` for a range."""
        if self.start == self.end:
            return month_code(self.start)
        return f"{month_code(self.start)}..{month_code(self.end)}"

    def human(self) -> str:
        """``Nov. 2019`` or ``Sep.–Nov. 2019`` for tables."""
        if self.start == self.end:
            return month_human(self.start)
        if self.start // 12 == self.end // 12:
            return f"{HUMAN_MONTHS[self.start % 12]}–{month_human(self.end)}"
        return f"{month_human(self.start)}–{month_human(self.end)}"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


_MONTH_FORMS = [
    (re.compile(r"^(\d{4})\s*m\s*(\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t].*)?$"), "ymd"),
    (re.compile(r"^(\d{1,2})[-/.](\d{4})$"), "my"),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), "dmy"),
    (re.compile(r"^(\d{4})(\d{2})$"), "ym"),
]
_QUARTER = re.compile(r"^(\d{4})\s*(?:k|q|kvt\.?|kvartal)\s*0?([1-4])$")
_QUARTER_WORDS = re.compile(r"^([1-4])\.?\s*(?:kvt\.?|kvartal|k|q)\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})(?:y0?1)?$")
_NAMED = re.compile(r"^([a-zæøå]+)\.?[\s\-]*(\d{4})$")
_NAMED_SHORT_YEAR = re.compile(r"^([a-zæøå]+)\.?[\s\-]+(\d{2})$")


def _parse_single(text: str) -> Period | None:
    t = _fold(text)
    for rx, form in _MONTH_FORMS:
        mo = rx.match(t)
        if mo:
            g = [int(x) for x in mo.groups()[:3] if x is not None]
            try:
                if form == "ym":
                    m = month_index(g[0], g[1])
                elif form == "ymd":
                    dt.date(g[0], g[1], g[2])
                    m = month_index(g[0], g[1])
                elif form == "my":
                    m = month_index(g[1], g[0])
                else:
                    dt.date(g[2], g[1], g[0])
                    m = month_index(g[2], g[1])
            except ValueError:
                return None
            return Period(m, m)
    mo = _QUARTER.match(t) or None
    if mo:
        y, q = int(mo.group(1)), int(mo.group(2))
        return Period(month_index(y, 3 * q - 2), month_index(y, 3 * q))
    mo = _QUARTER_WORDS.match(t)
    if mo:
        q, y = int(mo.group(1)), int(mo.group(2))
        return Period(month_index(y, 3 * q - 2), month_index(y, 3 * q))
    mo = _YEAR.match(t)
    if mo:
        y = int(mo.group(1))
        return Period(month_index(y, 1), month_index(y, 12))
    mo = _NAMED.match(t) or _NAMED_SHORT_YEAR.match(t)
    if mo and mo.group(1) in _MONTH_NAMES:
        y = int(mo.group(2))
        y = y + 2000 if y < 100 else y
        m = month_index(y, _MONTH_NAMES[mo.group(1)])
        return Period(m, m)
    return None


def try_parse_period(text: str) -> Period | None:
    """Parse a period or return ``None``; see :func:`parse_period` for the forms."""
    t = text.strip()
    if ".." in t:
        left, _, right = t.partition("..")
        a, b = _parse_single(left), _parse_single(right)
        if a is None or b is None or b.end < a.start:
            return None
        return Period(a.start, b.end)
    single = _parse_single(t)
    if single is not None:
        return single
    mo = re.match(r"^(\d{4}\s*[mMkKqQ]\s*\d{1,2})\s*[-–/]\s*(\d{4}\s*[mMkKqQ]\s*\d{1,2})$", t)
    if mo:
        return try_parse_period(f"{mo.group(1)}..{mo.group(2)}")
    return None


def parse_period(text: str) -> Period:
    """Parse a month, quarter or range as analysts write it.

    Months: ``2019M11``, ``2019-11``, ``11-2019``, ``nov 2019``, ``Nov. 2019``,
    ``november 2019``; quarters ``2018K3``, ``2018Q3``, ``2024Q02``; a year
    ``2019``; ranges ``2019M09..2019M11``.

    >>> parse_period("Nov. 2019").code(), parse_period("2018K3").code()
    ('2019M11', '2018M07..2018M09')
    """
    period = try_parse_period(text)
    if period is None:
        raise FleksmonError(
            f"unknown period {shown(text)}"
            if shown(text).startswith("'")
            else f"not a period: {shown(text)}",
            "write a month as 2019M11, 2019-11 or 'nov 2019', a quarter as 2018K3, "
            "or a range as 2019M09..2019M11",
        )
    return period
