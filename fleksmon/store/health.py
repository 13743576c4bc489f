"""Health checks: every batch file present, unchanged and as long as recorded, the
orphan files an interrupted ingest left (``store --check`` and ``--gc``), and every
folder and file with the store's permissions (private ``0700``/``0600``, team
``2770``/``0660`` in the team's group), each wrong one with the ``chmod``/``chgrp`` that
fixes it."""

from __future__ import annotations

import os
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from fleksmon import system
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
    permissions: list[str] = field(default_factory=list)


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
            return Health(problems, self.orphans(), self.permission_problems())

    def _kept_paths(self) -> list[Path]:
        """What the store keeps: its folder, manifest, lock, ``tables/`` and kind folders,
        and every batch the manifest names (leftovers are orphans, removed by ``--gc``)."""
        tables = self.root / TABLES
        kept = [self.root, self.manifest_path, self.root / ".lock", tables]
        kept += [p for p in tables.iterdir() if p.is_dir() and not p.name.startswith(".")]
        for batch in self.batches():
            path = self.batch_path(batch.file)
            kept += [path, *(path.iterdir() if path.is_dir() else [])]
        return sorted(p for p in set(kept) if p.exists() or p.is_symlink())

    def permission_problems(self, at_most: int = 10) -> list[str]:
        """Folders and files whose permissions expose person data or lock a member of a
        team store out, each with the command that fixes it (none on Windows, where the
        folder's inherited access rules apply)."""
        if system.on_windows() or not (self.root / TABLES).is_dir():
            return []
        shared = self.shared
        group = self.root.stat().st_gid
        found = []
        for path in self._kept_paths():
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                continue
            why = _mode_problem(info, shared, group)
            if why is not None:
                found.append((path, why, _fix(path, info, shared, group)))
        lines = [f"{_rel(self.root, path)} {why}. Fix: {fix}" for path, why, fix in found[:at_most]]
        if len(found) > at_most:
            lines.append(
                f"and {len(found) - at_most} more. Fix all: {_fix_all(self.root, shared, group)}"
            )
        return lines

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


def _octal(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"


def _mode_problem(info: os.stat_result, shared: bool, group: int) -> str | None:
    """Why one folder's or file's permissions are wrong for the store (``None``: right)."""
    folder = stat.S_ISDIR(info.st_mode)
    mode = stat.S_IMODE(info.st_mode)
    want = (0o2770 if folder else 0o660) if shared else (0o700 if folder else 0o600)
    if mode == want and (not shared or info.st_gid == group):
        return None
    have = f"is {_octal(mode)}"
    if mode & 0o007:
        return f"{have}: other users of the machine can reach it (should be {want:04o})"
    if shared and info.st_gid != group:
        return "belongs to another group than the store: the team cannot use it"
    if shared and (mode & 0o070) != (0o070 if folder else 0o060):
        return f"{have}: other members of the team cannot write it (should be {want:04o})"
    if shared and folder and not mode & stat.S_ISGID:
        return f"{have}: lacks the setgid bit, so new files leave the team's group (should be 2770)"
    if not shared and mode & 0o070:
        return f"{have}: the group can reach a private store (should be {want:04o})"
    return f"{have} (should be {want:04o})"


def _fix(path: Path, info: os.stat_result, shared: bool, group: int) -> str:
    folder = stat.S_ISDIR(info.st_mode)
    want = (0o2770 if folder else 0o660) if shared else (0o700 if folder else 0o600)
    commands = []
    if shared and info.st_gid != group:
        commands.append(f"chgrp {_group_name(group)} {shlex.quote(str(path.absolute()))}")
    if stat.S_IMODE(info.st_mode) != want:
        commands.append(f"chmod {want:o} {shlex.quote(str(path.absolute()))}")
    return " && ".join(commands)


def _fix_all(root: Path, shared: bool, group: int) -> str:
    where = shlex.quote(str(root.absolute()))
    if not shared:
        return f"chmod -R u=rwX,go= {where}"
    return (
        f"chgrp -R {_group_name(group)} {where} && chmod -R u=rwX,g=rwX,o= {where} && "
        f"find {where} -type d -exec chmod g+s {{}} +"
    )


def _group_name(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)


def _rel(root: Path, path: Path) -> str:
    return "the store folder" if path == root else str(path.relative_to(root))
