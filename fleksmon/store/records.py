"""What the manifest records: the store's file names, a batch, an ingest's outcome, the
replace keys of a kind, and ``--as-of`` times."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fleksmon.errors import FleksmonError, mask_cpr
from fleksmon.schema import AGGREGATE_KEY

MANIFEST = "manifest.json"
TABLES = "tables"
DANISH_TIME = "Europe/Copenhagen"

Manifest = dict[str, Any]
"""A manifest as read from JSON: ``format``, ``key_fingerprint`` and ``batches``."""


def default_store() -> Path:
    """``$FLEKSMON_STORE``, else the user's data directory."""
    env = os.environ.get("FLEKSMON_STORE")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("fleksmon")) / "store"


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def replace_keys(kind: str) -> tuple[str, ...]:
    """The columns whose values a newer batch of ``kind`` replaces as a whole.

    >>> replace_keys("ly-forloeb"), replace_keys("fleksjob-timer")
    (('kommune_kode',), ('kommune_kode', 'maaned'))
    >>> replace_keys("persongruppe")
    ('persongruppe',)
    """
    if kind == "aggregate":
        return AGGREGATE_KEY
    if kind == "persongruppe":
        return ("persongruppe",)
    if kind == "ly-forloeb":
        return ("kommune_kode",)
    return ("kommune_kode", "maaned")


@dataclass
class Batch:
    """One ingested file as the manifest records it."""

    id: str
    kind: str
    source: str
    sha256: str
    ingested_at: str
    rows: int
    file: str
    summary: dict[str, Any] = field(default_factory=dict)
    replaced: int = 0
    changed: int = 0
    file_sha256: str = ""
    file_bytes: int = -1
    parts: int = 0
    """Person-level batches: the number of person parts in the folder ``file``
    (:mod:`fleksmon.store.parts`; ``file_sha256`` and ``file_bytes`` are then the
    folder's); 0 for one Parquet file."""

    @property
    def time(self) -> dt.datetime:
        """When the batch was committed (UTC)."""
        return dt.datetime.fromisoformat(self.ingested_at)


def masked_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """A batch summary with CPR numbers in the source file names masked."""
    out = dict(summary)
    if "files" in out:
        out["files"] = [mask_cpr(str(f)) for f in out["files"]]
    return out


@dataclass
class IngestOutcome:
    """What an ingest did: the batch (or ``None`` if the file was already there).

    ``repaired`` is true when the file was already there but its batch file was
    missing or damaged and has been written again.
    """

    batch: Batch | None
    duplicate_of: Batch | None = None
    repaired: bool = False


def parse_as_of(text: str) -> dt.datetime:
    """Parse ``--as-of``: a date means the end of that day in Danish time; a time
    without a zone is Danish time too.

    >>> parse_as_of("2019-10-31").isoformat()
    '2019-10-31T23:59:59.999999+01:00'
    """
    from zoneinfo import ZoneInfo

    danish = ZoneInfo(DANISH_TIME)
    try:
        if len(text.strip()) == 10:
            day = dt.date.fromisoformat(text.strip())
            return dt.datetime.combine(day, dt.time.max, tzinfo=danish)
        stamp = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise FleksmonError(
            f"bad --as-of {text!r}", "give a date as 2019-10-31 or a time as 2019-10-31T12:00"
        ) from exc
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=danish)
