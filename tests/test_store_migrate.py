"""Format versions: a store written by an older fleksmon opens, migrates once and gives
the same figures, with its --as-of history."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fleksmon.install import installed
from fleksmon.store import FORMAT_VERSION, Manifest, Store, file_hash, migrations

DATA = Path(__file__).resolve().parent / "data"
OLD_STORES = ["store-v1", "store-v2", "store-v3"]
"""Stores written by each earlier format's code (``tests/data/<name>``, made as
``tests/data/README.md`` says), each with ``<name>-expected.json``: figures from that code."""

Run = Any


def _copy(name: str, tmp_path: Path) -> Path:
    """A kept old store, with the private modes fleksmon gave it (git keeps no modes)."""
    root = tmp_path / name
    shutil.copytree(DATA / name, root)
    for path in [root, *root.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)
    return root


def _scan_check(store: Store, kind: str, as_of: dt.datetime | None) -> dict[str, Any] | None:
    frame = store.scan(kind, as_of)
    if frame is None:
        return None
    df = frame.collect()
    if kind == "aggregate":
        check: float | int = round(df["vaerdi"].sum(), 6)
    elif kind == "fleksjob-timer":
        check = int(df["timer_cent"].sum())
    else:
        check = df["person"].n_unique()
    return {"rows": df.height, "check": check}


def _same_figures(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> bool:
    """Records equal key for key; unrounded floats (shares, %-points) may differ in the
    last bits only, as the code that computes them improves (exact-count arithmetic).
    Records made since carry ``note`` (none here: every figure is there) and ``as_of``
    (the ``--as-of`` asked for)."""
    got = [dict(g) for g in got]
    for g in got:
        assert g.pop("note") is None and "as_of" in g
        g.pop("as_of")

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
        return type(a) is type(b) and a == b

    return len(got) == len(expected) and all(
        g.keys() == e.keys() and all(same(g[k], e[k]) for k in g)
        for g, e in zip(got, expected, strict=True)
    )


@pytest.mark.parametrize("name", OLD_STORES)
def test_old_store_migrates_once_and_gives_the_same_figures(
    name: str, tmp_path: Path, cli: Run
) -> None:
    root = _copy(name, tmp_path)
    expected = json.loads((DATA / f"{name}-expected.json").read_text("utf-8"))
    old = json.loads((root / "manifest.json").read_text("utf-8"))
    start = old["format"]
    lines = []
    for case, spec in expected["cases"].items():
        result = cli(*spec["args"], "--store", str(root), "-f", "json")
        assert result.exit_code == 0, (case, result.stderr)
        assert _same_figures(json.loads(result.stdout), spec["records"]), case
        lines += [line for line in result.stderr.splitlines() if line.startswith("Upgraded")]
    assert lines == [
        f"Upgraded the store at {root} from format {start} to format {FORMAT_VERSION} "
        "(a one-time step; the figures and the --as-of history are kept)."
    ]
    store = Store(root)
    as_of = dt.datetime.fromisoformat(expected["as_of_first"])
    for label, scan in expected["scans"].items():
        kind, when = label.split("/")
        assert _scan_check(store, kind, as_of if when == "as_of_first" else None) == scan, label
    new = json.loads((root / "manifest.json").read_text("utf-8"))
    assert new["format"] == FORMAT_VERSION
    kept = ("id", "kind", "sha256", "ingested_at", "rows")
    assert [{k: b[k] for k in kept} for b in new["batches"]] == [
        {k: b[k] for k in kept} for b in old["batches"]
    ]
    health = store.check()
    assert (health.problems, health.orphans) == ([], [])
    check = cli("store", "--check", "--store", str(root))
    assert (check.exit_code, check.stderr) == (0, f"Store {root}: ok\n")


def test_migration_masks_cpr_in_source_names(tmp_path: Path) -> None:
    root = _copy("store-v1", tmp_path)
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    manifest["batches"][0]["source"] = "/data/udtræk 010190-1234.csv"
    manifest["batches"][1]["summary"]["files"] = ["/data/0101901234.csv"]
    (root / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    batches = Store(root, notify=lambda _: None).batches()
    assert batches[0].source == "/data/udtræk 010190-****.csv"
    assert batches[1].summary["files"] == ["/data/010190-****.csv"]
    assert "1234" not in (root / "manifest.json").read_text("utf-8")


def test_failed_migration_leaves_the_old_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy("store-v1", tmp_path)
    before = (root / "manifest.json").read_bytes()

    def killed(self: Store, payload: Manifest) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "_write_manifest", killed)
    with pytest.raises(KeyboardInterrupt):
        Store(root).batches()
    assert (root / "manifest.json").read_bytes() == before


def test_next_format_is_one_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """How a later layout change plugs in: a step that rewrites the person batches under new
    names; the chain runs from format 1, the old files go, the figures stay."""
    root = _copy("store-v1", tmp_path)
    expected = json.loads((DATA / "store-v1-expected.json").read_text("utf-8"))["scans"]
    rewritten: list[str] = []

    def v2_to_v3(store: Store, manifest: Manifest) -> Manifest:
        batches = []
        for raw in manifest["batches"]:
            if raw["kind"] == "ly-forloeb":
                new = raw["file"].replace(".parquet", "-v3.parquet")
                pl.read_parquet(store.batch_path(raw["file"])).write_parquet(store.batch_path(new))
                raw = {**raw, "file": new, "file_sha256": file_hash(store.root / new)}
                raw["file_bytes"] = (store.root / new).stat().st_size
                rewritten.append(raw["file"])
            batches.append(raw)
        return {**manifest, "batches": batches}

    monkeypatch.setattr(migrations, "FORMAT_VERSION", 3)
    monkeypatch.setitem(migrations.MIGRATIONS, 2, v2_to_v3)
    said: list[str] = []
    store = Store(root, notify=said.append)
    assert _scan_check(store, "ly-forloeb", None) == expected["ly-forloeb/now"]
    assert said == [
        f"Upgraded the store at {root} from format 1 to format 3 "
        "(a one-time step; the figures and the --as-of history are kept)."
    ]
    files = sorted(str(p.relative_to(root)) for p in (root / "tables" / "ly-forloeb").iterdir())
    assert files == rewritten
    assert store.check().problems == []


def test_newer_format_is_refused(tmp_path: Path, cli: Run) -> None:
    root = _copy("store-v1", tmp_path)
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    manifest["format"] = FORMAT_VERSION + 1
    (root / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    result = cli("gap", "-c", "1", "--store", str(root))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: the store at {root} has format {FORMAT_VERSION + 1}, written by a newer "
        f"fleksmon (this one reads format {FORMAT_VERSION} and older). Upgrade fleksmon: "
        f"{installed().upgrade()}.\n"
    )


@pytest.mark.parametrize("name", OLD_STORES)
def test_person_batches_become_sorted_parts(name: str, tmp_path: Path) -> None:
    """Format 3: every person-level batch is a folder of parts sorted by person and month,
    with integer pseudonyms; the one-file batches are gone."""
    root = _copy(name, tmp_path)
    old = json.loads((root / "manifest.json").read_text("utf-8"))["batches"]
    store = Store(root, notify=lambda _: None)
    for batch in store.batches():
        if batch.kind == "aggregate":
            continue
        folder = root / batch.file
        assert batch.parts >= 1 and folder.is_dir()
        frame = pl.read_parquet(folder / "part-0000.parquet")
        assert frame.schema["person"] == pl.UInt64
        order = ["person", "start"] if batch.kind == "ly-forloeb" else ["person", "maaned"]
        assert frame.equals(frame.sort([*order, "kommune_kode"] if order[1] == "maaned" else order))
    person_files = [b["file"] for b in old if b["kind"] != "aggregate"]
    assert not any((root / f).exists() for f in person_files)
