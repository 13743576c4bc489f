"""Two real users of one group share a team store: each ingests, replaces and reads, the
write lock holds across them, and the other user cannot open a private store.

The users and the group are created for the test (it needs root, as CI has; elsewhere
it is skipped, saying why) and removed afterwards. Each user's commands run in
``tests/as_user.py``, which takes the user's uid, gid and groups before running them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fleksmon.store import Store

grp = pytest.importorskip("grp", reason="users, groups and file modes are POSIX")
pwd = pytest.importorskip("pwd", reason="users, groups and file modes are POSIX")

HELPER = Path(__file__).with_name("as_user.py")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GROUP = "fleksmon-team"
USERS = ("fleksmon-anna", "fleksmon-bo")


def _why_not() -> str | None:
    if os.name == "nt" or not hasattr(os, "geteuid"):
        return "users, groups and file modes are POSIX"
    if os.geteuid() != 0:
        return "needs root to create two users and a group (CI runs as root)"
    if not (shutil.which("useradd") and shutil.which("groupadd") and shutil.which("userdel")):
        return "needs useradd, groupadd and userdel"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=str(_why_not()))


@dataclass
class Team:
    """The users (name → (uid, gid)), the team's gid and a folder they can all reach."""

    users: dict[str, tuple[int, int]]
    gid: int
    base: Path

    def run(self, user: str, steps: list[dict[str, Any]]) -> subprocess.Popen[str]:
        uid, gid = self.users[user]
        home = self.base / user
        spec = {
            "uid": uid,
            "gid": gid,
            "groups": [gid, self.gid],
            "umask": 0o022,
            "home": str(home),
            "steps": steps,
        }
        env = {**os.environ, "FLEKSMON_KEY": "the team's key"}
        return subprocess.Popen(
            [sys.executable, str(HELPER), json.dumps(spec)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def results(self, process: subprocess.Popen[str]) -> list[dict[str, Any]]:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results: list[dict[str, Any]] = json.loads(out)
        return results

    def as_user(self, user: str, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.results(self.run(user, steps))


@pytest.fixture(scope="module")
def team() -> Iterator[Team]:
    made: list[list[str]] = []
    try:
        try:
            grp.getgrnam(GROUP)
        except KeyError:
            subprocess.run(["groupadd", GROUP], check=True)
            made.append(["groupdel", GROUP])
        for user in USERS:
            try:
                pwd.getpwnam(user)
            except KeyError:
                subprocess.run(
                    ["useradd", "-M", "-U", "-G", GROUP, "-s", "/usr/sbin/nologin", user],
                    check=True,
                )
                made.insert(0, ["userdel", user])
        base = Path(tempfile.mkdtemp(prefix="fleksmon-users-"))
        base.chmod(0o755)
        users = {u: (pwd.getpwnam(u).pw_uid, pwd.getpwnam(u).pw_gid) for u in USERS}
        for user, (uid, gid) in users.items():
            (base / user).mkdir()
            os.chown(base / user, uid, gid)
        inputs = base / "inputs"
        shutil.copytree(EXAMPLES / "persons", inputs)
        shutil.copy(EXAMPLES / "k1-sep-2019.csv", inputs)
        revised = (inputs / "k1-sep-2019.csv").read_bytes().replace(b";401;48", b";402;48")
        (inputs / "k1-revised.csv").write_bytes(revised)
        for path in [inputs, *inputs.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shared = base / "team"
        shared.mkdir()
        os.chown(shared, 0, grp.getgrnam(GROUP).gr_gid)
        shared.chmod(0o2770)
        yield Team(users, grp.getgrnam(GROUP).gr_gid, base)
        shutil.rmtree(base)
    finally:
        for command in made:
            subprocess.run(command, check=False, capture_output=True)


def _ingest(store: Path, *files: Path) -> dict[str, Any]:
    return {"cli": ["ingest", *map(str, files), "--store", str(store)]}


def test_two_members_ingest_replace_and_read_one_team_store(team: Team) -> None:
    store = team.base / "team" / "store"
    inputs = team.base / "inputs"
    anna, bo = USERS
    (first,) = team.as_user(anna, [_ingest(store, inputs / "fleksjob-timer.csv")])
    assert first["exit"] == 0, first["stderr"]
    ingest_k1, ingest_ly, revise, gap = team.as_user(
        bo,
        [
            _ingest(store, inputs / "k1-sep-2019.csv"),
            _ingest(store, inputs / "ly-forloeb.csv"),
            _ingest(store, inputs / "k1-revised.csv"),
            {"cli": ["gap", "-c", "3", "-k", "Viborg", "-f", "csv", "--store", str(store)]},
        ],
    )
    for result in (ingest_k1, ingest_ly, revise, gap):
        assert result["exit"] == 0, result["stderr"]
    assert "replaced 1 rows" in revise["stderr"] or "replaced" in revise["stderr"]
    assert gap["stdout"].startswith("kommune,kommune_kode,criterion,")
    assert ",K3," in gap["stdout"]
    listing, check = team.as_user(
        anna,
        [
            {"cli": ["store", "-f", "csv", "--store", str(store)]},
            {"cli": ["store", "--check", "--store", str(store)]},
        ],
    )
    assert listing["exit"] == 0 and len(listing["stdout"].splitlines()) == 1 + 4
    assert (check["exit"], check["stderr"]) == (0, f"Store {store}: ok\n")
    owners = set()
    for path in [store, *store.rglob("*")]:
        info = path.stat()
        want = 0o2770 if path.is_dir() else 0o660
        assert (stat.S_IMODE(info.st_mode), info.st_gid) == (want, team.gid), path
        owners.add(info.st_uid)
    assert owners == {uid for uid, _ in team.users.values()}


def test_the_write_lock_holds_across_users(team: Team, tmp_path: Path) -> None:
    store = team.base / "team" / "locked"
    inputs = team.base / "inputs"
    anna, bo = USERS
    (made,) = team.as_user(anna, [_ingest(store, inputs / "k1-sep-2019.csv")])
    assert made["exit"] == 0, made["stderr"]
    signals = team.base / "signals"
    signals.mkdir(mode=0o777, exist_ok=True)
    signals.chmod(0o777)
    ready, release, started = signals / "ready", signals / "release", signals / "started"
    holder = team.run(anna, [{"lock": str(store), "ready": str(ready), "release": str(release)}])
    _wait_for(ready, holder)
    writer = team.run(bo, [{**_ingest(store, inputs / "ly-forloeb.csv"), "started": str(started)}])
    _wait_for(started, writer)
    time.sleep(1.5)
    assert writer.poll() is None, "the ingest finished while another user held the lock"
    released_at = time.time()
    release.write_text("")
    (held,) = team.results(holder)
    (wrote,) = team.results(writer)
    assert wrote["exit"] == 0, wrote["stderr"]
    batch = Store(store).batches()[-1]
    assert batch.kind == "ly-forloeb"
    assert batch.time >= dt.datetime.fromtimestamp(min(released_at, held["released"]), dt.UTC)


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path.name} never came"
        time.sleep(0.02)


def test_another_user_cannot_open_a_private_store(team: Team) -> None:
    anna, bo = USERS
    store = team.base / anna / "store"
    inputs = team.base / "inputs"
    (made,) = team.as_user(anna, [_ingest(store, inputs / "ressourceforloeb.csv")])
    assert made["exit"] == 0, made["stderr"]
    modes = {
        (p.is_dir(), stat.S_IMODE(p.stat().st_mode), p.stat().st_uid)
        for p in [store, *store.rglob("*")]
    }
    anna_uid = team.users[anna][0]
    assert modes == {(True, 0o700, anna_uid), (False, 0o600, anna_uid)}
    (listing,) = team.as_user(bo, [{"cli": ["store", "--store", str(store)]}])
    assert (listing["exit"], listing["error"]) == (2, None)
    assert listing["stderr"] == (
        f"Error: no permission to read the store's manifest {store / 'manifest.json'}. Ask the "
        "folder's owner for read access, or use another --store.\n"
    )
