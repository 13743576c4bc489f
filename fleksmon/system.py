"""What fleksmon asks about the machine it runs on, in one place.

Everything POSIX-only (file modes, the setgid bit of a team folder, uids) is done
only where :func:`on_windows` says no; on Windows a store folder gets the access
rules it inherits from its parent folder. Tests patch this function to run the
Windows paths on any machine. :func:`plain_console` keeps a console or pipe in a
Windows code page (cp850, cp1252) from ever failing on a character it lacks.
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

PLAIN = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2713": "v",
    "\u2026": "...",
    "\u2192": "->",
    "\u2265": ">=",
    "\u2264": "<=",
    "\u2022": "*",
    "\u00d7": "x",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}
"""Plain forms of characters a Windows code page may lack (``–`` as ``-``, ``✓`` as ``v``)."""


def on_windows() -> bool:
    """True when fleksmon runs on Windows (file modes do not apply there)."""
    return sys.platform == "win32"


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(PLAIN.get(c, "?") for c in text), error.end


codecs.register_error("fleksmon-plain", _plain)


def plain_console(*streams: TextIO) -> None:
    """Let ``streams`` (default stdout and stderr) print a character their encoding lacks
    as its plain form (:data:`PLAIN`, else ``?``) instead of failing: æøå print in cp850
    and cp1252, ``–`` and ``✓`` print as ``-`` and ``v``."""
    for stream in streams or (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not encoding.startswith("utf"):
            reconfigure(errors="fleksmon-plain")
