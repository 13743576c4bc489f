"""The counts fleksmon knows: measure ids, their labels, and the ids of kept columns.

A built-in measure has an id (``fleksjob_fuldtid``), the label reports print and the
labels Jobindsats uses for it; any other column kept from a known Jobindsats table
gets a derived id ``<table>.<label>`` (:func:`derived_id`), and a column that holds a
share (pct./andel) is stored and read as the share it is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """A count fleksmon reads: its id and the labels Jobindsats and reports use."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()


MEASURES: tuple[Measure, ...] = (
    Measure("fleksjob_fuldtid", "Fleksjob, fuldtidspersoner", ("fleksjob fuldtidspersoner",)),
    Measure(
        "ledighedsydelse_fuldtid",
        "Ledighedsydelse, fuldtidspersoner",
        ("ledighedsydelse fuldtidspersoner", "ly fuldtidspersoner"),
    ),
    Measure("ly_afsluttet", "Afsluttede forløb", ("afsluttede ledighedsydelsesforløb",)),
    Measure(
        "ly_afsluttet_under_6m",
        "Afsluttede forløb under 6 måneder",
        ("antal forløb afsluttet på under 6 måneder", "afsluttet under 6 måneder"),
    ),
    Measure(
        "ly_krydser_6m",
        "Forløb der overgår til over 6 måneder",
        ("antal forløb der overgår til at have en varighed på over 6 måneder",),
    ),
    Measure(
        "k3_population",
        "Personer i fleksjob 1–10 timer ≥ 1 år",
        ("personer i fleksjob 1-10 timer >= 1 år", "personer i små fleksjob"),
    ),
    Measure(
        "k3_progression",
        "Heraf med progression",
        ("antal personer der har oplevet progression", "personer med progression"),
    ),
    Measure("rf_maalgruppe", "Antal borgere i målgruppen", ("målgruppe",)),
    Measure("rf_praktik_loentilskud", "Virksomhedspraktik/løntilskud", ()),
    Measure("rf_loentimer", "Ordinære løntimer", ()),
    Measure("rf_fleksjob", "Fleksjob", ()),
    Measure("rf_selvforsoerget", "Selvforsørget beskæftigelse", ()),
    Measure("rf_uddannelse", "Uddannelse", ()),
    Measure("rf_lange_forloeb", "Ressourceforløb på mindst 1 år", ()),
    Measure(
        "rf_uden_indsats",
        "Heraf uden virksomhedsrettet indsats det seneste år",
        ("uden virksomhedsrettet indsats",),
    ),
    Measure("rf_under_1_aar", "Forløb under 1 år", ("under 1 år",)),
    Measure("rf_1_2_aar", "Forløb 1-2 år", ("1-2 år",)),
    Measure("rf_over_2_aar", "Forløb over 2 år", ("over 2 år",)),
)
MEASURE_IDS: tuple[str, ...] = tuple(m.id for m in MEASURES)
MEASURE_LABELS: dict[str, str] = {m.id: m.label for m in MEASURES}

TABLE_MEASURES: dict[str, dict[str, str]] = {
    "Y08A02": {"antal fuldtidspersoner": "fleksjob_fuldtid"},
    "Y09A02": {"antal fuldtidspersoner": "ledighedsydelse_fuldtid"},
    "Y11A02": {},
}
"""Jobindsats tables whose generic column labels (folded) mean one of the built-in measures."""

_DERIVED = re.compile(r"^[a-z0-9]+\.[a-z0-9_]+$")
_SHARE_WORDS = frozenset({"pct", "procent", "andel", "andele"})


_DEFAULT_AGES = re.compile(r"(?<=[a-z0-9])_?16_66_aar$")
"""Jobindsats' default age span at the end of a folded label: API v3 drops it."""


def slug(text: str) -> str:
    """A label folded: lower case, æøå spelled out, ``%`` as ``pct``, every other
    non-alphanumeric run as ``_`` (case and spacing never matter)."""
    t = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t.replace("%", " pct "))
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


def derived_id(table: str, label: str) -> str:
    """The stable id of a Jobindsats column: table and label folded (:func:`slug`),
    without the default age span "16-66 år" at the end: API v3 labels drop it, so the v2
    and the v3 label of a table's column are one measure. Other spans stay
    (``…_16_64_aar``).

    >>> derived_id("Y08A02", "Fuldtidspersoner i pct. af befolkningen 16-66 år")
    'y08a02.fuldtidspersoner_i_pct_af_befolkningen'
    >>> derived_id("y08a02", "FULDTIDSPERSONER i pct.af  befolkningen (16 – 66 år)")
    'y08a02.fuldtidspersoner_i_pct_af_befolkningen'
    >>> derived_id("Y01A02", "Ledige i pct. af arbejdsstyrken 16-64 år")
    'y01a02.ledige_i_pct_af_arbejdsstyrken_16_64_aar'
    """
    return f"{table.strip().lower()}.{_DEFAULT_AGES.sub('', slug(label))}"


def group_and_measure(label: str) -> tuple[str, str]:
    """A ``Gruppe: Måling`` column label split at its last ``": "`` (the group folded,
    ``""`` without one).

    >>> group_and_measure("Forventet og faktisk antal: Forventet antal")
    ('forventet_og_faktisk_antal', 'Forventet antal')
    """
    group, sep, measure = label.rpartition(": ")
    return (slug(group), measure) if sep and measure.strip() else ("", label)


DERIVED_ALIASES: dict[str, str] = {
    derived_id(table, label): measure
    for table, labels in TABLE_MEASURES.items()
    for label, measure in labels.items()
}
"""Derived ids that name a built-in measure (``y08a02.antal_fuldtidspersoner`` is
``fleksjob_fuldtid``): the value is stored once, under the built-in id."""


def label_id(table: str, label: str) -> str:
    """The id a known table's column label is stored under: :func:`derived_id` of the
    measure without its group (``Gruppe: Måling``), as :func:`canonical` names it.

    >>> label_id("Y30R21", "Forventet og faktisk antal fuldtidspersoner: Faktisk antal")
    'y30r21.faktisk_antal'
    """
    return canonical(derived_id(table, group_and_measure(label)[1]))


def is_derived(measure: str) -> bool:
    """True for an id of the form ``<table>.<label>`` (a column kept from a known table)."""
    return bool(_DERIVED.match(measure))


def is_share_measure(measure: str) -> bool:
    """True for a kept share column (``…_i_pct_af_befolkningen…``, ``andel_…``): stored as
    the share it is, never summed over dimensions or areas and never checked as a count."""
    if not is_derived(measure) or measure in DERIVED_ALIASES:
        return False
    return bool(_SHARE_WORDS & set(measure.partition(".")[2].split("_")))


def canonical(measure: str) -> str:
    """The id a measure is stored under: a built-in measure's derived id is its alias, and
    a derived id ending in the default age span is the one without it.

    >>> canonical("y08a02.antal_fuldtidspersoner"), canonical("y12a02.x_i_pct_16_66_aar")
    ('fleksjob_fuldtid', 'y12a02.x_i_pct')
    """
    if is_derived(measure):
        table, _, rest = measure.partition(".")
        measure = f"{table}.{_DEFAULT_AGES.sub('', rest) or rest}"
    return DERIVED_ALIASES.get(measure, measure)


def measure_label(measure: str) -> str:
    """A measure's label for tables: the built-in label, else the id itself."""
    return MEASURE_LABELS.get(measure, measure)
