"""The local store: immutable Parquet batches plus a JSON manifest.

Layout (format 2)::

    STORE/manifest.json                      format, key fingerprint, the batches
    STORE/tables/aggregate/<batch id>.parquet   one immutable file per batch
    STORE/tables/<person kind>/<batch id>/      a folder of person parts (fleksmon.parts)
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

Folders are created ``0700`` and files ``0600`` whatever the umask; a store
folder with the setgid bit (a team's group-owned folder, ``chmod 2770``) gets
``2770`` and ``0660`` instead, so the group shares it and nobody else reads it.

Format versions and migrations
------------------------------
``FORMAT_VERSION`` is the layout this code writes; the manifest says which
layout a store has. A store of an older format is migrated on first use (any
read or write), under the lock, with one line on stderr; a newer one is
refused. To change the layout:

1. raise ``FORMAT_VERSION`` to N+1;
2. add one function ``@migration(N) def _to_vN1(store, manifest) -> manifest``
   that turns the manifest of a format-N store (the dict read from JSON) into
   a format-N+1 one. It may write new files (new names, through
   :meth:`Store.private_file` / :meth:`Store.private_dir`) but must not change or delete a
   file the old manifest names: the returned manifest is committed atomically,
   then the files the old manifest named and the new one does not are deleted.
   A step that fails or is killed leaves the store at format N (its new files
   are orphans for ``fleksmon store --gc``). Steps run in a chain, so a store
   several formats old is brought up to date in one go;
3. keep a store written by format N's code in ``tests/data/store-vN`` and add
   it to ``OLD_STORES`` in ``tests/test_store_migrate.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import stat
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from fleksmon import parts
from fleksmon.errors import FleksmonError, mask_cpr
from fleksmon.numbers import format_int
from fleksmon.schema import AGGREGATE, AGGREGATE_KEY, KINDS, PERSON_KINDS

MANIFEST = "manifest.json"
TABLES = "tables"
FORMAT_VERSION = 3
DANISH_TIME = "Europe/Copenhagen"

Manifest = dict[str, Any]
Migration = Callable[["Store", Manifest], Manifest]
MIGRATIONS: dict[int, Migration] = {}
"""Migration steps by the format they start from (N → N+1)."""


def migration(start: int) -> Callable[[Migration], Migration]:
    """Register a step that migrates a format-``start`` manifest to ``start + 1``."""

    def register(step: Migration) -> Migration:
        MIGRATIONS[start] = step
        return step

    return register


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
    file_sha256: str = ""
    file_bytes: int = -1
    parts: int = 0
    """Person-level batches: the number of person parts in the folder ``file``
    (:mod:`fleksmon.parts`; ``file_sha256`` and ``file_bytes`` are then the folder's);
    0 for one Parquet file."""

    @property
    def time(self) -> dt.datetime:
        """When the batch was committed (UTC)."""
        return dt.datetime.fromisoformat(self.ingested_at)


def _masked_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """A batch summary with CPR numbers in the source file names masked."""
    out = dict(summary)
    if "files" in out:
        out["files"] = [mask_cpr(str(f)) for f in out["files"]]
    return out


def _new_batch(
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
        summary=_masked_summary(item.summary),
        replaced=replaced,
        changed=changed,
        **fixed,
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


@dataclass
class IngestOutcome:
    """What an ingest did: the batch (or ``None`` if the file was already there).

    ``repaired`` is true when the file was already there but its batch file was
    missing or damaged and has been written again.
    """

    batch: Batch | None
    duplicate_of: Batch | None = None
    repaired: bool = False


@dataclass
class Health:
    """What ``check`` found: problems (damage) and orphan files (harmless leftovers)."""

    problems: list[str]
    orphans: list[Path]


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


def os_error(exc: BaseException) -> OSError | None:
    """The operating-system error behind ``exc`` (polars reports them as text)."""
    if isinstance(exc, OSError):
        return exc
    found = re.search(r"\(os error (\d+)\)", str(exc))
    if isinstance(exc, pl.exceptions.PolarsError) and found:
        code = int(found.group(1))
        return OSError(code, os.strerror(code))
    return None


class Store:
    """A folder of Parquet batches with a manifest; see the module docstring.

    ``notify`` receives the one line said when an old store is migrated
    (default: printed on stderr).
    """

    def __init__(
        self, root: Path | str | None = None, *, notify: Callable[[str], None] | None = None
    ) -> None:
        self.root = Path(root) if root is not None else default_store()
        self.notify = notify or (lambda line: print(line, file=sys.stderr))

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / MANIFEST

    def exists(self) -> bool:
        """True if the folder holds a fleksmon store."""
        return self.manifest_path.is_file()

    # -- faults ---------------------------------------------------------------

    def _check_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise FleksmonError(
                f"the store {self.root} is a file, not a folder",
                "point --store (or FLEKSMON_STORE) at a folder",
            )

    def _fault(self, exc: OSError, doing: str) -> FleksmonError:
        """One line for an operating-system error while ``doing`` something to the store."""
        code = exc.errno
        if code in (errno.ENOSPC, errno.EDQUOT):
            return FleksmonError(
                f"no space left on the disk of the store at {self.root} while {doing}",
                "free some space and run the command again; nothing was stored",
            )
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            what = exc.filename or self.root
            return FleksmonError(
                f"no permission to write to the store at {self.root} while {doing} ({what})",
                "ask the folder's owner for write access, or use another --store",
            )
        if code in (errno.ENOTDIR, errno.EEXIST) and not self.root.is_dir():
            what = "is a file, not a folder" if self.root.exists() else "lies under a file"
            return FleksmonError(
                f"the store {self.root} {what}", "point --store (or FLEKSMON_STORE) at a folder"
            )
        return FleksmonError(
            f"cannot finish {doing} in the store at {self.root} ({exc.strerror or exc})",
            "check the disk and the folder, then run 'fleksmon store --check'",
        )

    @contextlib.contextmanager
    def _faults(self, doing: str) -> Iterator[None]:
        try:
            yield
        except FleksmonError:
            raise
        except (OSError, pl.exceptions.PolarsError) as exc:
            found = os_error(exc)
            if found is None:
                raise
            raise self._fault(found, doing) from exc

    def _damaged_manifest(self, why: str) -> FleksmonError:
        return FleksmonError(
            f"{self.manifest_path}: the store's manifest is damaged ({why})",
            "restore the folder from a backup, or re-ingest the extracts into a new --store",
        )

    # -- permissions ----------------------------------------------------------

    @property
    def shared(self) -> bool:
        """True for a team store: the store folder has the setgid bit."""
        try:
            return bool(self.root.stat().st_mode & stat.S_ISGID)
        except OSError:
            return False

    @property
    def dir_mode(self) -> int:
        """Mode of the store's folders: ``2770`` for a team store, else ``0700``."""
        return 0o2770 if self.shared else 0o700

    @property
    def file_mode(self) -> int:
        """Mode of the store's files: ``0660`` for a team store, else ``0600``."""
        return 0o660 if self.shared else 0o600

    def private_dir(self, path: Path) -> None:
        """Create a folder (and parents inside the store) with the store's folder mode."""
        missing = []
        probe = path
        while not probe.exists() and probe != self.root.parent:
            missing.append(probe)
            probe = probe.parent
        path.mkdir(parents=True, exist_ok=True)
        for made in missing:
            os.chmod(made, self.dir_mode)

    def private_file(self, path: Path) -> None:
        """Give a file the store's file mode (call before renaming it into place)."""
        os.chmod(path, self.file_mode)

    def _ensure_root(self) -> None:
        self._check_root()
        fresh = not self.root.exists()
        self.root.mkdir(parents=True, exist_ok=True)
        if fresh or not any(self.root.iterdir()):
            mode = 0o2770 if self.shared else 0o700
            with contextlib.suppress(PermissionError):
                os.chmod(self.root, mode)

    # -- the manifest ---------------------------------------------------------

    def _read_manifest(self) -> Manifest | None:
        self._check_root()
        try:
            text = self.manifest_path.read_text("utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as exc:
            raise self._damaged_manifest("not UTF-8 text") from exc
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise FleksmonError(
                    f"no permission to read the store's manifest {self.manifest_path}",
                    "ask the folder's owner for read access, or use another --store",
                ) from exc
            raise self._fault(exc, "reading the manifest") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._damaged_manifest(f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("format"), int)
            or not isinstance(data.get("batches"), list)
        ):
            raise self._damaged_manifest("no format number or list of batches")
        version = data["format"]
        if version > FORMAT_VERSION:
            from fleksmon.install import installed

            raise FleksmonError(
                f"the store at {self.root} has format {version}, written by a newer fleksmon "
                f"(this one reads format {FORMAT_VERSION} and older)",
                f"upgrade fleksmon: {installed().upgrade()}",
            )
        if version < 1:
            raise self._damaged_manifest(f"unknown format {version}")
        return data

    def _manifest(self) -> Manifest | None:
        """The manifest as a current-format dict (migrating an old store first)."""
        data = self._read_manifest()
        if data is not None and data["format"] < FORMAT_VERSION:
            data = self._migrate()
        return data

    def _batches_of(self, data: Manifest) -> list[Batch]:
        out = []
        for i, raw in enumerate(data["batches"]):
            try:
                batch = Batch(**raw)
                batch.time  # noqa: B018 - the timestamp must parse
            except (TypeError, ValueError) as exc:
                raise self._damaged_manifest(f"batch {i + 1} is not a valid record") from exc
            self.batch_path(batch.file)
            out.append(batch)
        return out

    def batch_path(self, file: str) -> Path:
        """Where a batch file named in the manifest lives; a name that leads outside the
        store's ``tables/`` folder (a damaged or tampered manifest) is refused."""
        rel = PurePosixPath(file)
        if (
            rel.is_absolute()
            or ".." in rel.parts
            or rel.parts[:1] != (TABLES,)
            or len(rel.parts) < 2
        ):
            raise self._damaged_manifest(f"it names the file {file!r}, outside the store's tables")
        return self.root.joinpath(*rel.parts)

    def key_fingerprint(self) -> str | None:
        """The fingerprint of the key the store's person-level data was pseudonymized with."""
        data = self._manifest()
        return None if data is None else data.get("key_fingerprint")

    def format_version(self) -> int | None:
        """The store's format as its manifest says (``None`` before the first ingest)."""
        data = self._read_manifest()
        return None if data is None else int(data["format"])

    def batches(self, as_of: dt.datetime | None = None) -> list[Batch]:
        """The committed batches, oldest first (only those up to ``as_of``)."""
        data = self._manifest()
        if data is None:
            return []
        out = self._batches_of(data)
        if as_of is not None:
            out = [b for b in out if b.time <= as_of]
        return out

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._ensure_root()
        path = self.root / ".lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, self.file_mode)
        try:
            with contextlib.suppress(OSError):
                os.fchmod(fd, self.file_mode)
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write_manifest(self, payload: Manifest) -> None:
        tmp = self.root / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, self.file_mode)
            os.fchmod(fd, self.file_mode)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.manifest_path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.root, os.O_RDONLY)
            os.fsync(dir_fd)
            os.close(dir_fd)

    # -- migration ------------------------------------------------------------

    def _migrate(self) -> Manifest:
        """Bring an old store to ``FORMAT_VERSION`` under the lock."""
        try:
            with self._faults("upgrading the store to the current format"), self._locked():
                data = self._read_manifest()
                assert data is not None
                return self._upgrade(data)
        except FleksmonError as exc:
            cause = exc.__cause__
            if isinstance(cause, OSError) and cause.errno in (
                errno.EACCES,
                errno.EPERM,
                errno.EROFS,
            ):
                raise FleksmonError(
                    f"the store at {self.root} was written by an older fleksmon and must be "
                    "upgraded once, but this user may not write to it",
                    "run any fleksmon command on it once as a user with write access",
                ) from exc
            raise

    def _upgrade(self, data: Manifest) -> Manifest:
        """Run the migration steps from the manifest's format on (the lock is held), commit,
        delete the files no longer named, and say so in one line."""
        start = int(data["format"])
        if start == FORMAT_VERSION:
            return data
        named = {str(b.get("file")) for b in data["batches"] if isinstance(b, dict)}
        for version in range(start, FORMAT_VERSION):
            data = MIGRATIONS[version](self, data)
            data["format"] = version + 1
            named |= {str(b["file"]) for b in data["batches"]}
        self._write_manifest(data)
        keep = {str(b["file"]) for b in data["batches"]}
        for rel in sorted(named - keep):
            with contextlib.suppress(OSError, FleksmonError):
                self.batch_path(rel).unlink(missing_ok=True)
        self.notify(
            f"Upgraded the store at {self.root} from format {start} to format "
            f"{FORMAT_VERSION} (a one-time step; the figures and the --as-of history are kept)."
        )
        return data

    # -- writing --------------------------------------------------------------

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
        with self._faults("writing a batch"), self._locked():
            data = self._read_manifest() or {"format": FORMAT_VERSION, "batches": []}
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
                            "format": FORMAT_VERSION,
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
        return _new_batch(item, batch_id, fixed, replaced, changed)

    def _write_person_batch(
        self,
        item: Pending,
        batch_id: str,
        batches: list[Batch],
        written: list[Path],
        replace_of: Batch | None,
    ) -> Batch:
        """A person-level batch as a folder of person parts (:mod:`fleksmon.parts`)."""
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
        self.private_dir(staged.folder)
        for path in staged.folder.iterdir():
            self.private_file(path)
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
            on = parts.replace_keys(item.kind)
            found = old.scan().join(new_keys.lazy(), on=on, how="semi").select(pl.len())
            replaced = int(found.collect().item())
        return _new_batch(item, batch_id, fixed, replaced, replaced)

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

    # -- reading --------------------------------------------------------------

    def _damaged_batch(self, batch: Batch, what: str) -> FleksmonError:
        return FleksmonError(
            f"the store at {self.root} is damaged: the batch file {batch.file} {what}",
            f"re-ingest {batch.source} (that repairs it) and run 'fleksmon store --check'",
        )

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

    # -- health ---------------------------------------------------------------

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


def key_mismatch(root: Path, stored: str, yours: str) -> FleksmonError:
    """The refusal when person-level data would be pseudonymized under another key."""
    from fleksmon.pseudonym import KEY_ENV, default_key_file

    return FleksmonError(
        f"the store at {root} holds person-level data pseudonymized with another key "
        f"(the store's key has fingerprint {stored}, yours {yours}); the same persons would "
        "get other pseudonyms",
        f"use the store's key: get it from the colleague who loaded the data and set {KEY_ENV} "
        f"to it, or copy their key file to {default_key_file()}",
    )


@migration(1)
def _v1_to_v2(store: Store, manifest: Manifest) -> Manifest:
    """Format 2 records each batch file's SHA-256 and size and the store's key fingerprint
    (unknown for an old store: the next person-level ingest records it), masks CPR numbers
    in source names, and makes the files private."""
    batches = []
    for raw in manifest["batches"]:
        b = dict(raw)
        b["source"] = mask_cpr(str(b.get("source", "")))
        b["summary"] = _masked_summary(b.get("summary") or {})
        path = store.batch_path(str(b.get("file", "")))
        try:
            b["file_sha256"] = file_hash(path)
            b["file_bytes"] = path.stat().st_size
            store.private_file(path)
        except FileNotFoundError:
            b["file_sha256"], b["file_bytes"] = "", -1
        batches.append(b)
    for folder in [store.root / TABLES, *(store.root / TABLES).glob("*")]:
        if folder.is_dir():
            os.chmod(folder, store.dir_mode)
    return {"format": 2, "key_fingerprint": None, "batches": batches}


@migration(2)
def _v2_to_v3(store: Store, manifest: Manifest) -> Manifest:
    """Format 3 stores each person-level batch as a folder of person parts sorted by person
    and month (:mod:`fleksmon.parts`), pseudonyms as unsigned 64-bit integers (16 hex
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
            store.private_dir(staged.folder)
            for made in staged.folder.iterdir():
                store.private_file(made)
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
