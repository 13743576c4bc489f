"""Store permissions whatever the first ingest: private 0700/0600, a team store in a setgid
folder 2770/0660; ``store --check`` names a wrong folder or file with the fix."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fleksmon.store import Store
from tests.conftest import person_frame

grp = pytest.importorskip("grp", reason="users, groups and file modes are POSIX")

Run = Callable[..., Any]
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
K1 = EXAMPLES / "k1-sep-2019.csv"
PERSONS = sorted((EXAMPLES / "persons").glob("*.csv"))
FIRST = {"aggregate": [K1], "person-level": PERSONS[:1], "both": [*PERSONS, K1]}

pytestmark = pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "a team's key")


@pytest.fixture(params=[0o022, 0o002, 0o077])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _modes(root: Path) -> set[tuple[str, int]]:
    return {
        ("dir" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode))
        for p in [root, *root.rglob("*")]
    }


def _ingest(cli: Run, root: Path, files: list[Path]) -> None:
    result = cli("ingest", *map(str, files), "--store", str(root))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("first", list(FIRST))
def test_a_private_store_is_private_whatever_the_first_ingest(
    tmp_path: Path, cli: Run, umask: int, first: str
) -> None:
    root = tmp_path / "store"
    _ingest(cli, root, FIRST[first])
    assert _modes(root) == {("dir", 0o700), ("file", 0o600)}
    _ingest(cli, root, [K1, PERSONS[-1]])
    assert _modes(root) == {("dir", 0o700), ("file", 0o600)}


@pytest.mark.parametrize("first", list(FIRST))
def test_a_team_store_shares_every_folder_and_file(
    tmp_path: Path, cli: Run, umask: int, first: str
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    os.chmod(team, 0o2770)
    root = team / "store"
    _ingest(cli, root, FIRST[first])
    assert _modes(root) == {("dir", 0o2770), ("file", 0o660)}
    _ingest(cli, root, [K1, PERSONS[-1]])
    assert _modes(root) == {("dir", 0o2770), ("file", 0o660)}
    assert cli("store", "--check", "--store", str(root)).stderr == f"Store {root}: ok\n"


def test_check_names_a_private_folder_others_can_reach(tmp_path: Path, cli: Run) -> None:
    root = tmp_path / "store"
    _ingest(cli, root, PERSONS[:1])
    tables = root / "tables"
    os.chmod(tables, 0o755)
    os.chmod(root / "manifest.json", 0o640)
    result = cli("store", "--check", "--store", str(root))
    assert (result.exit_code, result.stderr) == (
        2,
        "Permissions: manifest.json is 0640: the group can reach a private store (should be "
        f"0600). Fix: chmod 600 {root / 'manifest.json'}\n"
        "Permissions: tables is 0755: other users of the machine can reach it (should be "
        f"0700). Fix: chmod 700 {tables}\n"
        f"Error: the store at {root} has folders or files with the wrong permissions. Run the "
        "commands above (as their owner, or with sudo).\n",
    )
    os.chmod(tables, 0o700)
    os.chmod(root / "manifest.json", 0o600)
    assert cli("store", "--check", "--store", str(root)).exit_code == 0


def test_check_names_what_locks_a_team_member_out(tmp_path: Path, cli: Run) -> None:
    team = tmp_path / "team"
    team.mkdir()
    os.chmod(team, 0o2770)
    root = team / "store"
    _ingest(cli, root, [K1])
    kind = root / "tables" / "aggregate"
    batch = next(kind.iterdir())
    os.chmod(kind, 0o0770)
    os.chmod(batch, 0o640)
    others = [g.gr_gid for g in grp.getgrall() if g.gr_gid != root.stat().st_gid]
    if os.geteuid() == 0 and others:
        os.chown(root / "manifest.json", -1, others[0])
    result = cli("store", "--check", "--store", str(root))
    lines = result.stderr.splitlines()
    assert result.exit_code == 2
    assert (
        f"Permissions: tables/aggregate is 0770: lacks the setgid bit, so new files leave the "
        f"team's group (should be 2770). Fix: chmod 2770 {kind}" in lines
    )
    assert (
        f"Permissions: {batch.relative_to(root)} is 0640: other members of the team cannot "
        f"write it (should be 0660). Fix: chmod 660 {batch}" in lines
    )
    if os.geteuid() == 0 and others:
        group = grp.getgrgid(root.stat().st_gid).gr_name
        assert (
            "Permissions: manifest.json belongs to another group than the store: the team "
            f"cannot use it. Fix: chgrp {group} {root / 'manifest.json'}" in lines
        )


def test_check_gives_one_command_for_many(tmp_path: Path, cli: Run) -> None:
    root = tmp_path / "store"
    _ingest(cli, root, PERSONS)
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    lines = cli("store", "--check", "--store", str(root)).stderr.splitlines()
    assert len([line for line in lines if line.startswith("Permissions: ")]) == 11
    assert lines[-2] == f"Permissions: and 6 more. Fix all: chmod -R u=rwX,go= {root}"


def test_a_private_store_is_private_for_person_rows_from_python(tmp_path: Path) -> None:
    """Person rows committed through the library (staged in memory, not streamed)."""
    old = os.umask(0o022)
    try:
        store = Store(tmp_path / "store")
        rows = [("p1", 101, 2019 * 12, 750), ("p2", 147, 2019 * 12, 1200)]
        frame = person_frame(rows, "fleksjob-timer")
        store.ingest(frame, kind="fleksjob-timer", source=Path("timer.csv"), sha256="t")
    finally:
        os.umask(old)
    assert _modes(store.root) == {("dir", 0o700), ("file", 0o600)}
