"""The local store: immutable Parquet batches plus a JSON manifest.

Layout (format 3)::

    STORE/manifest.json                      format, key fingerprint, the batches
    STORE/tables/aggregate/<batch id>.parquet   one immutable file per batch
    STORE/tables/<person kind>/<batch id>/      a folder of person parts (store.parts)
    STORE/.lock                              serializes writers

Each ingest writes one Parquet file per table and then replaces
``manifest.json`` atomically (write to a temporary file, fsync, rename): the
rename is the commit, so an ingest that fails or is killed leaves the store as
it was (at most an orphan file, which ``check`` reports and ``gc`` removes). A
lock file serializes writers. The manifest is the history: every batch with its
source file (CPR numbers in the name masked), the source's content hash, time,
row count, what it replaced, and its own file's SHA-256 and size.

Reading takes, for each key (area, period and measure for aggregates; kommune
and month for person-level kinds), the rows of the newest batch holding that
key; ``as_of`` ignores batches ingested later, so published figures can be
re-made exactly. Every storage fault (no space, no permission, a damaged or
missing file, a manifest naming a file outside the store) is a
:class:`FleksmonError` naming the problem and the fix.

The modules, from the bottom up: :mod:`~fleksmon.store.records` (the batch record,
file names, replace keys, ``--as-of``), :mod:`~fleksmon.store.faults` (storage faults
as one line), :mod:`~fleksmon.store.folder` (paths and permissions),
:mod:`~fleksmon.store.parts` (person-level batches as person parts),
:mod:`~fleksmon.store.migrations` (format versions, one function per step),
:mod:`~fleksmon.store.manifest` (the manifest and the lock),
:mod:`~fleksmon.store.reading`, :mod:`~fleksmon.store.health` (``check``, ``gc``) and
:mod:`~fleksmon.store.writing` (commits); :class:`Store` is all of them.
"""

from __future__ import annotations

from fleksmon.store.faults import key_mismatch, os_error
from fleksmon.store.health import Health
from fleksmon.store.migrations import FORMAT_VERSION, MIGRATIONS, Migration, migration
from fleksmon.store.records import (
    DANISH_TIME,
    MANIFEST,
    TABLES,
    Batch,
    IngestOutcome,
    Manifest,
    default_store,
    file_hash,
    parse_as_of,
    replace_keys,
)
from fleksmon.store.writing import Pending, Writer

__all__ = [
    "DANISH_TIME",
    "FORMAT_VERSION",
    "MANIFEST",
    "MIGRATIONS",
    "TABLES",
    "Batch",
    "Health",
    "IngestOutcome",
    "Manifest",
    "Migration",
    "Pending",
    "Store",
    "default_store",
    "file_hash",
    "key_mismatch",
    "migration",
    "os_error",
    "parse_as_of",
    "replace_keys",
]


class Store(Writer):
    """A folder of Parquet batches with a manifest; see the module docstring.

    ``notify`` receives the one line said when an old store is migrated
    (default: printed on stderr).
    """
