"""The one rule for "the latest period", used when no ``--period`` is given.

A monthly criterion's latest period is the newest month (K2: the rolling window
ending in it) in which the criterion's own data holds a value for any area, so every
area is answered for the same month; an area whose data ends earlier is a row with a
note naming its own latest month. R1/R2 take the newest calendar quarter whose three
months all hold data: never a baseline period the data does not reach, never a month
of other data; a partial quarter only when asked for with ``--period`` (and said).
The Nøgletal view keeps the reports' one-month delay: each measure ends one month
before the month this rule picks (the newest month is still provisional).

>>> from fleksmon.periods import month_code, parse_period
>>> month_code(latest_month([parse_period("2019M11").end, parse_period("2019M12").end]))
'2019M12'
>>> latest_quarter(parse_period("2019M02..2020M01").months).code()
'2019M10..2019M12'
>>> latest_quarter(parse_period("2019M11..2020M01").months) is None
True
>>> month_code(delayed(parse_period("2019M12").end))
'2019M11'
"""

from __future__ import annotations

from collections.abc import Iterable

from fleksmon.periods import Period

DELAY = 1
"""Nøgletal: "I alle målinger anvendes data med én måneds forsinkelse"."""


def latest_month(months: Iterable[int]) -> int | None:
    """The newest of the months that hold a value (``None`` without any)."""
    return max(months, default=None)


def is_quarter(period: Period) -> bool:
    """True for a calendar quarter (``2019K4``)."""
    return len(period) == 3 and period.start % 3 == 0


def latest_quarter(months: Iterable[int]) -> Period | None:
    """The newest calendar quarter whose three months are all among ``months``."""
    held = set(months)
    whole = [m for m in held if m % 3 == 2 and {m - 2, m - 1} <= held]
    return Period(max(whole) - 2, max(whole)) if whole else None


def latest_span(spans: Iterable[tuple[int, int]]) -> Period | None:
    """The newest whole calendar quarter among the periods (first, last month) a
    whole-period count is given for (``None`` when none is a quarter)."""
    quarters = [Period(*span) for span in spans if is_quarter(Period(*span))]
    return max(quarters, key=lambda p: p.end, default=None)


def delayed(month: int) -> int:
    """The month Nøgletal ends at when the rule picks ``month``."""
    return month - DELAY
