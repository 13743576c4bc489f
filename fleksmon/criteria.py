"""The success criteria and result requirements, declared once, as data.

Every table, gap, record and export is driven from these declarations: the
target, the direction, the baseline, which measures make the population and
the hits, the window, and the titles and notes the reports print.
A kommune's own targets (a TOML file) override the defaults; see
:func:`load_targets`.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fleksmon.errors import FleksmonError
from fleksmon.periods import Period, parse_period


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


def derived_id(table: str, label: str) -> str:
    """The stable id of a Jobindsats column: table and label folded (lower case, æøå
    spelled out, ``%`` as ``pct``, every other non-alphanumeric run as ``_``).

    >>> derived_id("Y08A02", "Fuldtidspersoner i pct. af befolkningen 16-66 år")
    'y08a02.fuldtidspersoner_i_pct_af_befolkningen_16_66_aar'
    """
    t = label.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t.replace("%", " pct "))
    t = "".join(c for c in t if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "_", t).strip("_")
    return f"{table.strip().lower()}.{slug}"


DERIVED_ALIASES: dict[str, str] = {
    derived_id(table, label): measure
    for table, labels in TABLE_MEASURES.items()
    for label, measure in labels.items()
}
"""Derived ids that name a built-in measure (``y08a02.antal_fuldtidspersoner`` is
``fleksjob_fuldtid``): the value is stored once, under the built-in id."""


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
    """The id a measure is stored under (a built-in measure's derived id is its alias)."""
    return DERIVED_ALIASES.get(measure, measure)


def measure_label(measure: str) -> str:
    """A measure's label for tables: the built-in label, else the id itself."""
    return MEASURE_LABELS.get(measure, measure)


@dataclass(frozen=True)
class Criterion:
    """One success criterion: ``share = hits / population`` against a target.

    ``window`` is the number of months summed into one figure (3 for K2's
    rolling quarters, 0 for R1/R2 which take the whole selected period);
    ``extras`` are further counts (record key, measure id) that records and report
    tables show, ``record_only`` counts that only records carry;
    ``columns`` how many periods a report table shows; ``baseline`` the period
    the baseline share is read at (for windowed criteria, its last month);
    ``count_sums`` counts among ``counts`` that are the sum of others (total, parts);
    ``kommune_targets`` the kommuner with a target of their own (name, percent);
    ``share`` the stored share columns (percent, see :func:`is_share_measure`) a measure
    is read from instead of population and hits: several are added up (shares of one
    population), and such a measure has no counts, so no persons gap and no areas
    summed from kommuner.

    The texts (Danish, see :mod:`fleksmon.texts`): ``title_label`` (``Succeskriterie
    1``) and ``subject`` make the title with the target and direction
    (``… skal øges til minimum 90 pct.``) unless ``statement`` gives the whole
    sentence; ``gap_note`` is the persons-gap formula with ``{t}`` for the target
    (``0,9``); ``notes`` are the ``Anm.:`` lines.
    """

    id: str
    name: str
    target_pct: float
    population: tuple[str, ...]
    hits: tuple[str, ...]
    baseline: str
    window: int = 1
    columns: int = 7
    direction: str = "higher"
    extras: tuple[tuple[str, str], ...] = ()
    record_only: tuple[tuple[str, str], ...] = ()
    count_sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    population_label: str = ""
    hits_label: str = ""
    title_label: str = ""
    subject: str = ""
    statement: str = ""
    gap_note: str = ""
    notes: tuple[str, ...] = field(default=())
    kommune_targets: tuple[tuple[str, float], ...] = ()
    share: tuple[str, ...] = ()

    def target_pct_for(self, kommune: str) -> float:
        """The target (percent) of one area: its own where the targets file gives one."""
        return dict(self.kommune_targets).get(kommune, self.target_pct)

    @property
    def target(self) -> float:
        """The target as a fraction."""
        return self.target_pct / 100.0

    @property
    def counts(self) -> tuple[tuple[str, str], ...]:
        """Every extra count a record carries: the table's ``extras``, then ``record_only``."""
        return self.extras + self.record_only

    @property
    def measures(self) -> tuple[str, ...]:
        """Every measure the criterion reads."""
        extra = tuple(m for _, m in self.counts)
        return tuple(dict.fromkeys(self.inputs + extra))

    @property
    def inputs(self) -> tuple[str, ...]:
        """The measures the share is computed from: population and hits, or share columns."""
        return tuple(dict.fromkeys(self.population + self.hits + self.share))

    def baseline_period(self) -> Period:
        """The baseline as a period (a month; for windows the window's last month)."""
        return parse_period(self.baseline)


RF_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("selvforsoerget", "rf_selvforsoerget"),
    ("uddannelse", "rf_uddannelse"),
    ("fleksjob", "rf_fleksjob"),
    ("loentimer", "rf_loentimer"),
    ("praktik_loentilskud", "rf_praktik_loentilskud"),
)
"""The ressourceforløb hierarchy, first category first (R2 is the first four)."""

RF_INDICATORS: tuple[tuple[str, str], ...] = (
    ("lange_forloeb", "rf_lange_forloeb"),
    ("uden_indsats", "rf_uden_indsats"),
    ("under_1_aar", "rf_under_1_aar"),
    ("forloeb_1_2_aar", "rf_1_2_aar"),
    ("over_2_aar", "rf_over_2_aar"),
)
"""Indicators at the period's last month, carried on R1/R2 records: spells of at least
a year, those of them without virksomhedsrettet indsats in the last 12 months, and all
running spells by duration."""

RF_INDICATOR_SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("lange_forloeb", ("forloeb_1_2_aar", "over_2_aar")),
)
"""Indicator counts that are the sum of others a record carries (total, parts): spells of
at least a year are those of 1–2 years and over 2 years (small-cell discretion must not
let one be worked out from the others)."""

CRITERIA: dict[str, Criterion] = {
    c.id: c
    for c in (
        Criterion(
            id="K1",
            name="Andel i fleksjob",
            title_label="Succeskriterie 1",
            subject="Fleksjobbeskæftigelsen",
            target_pct=90,
            population=("fleksjob_fuldtid", "ledighedsydelse_fuldtid"),
            hits=("fleksjob_fuldtid",),
            baseline="2018M09",
            population_label="Fleksjob + ledighedsydelse",
            hits_label="Fleksjob",
            extras=(("ledighedsydelse", "ledighedsydelse_fuldtid"),),
            gap_note=(
                "{t}*(antal i fleksjob + antal på ledighedsydelse) - antal i fleksjob "
                "= antal personer i fleksjob for at nå målsætning"
            ),
            notes=("Antallet af personer opgøres i fuldtidspersoner.",),
        ),
        Criterion(
            id="K2",
            name="Ledighedsydelsesforløb under 6 måneder",
            title_label="Succeskriterie 2",
            subject=(
                "Andelen af afsluttede ledighedsydelsesforløb med en varighed på under 6 måneder"
            ),
            target_pct=85,
            population=("ly_afsluttet",),
            hits=("ly_afsluttet_under_6m",),
            baseline="2018M09",
            window=3,
            columns=3,
            population_label="Afsluttede forløb",
            hits_label="Heraf under 6 mdr.",
            extras=(("crossings", "ly_krydser_6m"),),
            gap_note=(
                "{t}*antal afsluttede forløb - antal afsluttet på under 6 måneder "
                "= antal forløb, der mangler for at nå målsætning"
            ),
            notes=(
                "Langt størstedelen af alle afsluttede ledighedsydelsesforløb munder ud i et "
                "fleksjob, hvorfor succeskriterie 2 er en proxy for hvor mange forløb, der "
                "fører til et fleksjob indenfor 6 måneder.",
                "Forløb der overgår til over 6 måneder: ledighedsydelsesmodtagere der overgik "
                "fra at være i et forløb med en varighed på under 6 måneder, til at have et "
                "forløb med en varighed på over 6 måneder.",
            ),
        ),
        Criterion(
            id="K3",
            name="Progression i små fleksjob",
            title_label="Succeskriterie 3",
            subject="Progression i fleksjob på under 10 timer",
            target_pct=28,
            population=("k3_population",),
            hits=("k3_progression",),
            baseline="2018M09",
            population_label="Personer 1–10 timer ≥ 1 år",
            hits_label="Med progression",
            gap_note=(
                "{t}*antal personer i fleksjob - antal personer i små fleksjob med progression "
                "= antal personer som opnår progression for at nå målsætning."
            ),
            notes=(
                "Målingen omfatter personer, der har været i fleksjob i minimum 1 år på 1-10 "
                "timer. Personens timetal i de seneste tre måneder sammenholdes med personens "
                "timetal i de første tre måneder af fleksjobforløbet. En person er gået op i "
                "arbejdstid, hvis personen i hver af de seneste tre måneder arbejder flere "
                "timer end i hver af de tre første måneder af forløbet.",
            ),
        ),
        Criterion(
            id="R1",
            name="Virksomhedsrettet indsats mv.",
            title_label="Resultatkrav 1",
            subject="Andelen i virksomhedsrettet indsats mv.",
            target_pct=35,
            population=("rf_maalgruppe",),
            hits=(
                "rf_selvforsoerget",
                "rf_uddannelse",
                "rf_fleksjob",
                "rf_loentimer",
                "rf_praktik_loentilskud",
            ),
            baseline="2020M01..2020M03",
            window=0,
            columns=1,
            population_label="Målgruppe",
            hits_label="Virksomhedsrettet indsats mv.",
            extras=RF_CATEGORIES,
            record_only=RF_INDICATORS,
            count_sums=RF_INDICATOR_SUMS,
            gap_note=(
                "{t}*antal borgere i målgruppen - antal i virksomhedsrettet indsats mv. "
                "= antal borgere, der mangler for at nå målsætningen"
            ),
            notes=(
                "Virksomhedsrettet indsats mv. dækker over virksomhedspraktik/løntilskud, "
                "ordinære løntimer, fleksjob, uddannelse og selvforsørget beskæftigelse "
                "(beskæftigelsesgrad over 50%). Den enkelte borger kan kun tælle med én gang. "
                "Hierarkiet er følgende: 1. selvforsørget beskæftigelse 2. uddannelse "
                "3. fleksjob 4. ordinære løntimer 5. virksomhedspraktik/løntilskud.",
            ),
        ),
        Criterion(
            id="R2",
            name="Beskæftigelse mv.",
            title_label="Resultatkrav 2",
            subject="Andelen i beskæftigelse mv.",
            target_pct=15,
            population=("rf_maalgruppe",),
            hits=("rf_selvforsoerget", "rf_uddannelse", "rf_fleksjob", "rf_loentimer"),
            baseline="2020M01..2020M03",
            window=0,
            columns=1,
            population_label="Målgruppe",
            hits_label="Beskæftigelse mv.",
            extras=RF_CATEGORIES[:4],
            record_only=RF_INDICATORS,
            count_sums=RF_INDICATOR_SUMS,
            gap_note=(
                "{t}*antal borgere i målgruppen - antal i beskæftigelse mv. "
                "= antal borgere, der mangler for at nå målsætningen"
            ),
            notes=(
                "Beskæftigelse mv. dækker over ordinære løntimer, fleksjob, uddannelse "
                "(SU-berettiget) og selvforsørget beskæftigelse (beskæftigelsesgrad over 50 "
                "pct.). Den enkelte borger kan kun tælle med én gang. Hierarkiet er følgende: "
                "1. selvforsørget beskæftigelse 2. uddannelse 3. fleksjob 4. ordinære løntimer.",
            ),
        ),
    )
}


def get_criterion(key: str, criteria: Mapping[str, Criterion] | None = None) -> Criterion:
    """Look a criterion up by ``K1``, ``1``, ``k3``, ``r1``…"""
    table = criteria or CRITERIA
    k = key.strip().upper()
    if k.isdigit():
        k = "K" + k
    if k not in table:
        raise FleksmonError(
            f"unknown criterion {key!r}",
            f"use one of {', '.join(table)} (or 1, 2, 3)",
        )
    return table[k]


_TEXT_KEYS = ("name", "statement", "subject", "population_label", "hits_label")
_KEYS = (
    "target_pct",
    "target",
    "baseline",
    "direction",
    "population",
    "hits",
    "share",
    "kommuner",
    *_TEXT_KEYS,
)
"""The keys a criterion's section of a targets file may hold."""
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FIX = "fix the targets file"


def _kind_of(value: object) -> str:
    """A TOML value's type in words, for messages."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date"


def _did_you_mean(word: str, choices: Iterable[str], fix: str) -> str:
    """``fix``, after a suggestion of the closest choice when there is one."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? {fix[:1].upper()}{fix[1:]}" if close else fix


class _Section:
    """One section of a targets file, read with one-line errors naming file and section."""

    def __init__(self, path: Path, name: str, spec: dict[str, object]) -> None:
        self.path, self.name, self.spec = path, name, spec

    def error(self, what: str, fix: str = _FIX) -> FleksmonError:
        return FleksmonError(f"{self.path.name}: [{self.name}] {what}", fix)

    def percent(self, key: str, value: object, label: str | None = None) -> float:
        """A target in percent (0–100) from a number."""
        label = label or key
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.error(
                f"{label} must be a number, not {_kind_of(value)}",
                f"write {label} = 35 (a percent, no quotes, no %)",
            )
        if not 0 <= value <= 100:
            raise self.error(
                f"{label} = {value:g} is outside 0–100", "give the target in percent, 0 to 100"
            )
        return float(value)

    def text(self, key: str) -> str:
        value = self.spec[key]
        if not isinstance(value, str):
            raise self.error(f"{key} must be text, not {_kind_of(value)}", f'write {key} = "…"')
        return value

    def measures(self, key: str) -> tuple[str, ...]:
        """Measure ids: built-in ids or ``<table>.<label>`` ids of kept columns (a built-in
        measure's derived id stands for it); ``share`` takes share columns only, population
        and hits take no share column."""
        value = self.spec[key]
        if key == "share" and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            example = (
                '"y01a02.fuldtidspersoner_i_pct_af_arbejdsstyrken_16_66_aar"'
                if key == "share"
                else '["fleksjob_fuldtid", "ledighedsydelse_fuldtid"]'
            )
            raise self.error(f"{key} must be a list of measure ids", f"write {key} = {example}")
        unknown = [i for i in value if i not in MEASURE_IDS and not is_derived(i)]
        if unknown:
            raise self.error(
                f"{key} uses unknown measure {unknown[0]!r}",
                _did_you_mean(
                    unknown[0],
                    MEASURE_IDS,
                    f"use one of {', '.join(MEASURE_IDS)} or a stored column's id "
                    "(table.label, see 'fleksmon store --measures')",
                ),
            )
        shares = [i for i in value if is_share_measure(i)]
        if key != "share" and shares:
            raise self.error(
                f"{key} uses the share column {shares[0]!r}; shares are not counts",
                f'declare it as share = "{shares[0]}" (without population and hits)',
            )
        if key == "share":
            counts = [i for i in value if not is_share_measure(i)]
            if counts:
                raise self.error(
                    f"share uses {counts[0]!r}, which is not a share column (pct./andel)",
                    "give population and hits for counts; share takes columns such as "
                    "'y08a02.fuldtidspersoner_i_pct_af_befolkningen_16_66_aar'",
                )
        return tuple(dict.fromkeys(canonical(i) for i in value))

    def target(self) -> float | None:
        """``target_pct``, or ``target`` as a fraction (0–1), or ``None``."""
        if "target_pct" in self.spec and "target" in self.spec:
            raise self.error("has both target_pct and target", "keep one of them")
        if "target" in self.spec:
            value = self.spec["target"]
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
                raise self.error(
                    f"target = {value:g} is outside 0–1 (a fraction)",
                    f"write target = {value / 100:g} or target_pct = {value:g}",
                )
            scaled = value * 100 if isinstance(value, int | float) else value
            return self.percent("target", scaled)
        if "target_pct" in self.spec:
            return self.percent("target_pct", self.spec["target_pct"])
        return None

    def kommuner(self) -> tuple[tuple[str, float], ...]:
        """Per-kommune targets (``[K3.kommuner] Viborg = 30``) by kommune name."""
        from fleksmon.areas import suggest, try_area

        value = self.spec["kommuner"]
        if not isinstance(value, dict):
            raise self.error(
                f"kommuner must be a table, not {_kind_of(value)}",
                f"write [{self.name}.kommuner] and below it Viborg = 30",
            )
        found: dict[str, float] = {}
        for name, pct in value.items():
            area = try_area(name)
            if area is None or area.kind != "kommune":
                close = suggest(name) if area is None else []
                what = "not a kommune" if area is None else f"a {area.kind}, not a kommune"
                raise self.error(
                    f"kommuner: {name!r} is {what}",
                    (f"did you mean {close[0]}? Name" if close else "name")
                    + " one of the 98 kommuner (name or DST code)",
                )
            if area.name in found:
                raise self.error(f"kommuner: {area.name} is given twice", "keep one of them")
            found[area.name] = self.percent(name, pct, f"kommuner.{name}")
        return tuple(sorted(found.items()))

    def changes(self) -> dict[str, Any]:
        """The section's settings, checked, as :class:`Criterion` fields."""
        for key in self.spec:
            if key not in _KEYS:
                raise self.error(
                    f"unknown key {key!r}",
                    _did_you_mean(key, _KEYS, f"a section may hold {', '.join(_KEYS)}"),
                )
        changes: dict[str, Any] = {k: self.text(k) for k in _TEXT_KEYS if k in self.spec}
        target = self.target()
        if target is not None:
            changes["target_pct"] = target
        if "baseline" in self.spec:
            baseline = self.text("baseline")
            try:
                parse_period(baseline)
            except FleksmonError as err:
                raise self.error(f"baseline: {err.message}", err.hint) from None
            changes["baseline"] = baseline
        if "direction" in self.spec:
            if self.spec["direction"] not in ("higher", "lower"):
                raise self.error(
                    "direction must be 'higher' or 'lower'", 'write direction = "lower"'
                )
            changes["direction"] = self.spec["direction"]
        for key in ("population", "hits", "share"):
            if key in self.spec:
                changes[key] = self.measures(key)
        if "kommuner" in self.spec:
            changes["kommune_targets"] = self.kommuner()
        return changes


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise FleksmonError(
            f"{path.name}: cannot read the targets file ({exc.strerror})",
            "check the path given to --targets",
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise FleksmonError(
            f"{path.name}: not a valid TOML file: {reason}",
            "write sections as [K3] on a line of their own and settings as target_pct = 35",
        ) from None


def load_labels(path: Path) -> dict[str, str]:
    """The ``[labels]`` table of a targets file (column label → measure id), file checked."""
    load_targets(path)
    labels = _read_toml(path).get("labels", {})
    return {str(k): str(v) for k, v in labels.items()}


def load_targets(path: Path) -> dict[str, Criterion]:
    """The criteria with a kommune's own targets from a TOML file applied.

    ``[K1] target_pct = 87`` changes a target (``target = 0.87`` as a fraction),
    ``baseline = "2016M06"`` the baseline and ``direction = "lower"`` the
    direction; ``[K3.kommuner] Viborg = 30`` gives one kommune its own target. A
    new section (letters, digits and ``_``) with ``name``, ``population``,
    ``hits`` (measure ids) and a target declares a measure of its own; ``share``
    (one or more stored share columns) instead of population and hits reads it
    directly. Measure ids are built-in ids or the ``<table>.<label>`` ids of kept
    columns; whether the store holds them is checked when computing.
    ``[labels]`` (column label → measure id) is for the readers, ``[grupper]``
    (group name → kommuner) for :mod:`fleksmon.groups`. Anything else
    (an unknown key, a wrong type, a target outside 0–100) is a one-line error.
    """
    data = _read_toml(path)
    table = dict(CRITERIA)
    seen: dict[str, str] = {}
    for key, spec in data.items():
        if key == "grupper":
            from fleksmon.groups import check_groups

            check_groups(path, spec)
            continue
        if key == "labels":
            if not isinstance(spec, dict) or not all(isinstance(v, str) for v in spec.values()):
                raise FleksmonError(
                    f"{path.name}: [labels] must map column labels to measure ids (text)",
                    '[labels] holds lines like "Fleksjobbere (fuldtid)" = "fleksjob_fuldtid"',
                )
            continue
        if not isinstance(spec, dict) and key in _KEYS:
            raise FleksmonError(
                f"{path.name}: {key} stands outside a section",
                "put it under the criterion it is for, e.g. [K3]",
            )
        if not isinstance(spec, dict):
            raise FleksmonError(
                f"{path.name}: unknown key {key!r} outside a section",
                "a targets file holds sections: [K1]…[R2], own measures and [labels]",
            )
        if not _ID.match(key):
            raise FleksmonError(
                f"{path.name}: [{key}] is not a plain criterion id",
                "name a criterion with letters, digits and _ (starting with a letter), e.g. LY",
            )
        cid = key.upper()
        if cid in seen:
            raise FleksmonError(
                f"{path.name}: [{seen[cid]}] and [{key}] are the same criterion",
                "keep one of the two sections",
            )
        seen[cid] = key
        section = _Section(path, key, spec)
        changes = section.changes()
        if cid in CRITERIA:
            table[cid] = replace(table[cid], **changes)
            continue
        if "share" in changes and ("population" in changes or "hits" in changes):
            raise section.error(
                "has share and population/hits",
                "a measure is read from share columns or computed from population and hits: "
                "keep one",
            )
        needed = ("name", "target_pct") + (() if "share" in changes else ("population", "hits"))
        missing = [k for k in needed if k not in changes]
        if missing:
            raise section.error(
                f"is neither a built-in criterion ({', '.join(CRITERIA)}) nor a complete own "
                f"measure (no {' and no '.join(missing)})",
                "an own measure needs name, population, hits and target_pct "
                "(or name, share and target_pct)",
            )
        table[cid] = Criterion(
            id=cid,
            name=changes["name"],
            statement=changes.get("statement", ""),
            target_pct=changes["target_pct"],
            population=changes.get("population", ()),
            hits=changes.get("hits", ()),
            share=changes.get("share", ()),
            baseline=changes.get("baseline", "2018M09"),
            direction=changes.get("direction", "higher"),
            subject=changes.get("subject", ""),
            population_label=changes.get("population_label", ""),
            hits_label=changes.get("hits_label", ""),
            kommune_targets=changes.get("kommune_targets", ()),
        )
    return table
