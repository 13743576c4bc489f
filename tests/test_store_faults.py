"""Storage faults: every one is a single line naming the problem and the fix, exit 2,
and nothing stored changes."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon.store import Store

Run = Callable[..., Any]
ROOT = Path(__file__).resolve().parents[1]
K1 = ROOT / "examples" / "k1-sep-2019.csv"


def _snapshot(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def loaded(tmp_path: Path, cli: Run) -> Path:
    """A store holding the K1 example."""
    root = tmp_path / "store"
    assert cli("ingest", str(K1), "--store", str(root)).exit_code == 0
    return root


def _revised(tmp_path: Path) -> Path:
    text = K1.read_bytes().replace(b"Viborg;2019M09;2.108;289", b"Viborg;2019M09;2.120;277")
    path = tmp_path / "k1-revideret.csv"
    path.write_bytes(text)
    return path


def _fails(result: Any, line: str) -> None:
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n")


def test_store_that_is_a_file(tmp_path: Path, cli: Run) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a store")
    line = (
        f"Error: the store {path} is a file, not a folder. Point --store (or FLEKSMON_STORE) "
        "at a folder."
    )
    _fails(cli("ingest", str(K1), "--store", str(path)), line)
    _fails(cli("gap", "-c", "1", "--store", str(path)), line)
    _fails(cli("store", "--store", str(path)), line)
    assert path.read_text() == "not a store"
    under = path / "store"
    line = (
        f"Error: the store {under} lies under a file. Point --store (or FLEKSMON_STORE) at a "
        "folder."
    )
    _fails(cli("ingest", str(K1), "--store", str(under)), line)
    _fails(cli("gap", "-c", "1", "--store", str(under)), line)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            "{not json",
            "not valid JSON: Expecting property name enclosed in double quotes at line 1",
        ),
        ('{"batches": []}', "no format number or list of batches"),
        ('{"format": 2, "batches": [{"id": 1}]}', "batch 1 is not a valid record"),
        (b"\xff\xfe{}", "not UTF-8 text"),
    ],
)
def test_damaged_manifest(
    loaded: Path, tmp_path: Path, cli: Run, text: str | bytes, why: str
) -> None:
    manifest = loaded / "manifest.json"
    manifest.write_bytes(text if isinstance(text, bytes) else text.encode())
    before = _snapshot(loaded)
    line = (
        f"Error: {manifest}: the store's manifest is damaged ({why}). Restore the folder from a "
        "backup, or re-ingest the extracts into a new --store."
    )
    _fails(cli("gap", "-c", "1", "--store", str(loaded)), line)
    _fails(cli("ingest", str(_revised(tmp_path)), "--store", str(loaded)), line)
    assert _snapshot(loaded) == before


@pytest.mark.parametrize("file", ["../../outside.parquet", "/etc/passwd", "tables", "other/x"])
def test_batch_path_outside_the_store_is_refused(loaded: Path, cli: Run, file: str) -> None:
    manifest = loaded / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["batches"][0]["file"] = file
    manifest.write_text(json.dumps(data), "utf-8")
    line = (
        f"Error: {manifest}: the store's manifest is damaged (it names the file {file!r}, "
        "outside the store's tables). Restore the folder from a backup, or re-ingest the "
        "extracts into a new --store."
    )
    _fails(cli("gap", "-c", "1", "--store", str(loaded)), line)
    _fails(cli("store", "--check", "--store", str(loaded)), line)


def _batch_file(root: Path) -> Path:
    return root / Store(root).batches()[0].file


def _damage_line(root: Path, what: str) -> str:
    batch = Store(root).batches()[0]
    return (
        f"Error: the store at {root} is damaged: the batch file {batch.file} {what}. "
        f"Re-ingest {K1.resolve()} (that repairs it) and run 'fleksmon store --check'."
    )


@pytest.mark.parametrize(
    ("damage", "what"),
    [
        (lambda p: p.unlink(), "is missing"),
        (lambda p: p.write_bytes(bytes(p.stat().st_size)), "is not a readable Parquet file"),
        (lambda p: p.write_bytes(p.read_bytes() + b"\0"), "has changed size since it was written"),
    ],
)
def test_damaged_batch_names_the_source_and_is_repaired_by_reingest(
    loaded: Path, tmp_path: Path, cli: Run, damage: Callable[[Path], None], what: str
) -> None:
    expected = cli("gap", "-c", "1", "--store", str(loaded), "-f", "json").stdout
    damage(_batch_file(loaded))
    line = _damage_line(loaded, what)
    _fails(cli("gap", "-c", "1", "--store", str(loaded)), line)
    before = _snapshot(loaded)
    _fails(cli("ingest", str(_revised(tmp_path)), "--store", str(loaded)), line)
    assert _snapshot(loaded) == before
    check = cli("store", "--check", "--store", str(loaded))
    assert check.exit_code == 2 and check.stderr.startswith("Problem: batch ")
    repair = cli("ingest", str(K1), "--store", str(loaded))
    assert repair.exit_code == 0
    assert "k1-sep-2019.csv: the stored batch was damaged and has been written again" in (
        repair.stderr
    )
    assert cli("gap", "-c", "1", "--store", str(loaded), "-f", "json").stdout == expected
    assert cli("store", "--check", "--store", str(loaded)).exit_code == 0
    assert len(Store(loaded).batches()) == 1


def test_batch_damaged_inside_is_one_line(loaded: Path, cli: Run) -> None:
    path = _batch_file(loaded)
    data = bytearray(path.read_bytes())
    for i in range(8, 200):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    result = cli("gap", "-c", "1", "--store", str(loaded))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: a stored Parquet file could not be read (parquet: ")
    assert result.stderr.endswith(
        "Run 'fleksmon store --check' to find the damaged batch, then re-ingest its source.\n"
    )
    assert len(result.stderr.splitlines()) == 1


def test_unreadable_batch(loaded: Path, cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _batch_file(loaded)
    real = pl.read_parquet_schema

    def denied(path: Any) -> Any:
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(pl, "read_parquet_schema", denied)
    _fails(
        cli("gap", "-c", "1", "--store", str(loaded)),
        _damage_line(loaded, "cannot be read (permission denied)"),
    )


def _refused_open(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    real = os.open

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path).parent == root and flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)


def test_read_only_store(
    loaded: Path, tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(loaded)
    _refused_open(monkeypatch, loaded)
    line = (
        f"Error: no permission to write to the store at {loaded} while writing a batch "
        f"({loaded / '.lock'}). Ask the folder's owner for write access, or use another --store."
    )
    _fails(cli("ingest", str(_revised(tmp_path)), "--store", str(loaded)), line)
    assert _snapshot(loaded) == before
    assert cli("gap", "-c", "1", "--store", str(loaded)).exit_code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_for_real(loaded: Path, tmp_path: Path, cli: Run) -> None:
    before = _snapshot(loaded)
    os.chmod(loaded, 0o500)
    try:
        result = cli("ingest", str(_revised(tmp_path)), "--store", str(loaded))
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: no permission to write to the store at {loaded}")
        assert cli("gap", "-c", "1", "--store", str(loaded)).exit_code == 0
    finally:
        os.chmod(loaded, 0o700)
    assert _snapshot(loaded) == before


NO_SPACE = (
    "Error: no space left on the disk of the store at {root} while writing a batch. Free some "
    "space and run the command again; nothing was stored."
)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_disk_full_while_writing_a_batch(
    loaded: Path, tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """polars itself hits a full disk (/dev/full answers every write with ENOSPC)."""
    real = pl.DataFrame.write_parquet

    def full(self: pl.DataFrame, file: Any, *args: Any, **kwargs: Any) -> Any:
        Path(file).write_bytes(b"PAR1")
        return real(self, "/dev/full", *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    before = _snapshot(loaded)
    _fails(
        cli("ingest", str(_revised(tmp_path)), "--store", str(loaded)),
        NO_SPACE.format(root=loaded),
    )
    assert _snapshot(loaded) == before


def test_disk_full_while_writing_the_manifest(
    loaded: Path, tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    before = _snapshot(loaded)
    _fails(
        cli("ingest", str(_revised(tmp_path)), "--store", str(loaded)),
        NO_SPACE.format(root=loaded),
    )
    assert _snapshot(loaded) == before


def test_os_error_outside_the_store_is_one_line(
    loaded: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Store, *args: Any) -> Any:
        raise OSError(errno.EIO, "Input/output error", "/mnt/disk/x")

    monkeypatch.setattr(Store, "kinds", broken)
    _fails(
        cli("gap", "--store", str(loaded)),
        "Error: /mnt/disk/x: Input/output error. Check the path, the folder's permissions and "
        "the free disk space (--debug shows where it happened).",
    )
    debug = cli("--debug", "gap", "--store", str(loaded))
    assert debug.exit_code == 2 and "Traceback" in debug.stderr


def test_a_bug_stays_a_traceback(loaded: Path, cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(self: Store, *args: Any) -> Any:
        raise KeyError("bug")

    monkeypatch.setattr(Store, "kinds", bug)
    with pytest.raises(KeyError):
        cli("gap", "--store", str(loaded))


@pytest.mark.parametrize(
    ("damage", "what"),
    [
        (lambda p: __import__("shutil").rmtree(p), "is missing"),
        (lambda p: next(p.glob("part-*")).unlink(), "has changed size since it was written"),
        (
            lambda p: (f := next(p.glob("part-*"))).write_bytes(bytes(f.stat().st_size)),
            "is not a readable Parquet file",
        ),
    ],
)
def test_damaged_person_batch_names_its_source(
    tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch, damage: Any, what: str
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "fault-test-key")
    hours = tmp_path / "timer.csv"
    hours.write_text(
        "person;kommune;periode;timer\n"
        + "".join(f"p{i};Viborg;2019M{m:02d};{5 + i % 7},5\n" for i in range(20) for m in (1, 2)),
        "utf-8",
    )
    root = tmp_path / "store"
    assert cli("ingest", str(hours), "--store", str(root)).exit_code == 0
    batch = Store(root).batches()[0]
    damage(root / batch.file)
    line = (
        f"Error: the store at {root} is damaged: the batch file {batch.file} {what}. "
        f"Re-ingest {hours.resolve()} (that repairs it) and run 'fleksmon store --check'."
    )
    _fails(cli("gap", "-c", "3", "--store", str(root)), line)
    assert cli("ingest", str(hours), "--store", str(root)).exit_code == 0
    assert cli("store", "--check", "--store", str(root)).exit_code == 0
