"""The store's format versions and the steps between them, one function per step.

``FORMAT_VERSION`` is the layout this code writes; the manifest says which
layout a store has. A store of an older format is migrated on first use (any
read or write), under the lock, with one line on stderr; a newer one is
refused (:mod:`fleksmon.store.manifest`). To change the layout:

1. raise ``FORMAT_VERSION`` to N+1;
2. add one function ``@migration(N) def _to_vN1(store, manifest) -> manifest``
   that turns the manifest of a format-N store (the dict read from JSON) into
   a format-N+1 one. It may write new files (new names, through
   :meth:`~fleksmon.store.folder.StoreFolder.private_file` /
   :meth:`~fleksmon.store.folder.StoreFolder.private_dir`) but must not change or delete a
   file the old manifest names: the returned manifest is committed atomically,
   then the files the old manifest named and the new one does not are deleted.
   A step that fails or is killed leaves the store at format N (its new files
   are orphans for ``fleksmon store --gc``). Steps run in a chain, so a store
   several formats old is brought up to date in one go;
3. keep a store written by format N's code in ``tests/data/store-vN`` and add
   it to ``OLD_STORES`` in ``tests/test_store_migrate.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import polars as pl

from fleksmon.errors import mask_cpr
from fleksmon.measure_ids import canonical, group_and_measure, is_derived, label_id
from fleksmon.schema import AGGREGATE_KEY, PERSON_KINDS
from fleksmon.store import parts
from fleksmon.store.folder import StoreFolder
from fleksmon.store.records import TABLES, Batch, Manifest, file_hash, masked_summary

FORMAT_VERSION = 4

Migration = Callable[[StoreFolder, Manifest], Manifest]
MIGRATIONS: dict[int, Migration] = {}
"""Migration steps by the format they start from (N → N+1)."""


def migration(start: int) -> Callable[[Migration], Migration]:
    """Register a step that migrates a format-``start`` manifest to ``start + 1``."""

    def register(step: Migration) -> Migration:
        MIGRATIONS[start] = step
        return step

    return register


@migration(1)
def _v1_to_v2(store: StoreFolder, manifest: Manifest) -> Manifest:
    """Format 2 records each batch file's SHA-256 and size and the store's key fingerprint
    (unknown for an old store: the next person-level ingest records it), masks CPR numbers
    in source names, and makes the files private."""
    batches = []
    for raw in manifest["batches"]:
        b = dict(raw)
        b["source"] = mask_cpr(str(b.get("source", "")))
        b["summary"] = masked_summary(b.get("summary") or {})
        path = store.batch_path(str(b.get("file", "")))
        try:
            b["file_sha256"] = file_hash(path)
            b["file_bytes"] = path.stat().st_size
            store.private_file(path)
        except FileNotFoundError:
            b["file_sha256"], b["file_bytes"] = "", -1
        batches.append(b)
    for folder in [store.root, store.root / TABLES, *(store.root / TABLES).glob("*")]:
        if folder.is_dir():
            store.set_dir_mode(folder)
    return {"format": 2, "key_fingerprint": None, "batches": batches}


@migration(2)
def _v2_to_v3(store: StoreFolder, manifest: Manifest) -> Manifest:
    """Format 3 stores each person-level batch as a folder of person parts sorted by person
    and month (:mod:`fleksmon.store.parts`), pseudonyms as unsigned 64-bit integers (16 hex
    digits before). Each one-file person batch is rewritten under a new name; the part
    count of a kind is that of its largest batch, so part *i* of every batch holds the
    same persons. A batch whose file is missing is left as it is (``store --check``
    reports it)."""
    raw_batches = [dict(b) for b in manifest["batches"]]
    for i, raw in enumerate(raw_batches):
        try:
            Batch(**raw)
        except TypeError as exc:
            raise store._damaged_manifest(f"batch {i + 1} is not a valid record") from exc
    counts: dict[str, int] = {}
    for b in raw_batches:
        if b["kind"] in PERSON_KINDS:
            need = int(b.get("parts") or 0) or parts.part_count(int(b.get("rows", 0)))
            counts[b["kind"]] = max(counts.get(b["kind"], 1), need)
    batches = []
    for b in raw_batches:
        path = store.batch_path(str(b.get("file", "")))
        if b["kind"] in PERSON_KINDS and not b.get("parts") and path.is_file():
            frame = parts.legacy_frame(path)
            folder = path.with_suffix("")
            staged = parts.stage_frame(
                frame, b["kind"], folder.with_name(folder.name + ".tmp"), counts[b["kind"]]
            )
            store.private_folder(staged.folder)
            os.replace(staged.folder, folder)
            digest, size = parts.folder_hash(folder)
            b |= {
                "file": str(PurePosixPath(b["file"]).with_suffix("")),
                "file_sha256": digest,
                "file_bytes": size,
                "rows": staged.rows,
                "parts": staged.parts,
            }
        batches.append(b)
    return {**manifest, "format": 3, "batches": batches}


def _new_ids(measures: list[str], labels: dict[str, str]) -> dict[str, str]:
    """Each stored id → its format-4 id: from the column label where the batch recorded
    one (:func:`~fleksmon.measure_ids.label_id`), else the id without "16-66 år". Ids of
    two groups that would then be one keep their format-3 form (as a format-4 reader
    refuses such a file)."""
    new: dict[str, str] = {}
    groups: dict[str, set[str]] = {}
    for old in measures:
        label = labels.get(old)
        if label and is_derived(old):
            new[old] = label_id(old.partition(".")[0], label)
            groups.setdefault(new[old], set()).add(group_and_measure(label)[0])
        else:
            new[old] = canonical(old)
    return {
        old: canonical(old) if len(groups.get(found, ())) > 1 else found
        for old, found in new.items()
    }


def _merged_batch(store: StoreFolder, b: dict[str, Any]) -> dict[str, Any]:
    """An aggregate batch with its measure ids as format 4 names them: rewritten under a
    new name when any id changes (a repeat within the batch keeps its first row)."""
    path = store.batch_path(str(b.get("file", "")))
    if not path.is_file():
        return b
    frame = pl.read_parquet(path)
    summary = dict(b.get("summary") or {})
    labels = {str(k): str(v) for k, v in (summary.get("labels") or {}).items()}
    mapping = _new_ids(sorted(frame["maaling"].unique().drop_nulls().to_list()), labels)
    if all(old == new for old, new in mapping.items()):
        return b
    frame = frame.with_columns(pl.col("maaling").replace(mapping)).unique(
        list(AGGREGATE_KEY), keep="first", maintain_order=True
    )
    rel = PurePosixPath(str(b["file"]))
    new_rel = str(rel.with_name(f"{rel.stem}-f4{rel.suffix}"))
    target = store.batch_path(new_rel)
    tmp = target.with_name(target.name + ".tmp")
    frame.write_parquet(tmp)
    store.private_file(tmp)
    os.replace(tmp, target)
    summary["measures"] = sorted({mapping.get(m, m) for m in summary.get("measures") or []})
    new_labels: dict[str, str] = {}
    for old, label in labels.items():
        new_labels.setdefault(mapping.get(old, canonical(old)), label)
    if "labels" in summary:
        summary["labels"] = dict(sorted(new_labels.items()))
    return b | {
        "file": new_rel,
        "file_sha256": file_hash(target),
        "file_bytes": target.stat().st_size,
        "rows": frame.height,
        "summary": summary,
    }


@migration(3)
def _v3_to_v4(store: StoreFolder, manifest: Manifest) -> Manifest:
    """Format 4 stores a Jobindsats column under one id whichever API version labelled it:
    an id derived from a label ending in "16-66 år" loses it (API v3 drops it), and one
    from a ``Gruppe: Måling`` label loses the group. Each aggregate batch whose ids change
    is rewritten under a new name; where two batches now hold one area, period and
    measure, the newer wins, as for any revision (the older stays in the history)."""
    batches = [
        _merged_batch(store, dict(raw)) if raw.get("kind") == "aggregate" else dict(raw)
        for raw in manifest["batches"]
    ]
    return {**manifest, "format": 4, "batches": batches}
