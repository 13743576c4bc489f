"""The success criteria and result requirements, declared once, as data.

Every table, gap, record and export is driven from these declarations: the
target, the direction, the baseline, which measures make the population and
the hits, the window, and the titles and notes the reports print.
A kommune's own targets (a TOML file) override the defaults; see
:func:`fleksmon.targets.load_targets`. The measures themselves are declared in
:mod:`fleksmon.measure_ids`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fleksmon.errors import FleksmonError
from fleksmon.periods import Period, parse_period


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
    ``share`` the stored share columns (percent, see
    :func:`~fleksmon.measure_ids.is_share_measure`) a measure is read from instead of
    population and hits: several are added up (shares of one population), and such a
    measure has no counts, so no persons gap and no areas summed from kommuner.

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
