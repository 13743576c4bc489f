"""How this fleksmon was installed, for hints that name a command that works.

pip records where a package came from (``direct_url.json``): a folder (a clone,
editable or not) or the package index. A hint to reinstall or upgrade names the
same source and the Python that runs fleksmon, so it works from where the user
installed, activated environment or not.

>>> Installed(folder="/home/ana/fleksmon", editable=True, python="python3").reinstall()
'python3 -m pip install -e /home/ana/fleksmon'
>>> Installed(folder=None, editable=False, python="python3").upgrade()
'python3 -m pip install --upgrade fleksmon'
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname


@dataclass(frozen=True)
class Installed:
    """Where fleksmon was installed from: a folder (``None``: the package index)."""

    folder: str | None
    editable: bool
    python: str

    def reinstall(self) -> str:
        """The command that installs fleksmon again with all its dependencies."""
        if self.folder is None:
            return f"{self.python} -m pip install --force-reinstall fleksmon"
        flag = "-e " if self.editable else ""
        return f"{self.python} -m pip install {flag}{shlex.quote(self.folder)}"

    def upgrade(self) -> str:
        """The command (or steps) that bring a newer fleksmon."""
        if self.folder is None:
            return f"{self.python} -m pip install --upgrade fleksmon"
        return f"update {shlex.quote(self.folder)} (git pull), then {self.reinstall()}"


def installed() -> Installed:
    """This fleksmon's installation, as pip recorded it."""
    from importlib import metadata

    python = shlex.quote(sys.executable or "python3")
    # A source folder on sys.path also holds build metadata (fleksmon.egg-info) without
    # the record of where pip installed from: take the installed copy's record.
    found = (d.read_text("direct_url.json") for d in metadata.distributions(name="fleksmon"))
    text = next((t for t in found if t), None)
    info = json.loads(text) if text else {}
    url = str(info.get("url", ""))
    if not url.startswith("file:"):
        return Installed(folder=None, editable=False, python=python)
    folder = url2pathname(unquote(urlparse(url).path))
    editable = bool(info.get("dir_info", {}).get("editable"))
    return Installed(folder=folder, editable=editable, python=python)
