"""Run fleksmon steps as another user of the machine (for tests/test_store_users.py).

Started as root with one JSON argument: ``uid``, ``gid``, ``groups``, ``umask``, ``home``
and ``steps``. It runs the steps once as root on scratch copies of the stores named in
them (so every module and data file is loaded while root can read them: the interpreter
may live where other users cannot go), then takes the user's uid, gid and groups and
runs the steps for real, printing one JSON line: a result per step.

Steps: ``{"cli": [args…]}`` runs the CLI (``--store`` names a store); ``{"lock": store,
"ready": file, "release": file}`` holds the store's write lock, writes ``ready`` and waits
until ``release`` exists. A step with ``"started": file`` writes that file first.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any


def _stores(steps: list[dict[str, Any]]) -> set[str]:
    found = {s["lock"] for s in steps if "lock" in s}
    for step in steps:
        args = step.get("cli", [])
        found |= {args[i + 1] for i, a in enumerate(args[:-1]) if a == "--store"}
    return found


def run(steps: list[dict[str, Any]], stores: dict[str, str], wait: bool) -> list[dict[str, Any]]:
    """Run ``steps`` with each store path replaced as ``stores`` says."""
    from typer.testing import CliRunner

    from fleksmon.cli.app import app
    from fleksmon.store import Store

    out: list[dict[str, Any]] = []
    for step in steps:
        if wait and "started" in step:
            Path(step["started"]).write_text(f"{time.time()}\n")
        if "cli" in step:
            args = [stores.get(a, a) for a in step["cli"]]
            result = CliRunner().invoke(app, args)
            error = result.exception
            out.append(
                {
                    "exit": result.exit_code,
                    "stdout": result.stdout,
                    "stderr": result.stderr,
                    "error": None
                    if isinstance(error, SystemExit | None)
                    else "".join(traceback.format_exception(error)),
                }
            )
        else:
            with Store(stores.get(step["lock"], step["lock"]))._locked():
                if wait:
                    Path(step["ready"]).write_text(f"{time.time()}\n")
                    while not Path(step["release"]).exists():
                        time.sleep(0.02)
                released = time.time()
            out.append({"released": released})
    return out


PRELOAD = ("html", "difflib", "shlex", "grp", "pwd")
"""Modules an error path imports late, loaded before the user's rights are taken."""
PACKAGES = ("fleksmon", "rich", "typer", "click")
"""Packages loaded whole (a message rendered by rich loads its emoji table late)."""


def _preload() -> None:
    for name in PRELOAD:
        importlib.import_module(name)
    for package in PACKAGES:
        try:
            root = importlib.import_module(package)
        except ImportError:
            continue
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if module.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(module.name)
            except Exception:  # optional or other-platform modules (rich._win32_console)
                continue


def main() -> None:
    spec = json.loads(sys.argv[1])
    _preload()
    os.environ.update(HOME=spec["home"], COLUMNS="160", NO_COLOR="1")
    os.environ.pop("FLEKSMON_STORE", None)
    scratch = Path(tempfile.mkdtemp(prefix="fleksmon-warm-"))
    try:
        warm = {s: str(scratch / f"store{i}") for i, s in enumerate(sorted(_stores(spec["steps"])))}
        run(spec["steps"], warm, wait=False)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    os.setgroups(spec["groups"])
    os.setgid(spec["gid"])
    os.setuid(spec["uid"])
    os.umask(spec["umask"])
    print(json.dumps(run(spec["steps"], {}, wait=True)))


if __name__ == "__main__":
    main()
