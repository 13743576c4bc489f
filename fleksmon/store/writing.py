"""Writing the store: each ingest writes one immutable Parquet file (or folder of person
parts) per table and then commits a new manifest; all of a commit's files land, or none.

A file already ingested (the same SHA-256 and kind) is a no-op, unless its batch file
is missing or damaged: then it is written again (a repair). Each new batch records how
many current rows it replaces and, for aggregates, how many of them change value.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from fleksmon.errors import FleksmonError, mask_cpr
from fleksmon.measure_ids import canonical
from fleksmon.schema import KINDS, PERSON_KINDS
from fleksmon.store import migrations, parts
from fleksmon.store.faults import key_mismatch
from fleksmon.store.health import CheckedStore
from fleksmon.store.records import (
    TABLES,
    Batch,
    IngestOutcome,
    file_hash,
    masked_summary,
    replace_keys,
)


@dataclass
class Pending:
    """Rows read from one file, ready to commit (``key_fingerprint`` for person-level rows,
    which may already be staged as parts)."""

    frame: pl.DataFrame | pl.LazyFrame | parts.Staged
    kind: str
    source: Path | str
    sha256: str
    summary: dict[str, Any] = field(default_factory=dict)
    key_fingerprint: str | None = None


def new_batch(
    item: Pending, batch_id: str, fixed: dict[str, Any], replaced: int, changed: int
) -> Batch:
    """The manifest record of a batch just written (``fixed``: its file, hash, size, rows
    and parts), committed now, with CPR numbers in its source masked."""
    return Batch(
        id=batch_id,
        kind=item.kind,
        source=mask_cpr(str(item.source)),
        sha256=item.sha256,
        ingested_at=dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        summary=masked_summary(item.summary),
        replaced=replaced,
        changed=changed,
        **fixed,
    )


def _canonical_measures(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """Aggregate rows with every measure id in its canonical form."""
    found = frame.lazy().select(pl.col("maaling").unique()).collect()["maaling"].drop_nulls()
    mapping = {m: canonical(m) for m in found.to_list() if canonical(m) != m}
    return frame.with_columns(pl.col("maaling").replace(mapping)) if mapping else frame


class Writer(CheckedStore):
    """A store that commits new batches."""

    def ingest(
        self,
        frame: pl.DataFrame | pl.LazyFrame,
        *,
        kind: str,
        source: Path,
        sha256: str,
        summary: dict[str, Any] | None = None,
    ) -> IngestOutcome:
        """Commit one file's rows as a new batch; a file already ingested is a no-op.
        Aggregate measure ids are stored as :func:`~fleksmon.measure_ids.canonical` names
        them (``…_16_66_aar`` without the default age span)."""
        if kind == "aggregate":
            frame = _canonical_measures(frame)
        return self.commit([Pending(frame, kind, source, sha256, summary or {})])[0]

    def commit(self, items: list[Pending]) -> list[IngestOutcome]:
        """Commit several files' rows at once: all of them land, or none does."""
        for item in items:
            if item.kind not in KINDS:
                raise FleksmonError(f"unknown kind {item.kind!r}", f"use one of {', '.join(KINDS)}")
        with self._faults("writing a batch"), self._locked():
            data = self._read_manifest() or {"format": migrations.FORMAT_VERSION, "batches": []}
            data = self._upgrade(data)
            fingerprint = self._agree_on_key(data.get("key_fingerprint"), items)
            existing = self._batches_of(data)
            batches = list(existing)
            outcomes: list[IngestOutcome] = []
            written: list[Path] = []
            changed = False
            try:
                for item in items:
                    twin_at = next(
                        (
                            i
                            for i, b in enumerate(batches)
                            if b.sha256 == item.sha256 and b.kind == item.kind
                        ),
                        None,
                    )
                    if twin_at is not None:
                        twin = batches[twin_at]
                        if self._file_intact(twin):
                            outcomes.append(IngestOutcome(None, duplicate_of=twin))
                            continue
                        fresh = self._write_batch(item, batches, written, replace_of=twin)
                        batches[twin_at] = fresh
                        outcomes.append(IngestOutcome(fresh, duplicate_of=twin, repaired=True))
                        changed = True
                        continue
                    batch = self._write_batch(item, batches, written)
                    batches.append(batch)
                    outcomes.append(IngestOutcome(batch))
                    changed = True
                if changed or fingerprint != data.get("key_fingerprint"):
                    self._write_manifest(
                        {
                            "format": migrations.FORMAT_VERSION,
                            "key_fingerprint": fingerprint,
                            "batches": [b.__dict__ for b in batches],
                        }
                    )
            except BaseException:
                for path in written:
                    if path.suffix == ".parquet":
                        path.unlink(missing_ok=True)
                        path.with_suffix(".parquet.tmp").unlink(missing_ok=True)
                    else:
                        parts.remove(path)
                        parts.remove(path.with_name(path.name + ".tmp"))
                raise
            return outcomes

    def _agree_on_key(self, recorded: str | None, items: list[Pending]) -> str | None:
        """The store's key fingerprint after these items; refuse a different key."""
        for item in items:
            if item.key_fingerprint is None:
                continue
            if recorded is None:
                recorded = item.key_fingerprint
            elif item.key_fingerprint != recorded:
                raise key_mismatch(self.root, recorded, item.key_fingerprint)
        return recorded

    def _write_batch(
        self,
        item: Pending,
        batches: list[Batch],
        written: list[Path],
        replace_of: Batch | None = None,
    ) -> Batch:
        stamp = dt.datetime.now(dt.UTC)
        batch_id = f"{stamp:%Y%m%dT%H%M%S%f}-{item.sha256[:8]}"
        if item.kind in PERSON_KINDS:
            return self._write_person_batch(item, batch_id, batches, written, replace_of)
        rel = f"{TABLES}/{item.kind}/{batch_id}.parquet"
        target = self.root / rel
        self.private_dir(target.parent)
        tmp = target.with_suffix(".parquet.tmp")
        written.append(target)
        if isinstance(item.frame, pl.LazyFrame):
            item.frame.sink_parquet(tmp)
        elif isinstance(item.frame, pl.DataFrame):
            item.frame.write_parquet(tmp)
        self.private_file(tmp)
        os.replace(tmp, target)
        rows = int(pl.scan_parquet(target).select(pl.len()).collect().item())
        digest, size = file_hash(target), target.stat().st_size
        if replace_of is not None:
            fixed = {"file": rel, "file_sha256": digest, "file_bytes": size, "rows": rows}
            return Batch(**{**replace_of.__dict__, **fixed})
        replaced, changed = self._count_replaced(batches, item.kind, target)
        fixed = {"file": rel, "file_sha256": digest, "file_bytes": size, "rows": rows}
        return new_batch(item, batch_id, fixed, replaced, changed)

    def _write_person_batch(
        self,
        item: Pending,
        batch_id: str,
        batches: list[Batch],
        written: list[Path],
        replace_of: Batch | None,
    ) -> Batch:
        """A person-level batch as a folder of person parts (:mod:`fleksmon.store.parts`)."""
        rel = f"{TABLES}/{item.kind}/{batch_id}"
        target = self.root / rel
        self.private_dir(target.parent)
        written.append(target)
        at_least = max((b.parts for b in batches if b.kind == item.kind), default=1)
        if isinstance(item.frame, parts.Staged):
            staged = item.frame
        else:
            frame = item.frame.collect() if isinstance(item.frame, pl.LazyFrame) else item.frame
            staged = parts.stage_frame(
                frame, item.kind, target.with_name(target.name + ".tmp"), at_least
            )
        self.private_folder(staged.folder)
        os.replace(staged.folder, target)
        digest, size = parts.folder_hash(target)
        fixed = {
            "file": rel,
            "file_sha256": digest,
            "file_bytes": size,
            "rows": staged.rows,
            "parts": staged.parts,
        }
        if replace_of is not None:
            return Batch(**{**replace_of.__dict__, **fixed})
        old = parts.resolve(self.root, [b for b in batches if b.kind == item.kind], item.kind)
        replaced = 0
        if old is not None:
            new_keys = pl.read_parquet(target / parts.KEYS_FILE)
            on = list(replace_keys(item.kind))
            found = old.scan().join(new_keys.lazy(), on=on, how="semi").select(pl.len())
            replaced = int(found.collect().item())
        return new_batch(item, batch_id, fixed, replaced, replaced)

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
