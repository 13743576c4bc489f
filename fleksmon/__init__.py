"""fleksmon: how far is a kommune from its flexjob targets, and how many people is that?

The library behind the ``fleksmon`` command line. Measures are pure polars
functions; readers, the store and the renderers are separate modules.

>>> from fleksmon import parse_period
>>> parse_period("Nov. 2019").code()
'2019M11'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fleksmon.errors import FleksmonError
from fleksmon.periods import Period, parse_period

__version__ = "0.1.0"
__all__ = [
    "CRITERIA",
    "FleksmonError",
    "Period",
    "Query",
    "Result",
    "Store",
    "__version__",
    "compute",
    "gap",
    "jobcenteroverblik",
    "months_to_target",
    "open_store",
    "parse_period",
    "rank",
]

if TYPE_CHECKING:
    from fleksmon.api import (
        Result,
        compute,
        gap,
        jobcenteroverblik,
        months_to_target,
        open_store,
    )
    from fleksmon.criteria import CRITERIA
    from fleksmon.query import Query
    from fleksmon.ranking import rank
    from fleksmon.store import Store

_LAZY = {
    "compute": "fleksmon.api",
    "gap": "fleksmon.api",
    "months_to_target": "fleksmon.api",
    "jobcenteroverblik": "fleksmon.api",
    "open_store": "fleksmon.api",
    "Result": "fleksmon.api",
    "Query": "fleksmon.query",
    "rank": "fleksmon.ranking",
    "Store": "fleksmon.store",
    "CRITERIA": "fleksmon.criteria",
}


def __getattr__(name: str) -> Any:
    """Import the heavier parts (polars) only when they are used."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fleksmon' has no attribute {name!r}")
