"""Reading the store: for each key the rows of the newest batch holding it (``as_of``
ignores batches ingested later), after a cheap check that each batch file is intact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from fleksmon.schema import KINDS, PERSON_KINDS
from fleksmon.store import parts
from fleksmon.store.manifest import ManifestStore
from fleksmon.store.records import Batch, file_hash, replace_keys


class ReadingStore(ManifestStore):
    """A store that reads its current rows: aggregates as one frame, person-level kinds
    part by part."""

    def _readable(self, batch: Batch) -> Path:
        """The batch's file (or folder of parts) after a cheap check: present, the same
        size as written, every footer readable."""
        path = self.batch_path(batch.file)
        try:
            files = sorted(path.iterdir()) if batch.parts else [path]
            size = sum(f.stat().st_size for f in files)
            if batch.file_bytes >= 0 and size != batch.file_bytes:
                raise self._damaged_batch(batch, "has changed size since it was written")
            for f in files:
                pl.read_parquet_schema(f)
        except FileNotFoundError as exc:
            raise self._damaged_batch(batch, "is missing") from exc
        except PermissionError as exc:
            raise self._damaged_batch(batch, "cannot be read (permission denied)") from exc
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise self._damaged_batch(batch, "is not a readable Parquet file") from exc
        return path

    def _file_intact(self, batch: Batch) -> bool:
        """True if the batch's file is there with the recorded SHA-256."""
        try:
            path = self.batch_path(batch.file)
            if batch.parts:
                return parts.folder_hash(path)[0] == batch.file_sha256
            return file_hash(path) == batch.file_sha256
        except OSError:
            return False

    def _resolved(self, batches: list[Batch], kind: str) -> pl.LazyFrame:
        if kind in PERSON_KINDS:
            person = self._person(batches, kind)
            assert person is not None
            return person.scan()
        frames = [
            pl.scan_parquet(self._readable(b)).with_columns(pl.lit(i, pl.Int32).alias("_batch"))
            for i, b in enumerate(batches)
        ]
        if len(frames) == 1:
            return frames[0].drop("_batch")
        data = pl.concat(frames, how="vertical_relaxed")
        keys = list(replace_keys(kind))
        newest = data.select([*keys, "_batch"]).unique().group_by(keys).agg(pl.col("_batch").max())
        return data.join(newest, on=[*keys, "_batch"], how="semi").drop("_batch")

    def person(self, kind: str, as_of: dt.datetime | None = None) -> parts.PersonData | None:
        """The current person-level rows of ``kind``, readable part by part, or ``None``."""
        return self._person(self.batches(as_of), kind)

    def _person(self, batches: list[Batch], kind: str) -> parts.PersonData | None:
        for batch in batches:
            if batch.kind == kind:
                self._readable(batch)
        return parts.resolve(self.root, batches, kind)

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
