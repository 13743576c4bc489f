"""The store's folder: where things are, who may read them, and its faults.

Folders are created ``0700`` and files ``0600`` whatever the umask; a store
folder with the setgid bit (a team's group-owned folder, ``chmod 2770``, or a new store
folder made inside one) gets ``2770`` and ``0660`` instead, so the group shares it and
nobody else reads it. Every folder the store makes, the store folder and its staging
folders included, is made by :meth:`StoreFolder.private_dir`. On Windows
(:func:`fleksmon.system.on_windows`) no modes are set: the folder's inherited access
rules apply.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from fleksmon import system
from fleksmon.errors import FleksmonError
from fleksmon.store import faults
from fleksmon.store.records import MANIFEST, TABLES, Batch, default_store


class StoreFolder:
    """A store's folder: paths, permissions and one-line faults (the base of
    :class:`fleksmon.store.Store`).

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

    def batch_path(self, file: str) -> Path:
        """Where a batch file named in the manifest lives; a name that leads outside the
        store's ``tables/`` folder (a damaged or tampered manifest; on Windows also through
        a backslash or a drive letter) is refused."""
        rel = PurePosixPath(file)
        if (
            rel.is_absolute()
            or ".." in rel.parts
            or rel.parts[:1] != (TABLES,)
            or len(rel.parts) < 2
            or any("\\" in part or ":" in part for part in rel.parts)
        ):
            raise self._damaged_manifest(f"it names the file {file!r}, outside the store's tables")
        return self.root.joinpath(*rel.parts)

    # -- faults ---------------------------------------------------------------

    def _check_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise faults.not_a_folder(self.root)

    def _fault(self, exc: OSError, doing: str) -> FleksmonError:
        return faults.fault(self.root, exc, doing)

    def _faults(self, doing: str) -> contextlib.AbstractContextManager[None]:
        return faults.faults(self.root, doing)

    def _damaged_manifest(self, why: str) -> FleksmonError:
        return faults.damaged_manifest(self.manifest_path, why)

    def _damaged_batch(self, batch: Batch, what: str) -> FleksmonError:
        return faults.damaged_batch(self.root, batch, what)

    # -- permissions ----------------------------------------------------------

    @property
    def shared(self) -> bool:
        """True for a team store: the store folder has the setgid bit (a store folder yet
        to be made: its parent has it, as a team's group folder does)."""
        if system.on_windows():
            return False
        for folder in (self.root, self.root.parent):
            try:
                return bool(folder.stat().st_mode & stat.S_ISGID)
            except FileNotFoundError:
                continue
            except OSError:
                return False
        return False

    @property
    def dir_mode(self) -> int:
        """Mode of the store's folders: ``2770`` for a team store, else ``0700``."""
        return 0o2770 if self.shared else 0o700

    @property
    def file_mode(self) -> int:
        """Mode of the store's files: ``0660`` for a team store, else ``0600``."""
        return 0o660 if self.shared else 0o600

    def _chmod(self, path: Path, mode: int) -> None:
        if not system.on_windows():
            os.chmod(path, mode)

    def private_dir(self, path: Path) -> None:
        """Make a folder inside the store (and the store folder and every folder between)
        with the store's folder mode; folders that exist are left as they are."""
        self._ensure_root()
        missing = []
        probe = path
        while not probe.exists() and probe != self.root:
            missing.append(probe)
            probe = probe.parent
        mode = self.dir_mode
        for made in reversed(missing):
            made.mkdir(exist_ok=True)
            self._chmod(made, mode)

    def set_dir_mode(self, folder: Path) -> None:
        """Give a folder of the store the store's folder mode."""
        self._chmod(folder, self.dir_mode)

    def private_file(self, path: Path) -> None:
        """Give a file the store's file mode (call before renaming it into place)."""
        self._chmod(path, self.file_mode)

    def private_folder(self, folder: Path) -> None:
        """Give a staged folder (made by this process) and every file in it the store's
        modes (call before renaming it into place)."""
        self.private_dir(folder)
        self.set_dir_mode(folder)
        for path in folder.iterdir():
            self.private_file(path)

    def _ensure_root(self) -> None:
        """Make the store folder with the store's folder mode (an empty folder given as the
        store gets it too; a store folder that holds something is left as it is)."""
        self._check_root()
        fresh = not self.root.exists()
        shared = self.shared
        self.root.mkdir(parents=True, exist_ok=True)
        if fresh or not any(self.root.iterdir()):
            with contextlib.suppress(PermissionError):
                self._chmod(self.root, 0o2770 if shared else 0o700)
