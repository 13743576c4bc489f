"""Small helpers the commands share: option values into library arguments."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

    from fleksmon.api import Result
    from fleksmon.criteria import Criterion
    from fleksmon.periods import Period
    from fleksmon.store import Store


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


def criteria_arg(targets: Path | None) -> dict[str, Criterion]:
    """The criteria, with the targets file applied when one is given."""
    from fleksmon.criteria import CRITERIA, load_targets

    return load_targets(targets) if targets else dict(CRITERIA)


def criteria_to_show(
    criterion: list[str] | None,
    store: Store,
    as_of: dt.datetime | None,
    table: dict[str, Criterion],
) -> list[str]:
    """The criteria asked for, or every criterion the store has data for."""
    from fleksmon.api import available_criteria
    from fleksmon.criteria import get_criterion
    from fleksmon.errors import FleksmonError

    if criterion:
        return list(dict.fromkeys(get_criterion(c, table).id for c in criterion))
    found = available_criteria(store, as_of, table)
    if not found:
        raise FleksmonError(
            f"the store at {store.root} holds no data yet",
            "load extracts first with 'fleksmon ingest FILE'",
        )
    return found


def results(
    latest_only: bool,
    criterion: list[str] | None,
    kommune: list[str] | None,
    period: str | None,
    store: Path | None,
    as_of: str | None,
    source: str,
    targets: Path | None,
) -> list[Result]:
    """Compute every selected criterion from the shared options (``gap`` if latest_only)."""
    from fleksmon import api

    table = criteria_arg(targets)
    the_store = open_store(store)
    when = as_of_arg(as_of)
    wanted = period_arg(period)
    return [
        api.compute(
            cid,
            kommuner=kommune,
            period=wanted,
            store=the_store,
            as_of=when,
            source=source,
            latest_only=latest_only,
            criteria=table,
        )
        for cid in criteria_to_show(criterion, the_store, when, table)
    ]
