"""Every text a user reads in a table, note or sheet: Danish, worded as STAR's reports.

The one message catalogue: titles and statements are rendered from the
criterion's declaration (its target and direction), so own targets change the
text; notes under the tables are the messages below. Command help and error
messages stay in the CLI and the library (English).

>>> from fleksmon.criteria import CRITERIA
>>> title(CRITERIA["K1"])
'Succeskriterie 1: Fleksjobbeskæftigelsen skal øges til minimum 90 pct.'
>>> from dataclasses import replace
>>> statement(replace(CRITERIA["K1"], target_pct=13, direction="lower"))
'Fleksjobbeskæftigelsen skal nedbringes til højst 13 pct.'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fleksmon.criteria import Criterion
from fleksmon.measure_ids import MEASURE_LABELS
from fleksmon.numbers import format_int, format_number
from fleksmon.periods import Period

MESSAGES: dict[str, str] = {
    "data_aggregate": "Opgjort på udtræk fra Jobindsats.dk, {span}.",
    "data_person": "Opgjort på kommunens eget udtræk af persondata, {span}.",
    "source_aggregate": "Kilde: Jobindsats.dk",
    "source_person": "Kilde: Kommunens eget udtræk af persondata",
    "no_data": "{area}: ingen data for {crit} i den valgte periode.",
    "latest_for_area": "Seneste {unit} med data for {area}: {latest}.",
    "earlier_only": "Ingen data for {crit} i {period} for {areas}.",
    "earlier_one": "{area} (seneste {unit} med data: {latest})",
    "store_newer": (
        "{crit}: seneste {unit} med data er {period}; lageret har {source} til {latest}."
    ),
    "partial_period": "{crit}: {period} er ikke hel; data mangler for {months}.",
    "summed_land": (
        "Hele landet: summeret af kommunernes tal (kan afvige fra Jobindsats' eget landstal, "
        "som også tæller personer uden kommune)."
    ),
    "summed_region": "{area}: summeret af regionens kommuners tal.",
    "group_sum": "Summeret af de {n} kommuners tal.",
    "summed": (
        "Summeret af kommunernes tal: {areas} (Jobindsats' egne tal kan afvige, da de også "
        "tæller personer uden kommune)."
    ),
    "as_of": (
        "Opgjort på lageret, som det var {stamp} (--as-of); senere indlæsninger er ikke medtaget."
    ),
    "delay": "Data med én måneds forsinkelse: {month} er ikke medtaget.",
    "missing_in_download": "{area}: {crit} mangler i udtrækket for {months}.",
    "sum_unknown": (
        "{area}: ukendt for {months}, da {members} mangler i udtrækket (summeres aldrig som 0)."
    ),
    "area_incomplete": (
        "{area}: ukendt, da kun {present} af {total} kommuner har data "
        "(summeres kun, når alle kommuner er med)."
    ),
    "land_not_shown": (
        "Hele landet vises ikke: kun {present} af 98 kommuner har data "
        "(landstallet summeres kun, når alle kommuner er med)."
    ),
    "provisional": (
        "{month} er foreløbig: Jobindsats opregner de seneste måneder "
        "(efterregistreringer); indlæs et nyere udtræk senere."
    ),
    "k3_censored": (
        "{count} fleksjobforløb, der allerede var i gang i datas første måned, er udeladt "
        "(deres start er ukendt)."
    ),
    "k2_censored": (
        "{count} ledighedsydelsesforløb, der allerede var i gang i {month} (første måned "
        "i ydelsesdata), er udeladt: deres start er ukendt."
    ),
    "also_aggregate": (
        "Lageret har også tal fra Jobindsats for {crit}; --source aggregate bruger dem."
    ),
    "gap_formula": "*Antallet er udregnet ved: {formula}",
    "discretion": (
        "Diskretion: antal under {n} vises som <{n}; x skjuler et antal, der ellers kunne "
        "regnes ud fra en total, og andele og afstande bygget på skjulte antal."
    ),
    "lower_formula": (
        "antal {hits} - {t}*antal {population} = antal personer, der skal ud af målgruppen "
        "for at nå målsætningen"
    ),
    "top10": "Top-10 gns.: gennemsnit af de 10 bedste kommuners andel i måneden.",
    "top10_left_out": (
        "Top-10 gns. er udeladt{where}, da kun {count} kommuner har data (der skal være mindst 10)."
    ),
    "land_no_data": "Hele landet vises ikke: der er ikke data for alle kommuner i perioden.",
    "noegletal_title": "Nøgletal: {statement}",
    "top10_of": "Top 10 af {count} kommuner med data i {month}.",
    "land_missing": (
        "Hele landet vises ikke: udtrækket har ikke landstallet, og andele kan ikke "
        "summeres fra kommunerne."
    ),
    "pace_sheet": "Tempo mod {deadline}",
    "to_target_title": "{title}\n{period}; målet skal nås i {deadline} (om {months} måneder)",
    "per_month": (
        "Personer pr. måned: de manglende personer fordelt på de {months} måneder fra "
        "{latest} til {deadline} ved den nuværende målgruppe, rundet op."
    ),
    "pace": (
        "Tempo: den gennemsnitlige ændring i andelen pr. måned fra {start} til {latest}; "
        "nås ved nuværende tempo er den måned, andelen når målet, hvis tempoet holder."
    ),
    "no_pace": "Intet tempo for {areas}: der er ingen andel i {start}.",
    "no_pace_whole": "{crit} opgøres for hele perioden og har derfor intet tempo.",
    "overblik_title": "Jobcenteroverblik, {area}",
    "overblik_figure": (
        "Borgere i kommunen i den arbejdsdygtige alder (16-66 år) fordelt på arbejdsmarkedsstatus."
    ),
    "overblik_note": (
        "A-dagpenge mv. omfatter a-dagpenge, kontantydelse og arbejdsmarkedsydelse. "
        "Beskæftigede omfatter ikke personers ansættelse i fleksjob, løntilskud eller "
        "skånejob. Øvrige omfatter selvforsørgede, dvs. personer, der hverken modtager "
        "forsørgelsesydelse, SU eller har en registreret lønindkomst i Danmark. "
        "Befolkningstallet kan afvige fra summen af ydelsesmodtagere, beskæftigede, "
        "SU-modtagere og øvrige, og en person kan indgå flere gange i tabellen."
    ),
    "overblik_no_population": (
        "{area}: befolkningstallet (16-66 år) mangler i udtrækket, så andelene vises som -."
    ),
    "overblik_no_land": "Hele landet mangler i udtrækket, så landstallene vises som -.",
    "rf_title": "Bedre indsats for borgere i ressourceforløb",
    "rf_overview": "Overblik - {area}",
    "rf_requirement": "Resultatkrav {n}",
    "rf_sum_label": "{label} (resultatkrav {n}: {target}%)",
    "rf_indicators": "Indikatorer, {month}",
    "rf_group_missing": "{group}: ingen sum, fordi {areas} ikke har data for perioden.",
    "rf_long_note": (
        "Andelen af borgere på ressourceforløb med mindst 1 års anciennitet, som indenfor "
        "seneste år ikke har været i virksomhedsrettet indsats. Virksomhedsrettet indsats "
        "dækker over virksomhedspraktik/løntilskud og ordinære løntimer ved siden af ydelsen."
    ),
    "rf_duration_note": (
        "Fordelingen af løbende ressourceforløb på varighed i ressourceforløb: under 1 år "
        "(1-11 måneder), 1-2 år (12-23 måneder) og over 2 år (24 måneder og mere)."
    ),
    "overblik_no_before": (
        "{area}: ingen tal for {quarter} i udtrækket, så udviklingen vises som -."
    ),
    "compare_sum": (
        "{group}: summeret af {n} kommuners tal ({members}); andelen er beregnet af de "
        "summerede antal."
    ),
    "compare_mean": (
        "{group}: gennemsnit af {n} kommuners andele ({members}), da målingen kun findes som "
        "andele; kun når alle kommuner har en andel."
    ),
    "compare_missing": "{group}: ukendt for {periods}, da {members} ikke har tal.",
    "benchmark": (
        "Benchmark ({periods}, Jobindsats {table}): faktisk og forventet antal "
        "fuldtidspersoner på offentlig forsørgelse ud fra kommunens rammevilkår; forskel = "
        "faktisk - forventet (negativ: færre end forventet)."
    ),
    "benchmark_none": "Benchmark: ingen tal fra Y30R21 til og med {period} (lageret har {have}).",
    "benchmark_summed": (
        "Benchmark for {areas}: summeret af kommunernes faktiske og forventede antal "
        "(andele summeres ikke)."
    ),
    "benchmark_title": "Benchmark: faktisk og forventet antal på offentlig forsørgelse",
    "rank_title": "Placering blandt kommunerne, {period}",
    "rank_order_higher": (
        "Placering: 1 er den højeste andel blandt de {count} kommuner med en andel i "
        "{period}; kommuner med samme andel deler placering (1, 2, 2, 4)."
    ),
    "rank_order_lower": (
        "Placering: 1 er den laveste andel blandt de {count} kommuner med en andel i "
        "{period}; kommuner med samme andel deler placering (1, 2, 2, 4)."
    ),
    "rank_change": "Ændring: antal pladser op (+) eller ned (-) siden {baseline}.",
    "rank_no_baseline": "Ingen ændring i placering: der er ingen {crit}-andele for {baseline}.",
    "rank_top": "Viser de {top} bedste placeringer af {count} og de valgte kommuner.",
    "rank_unranked": "{area}: ingen andel for {crit} i {period} og derfor ingen placering.",
    "omitted_months": (
        "Af pladshensyn vises ikke: {months} (se --format csv eller et bredere vindue)."
    ),
}
"""The notes and lines under the tables, by key; ``{…}`` are filled by :func:`message`."""

OVERBLIK_HEADERS: tuple[str, ...] = (
    "Antal fuldtidspersoner",
    "Andel af befolkningen, pct.",
    "Andel af befolkningen i hele landet, pct.",
    "Udvikling i andel af befolkningen ift. samme kvartal året før, pct. point",
    "Udvikling i andel af befolkningen i hele landet ift. samme kvartal året før, pct.",
)
"""The Jobcenteroverblik's column headers after the quarter, as the report prints them."""

RF_OVERVIEW_HEADERS: tuple[str, ...] = (
    "Område",
    "Periode",
    "Antal borgere i målgruppen",
    "Andel i virksomhedsrettet indsats mv.",
    "Andel i beskæftigelse mv.",
)
"""The ressourceforløb overview's headers (the report's, with the area first)."""
RF_INDICATOR_HEADERS: tuple[str, ...] = (
    "Område",
    "Forløb på mindst 1 år",
    "Heraf uden virksomhedsrettet indsats seneste år",
    "Andel uden virksomhedsrettet indsats",
    "Forløb i alt",
    "Under 1 år",
    "Andel under 1 år",
    "1-2 år",
    "Andel 1-2 år",
    "Over 2 år",
    "Andel over 2 år",
)
"""The ressourceforløb indicator table's headers."""

LABELS: dict[str, str] = {
    "kommuner_med_data": "Kommuner med data",
    "area": "Område",
    "share": "Andel",
    "target": "Mål",
    "gap_pp": "%-point",
    "gap_persons": "Antal personer",
    "baseline": "Baseline",
    "period": "Periode",
    "population": "Antal i alt",
    "hits": "Heraf i målet",
    "distance": "Afstand til målsætning",
}
"""Column and header labels."""

RECORD_LABELS: dict[str, str] = {
    "kommune": "Område",
    "kommune_kode": "Kommunekode",
    "criterion": "Kriterie",
    "period": "Periode",
    "population": "Antal i alt",
    "hits": "Heraf i målet",
    "share_pct": "Andel",
    "target_pct": "Mål",
    "gap_pp": "%-point til mål",
    "gap_persons": "Antal personer til mål",
    "met": "Mål nået",
    "baseline_pct": "Andel ved baseline",
    "note": "Bemærkning",
    "as_of": "Lageret pr.",
    "suppressed": "Diskretioneret",
    "compare_group": "Sammenligningsgruppe",
    "compare_share_pct": "Gruppens andel",
    "compare_diff_pp": "Forskel til gruppen, %-point",
}
"""Headers of the records' columns in the workbook's Data sheet (other counts: the
measure's label)."""

SOURCE_LABELS: dict[str, str] = {
    "title": "Kilder",
    "file": "Fil",
    "kind": "Type",
    "rows": "Rækker",
    "sha256": "SHA-256",
    "time": "Indlæst (UTC)",
    "status": "Status",
    "aggregate": "Udtræk af tal (aggregeret)",
    "in_use": "Bruges",
    "partly_replaced": "Delvis erstattet af nyere udtræk",
    "replaced": ("Erstattet helt af nyere udtræk og ikke med i tallene: {names}."),
    "none": "Tallene er givet direkte, ikke læst fra lageret.",
    "yes": "Ja",
    "no": "Nej",
}
"""Texts of the workbook's Kilder sheet and yes/no cells."""


def message(key: str, **fields: object) -> str:
    """A catalogue message with its fields filled in (counts with thousands dots)."""
    filled = {k: format_int(v) if isinstance(v, int) else v for k, v in fields.items()}
    return MESSAGES[key].format(**filled)


def pct_text(value: float) -> str:
    """A target as the reports write it: ``90 pct.``, ``87,5 pct.``."""
    return f"{format_number(value, 1) if value % 1 else format_int(value)} pct."


def fraction(value: float) -> str:
    """A target as a Danish decimal fraction (``0,9``, ``0,28``) for the gap formula."""
    text = f"{value / 100:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def target_phrase(crit: Criterion) -> str:
    """``skal øges til minimum 90 pct.``; lower is better: ``skal nedbringes til højst 13 pct.``"""
    if crit.direction == "lower":
        return f"skal nedbringes til højst {pct_text(crit.target_pct)}"
    return f"skal øges til minimum {pct_text(crit.target_pct)}"


def statement(crit: Criterion) -> str:
    """The criterion's statement with its (own) target: subject, direction and target."""
    if crit.statement:
        return crit.statement
    return f"{crit.subject or crit.name} {target_phrase(crit)}"


def title(crit: Criterion) -> str:
    """The table's title: ``Succeskriterie 1: …`` (own measures: the statement alone)."""
    return f"{crit.title_label}: {statement(crit)}" if crit.title_label else statement(crit)


def population_label(crit: Criterion) -> str:
    """The population's column label; own measures: the measure's label, or ``Antal i alt``."""
    if crit.population_label:
        return crit.population_label
    one = len(crit.population) == 1
    return (
        MEASURE_LABELS.get(crit.population[0], LABELS["population"])
        if one
        else LABELS["population"]
    )


def hits_label(crit: Criterion) -> str:
    """The hits' column label; own measures: the measure's label, or ``Heraf i målet``."""
    if crit.hits_label:
        return crit.hits_label
    one = len(crit.hits) == 1
    return MEASURE_LABELS.get(crit.hits[0], LABELS["hits"]) if one else LABELS["hits"]


def gap_formula(crit: Criterion) -> str:
    """The footnote on ``Antal personer*``: how the persons gap is computed."""
    if crit.direction == "lower":
        formula = message(
            "lower_formula",
            hits=hits_label(crit).lower(),
            t=fraction(crit.target_pct),
            population=population_label(crit).lower(),
        )
    elif crit.gap_note:
        formula = crit.gap_note.format(t=fraction(crit.target_pct))
    else:
        return ""
    return message("gap_formula", formula=formula)


def source_line(source: str) -> str:
    """``Kilde: Jobindsats.dk`` for downloaded figures, else the kommune's own extract."""
    return message("source_person" if source == "person" else "source_aggregate")


def span(periods: Sequence[Period]) -> str:
    """The periods a table covers, for a note (``Apr. 2019 – Sep. 2019``)."""
    if len(periods) == 1:
        return periods[0].human()
    return f"{periods[0].human()} – {periods[-1].human()}"


def name_list(names: Sequence[str]) -> str:
    """Names for a note: ``Viborg``, ``Viborg og Thisted``, ``Faxe, Viborg og Thisted``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"


def as_of_stamp(when: dt.datetime) -> str:
    """An ``--as-of`` time for a note, in Danish time: ``ved udgangen af 31.10.2019`` for
    a whole day, else ``31.10.2019 kl. 12:00``.

    >>> from fleksmon.store.records import parse_as_of
    >>> as_of_stamp(parse_as_of("2019-10-31")), as_of_stamp(parse_as_of("2019-10-31T12:00"))
    ('ved udgangen af 31.10.2019', '31.10.2019 kl. 12:00')
    """
    from zoneinfo import ZoneInfo

    local = when.astimezone(ZoneInfo("Europe/Copenhagen"))
    if local.time() == dt.time.max:
        return f"ved udgangen af {local:%d.%m.%Y}"
    return f"{local:%d.%m.%Y} kl. {local:%H:%M}"


def as_of_note(when: dt.datetime) -> str:
    """The line under every answer made with ``--as-of``."""
    return message("as_of", stamp=as_of_stamp(when))


def quarter(period: Period) -> str:
    """A quarter as the reports write it: ``2. kvartal 2018``."""
    return f"{period.start % 12 // 3 + 1}. kvartal {period.start // 12}"


def month_list(periods: Sequence[Period]) -> str:
    """Periods for a note: ``Apr. 2019, Maj 2019 og Jun. 2019``."""
    names = [p.human() for p in periods]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"
