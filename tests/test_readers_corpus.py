"""Every file of the bad-aggregate corpus: the exact one line, exit 2, the store unchanged."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.bad_aggregates import CASES

Run = Callable[..., Any]
ROOT = Path(__file__).resolve().parents[1]
TRIED: list[str] = []


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from fleksmon.cli.app import app

    store = tmp_path_factory.mktemp("corpus") / "store"
    example = str(ROOT / "examples" / "k1-sep-2019.csv")
    result = CliRunner().invoke(app, ["ingest", example, "--store", str(store)])
    assert result.exit_code == 0
    return store


@pytest.mark.parametrize(("name", "content", "line"), CASES, ids=[c[0] for c in CASES])
def test_bad_file(
    cli: Run, tmp_path: Path, base_store: Path, name: str, content: bytes, line: str
) -> None:
    store = tmp_path / "store"
    shutil.copytree(base_store, store)
    before = _snapshot(store)
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("ingest", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr, result.stdout) == (2, line + "\n", "")
    assert _snapshot(store) == before
    TRIED.append(name)


def test_corpus_size() -> None:
    print(f"bad-aggregate corpus: {len(TRIED)} of {len(CASES)} files tried")
    assert len({c[0] for c in CASES}) == len(CASES)
