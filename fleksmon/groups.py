"""Groups of kommuner (e.g. a project's participating kommuner) from a targets file.

A ``[grupper]`` section names each group and lists its kommuner (names,
aliases or DST codes)::

    [grupper]
    Deltagerkommuner = ["Aalborg", "Viborg", "Thisted"]

A group's total row sums its kommuner's counts (see :mod:`fleksmon.rfreport`); the
section is read with the rest of the file by :func:`fleksmon.targets.read_targets`.
"""

from __future__ import annotations

from pathlib import Path

from fleksmon import areas
from fleksmon.errors import FleksmonError

_FIX = 'write [grupper] and below it Deltagerkommuner = ["Aalborg", "Viborg"]'


def check_groups(path: Path, spec: object) -> dict[str, tuple[str, ...]]:
    """The groups of a parsed ``[grupper]`` section, by kommune name; a one-line error
    naming the file and group for anything else (not a list of kommuner, an unknown
    or repeated kommune, a region, a group named like an area, an empty group)."""

    def error(what: str, fix: str = _FIX) -> FleksmonError:
        return FleksmonError(f"{path.name}: [grupper] {what}", fix)

    if not isinstance(spec, dict):
        raise error("must be a section of groups")
    groups: dict[str, tuple[str, ...]] = {}
    for name, members in spec.items():
        if areas.try_area(name) is not None:
            raise error(f"{name!r} is the name of an area", "give the group another name")
        if not isinstance(members, list) or not members:
            raise error(f"{name} must be a non-empty list of kommuner")
        found: list[str] = []
        for member in members:
            area = areas.try_area(member) if isinstance(member, str | int) else None
            if area is None or area.kind != "kommune":
                close = areas.suggest(str(member)) if area is None else []
                what = "not a kommune" if area is None else f"a {area.kind}, not a kommune"
                raise error(
                    f"{name}: {str(member)!r} is {what}",
                    (f"did you mean {close[0]}? Name" if close else "name")
                    + " one of the 98 kommuner (name or DST code)",
                )
            if area.name in found:
                raise error(f"{name}: {area.name} is given twice", "keep one of them")
            found.append(area.name)
        groups[name] = tuple(found)
    return groups
