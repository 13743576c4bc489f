"""Storage faults as one-line errors: no space, no permission, a folder that is a file, a
damaged manifest or batch file, person-level data under another key."""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.store.records import Batch


def os_error(exc: BaseException) -> OSError | None:
    """The operating-system error behind ``exc`` (polars reports them as text)."""
    if isinstance(exc, OSError):
        return exc
    found = re.search(r"\(os error (\d+)\)", str(exc))
    if isinstance(exc, pl.exceptions.PolarsError) and found:
        code = int(found.group(1))
        return OSError(code, os.strerror(code))
    return None


def not_a_folder(root: Path) -> FleksmonError:
    """The refusal of a store path that is a file."""
    return FleksmonError(
        f"the store {root} is a file, not a folder",
        "point --store (or FLEKSMON_STORE) at a folder",
    )


def fault(root: Path, exc: OSError, doing: str) -> FleksmonError:
    """One line for an operating-system error while ``doing`` something to the store."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return FleksmonError(
            f"no space left on the disk of the store at {root} while {doing}",
            "free some space and run the command again; nothing was stored",
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = exc.filename or root
        return FleksmonError(
            f"no permission to write to the store at {root} while {doing} ({what})",
            "ask the folder's owner for write access, or use another --store",
        )
    if code in (errno.ENOTDIR, errno.EEXIST) and not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "lies under a file"
        return FleksmonError(
            f"the store {root} {what}", "point --store (or FLEKSMON_STORE) at a folder"
        )
    return FleksmonError(
        f"cannot finish {doing} in the store at {root} ({exc.strerror or exc})",
        "check the disk and the folder, then run 'fleksmon store --check'",
    )


@contextlib.contextmanager
def faults(root: Path, doing: str) -> Iterator[None]:
    """Turn an operating-system error raised inside into :func:`fault`'s one line."""
    try:
        yield
    except FleksmonError:
        raise
    except (OSError, pl.exceptions.PolarsError) as exc:
        found = os_error(exc)
        if found is None:
            raise
        raise fault(root, found, doing) from exc


def damaged_manifest(path: Path, why: str) -> FleksmonError:
    """The refusal of a manifest that cannot be read as one."""
    return FleksmonError(
        f"{path}: the store's manifest is damaged ({why})",
        "restore the folder from a backup, or re-ingest the extracts into a new --store",
    )


def damaged_batch(root: Path, batch: Batch, what: str) -> FleksmonError:
    """The refusal of a batch file that is missing, changed or unreadable."""
    return FleksmonError(
        f"the store at {root} is damaged: the batch file {batch.file} {what}",
        f"re-ingest {batch.source} (that repairs it) and run 'fleksmon store --check'",
    )


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
