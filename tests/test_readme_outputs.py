"""Every output the README shows is what its command prints on the example data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import readme_outputs

SHOWN = readme_outputs.blocks(readme_outputs.README.read_text("utf-8"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("readme")
    readme_outputs.make_demo(made)
    return made


def test_the_readme_shows_outputs() -> None:
    commands = [command.split()[1] for command, _ in SHOWN]
    assert {"rank", "gap", "noegletal"} <= set(commands)


@pytest.mark.parametrize(("command", "shown"), SHOWN, ids=[c for c, _ in SHOWN])
def test_a_shown_output_is_what_the_command_prints(folder: Path, command: str, shown: str) -> None:
    assert readme_outputs.run(command, folder) == shown, "run: python -m tests.readme_outputs"
