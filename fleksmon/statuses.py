"""The labour-market statuses of the Jobcenteroverblik (Figur 2 of STAR's Nøgletal), as data.

A download of full-time persons by benefit group (``Ydelsesgrupper``) is stored
one measure per status: ``ydelsesgruppe.<id>`` (``ydelsesgruppe.fleksjob``), and
the population 16–66 as ``befolkning_16_66``. The statuses below are the report's
rows, in its order; a category outside them is kept under its folded name.

>>> measure_of("Revalidering og forrevalidering"), measure_of("Befolkning (16-66 år)")
('ydelsesgruppe.revalidering', 'befolkning_16_66')
>>> label_of("ydelsesgruppe.a_dagpenge"), label_of("ydelsesgruppe.seniorpension")
('A-dagpenge mv.', 'seniorpension')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PREFIX = "ydelsesgruppe."
"""Measure ids of the full-time persons in one status start with this."""
POPULATION = "befolkning_16_66"
"""The measure id of the population 16–66 år."""
POPULATION_LABEL = "Befolkning (16-66 år)"


@dataclass(frozen=True)
class Status:
    """One row of the Jobcenteroverblik: its id, the report's label and other spellings."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def measure(self) -> str:
        """The stored measure id (``ydelsesgruppe.fleksjob``)."""
        return PREFIX + self.id


STATUSES: tuple[Status, ...] = (
    Status(
        "ydelsesmodtagere",
        "Ydelsesmodtagere",
        ("ydelsesmodtagere i alt", "ydelsesgrupper i alt", "ydelsesgruppe i alt"),
    ),
    Status("a_dagpenge", "A-dagpenge mv.", ("a-dagpenge", "a dagpenge", "dagpenge")),
    Status("kontanthjaelp", "Kontanthjælp"),
    Status("uddannelseshjaelp", "Uddannelseshjælp"),
    Status("integrationsydelse", "Integrationsydelse"),
    Status("sygedagpenge", "Sygedagpenge"),
    Status("jobafklaringsforloeb", "Jobafklaringsforløb"),
    Status(
        "revalidering",
        "Revalidering og forrevalidering",
        ("revalidering", "revalidering forrevalidering", "revalidering/forrevalidering"),
    ),
    Status("ressourceforloeb", "Ressourceforløb"),
    Status("ledighedsydelse", "Ledighedsydelse"),
    Status("fleksjob", "Fleksjob"),
    Status("foertidspension", "Førtidspension"),
    Status("efterloen", "Efterløn"),
    Status("beskaeftigede", "Beskæftigede"),
    Status("su_modtagere", "SU-modtagere", ("su modtagere", "su")),
    Status("oevrige", "Øvrige"),
)
"""The report's rows in its order (the population comes last, from ``POPULATION``)."""


def fold(text: str) -> str:
    """A category folded for matching: lower case, æøå spelled out, words joined by ``_``."""
    t = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return "_".join(re.sub(r"[^\w]+", " ", t).split())


_BY_NAME: dict[str, Status] = {
    fold(name): s for s in STATUSES for name in (s.id, s.label, *s.aliases)
}
_BY_MEASURE: dict[str, Status] = {s.measure: s for s in STATUSES}


def is_population(category: str) -> bool:
    """True for a category naming the population (``Befolkning (16-66 år)``, ``Befolkningen``)."""
    return fold(category).startswith("befolkning")


def known(category: str) -> bool:
    """True when a category is one of the report's statuses (or the population)."""
    return is_population(category) or fold(category) in _BY_NAME


def measure_of(category: str) -> str:
    """The stored measure id of a category as the download writes it."""
    if is_population(category):
        return POPULATION
    status = _BY_NAME.get(fold(category))
    return status.measure if status else PREFIX + fold(category)


def label_of(measure: str) -> str:
    """The report's label of a stored measure id (a category of its own: its folded name)."""
    if measure == POPULATION:
        return POPULATION_LABEL
    status = _BY_MEASURE.get(measure)
    return status.label if status else measure.removeprefix(PREFIX)


def order_of(measure: str) -> int:
    """Where a measure's row goes: the report's order, own categories after, population last."""
    if measure == POPULATION:
        return len(STATUSES) + 1
    status = _BY_MEASURE.get(measure)
    return STATUSES.index(status) if status else len(STATUSES)
