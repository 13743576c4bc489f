"""Kommuner, regions and Hele landet: names, DST codes, aliases and suggestions.

Names are matched case- and accent-insensitively (``Århus`` = ``Aarhus``),
with common aliases (``Københavns Kommune``, ``Høje Taastrup``, ``Nordfyn``)
and DST codes (``751``, ``0751``). An unknown name raises a
:class:`~fleksmon.errors.FleksmonError` that suggests the closest real names.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fleksmon.errors import FleksmonError

HELE_LANDET = "Hele landet"


@dataclass(frozen=True)
class Area:
    """A kommune, a region or the whole country."""

    name: str
    code: str | None
    kind: str  # "kommune" | "region" | "land"
    region: str | None = None

    @property
    def sort_key(self) -> tuple[int, str]:
        """Kommuner first, then regions, Hele landet last."""
        return ({"kommune": 0, "region": 1, "land": 2}[self.kind], self.name)


def fold(text: str) -> str:
    """Fold a name for matching: lower case, æøå spelled out, accents, punctuation and
    'kommune' dropped."""
    t = text.strip().lower()
    t = t.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"[-_.,/()']", " ", t)
    t = re.sub(r"\b(kommune|kommunes|jobcenter|jobcentret|regionskommune)\b", " ", t)
    return " ".join(t.split())


_ALIASES = {
    "koebenhavns": "København",
    "kbh": "København",
    "copenhagen": "København",
    "aarhus": "Aarhus",
    "nordfyn": "Nordfyns",
    "bornholms": "Bornholm",
    "lyngby": "Lyngby-Taarbæk",
    "lyngby taarbaek": "Lyngby-Taarbæk",
    "hoeje taastrup": "Høje-Taastrup",
    "taastrup": "Høje-Taastrup",
    "ringkoebing": "Ringkøbing-Skjern",
    "ikast": "Ikast-Brande",
    "faaborg": "Faaborg-Midtfyn",
    "broenderslev dronninglund": "Brønderslev",
    "frederiksberg": "Frederiksberg",
    "vesthimmerland": "Vesthimmerlands",
    "aeroe": "Ærø",
    "hele landet": HELE_LANDET,
    "landet": HELE_LANDET,
    "danmark": HELE_LANDET,
    "hele danmark": HELE_LANDET,
    "i alt": HELE_LANDET,
    "alle kommuner": HELE_LANDET,
    "total": HELE_LANDET,
    "denmark": HELE_LANDET,
    "all": HELE_LANDET,
}


@cache
def all_areas() -> tuple[Area, ...]:
    """The 98 kommuner, the 5 regions and Hele landet."""
    text = resources.files("fleksmon").joinpath("data/kommuner.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    kommuner = [Area(r["navn"], r["kode"], "kommune", r["region"]) for r in rows]
    regions = {r["region"]: r["regionskode"] for r in rows}
    region_areas = [Area(name, code, "region") for name, code in sorted(regions.items())]
    return (*kommuner, *region_areas, Area(HELE_LANDET, None, "land"))


@cache
def _index() -> dict[str, Area]:
    index: dict[str, Area] = {}
    by_name = {a.name: a for a in all_areas()}
    for area in all_areas():
        index[fold(area.name)] = area
        if area.code:
            index[area.code] = area
            index[area.code.zfill(4)] = area
        if area.kind == "region":
            index[fold(area.name.removeprefix("Region "))] = area
    for alias, name in _ALIASES.items():
        index[alias] = by_name[name]
    return index


def kommuner() -> list[Area]:
    """The 98 kommuner in DST order."""
    return [a for a in all_areas() if a.kind == "kommune"]


def regions() -> list[Area]:
    """The five regions."""
    return [a for a in all_areas() if a.kind == "region"]


def members(area: Area) -> list[Area]:
    """The kommuner an area sums over (itself for a kommune)."""
    if area.kind == "kommune":
        return [area]
    if area.kind == "region":
        return [k for k in kommuner() if k.region == area.name]
    return kommuner()


def try_area(text: str | int) -> Area | None:
    """Resolve a name or code to an area, or ``None`` if it is not one."""
    key = str(text).strip()
    whole = re.fullmatch(r"(\d+)[,.]0+", key)
    if whole:  # a code in a number cell (Excel, JSON): 791,0
        key = whole.group(1)
    if key.isdigit():
        return _index().get(key.lstrip("0").zfill(3)) or _index().get(key.zfill(4))
    return _index().get(fold(key))


def suggest(text: str, n: int = 3) -> list[str]:
    """The closest real area names to a misspelt one."""
    names = {fold(a.name): a.name for a in all_areas()}
    close = difflib.get_close_matches(fold(text), list(names), n=n, cutoff=0.5)
    return [names[c] for c in close]


def resolve(text: str | int) -> Area:
    """Resolve a kommune, region or 'Hele landet' by name, alias or DST code.

    >>> resolve("Århus").name, resolve("751").name, resolve("Københavns Kommune").code
    ('Aarhus', 'Aarhus', '101')
    """
    area = try_area(text)
    if area is None and not str(text).strip():
        raise FleksmonError(
            "no kommune (an empty cell)",
            "Fill in the kommune, or remove the row",
        )
    if area is None:
        close = suggest(str(text))
        hint = f"Did you mean {_or_list(close)}?" if close else ""
        raise FleksmonError(
            f"unknown kommune {str(text)!r}",
            (hint + " " if hint else "")
            + "Use a kommune or region name, a DST code, or 'Hele landet'",
        )
    return area


def _or_list(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
