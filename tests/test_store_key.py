"""One pseudonymization key per store, kept outside it: its fingerprint is recorded,
another key is refused, and `fleksmon store` shows the fingerprint."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fleksmon.pseudonym import default_key_file, key_fingerprint
from fleksmon.store import FORMAT_VERSION, Store, default_store

Run = Callable[..., Any]
HEAD = "person;kommune;periode;timer\n"


def _halves(tmp_path: Path) -> tuple[Path, Path]:
    """Two halves of one hours panel: Viborg's persons and Thisted's."""
    first, second = tmp_path / "viborg.csv", tmp_path / "thisted.csv"
    first.write_text(HEAD + "p1;Viborg;2019M01;7,5\np2;Viborg;2019M01;12,0\n", "utf-8")
    second.write_text(HEAD + "p3;Thisted;2019M01;4,0\np1;Thisted;2019M02;7,5\n", "utf-8")
    return first, second


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def test_a_second_key_is_refused(tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _halves(tmp_path)
    root = tmp_path / "shared-store"
    monkeypatch.setenv("FLEKSMON_KEY", "alice-key")
    assert cli("ingest", str(first), "--store", str(root)).exit_code == 0
    alice = key_fingerprint(b"alice-key")
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    assert manifest["key_fingerprint"] == alice
    assert "alice-key" not in (root / "manifest.json").read_text("utf-8")
    before = _snapshot(root)
    monkeypatch.setenv("FLEKSMON_KEY", "bob-key")
    result = cli("ingest", str(second), "--store", str(root))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: the store at {root} holds person-level data pseudonymized with another key "
        f"(the store's key has fingerprint {alice}, yours {key_fingerprint(b'bob-key')}); the "
        "same persons would get other pseudonyms. Use the store's key: get it from the "
        "colleague who loaded the data and set FLEKSMON_KEY to it, or copy their key file to "
        f"{default_key_file()}.\n"
    )
    assert _snapshot(root) == before
    monkeypatch.setenv("FLEKSMON_KEY", "alice-key")
    assert cli("ingest", str(second), "--store", str(root)).exit_code == 0
    k3 = Store(root).scan("fleksjob-timer")
    assert k3 is not None and k3.collect()["person"].n_unique() == 3


def test_the_lock_holds_the_key_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two first ingests racing with different keys: the commit itself refuses the second."""
    import polars as pl

    from fleksmon.errors import FleksmonError
    from fleksmon.schema import PERSON_KINDS
    from fleksmon.store import Pending

    store = Store(tmp_path / "s")
    frame = pl.DataFrame(
        {"person": [1], "kommune_kode": [791], "maaned": [24228], "timer_cent": [750]},
        schema=PERSON_KINDS["fleksjob-timer"],
    )
    store.commit([Pending(frame, "fleksjob-timer", "a.csv", "a", key_fingerprint="f1")])
    with pytest.raises(FleksmonError, match="another key"):
        store.commit([Pending(frame, "fleksjob-timer", "b.csv", "b", key_fingerprint="f2")])
    assert len(store.batches()) == 1


def test_store_shows_the_fingerprint(
    tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _halves(tmp_path)
    root = tmp_path / "store"
    monkeypatch.setenv("FLEKSMON_KEY", "alice-key")
    cli("ingest", str(first), "--store", str(root))
    out = cli("store", "--store", str(root), "-f", "table").stdout
    assert f"Format {FORMAT_VERSION}; key fingerprint: {key_fingerprint(b'alice-key')}" in out


def test_key_file_inside_the_store_is_refused(
    tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _halves(tmp_path)
    monkeypatch.delenv("FLEKSMON_KEY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    key_file = default_key_file()
    root = key_file.parent
    result = cli("ingest", str(first), "--store", str(root))
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: the key file {key_file.resolve()} lies inside the store {root}: whoever holds "
        "the store could re-identify people with it. Keep the store in another folder "
        "(--store), or set FLEKSMON_KEY.\n",
    )
    assert not key_file.exists() and not (root / "manifest.json").exists()
    elsewhere = tmp_path / "store"
    assert cli("ingest", str(first), "--store", str(elsewhere)).exit_code == 0
    assert key_file.is_file() and not key_file.is_relative_to(elsewhere)


def test_default_key_file_is_outside_the_default_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLEKSMON_STORE", raising=False)
    assert not default_key_file().is_relative_to(default_store())
