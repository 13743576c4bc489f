"""The paper's own Danish texts: front page, contents, captions, Datagrundlag.

The tables' titles, headers and notes are the report tables' (:mod:`fleksmon.texts`);
what is here is only what a paper adds around them.

>>> import datetime as dt
>>> long_date(dt.date(2019, 10, 31)), long_month(2019 * 12 + 8)
('31. oktober 2019', 'september 2019')
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fleksmon import __version__
from fleksmon.numbers import format_int

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
MONTHS = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip

PAPER: dict[str, str] = {
    "fleksjob": "Udvikling i fleksjob",
    "contents": "Indhold",
    "table": "Tabel",
    "figure": "Figur",
    "status": "Status for {month}",
    "made": "Udarbejdet {date}",
    "made_with": "Udarbejdet med fleksmon {version}",
    "as_of": "Lageret som det var {stamp}",
    "all_areas": "Alle kommuner med data",
    "group": "{group}: {members}",
    "footer": "{title} · {subject}",
    "pace": "Tempo mod målet",
    "basis": "Datagrundlag",
    "basis_made": (
        "Papiret er udarbejdet {date} kl. {time} med fleksmon {version} ud fra de udtræk, "
        "der er indlæst i fleksmons lager. Tallene er de samme som i fleksmon compute og "
        "fleksmon gap for samme valg."
    ),
    "basis_latest": "Lageret er brugt med alle indlæsninger, den seneste {stamp}.",
    "basis_given": "Tallene er givet direkte, ikke læst fra lageret.",
    "basis_no_discretion": "Ingen diskretion: alle antal vises, også små antal.",
    "basis_source": "{criteria} er opgjort på {source}.",
    "source_aggregate": "udtræk fra Jobindsats.dk",
    "source_person": "kommunens eget udtræk af persondata",
    "extracts": "Udtræk bag tallene",
    "sha": "SHA-256 (start)",
    "alt": "Linjediagram: {title}. {lines}.",
    "alt_line": "{name} fra {first} i {start} til {last} i {end}",
    "alt_target": "målet er {target}",
}
"""The texts by key; ``{…}`` are filled by :func:`text`."""


def text(key: str, **fields: object) -> str:
    """A paper text with its fields filled in (counts with thousands dots)."""
    filled = {k: format_int(v) if isinstance(v, int) else v for k, v in fields.items()}
    return PAPER[key].format(**filled)


def long_date(day: dt.date) -> str:
    """A date as a Danish paper writes it: ``31. oktober 2019``."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def long_month(month: int) -> str:
    """A month index as a front page writes it: ``september 2019``."""
    return f"{MONTHS[month % 12]} {month // 12}"


def local(when: dt.datetime) -> dt.datetime:
    """A time in Danish time."""
    return when.astimezone(DANISH_TIME)


def version() -> str:
    """The fleksmon version the paper names."""
    return __version__
