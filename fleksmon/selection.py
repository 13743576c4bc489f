"""The selection: what a question asks for, resolved once, before any data is read.

Every command that shows figures takes the same options
(:func:`fleksmon.cli.options.selection_options`) and turns them into one
:class:`Selection` with :func:`resolve`: the areas and ``[grupper]`` groups named
(kommuner, regions and Hele landet by their canonical names), the criteria with the
targets file's own targets, the period, the source, the as-of time, the discretion
and the store folder. An unknown kommune, group, criterion or period, a bad
``--as-of`` or ``--discretion``, or a broken targets file fails here, in one line:
the store is not opened. What comes after reads the resolved value.

>>> sel = resolve(kommuner=["viborg", "Århus", "751"], criteria=["1"], period="nov 2019")
>>> sel.names, sel.criteria, sel.period.code()
(('Viborg', 'Aarhus'), ('K1',), '2019M11')
>>> resolve(kommuner=["Vibrog"], store=Path("/nowhere"))
Traceback (most recent call last):
fleksmon.errors.FleksmonError: unknown kommune 'Vibrog'

A later question extends the value with fields of its own (a person group, a
comparison group): :meth:`Selection.but` keeps the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fleksmon.criteria import CRITERIA, Criterion, get_criterion
from fleksmon.groups import Groups, check_compare, expand, resolve_names
from fleksmon.periods import Period, parse_period
from fleksmon.query import Query, check_discretion, check_source


@dataclass(frozen=True)
class Selection:
    """One question's selection, resolved.

    ``names`` are the areas and groups asked for, in the order asked, each once: an
    area by its canonical name (``Viborg``, ``Region Nordjylland``, ``Hele landet``),
    a group by its name in the targets file (empty: every area with data);
    ``criteria`` the criterion ids asked for (empty: every criterion the store has
    data for), looked up in ``table`` (the built-in criteria with the targets file's
    own targets and measures); ``groups`` the targets file's ``[grupper]`` (name →
    kommuner); ``compare`` the group whose figure is shown beside the areas
    (``--compare``); ``period`` the months asked for (``None``: the latest period, see
    :mod:`fleksmon.api`); ``as_of`` the store state asked for and ``as_of_text`` how
    it was written; ``store`` the folder (``None``: ``FLEKSMON_STORE`` or the
    default), not opened here.
    """

    names: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    period: Period | None = None
    source: str = "auto"
    as_of: dt.datetime | None = None
    as_of_text: str | None = None
    discretion: int = 0
    store: Path | None = None
    table: Mapping[str, Criterion] = field(
        default_factory=lambda: MappingProxyType(CRITERIA), repr=False
    )
    groups: Groups = field(default_factory=lambda: MappingProxyType({}), repr=False)
    compare: str | None = None

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas asked for, each group replaced by its kommuner, each area once."""
        return expand(self.names, self.groups)[0]

    def criterion(self, key: str) -> Criterion:
        """A criterion of this selection's table by ``K1``, ``1``, ``r2``…"""
        return get_criterion(key, self.table)

    def but(self, **changes: Any) -> Selection:
        """The same selection with some fields changed."""
        return replace(self, **changes)

    def query(self) -> Query:
        """The selection as the library's :class:`~fleksmon.query.Query` (the store
        named, not opened)."""
        from fleksmon.store import Store

        return Query(
            kommuner=self.names,
            period=self.period,
            store=Store(self.store),
            as_of=self.as_of,
            source=self.source,
            criteria=self.table,
            groups=self.groups,
            discretion=self.discretion,
            compare=self.compare,
        )


def resolve(
    *,
    kommuner: Sequence[str] | None = None,
    criteria: Sequence[str] | None = None,
    period: str | Period | None = None,
    source: str = "auto",
    as_of: str | None = None,
    discretion: int = 0,
    store: Path | None = None,
    targets: Path | None = None,
    compare: str | None = None,
) -> Selection:
    """Resolve the options of a question into one :class:`Selection` without reading any
    data: the targets file first (its groups and own criteria are names too), then the
    areas, criteria, period, as-of time, source and discretion. Fails in one line on
    the first thing that is wrong."""
    from fleksmon.store.records import parse_as_of

    table: Mapping[str, Criterion] = MappingProxyType(CRITERIA)
    groups: Groups = MappingProxyType({})
    if targets is not None:
        from fleksmon.targets import read_targets

        read = read_targets(targets)
        table, groups = read.criteria, read.groups
    names = resolve_names(kommuner or (), groups)
    group = check_compare(compare, groups)
    ids = tuple(dict.fromkeys(get_criterion(c, table).id for c in criteria or ()))
    return Selection(
        names=names,
        criteria=ids,
        period=parse_period(period) if isinstance(period, str) else period,
        source=check_source(source),
        as_of=parse_as_of(as_of) if as_of else None,
        as_of_text=as_of or None,
        discretion=check_discretion(discretion),
        store=store,
        table=table,
        groups=groups,
        compare=group,
    )
