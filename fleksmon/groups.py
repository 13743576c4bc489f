"""Groups of kommuner (e.g. a project's participating kommuner) from a targets file.

A ``[grupper]`` section names each group and lists its kommuner (names,
aliases or DST codes)::

    [grupper]
    Deltagerkommuner = ["Aalborg", "Viborg", "Thisted"]

A group's total row sums its kommuner's counts (see :mod:`fleksmon.rfreport`); the
section is read with the rest of the file by :func:`fleksmon.targets.read_targets`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from fleksmon import areas
from fleksmon.errors import FleksmonError

Groups = Mapping[str, Sequence[str]]
"""Groups of kommuner by name (a targets file's ``[grupper]``)."""

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


def resolve_names(names: Sequence[str], groups: Groups) -> tuple[str, ...]:
    """Each name as an area's canonical name or a group's name, each once, in order; an
    unknown name is a one-line error suggesting the closest areas."""
    by_key = {areas.fold(name): name for name in groups}
    found: list[str] = []
    for name in names:
        group = by_key.get(areas.fold(str(name)))
        found.append(group if group is not None else areas.resolve(name).name)
    return tuple(dict.fromkeys(found))


def expand(
    names: Sequence[str], groups: Groups
) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The areas of ``names`` (a group's name replaced by its kommuner, each area once)
    and the groups among them with their kommuner (the group total rows)."""
    wanted: list[str] = []
    totals: list[tuple[str, tuple[str, ...]]] = []
    for name in resolve_names(names, groups):
        if name in groups:
            members = tuple(areas.resolve(k).name for k in groups[name])
            wanted.extend(members)
            totals.append((name, members))
        else:
            wanted.append(name)
    return tuple(dict.fromkeys(wanted)), tuple(totals)


def check_compare(name: str | None, groups: Groups) -> str | None:
    """``--compare``: a group of ``groups`` by its name (any case), or a one-line error
    naming the groups there are.

    >>> check_compare("sammenlignelige", {"Sammenlignelige": ("Skive", "Holstebro")})
    'Sammenlignelige'
    """
    if name is None:
        return None
    by_key = {areas.fold(g): g for g in groups}
    found = by_key.get(areas.fold(name))
    if found is not None:
        return found
    if not groups:
        raise FleksmonError(
            f"--compare {name}: the targets file names no groups",
            'give --targets a file with [grupper] and e.g. Sammenlignelige = ["Skive", "Lemvig"]',
        )
    raise FleksmonError(
        f"--compare {name}: no such group in [grupper]",
        f"use one of {', '.join(groups)}",
    )
