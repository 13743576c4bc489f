"""The tidy schemas every reader produces and every measure consumes.

Aggregated figures (``AGGREGATE``): one value a row, keyed by area, period and
measure. Months are integer indexes (``year*12 + month-1``, see
:mod:`fleksmon.periods`); a monthly row has ``fra == til``.

Person-level frames hold a pseudonymized ``person`` (an unsigned 64-bit keyed
hash, never a CPR number) and
the kommune as its DST code (``Int16``); hours are integer hundredths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

AGGREGATE: dict[str, pl.DataType] = {
    "kommune": pl.String(),
    "fra": pl.Int32(),
    "til": pl.Int32(),
    "maaling": pl.String(),
    "vaerdi": pl.Float64(),
}
AGGREGATE_KEY = ("kommune", "fra", "til", "maaling")

PERSON_KINDS: dict[str, dict[str, pl.DataType]] = {
    "ly-forloeb": {
        "person": pl.UInt64(),
        "kommune_kode": pl.Int16(),
        "start": pl.Date(),
        "slut": pl.Date(),
    },
    "ly-maaneder": {
        "person": pl.UInt64(),
        "kommune_kode": pl.Int16(),
        "maaned": pl.Int32(),
    },
    "fleksjob-timer": {
        "person": pl.UInt64(),
        "kommune_kode": pl.Int16(),
        "maaned": pl.Int32(),
        "timer_cent": pl.Int64(),
    },
    "ressourceforloeb": {
        "person": pl.UInt64(),
        "kommune_kode": pl.Int16(),
        "maaned": pl.Int32(),
        "praktik_loentilskud": pl.Boolean(),
        "loentimer_cent": pl.Int64(),
        "fleksjob": pl.Boolean(),
        "su": pl.Boolean(),
        "beskaeftigelsesgrad": pl.Float64(),
    },
    "persongruppe": {
        "person": pl.UInt64(),
        "kommune_kode": pl.Int16(),
        "fra": pl.Date(),
        "til": pl.Date(),
        "persongruppe": pl.String(),
        "projekt_start": pl.Int32(),
        "projekt_slut": pl.Int32(),
    },
}
"""Stored person-level kinds. A newer extract of a kind replaces the older rows
of the same kommune (and month, for the monthly kinds); a person group's marking
extract (``persongruppe``) replaces the older one of the same person group."""

GIVEN_COLUMNS: dict[str, tuple[str, ...]] = {
    "persongruppe": ("persongruppe", "projekt_start", "projekt_slut"),
}
"""Columns of a kind given at ingest rather than read from the file: a marking
extract's person group and its project period (months, ``projekt_slut`` null while the
project runs)."""
Given = Mapping[str, int | str | None]
"""The values of a kind's :data:`GIVEN_COLUMNS`, by column."""

KINDS: tuple[str, ...] = ("aggregate", *PERSON_KINDS)

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
"""Person-level dates must lie in this range (readers refuse others)."""
