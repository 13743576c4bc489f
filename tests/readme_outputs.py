"""The README's shown outputs, made from the example data and checked by a test.

A block in README.md written as::

    <!-- output: fleksmon rank -c 3 -k Viborg --top 5 --store demo-store -->
    ```text
    …
    ```

shows what that command prints (80 columns wide, no colour) in a folder holding
``examples/`` and the quick start's store ``demo-store`` (the K1 counts and the
synthetic persons) with ``examples/y30r21-benchmark.csv`` loaded too.
``tests/test_readme_outputs.py`` runs every such command and compares;
``python -m tests.readme_outputs`` rewrites the blocks from a fresh demo store.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
WIDTH = "80"
MARK = re.compile(
    r"(<!-- output: (fleksmon [^\n]*?) -->\n( *)```text\n)((?:(?!```).)*?)(\n *```\n)", re.S
)
STORE = "demo-store"
LOADS = (
    ("examples/k1-sep-2019.csv", "examples/persons/fleksjob-timer.csv",
     "examples/persons/ly-forloeb.csv", "examples/persons/ressourceforloeb.csv"),
    ("examples/y30r21-benchmark.csv",),
)  # fmt: skip
"""What the quick start loads into ``demo-store``, then the benchmark download."""


def blocks(text: str) -> list[tuple[str, str]]:
    """The README's (command, shown output) pairs (the output without the block's indent)."""
    return [(m.group(2), _dedent(m.group(4), m.group(3))) for m in MARK.finditer(text)]


def _dedent(text: str, indent: str) -> str:
    return "\n".join(line.removeprefix(indent) for line in text.split("\n"))


def _indent(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def make_demo(folder: Path) -> None:
    """A copy of ``examples/`` in ``folder`` and the quick start's store loaded from it."""
    from fleksmon.cli.app import app

    shutil.copytree(ROOT / "examples", folder / "examples")
    for files in LOADS:
        args = ["ingest", *files, "--store", str(folder / STORE)]
        result = CliRunner().invoke(app, args, env={"FLEKSMON_KEY": "demo-key"})
        assert result.exit_code == 0, result.stderr


def run(command: str, folder: Path) -> str:
    """What ``command`` prints in ``folder``, each line's trailing blanks taken off."""
    import os

    from fleksmon.cli.app import app

    args = shlex.split(command)[1:]
    before = Path.cwd()
    os.chdir(folder)
    try:
        env = {"COLUMNS": WIDTH, "NO_COLOR": "1", "FLEKSMON_STORE": "", "FLEKSMON_TARGETS": ""}
        result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    finally:
        os.chdir(before)
    assert result.exit_code == 0, f"{command}: {result.stderr}"
    return "\n".join(line.rstrip() for line in result.stdout.rstrip("\n").splitlines())


def rewrite(readme: Path = README) -> None:
    """Re-make every shown output of ``readme`` from a fresh demo store."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_demo(folder)
        text = readme.read_text("utf-8")
        made = MARK.sub(
            lambda m: m.group(1) + _indent(run(m.group(2), folder), m.group(3)) + m.group(5),
            text,
        )
    readme.write_text(made, "utf-8")


if __name__ == "__main__":
    rewrite(Path(sys.argv[1]) if len(sys.argv) > 1 else README)
