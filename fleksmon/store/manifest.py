"""The manifest and the write lock: reading the committed batches (migrating an old store
first), committing a new manifest atomically, and the lock that serializes writers."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import uuid
from collections.abc import Iterator

from filelock import FileLock

from fleksmon.errors import FleksmonError
from fleksmon.store import migrations
from fleksmon.store.folder import StoreFolder
from fleksmon.store.records import MANIFEST, Batch, Manifest


class ManifestStore(StoreFolder):
    """A store folder with its manifest: the batches, the key fingerprint, the lock."""

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
        current = migrations.FORMAT_VERSION
        if version > current:
            from fleksmon.install import installed

            raise FleksmonError(
                f"the store at {self.root} has format {version}, written by a newer fleksmon "
                f"(this one reads format {current} and older)",
                f"upgrade fleksmon: {installed().upgrade()}",
            )
        if version < 1:
            raise self._damaged_manifest(f"unknown format {version}")
        return data

    def _manifest(self) -> Manifest | None:
        """The manifest as a current-format dict (migrating an old store first)."""
        data = self._read_manifest()
        if data is not None and data["format"] < migrations.FORMAT_VERSION:
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
        """Hold the store's write lock (``.lock``, shared by every member of a team store)
        for the block: ``filelock`` (``flock`` on Linux and macOS, ``LockFileEx`` on Windows)."""
        self._ensure_root()
        with FileLock(self.root / ".lock", mode=self.file_mode):
            yield

    def _write_manifest(self, payload: Manifest) -> None:
        """Commit a manifest: write a temporary file, fsync, rename over the old one."""
        tmp = self.root / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(tmp, flags, self.file_mode)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                self.private_file(tmp)
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
        """Bring an old store to the current format under the lock."""
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
        start, current = int(data["format"]), migrations.FORMAT_VERSION
        if start == current:
            return data
        named = {str(b.get("file")) for b in data["batches"] if isinstance(b, dict)}
        for version in range(start, current):
            data = migrations.MIGRATIONS[version](self, data)
            data["format"] = version + 1
            named |= {str(b["file"]) for b in data["batches"]}
        self._write_manifest(data)
        keep = {str(b["file"]) for b in data["batches"]}
        for rel in sorted(named - keep):
            with contextlib.suppress(OSError, FleksmonError):
                self.batch_path(rel).unlink(missing_ok=True)
        self.notify(
            f"Upgraded the store at {self.root} from format {start} to format "
            f"{current} (a one-time step; the figures and the --as-of history are kept)."
        )
        return data
