"""Health checks: every batch file present, unchanged and as long as recorded, and the
orphan files an interrupted ingest left (``store --check`` and ``--gc``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fleksmon.numbers import format_int
from fleksmon.schema import AGGREGATE, PERSON_KINDS
from fleksmon.store import parts
from fleksmon.store.reading import ReadingStore
from fleksmon.store.records import MANIFEST, TABLES, Batch, file_hash


@dataclass
class Health:
    """What ``check`` found: problems (damage) and orphan files (harmless leftovers)."""

    problems: list[str]
    orphans: list[Path]


class CheckedStore(ReadingStore):
    """A store that checks its batch files and removes orphan files."""

    def _batch_problem(self, b: Batch) -> str | None:
        path = self.batch_path(b.file)
        where = f"batch {b.id} from {b.source}: {b.file}"
        if not (path.is_dir() if b.parts else path.is_file()):
            return f"{where} is missing"
        files = [path / parts.part_name(i) for i in range(b.parts)] if b.parts else [path]
        try:
            digest = parts.folder_hash(path)[0] if b.parts else file_hash(path)
            schema = pl.read_parquet_schema(files[0])
            rows = int(pl.scan_parquet(files).select(pl.len()).collect().item())
        except (OSError, pl.exceptions.PolarsError) as exc:
            reason = "permission denied" if isinstance(exc, PermissionError) else "not Parquet"
            return f"{where} is unreadable ({reason})"
        if b.file_sha256 and digest != b.file_sha256:
            return f"{where} was changed after it was stored (its SHA-256 differs)"
        if rows != b.rows:
            return f"{where} holds {format_int(rows)} rows, the manifest says {format_int(b.rows)}"
        expected = AGGREGATE if b.kind == "aggregate" else PERSON_KINDS.get(b.kind, {})
        missing = set(expected) - set(schema)
        if missing:
            return f"{where} lacks columns {sorted(missing)}"
        return None

    def orphans(self) -> list[Path]:
        """Files in the store that no batch names: leftovers of interrupted ingests."""
        named = {self.batch_path(b.file) for b in self.batches()}
        tables = self.root / TABLES
        found = [
            p for p in tables.rglob("*") if p.is_file() and p not in named and p.parent not in named
        ]
        found += list(self.root.glob(f".{MANIFEST}.*.tmp"))
        return sorted(found)

    def check(self) -> Health:
        """Verify every batch (file present, SHA-256 and row count as recorded) and list
        orphan files."""
        with self._faults("checking the store"):
            problems = [p for b in self.batches() if (p := self._batch_problem(b))]
            return Health(problems, self.orphans())

    def gc(self) -> list[Path]:
        """Remove orphan files (under the lock, so no ingest is running); returns them."""
        self.batches()  # an old store is migrated first (that takes the lock itself)
        with self._faults("removing orphan files"), self._locked():
            found = self.orphans()
            for path in found:
                path.unlink(missing_ok=True)
            named = {self.batch_path(b.file) for b in self.batches()}
            tables = self.root / TABLES
            for folder in sorted(tables.glob("*/*"), reverse=True):
                if folder.is_dir() and folder not in named and not any(folder.iterdir()):
                    folder.rmdir()
            return found
