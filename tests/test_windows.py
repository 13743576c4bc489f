"""fleksmon on Windows, tried on any machine.

``fleksmon.system.on_windows`` is patched to say yes, and for fleksmon's own modules
``fcntl`` cannot be imported and ``os`` has no ``fchmod``, ``chmod``, ``chown`` or uids
(``sys.platform`` is left alone for the rest of the process). Ingest (CRLF files), gap,
export, ``store --check`` and the write lock must work. Windows paths (drive letters,
backslashes) pass through the store as text and never lead out of it; a console or pipe
in cp850 or cp1252 prints æøå and a plain form of what the code page lacks.
"""

from __future__ import annotations

import builtins
import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path, PureWindowsPath
from typing import Any

import openpyxl
import pytest
from filelock import FileLock, Timeout

import fleksmon
from fleksmon import system
from fleksmon.errors import FleksmonError
from fleksmon.store import Store
from tests.conftest import tidy

Run = Callable[..., Any]
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
POSIX_ONLY = frozenset(
    {"fchmod", "chmod", "lchmod", "fchown", "chown", "lchown", "getuid", "geteuid", "getgid"}
)


class _WindowsOs(types.ModuleType):
    """``os`` as fleksmon's modules see it on Windows: no modes, owners or uids."""

    def __getattr__(self, name: str) -> Any:
        if name in POSIX_ONLY:
            raise AttributeError(f"module 'os' has no attribute {name!r} (blocked: Windows)")
        return getattr(os, name)


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for module in pkgutil.walk_packages(fleksmon.__path__, "fleksmon."):
        importlib.import_module(module.name)
    monkeypatch.setattr(system, "on_windows", lambda: True)
    blocked = _WindowsOs("os")
    for name, module in list(sys.modules.items()):
        if name == "fleksmon" or name.startswith("fleksmon."):
            assert getattr(module, "fcntl", None) is None, f"{name} imports fcntl"
            if getattr(module, "os", None) is os:
                monkeypatch.setattr(module, "os", blocked)
    real_import = builtins.__import__

    def no_fcntl(name: str, globals: Any = None, *args: Any, **kwargs: Any) -> Any:
        caller = str((globals or {}).get("__name__", ""))
        if name.partition(".")[0] == "fcntl" and caller.startswith("fleksmon"):
            raise ImportError(f"No module named 'fcntl' (blocked for {caller}: Windows)")
        return real_import(name, globals, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fcntl)
    yield


def _crlf(source: Path, folder: Path) -> Path:
    target = folder / source.name
    target.write_bytes(source.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return target


def test_ingest_gap_export_check_and_the_lock(
    windows: None, cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "a team's key")
    inputs = tmp_path / "Downloads"
    inputs.mkdir()
    files = [
        _crlf(p, inputs)
        for p in [EXAMPLES / "k1-sep-2019.csv", *sorted(EXAMPLES.glob("persons/*.csv"))]
    ]
    root = tmp_path / "store"
    ingested = cli("ingest", *map(str, files), "--store", str(root))
    assert ingested.exit_code == 0, ingested.stderr
    gap = cli("gap", "-c", "1", "-k", "Viborg", "-f", "json", "--store", str(root))
    (viborg,) = json.loads(gap.stdout)
    assert (viborg["share_pct"], viborg["gap_persons"]) == (pytest.approx(87.943, abs=1e-3), 49)
    k3 = cli("gap", "-c", "3", "-f", "csv", "--store", str(root))
    assert k3.exit_code == 0 and ",K3," in k3.stdout
    report = tmp_path / "rapport.xlsx"
    exported = cli("export", str(report), "-c", "1", "-c", "3", "--store", str(root))
    assert exported.exit_code == 0, exported.stderr
    assert {"K1", "K3", "Kilder"} <= set(openpyxl.load_workbook(report).sheetnames)
    check = cli("store", "--check", "--store", str(root))
    assert (check.exit_code, check.stderr) == (
        0,
        "Permissions: not checked on Windows, where the store folder's inherited access rules "
        f"apply (set them on the folder: Properties, Security).\nStore {root}: ok\n",
    )
    with Store(root)._locked():
        other: list[BaseException] = []

        def second_writer() -> None:
            try:
                with FileLock(root / ".lock", timeout=0.2):
                    pass
            except Timeout as exc:
                other.append(exc)

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join()
    assert len(other) == 1 and isinstance(other[0], Timeout)
    with FileLock(root / ".lock", timeout=0.2):
        pass


def test_the_blocks_hold(windows: None) -> None:
    """The patched world really is Windows-like for fleksmon (and only for it)."""
    from fleksmon.store import folder

    assert system.on_windows() is True
    with pytest.raises(AttributeError):
        folder.os.fchmod  # noqa: B018
    with pytest.raises(ImportError):
        exec("import fcntl", {"__name__": "fleksmon.probe"})
    assert shutil.os is os and sys.platform != "win32"


def test_windows_paths_are_text_in_the_store(tmp_path: Path) -> None:
    """A source named with a drive letter and backslashes is kept as written (its CPR
    number masked); the manifest names batch files with '/' inside tables/ only."""
    store = Store(tmp_path / "store")
    source = PureWindowsPath(r"C:\Users\anna\Downloads\udtræk 010190-1234.csv")
    frame = tidy([("Viborg", 2019 * 12 + 8, 2019 * 12 + 8, "fleksjob_fuldtid", 2108.0)])
    store.ingest(frame, kind="aggregate", source=source, sha256="w")  # type: ignore[arg-type]
    (batch,) = store.batches()
    assert batch.source == r"C:\Users\anna\Downloads\udtræk 010190-****.csv"
    assert batch.file.startswith("tables/aggregate/") and "\\" not in batch.file


@pytest.mark.parametrize(
    "name",
    [
        r"tables\..\..\evil.parquet",
        r"tables/aggregate\..\..\..\evil.parquet",
        r"C:\evil.parquet",
        "tables/C:evil.parquet",
        "C:/Windows/evil.parquet",
    ],
)
def test_a_manifest_never_leads_out_through_windows_paths(tmp_path: Path, name: str) -> None:
    store = Store(tmp_path / "store")
    with pytest.raises(FleksmonError) as err:
        store.batch_path(name)
    assert "outside the store's tables" in err.value.message


@pytest.mark.parametrize("encoding", ["cp850", "cp1252"])
def test_a_windows_console_prints_plain_text(encoding: str, tmp_path: Path) -> None:
    """The report table (æøå, '–', '✓') through a pipe in the code page: no traceback."""
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "160", "NO_COLOR": "1"}
    env.pop("FLEKSMON_STORE", None)
    run = [sys.executable, "-c", "from fleksmon.cli.app import main; main()"]
    loaded = subprocess.run(
        [*run, "ingest", str(EXAMPLES / "k1-sep-2019.csv"), "--store", str(store)],
        env=env,
        capture_output=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr.decode(encoding)
    shown = subprocess.run(
        [*run, "compute", "-c", "1", "-k", "Viborg", "-f", "table", "--store", str(store)],
        env=env,
        capture_output=True,
        check=False,
    )
    assert (shown.returncode, shown.stderr) == (0, b"")
    text = shown.stdout.decode(encoding)
    assert "Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct." in text
    assert "| Viborg " in text


def test_plain_console_forms() -> None:
    import io

    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="cp850")
    system.plain_console(stream)
    stream.write("Sep.–Nov. 2019 ✓ Område … ≥ 5 ☃\n")
    stream.flush()
    assert buffer.getvalue().decode("cp850") == "Sep.-Nov. 2019 v Område ... >= 5 ?\n"
