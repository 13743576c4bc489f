"""Small helpers the commands share (the selection options are resolved by
:func:`fleksmon.cli.options.selection_options`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
