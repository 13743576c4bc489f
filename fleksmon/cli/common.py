"""Small helpers the commands share: option values into one library query."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from fleksmon.periods import Period
    from fleksmon.query import Query
    from fleksmon.store import Store
    from fleksmon.targets import Targets


def open_store(path: Path | None) -> Store:
    """The store from ``--store`` / ``FLEKSMON_STORE`` / the default."""
    from fleksmon.store import Store

    return Store(path)


def period_arg(text: str | None) -> Period | None:
    """Parse ``--period`` (``None`` when not given)."""
    from fleksmon.periods import parse_period

    return parse_period(text) if text else None


def as_of_arg(text: str | None) -> dt.datetime | None:
    """Parse ``--as-of`` (``None`` when not given)."""
    from fleksmon.store import parse_as_of

    return parse_as_of(text) if text else None


def targets_arg(targets: Path | None) -> Targets:
    """The targets file read once (the built-in criteria, no groups, without one)."""
    from types import MappingProxyType

    from fleksmon.criteria import CRITERIA
    from fleksmon.targets import Targets, read_targets

    if targets:
        return read_targets(targets)
    return Targets(MappingProxyType(CRITERIA), MappingProxyType({}), MappingProxyType({}))


def make_query(
    *,
    kommune: list[str] | None,
    period: str | None,
    store: Path | None,
    as_of: str | None,
    source: str,
    targets: Path | None,
    discretion: int = 0,
) -> Query:
    """The shared selection options as one :class:`~fleksmon.query.Query`."""
    from fleksmon.query import Query

    read = targets_arg(targets)
    return Query(
        kommuner=kommune or (),
        period=period_arg(period),
        store=open_store(store),
        as_of=as_of_arg(as_of),
        source=source,
        criteria=read.criteria,
        groups=read.groups,
        discretion=discretion,
    )
