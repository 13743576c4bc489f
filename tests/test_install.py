"""Install hints name a command that works from where fleksmon was installed."""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from fleksmon import install

ROOT = Path(__file__).resolve().parents[1]


class _Dist:
    def __init__(self, direct: dict[str, Any] | None) -> None:
        self.direct = direct

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct is None else json.dumps(self.direct)


@pytest.mark.parametrize(
    ("direct", "reinstall", "upgrade"),
    [
        (
            {"url": "file:///home/ana/fleks%20mon", "dir_info": {"editable": True}},
            "PY -m pip install -e '/home/ana/fleks mon'",
            "update '/home/ana/fleks mon' (git pull), then "
            "PY -m pip install -e '/home/ana/fleks mon'",
        ),
        (
            {"url": "file:///srv/fleksmon", "dir_info": {}},
            "PY -m pip install /srv/fleksmon",
            "update /srv/fleksmon (git pull), then PY -m pip install /srv/fleksmon",
        ),
        (
            None,
            "PY -m pip install --force-reinstall fleksmon",
            "PY -m pip install --upgrade fleksmon",
        ),
        (
            {"url": "https://files.example/fleksmon-0.1.0.tar.gz", "archive_info": {}},
            "PY -m pip install --force-reinstall fleksmon",
            "PY -m pip install --upgrade fleksmon",
        ),
    ],
)
def test_hints_follow_the_installation(
    monkeypatch: pytest.MonkeyPatch, direct: dict[str, Any] | None, reinstall: str, upgrade: str
) -> None:
    monkeypatch.setattr(metadata, "distributions", lambda name: [_Dist(None), _Dist(direct)])
    monkeypatch.setattr(sys, "executable", "PY")
    found = install.installed()
    assert (found.reinstall(), found.upgrade()) == (reinstall, upgrade)


def test_not_installed_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "distributions", lambda name: [])
    monkeypatch.setattr(sys, "executable", "/opt/py 3/bin/python")
    assert install.installed().reinstall() == (
        "'/opt/py 3/bin/python' -m pip install --force-reinstall fleksmon"
    )


def test_this_checkout_is_named() -> None:
    """Installed as the README says (``pip install -e .``): the hint names this folder."""
    found = install.installed()
    assert found.folder is not None and Path(found.folder).resolve() == ROOT
    assert found.reinstall().endswith(f"-m pip install -e {ROOT}")


def test_charts_need_no_extra() -> None:
    """matplotlib is a regular dependency: the README's install gives working charts."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    dependencies = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert '"matplotlib>=3.8"' in dependencies
    assert "charts =" not in text
