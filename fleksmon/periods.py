"""Months, quarters and ranges: parsing the forms analysts write, printing two forms.

A month is held as an integer index ``year * 12 + (month - 1)`` so that month
arithmetic is plain integer arithmetic; :class:`Period` is an inclusive range of
months (a single month has ``start == end``).

**Period kinds.** Jobindsats publishes a table by one or more kinds of period; a
stored value keeps only its span (first and last month), and its kind follows from
the span (:func:`span_kind`):

======= ============================= ============================================
kind    Jobindsats codes              span
======= ============================= ============================================
month   ``2024M01``                   one month
quarter ``2024Q02``, ``2024Q2``       three months from January, April, July or
        (``2024K2``)                  October
year    ``2024Y01`` (``2024``)        January–December
mat     ``2020QMAT02``, ``2020MMAT06`` a moving annual total ("løbende år"): the 12
                                      months up to the end of the quarter
                                      (2019M07..2020M06) or the month named
ytd     ``2024MYTD05``, ``2024QYTD02`` year to date: January up to the end of the
                                      month (2024M01..2024M05) or quarter named
======= ============================= ============================================

A span from January over one month or a quarter's three months is that month or
quarter (a year to date that far is the same months, so the same figure), and a
moving annual total ending in December is the calendar year. A measure compared
with itself over periods (own measures in ``gap``, ``compute``, ``noegletal``)
follows the periods of one kind, each keyed by its last month; K1–K3 need months,
the Jobcenteroverblik quarters. ``MYTD`` without a year and month names no span
and is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

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


PERIOD_KINDS: dict[str, str] = {
    "month": "months",
    "quarter": "quarters",
    "year": "years",
    "mat": "moving annual totals",
    "ytd": "years to date",
    "span": "other spans of months",
}
"""Each period kind and how messages name it (plural)."""


def span_kind(start: int, end: int) -> str:
    """The kind of a span of months (see the module's table).

    >>> span_kind(24240, 24240), span_kind(24243, 24245), span_kind(24234, 24245)
    ('month', 'quarter', 'mat')
    >>> span_kind(24240, 24251), span_kind(24240, 24244), span_kind(24241, 24243)
    ('year', 'ytd', 'span')
    """
    n = end - start + 1
    if n == 1:
        return "month"
    if n == 3 and start % 3 == 0:
        return "quarter"
    if n == 12:
        return "year" if start % 12 == 0 else "mat"
    if start % 12 == 0 and 1 < n < 12:
        return "ytd"
    return "span"


def span_code(start: int, end: int, kind: str = "") -> str:
    """A span in the code Jobindsats gives its kind (``kind``, else :func:`span_kind`):
    ``2024M01``, ``2024Q2``, ``2024Y01``, ``2020QMAT02`` (``2020MMAT05`` when not ending a
    quarter), ``2024MYTD05``; another span as a range (``2019M09..2019M11``).

    >>> span_code(24234, 24245), span_code(24240, 24244), span_code(24243, 24245)
    ('2020QMAT02', '2020MYTD05', '2020Q2')
    >>> span_code(24240, 24251, "mat"), span_code(24240, 24242, "ytd")
    ('2020QMAT04', '2020MYTD03')
    """
    kind, year, month = kind or span_kind(start, end), end // 12, end % 12 + 1
    if kind == "month":
        return month_code(end)
    if kind == "quarter":
        return f"{year}Q{month // 3}"
    if kind == "year":
        return f"{year}Y01"
    if kind == "mat":
        return f"{year}QMAT{month // 3:02d}" if month % 3 == 0 else f"{year}MMAT{month:02d}"
    if kind == "ytd":
        return f"{year}MYTD{month:02d}"
    return f"{month_code(start)}..{month_code(end)}"


def span_human(start: int, end: int, kind: str = "") -> str:
    """A span for tables: ``Nov. 2019``, ``2. kvt. 2020``, ``2020``, ``Løbende år til
    2. kvt. 2020`` (``… til Maj 2020``), ``Jan.–Maj 2024``.

    >>> span_human(24234, 24245), span_human(24240, 24244)
    ('Løbende år til 2. kvt. 2020', 'Jan.–Maj 2020')
    """
    kind, year, month = kind or span_kind(start, end), end // 12, end % 12 + 1
    if kind == "quarter":
        return f"{month // 3}. kvt. {year}"
    if kind == "year":
        return str(year)
    if kind == "mat":
        last = f"{month // 3}. kvt. {year}" if month % 3 == 0 else month_human(end)
        return f"Løbende år til {last}"
    return Period(start, end).human()


def in_series(kind: str, start: int, end: int) -> bool:
    """True when a span belongs to a series of ``kind``: a series of moving annual totals
    holds every 12-month span (the one ending in December is the calendar year), a year
    to date every span from January (one month, a quarter, the year included).

    >>> in_series("mat", 24240, 24251), in_series("ytd", 24240, 24242)
    (True, True)
    """
    n = end - start + 1
    if kind == "mat":
        return n == 12
    if kind == "ytd":
        return start % 12 == 0
    return span_kind(start, end) == kind


def series_kind(spans: list[tuple[int, int]]) -> str:
    """The kind of series some stored spans form: years to date where they hold one
    (from January, more than a month and not a quarter) and every month or quarter among
    them starts the year; else the first of months, quarters, moving annual totals and
    years they hold.

    >>> series_kind([(24240, 24240), (24240, 24241), (24240, 24242)])
    'ytd'
    >>> series_kind([(24234, 24245), (24240, 24251)]), series_kind([(24240, 24240)])
    ('mat', 'month')
    """
    kinds = {span_kind(*s) for s in spans}
    starts_year = all(a % 12 == 0 for a, b in spans if span_kind(a, b) in ("month", "quarter"))
    if "ytd" in kinds and starts_year:
        return "ytd"
    return next((k for k in ("month", "quarter", "mat", "year") if k in kinds), "month")


def spans_text(spans: list[tuple[int, int]]) -> str:
    """Stored spans, first to last of each kind: ``2019M09..2019M11`` for months,
    ``2024Q2 (quarters)``, ``2020QMAT01..2020QMAT04 (moving annual totals)``; the spans
    of a series of moving annual totals or years to date named as such (``2024MYTD01``,
    not ``2024M01``); several kinds joined by ``; ``.

    >>> spans_text([(24234, 24245), (24240, 24251)]), spans_text([(24240, 24240)])
    ('2020QMAT02..2020QMAT04 (moving annual totals)', '2020M01')
    >>> spans_text([(24240, 24240), (24240, 24241)])
    '2020MYTD01..2020MYTD02 (years to date)'
    """
    if not spans:
        return "none"
    series = series_kind(spans)
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for span in sorted(spans, key=lambda s: (s[1], s[0])):
        kind = series if in_series(series, *span) else span_kind(*span)
        by_kind.setdefault(kind, []).append(span)
    parts = []
    for kind in PERIOD_KINDS:
        found = by_kind.get(kind)
        if not found:
            continue
        first, last = span_code(*found[0], kind), span_code(*found[-1], kind)
        text = first if first == last else f"{first}..{last}"
        parts.append(text if kind == "month" else f"{text} ({PERIOD_KINDS[kind]})")
    return "; ".join(parts)


def span_ending(kind: str, end: int) -> Period:
    """The period of ``kind`` that ends with month ``end`` (a series is keyed by its
    periods' last months).

    >>> span_ending("mat", 24245).code(), span_ending("ytd", 24244).code()
    ('2020QMAT02', '2020MYTD05')
    """
    first = {"quarter": end - 2, "year": end - 11, "mat": end - 11, "ytd": end - end % 12}
    return Period(first.get(kind, end), end, "" if kind == "month" else kind)


def covered(periods: Sequence[Period]) -> str:
    """The periods a table covers, for its period line: ``Mar.–Sep. 2019`` for months;
    periods of a kind first to last (``Løbende år til 1. kvt. 2020 – Løbende år til
    2. kvt. 2020``).

    >>> covered([span_ending("mat", 24242), span_ending("mat", 24245)])
    'Løbende år til 1. kvt. 2020 – Løbende år til 2. kvt. 2020'
    """
    first, last = periods[0], periods[-1]
    if not first.kind:
        return Period(first.start, last.end).human()
    return first.human() if first == last else f"{first.human()} – {last.human()}"


_KIND_CODE = re.compile(r"^(\d{4})\s*([mq])\s*(mat|ytd)\s*(\d{1,2})$")


def _kind_code(text: str) -> Period | None:
    """A moving annual total or year to date code (``2020QMAT02``, ``2024MYTD05``)."""
    mo = _KIND_CODE.match(text)
    if mo is None:
        return None
    year, unit, kind, number = int(mo.group(1)), mo.group(2), mo.group(3), int(mo.group(4))
    if not 1 <= number <= (4 if unit == "q" else 12):
        return None
    end = month_index(year, 3 * number if unit == "q" else number)
    return Period(end - 11 if kind == "mat" else year * 12, end, kind)


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive range of months; ``kind`` (one of :data:`PERIOD_KINDS`) makes
    :meth:`code` and :meth:`human` name it as its kind (``2020QMAT02``)."""

    start: int
    end: int
    kind: str = field(default="", compare=False)

    @property
    def months(self) -> list[int]:
        """Every month index in the range, oldest first."""
        return list(range(self.start, self.end + 1))

    def __len__(self) -> int:
        return self.end - self.start + 1

    def code(self) -> str:
        """``2019M11`` for a month, ``2019M09..2019M11`` for a range (``2020QMAT02`` and
        the like for a period of a kind, see :func:`span_code`)."""
        if self.kind:
            return span_code(self.start, self.end, self.kind)
        if self.start == self.end:
            return month_code(self.start)
        return f"{month_code(self.start)}..{month_code(self.end)}"

    def human(self) -> str:
        """``Nov. 2019`` or ``Sep.–Nov. 2019`` for tables (see :func:`span_human` for a
        period of a kind)."""
        if self.kind and self.kind != "ytd":
            return span_human(self.start, self.end, self.kind)
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
    coded = _kind_code(t)
    if coded is not None:
        return coded
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
    ``2019``, ``2019Y01``; a moving annual total ``2020QMAT02`` (``2020MMAT06``) or a
    year to date ``2024MYTD05`` (``2024QYTD02``) as its span; ranges ``2019M09..2019M11``.

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
