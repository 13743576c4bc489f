"""The local store: immutable Parquet batches plus a JSON manifest.

Each ingest writes one Parquet file per table and then replaces
``manifest.json`` atomically (write to a temporary file, fsync, rename): the
rename is the commit, so an ingest that fails or is killed leaves the store as
it was. A lock file serializes writers. The manifest is the history: every
batch with its source file, content hash, time, row count and what it replaced.

Reading takes, for each key (area, period and measure for aggregates; kommune
and month for person-level kinds), the rows of the newest batch holding that
key; ``as_of`` ignores batches ingested later, so published figures can be
re-made exactly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.pseudonym import mask_cpr
from fleksmon.schema import AGGREGATE, AGGREGATE_KEY, KINDS, PERSON_KINDS

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


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
    """The columns whose values a newer batch replaces as a whole."""
    if kind == "aggregate":
        return AGGREGATE_KEY
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

    @property
    def time(self) -> dt.datetime:
        """When the batch was committed (UTC)."""
        return dt.datetime.fromisoformat(self.ingested_at)


@dataclass
class Pending:
    """Rows read from one file, ready to commit."""

    frame: pl.DataFrame | pl.LazyFrame
    kind: str
    source: Path | str
    sha256: str
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class IngestOutcome:
    """What an ingest did: the batch (or ``None`` if the file was already there)."""

    batch: Batch | None
    duplicate_of: Batch | None = None


def parse_as_of(text: str) -> dt.datetime:
    """Parse ``--as-of``: a date (end of that day, UTC) or an ISO timestamp."""
    try:
        if len(text.strip()) == 10:
            day = dt.date.fromisoformat(text.strip())
            return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        stamp = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise FleksmonError(
            f"bad --as-of {text!r}", "give a date as 2019-10-31 or a time as 2019-10-31T12:00"
        ) from exc
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


class Store:
    """A folder of Parquet batches with a manifest; see the module docstring."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_store()

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / MANIFEST

    def exists(self) -> bool:
        """True if the folder holds a fleksmon store."""
        return self.manifest_path.is_file()

    def batches(self, as_of: dt.datetime | None = None) -> list[Batch]:
        """The committed batches, oldest first (only those up to ``as_of``)."""
        if not self.exists():
            return []
        try:
            data = json.loads(self.manifest_path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise FleksmonError(
                f"{self.manifest_path}: the store's manifest is unreadable ({exc})",
                "restore it from a backup or point --store at another folder",
            ) from exc
        out = [Batch(**b) for b in data.get("batches", [])]
        if as_of is not None:
            out = [b for b in out if b.time <= as_of]
        return out

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write_manifest(self, batches: list[Batch]) -> None:
        payload = {
            "format": FORMAT_VERSION,
            "batches": [b.__dict__ for b in batches],
        }
        tmp = self.root / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.manifest_path)
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.root, os.O_RDONLY)
            os.fsync(dir_fd)
            os.close(dir_fd)

    def ingest(
        self,
        frame: pl.DataFrame | pl.LazyFrame,
        *,
        kind: str,
        source: Path,
        sha256: str,
        summary: dict[str, Any] | None = None,
    ) -> IngestOutcome:
        """Commit one file's rows as a new batch; a file already ingested is a no-op."""
        return self.commit([Pending(frame, kind, source, sha256, summary or {})])[0]

    def commit(self, items: list[Pending]) -> list[IngestOutcome]:
        """Commit several files' rows at once: all of them land, or none does."""
        for item in items:
            if item.kind not in KINDS:
                raise FleksmonError(f"unknown kind {item.kind!r}", f"use one of {', '.join(KINDS)}")
        with self._locked():
            existing = self.batches()
            batches = list(existing)
            outcomes: list[IngestOutcome] = []
            written: list[Path] = []
            try:
                for item in items:
                    twin = next(
                        (b for b in batches if b.sha256 == item.sha256 and b.kind == item.kind),
                        None,
                    )
                    if twin is not None:
                        outcomes.append(IngestOutcome(None, duplicate_of=twin))
                        continue
                    batch = self._write_batch(item, batches, written)
                    batches.append(batch)
                    outcomes.append(IngestOutcome(batch))
                if len(batches) != len(existing):
                    self._write_manifest(batches)
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                    path.with_suffix(".parquet.tmp").unlink(missing_ok=True)
                raise
            return outcomes

    def _write_batch(self, item: Pending, batches: list[Batch], written: list[Path]) -> Batch:
        stamp = dt.datetime.now(dt.UTC)
        batch_id = f"{stamp:%Y%m%dT%H%M%S%f}-{item.sha256[:8]}"
        rel = f"tables/{item.kind}/{batch_id}.parquet"
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".parquet.tmp")
        written.append(target)
        if isinstance(item.frame, pl.LazyFrame):
            item.frame.sink_parquet(tmp)
        else:
            item.frame.write_parquet(tmp)
        os.replace(tmp, target)
        rows = pl.scan_parquet(target).select(pl.len()).collect().item()
        replaced, changed = self._count_replaced(batches, item.kind, target)
        return Batch(
            id=batch_id,
            kind=item.kind,
            source=mask_cpr(str(item.source)),
            sha256=item.sha256,
            ingested_at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            rows=int(rows),
            file=rel,
            summary=item.summary,
            replaced=replaced,
            changed=changed,
        )

    def _count_replaced(self, existing: list[Batch], kind: str, new_file: Path) -> tuple[int, int]:
        """Rows the new batch supersedes, and (aggregates) how many of them change value."""
        old = [b for b in existing if b.kind == kind]
        if not old:
            return 0, 0
        keys = list(replace_keys(kind))
        new = pl.scan_parquet(new_file)
        current = self._resolved(old, kind)
        replaced = current.join(new.select(keys).unique(), on=keys, how="semi")
        count = int(replaced.select(pl.len()).collect().item())
        if kind != "aggregate":
            return count, count
        changed = (
            replaced.join(new, on=keys, how="left", suffix="_new")
            .filter(pl.col("vaerdi").ne_missing(pl.col("vaerdi_new")))
            .select(pl.len())
            .collect()
            .item()
        )
        return count, int(changed)

    def _resolved(self, batches: list[Batch], kind: str) -> pl.LazyFrame:
        frames = [
            pl.scan_parquet(self.root / b.file).with_columns(pl.lit(i, pl.Int32).alias("_batch"))
            for i, b in enumerate(batches)
        ]
        if len(frames) == 1:
            return frames[0].drop("_batch")
        data = pl.concat(frames, how="vertical_relaxed")
        keys = list(replace_keys(kind))
        newest = data.select([*keys, "_batch"]).unique().group_by(keys).agg(pl.col("_batch").max())
        return data.join(newest, on=[*keys, "_batch"], how="semi").drop("_batch")

    def scan(self, kind: str, as_of: dt.datetime | None = None) -> pl.LazyFrame | None:
        """The current rows of one kind (newest batch per key), or ``None`` if there are none."""
        batches = [b for b in self.batches(as_of) if b.kind == kind]
        if not batches:
            return None
        return self._resolved(batches, kind)

    def kinds(self, as_of: dt.datetime | None = None) -> list[str]:
        """The kinds the store holds data for."""
        present = {b.kind for b in self.batches(as_of)}
        return [k for k in KINDS if k in present]

    def check(self) -> list[str]:
        """Problems with the store: files the manifest names that are missing or unreadable."""
        problems = []
        for b in self.batches():
            path = self.root / b.file
            if not path.is_file():
                problems.append(f"batch {b.id}: {b.file} is missing")
                continue
            try:
                schema = pl.read_parquet_schema(path)
            except Exception as exc:
                problems.append(f"batch {b.id}: {b.file} is unreadable ({exc})")
                continue
            expected = AGGREGATE if b.kind == "aggregate" else PERSON_KINDS[b.kind]
            missing = set(expected) - set(schema)
            if missing:
                problems.append(f"batch {b.id}: {b.file} lacks columns {sorted(missing)}")
        return problems
