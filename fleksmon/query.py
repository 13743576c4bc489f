"""The selection every command and library call shares, as one frozen value.

A :class:`Query` says which areas and period, from which data (a store as it
was at ``as_of``, or tidy rows given directly), from which source and with
which criteria table (own targets). It travels unchanged from the command line
through :mod:`fleksmon.api` and :mod:`fleksmon.report` into the results.

>>> from fleksmon.periods import parse_period
>>> q = Query(kommuner=["Viborg"], period=parse_period("2019M09"))
>>> q.kommuner, q.period.code(), q.source
(('Viborg',), '2019M09', 'auto')
>>> q.but(kommuner=["Thisted", "Viborg"]).kommuner
('Thisted', 'Viborg')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, TypedDict

from fleksmon.criteria import CRITERIA, Criterion, get_criterion
from fleksmon.errors import FleksmonError
from fleksmon.groups import expand
from fleksmon.periods import Period

if TYPE_CHECKING:
    import polars as pl
    from typing_extensions import Unpack

    from fleksmon.store import Store

SOURCES = ("auto", "aggregate", "person")
"""Where a criterion's counts come from: person-level data where the store has it
(``auto``), the downloaded aggregates, or person-level data only."""


@dataclass(frozen=True, eq=False)
class Query:
    """What to compute from: areas, period, data, as-of time, source and criteria.

    ``kommuner`` are names, aliases or codes as the user wrote them (empty: every
    area with data); ``period`` the months asked for (``None``: the report's
    default); ``frame`` tidy aggregate rows used instead of ``store``; ``as_of``
    reads the store as it was then; ``criteria`` the criteria table (the built-in
    one, or with own targets applied); ``groups`` the groups of kommuner by name (a
    targets file's ``[grupper]``); ``discretion`` hides counts below it (and what
    would reveal them) in every output, 0 for off; ``compare`` a group of ``groups``
    whose figure is shown beside the areas (see :mod:`fleksmon.comparison`).
    """

    kommuner: Sequence[str] = ()
    period: Period | None = None
    store: Store | None = None
    frame: pl.LazyFrame | pl.DataFrame | None = field(default=None, repr=False)
    as_of: dt.datetime | None = None
    source: str = "auto"
    criteria: Mapping[str, Criterion] = field(
        default_factory=lambda: MappingProxyType(CRITERIA), repr=False
    )
    discretion: int = 0
    groups: Mapping[str, Sequence[str]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    compare: str | None = None

    def __post_init__(self) -> None:
        names = (self.kommuner,) if isinstance(self.kommuner, str) else tuple(self.kommuner)
        object.__setattr__(self, "kommuner", names)
        check_discretion(self.discretion)
        check_source(self.source)

    def but(self, **changes: Unpack[QueryFields]) -> Query:
        """The same query with some fields changed."""
        return replace(self, **changes)

    def data_store(self) -> Store:
        """The store to read (``--store``, ``FLEKSMON_STORE`` or the default folder)."""
        from fleksmon.store import Store

        return self.store if self.store is not None else Store()

    def areas(self) -> tuple[str, ...]:
        """The areas asked for by canonical name, each group replaced by its kommuner, each
        area once (empty: every area with data); an unknown name is a one-line error."""
        return expand(self.kommuner, self.groups)[0]

    def criterion(self, key: str | Criterion) -> Criterion:
        """A criterion by ``K1``, ``1``, ``r2``… from this query's criteria table."""
        return key if isinstance(key, Criterion) else get_criterion(key, self.criteria)


def check_discretion(n: int) -> int:
    """``--discretion``: a count (0 is off)."""
    if n < 0:
        raise FleksmonError(
            f"--discretion {n} is not a count",
            "give the smallest count to show, e.g. --discretion 5 (0: off)",
        )
    return n


def check_source(source: str) -> str:
    """``--source``: one of :data:`SOURCES`."""
    if source not in SOURCES:
        raise FleksmonError(f"unknown source {source!r}", f"use one of {', '.join(SOURCES)}")
    return source


class QueryFields(TypedDict, total=False):
    """The fields of a :class:`Query` as keyword arguments (``fleksmon.gap(kommuner=…)``)."""

    kommuner: Sequence[str]
    period: Period | None
    store: Store | None
    frame: pl.LazyFrame | pl.DataFrame | None
    as_of: dt.datetime | None
    source: str
    criteria: Mapping[str, Criterion]
    discretion: int
    groups: Mapping[str, Sequence[str]]
    compare: str | None


def make_query(query: Query | None = None, **selection: Unpack[QueryFields]) -> Query:
    """``query`` (or an empty one) with the keyword fields applied."""
    base = query if query is not None else Query()
    return base.but(**selection) if selection else base
