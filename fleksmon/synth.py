"""Seeded synthetic person-level panels for tests, examples and benchmarks.

Every generator is vectorized (numpy, polars) and reproducible: persons are
made in fixed blocks of :data:`BLOCK` persons, each drawn from its own random
stream ``(seed, block)``, so a panel of *n* persons is the same whether it is
built in memory (:func:`hours_panel`) or written in chunks
(:func:`write_hours_parquet`). Person ids are opaque (``syn00000042``), never
CPR-shaped. Kommuner are weighted by their approximate population.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

from fleksmon.schema import PERSON_KINDS

BLOCK = 50_000
"""Persons per random-number block; a panel is a concatenation of blocks."""

WEEKS_PER_MONTH = 52 / 12

# Approximate population (thousands) by DST kommune code: weights for where
# synthetic persons live.
KOMMUNE_SIZE: dict[int, int] = {
    101: 632, 147: 104, 151: 48, 153: 35, 155: 14, 157: 75, 159: 69, 161: 23,
    163: 29, 165: 28, 167: 53, 169: 50, 173: 56, 175: 40, 183: 23, 185: 43,
    187: 16, 190: 41, 201: 26, 210: 41, 217: 63, 219: 51, 223: 25, 230: 56,
    240: 43, 250: 45, 253: 50, 259: 61, 260: 31, 265: 88, 269: 23, 270: 41,
    306: 33, 316: 72, 320: 36, 326: 49, 329: 35, 330: 79, 336: 23, 340: 30,
    350: 28, 360: 41, 370: 83, 376: 61, 390: 46, 400: 40, 410: 39, 420: 41,
    430: 51, 440: 24, 450: 32, 461: 205, 479: 59, 480: 30, 482: 12, 492: 6,
    510: 56, 530: 27, 540: 74, 550: 37, 561: 116, 563: 3, 573: 50, 575: 43,
    580: 59, 607: 51, 615: 90, 621: 93, 630: 116, 657: 89, 661: 59, 665: 20,
    671: 21, 706: 43, 707: 37, 710: 48, 727: 23, 730: 98, 740: 93, 741: 4,
    746: 62, 751: 350, 756: 41, 760: 57, 766: 47, 773: 20, 779: 46, 787: 43,
    791: 97, 810: 36, 813: 60, 820: 37, 825: 2, 840: 30, 846: 42, 849: 38,
    851: 217, 860: 65,
}  # fmt: skip

_CODES = np.array(sorted(KOMMUNE_SIZE), dtype=np.int16)
_WEIGHTS = np.array([KOMMUNE_SIZE[int(c)] for c in _CODES], dtype=np.float64)
_WEIGHTS /= _WEIGHTS.sum()


def _kommuner(rng: np.random.Generator, n: int) -> np.ndarray:
    return _CODES[rng.choice(len(_CODES), size=n, p=_WEIGHTS)]


def _ids(first: int, n: int) -> pl.Series:
    idx = pl.int_range(first, first + n, eager=True, dtype=pl.Int64)
    return ("syn" + idx.cast(pl.String).str.zfill(8)).alias("person")


def _blocks(persons: int) -> Iterator[tuple[int, int, int]]:
    for block, first in enumerate(range(0, persons, BLOCK)):
        yield block, first, min(BLOCK, persons - first)


def _hours_block(
    seed: int, block: int, first: int, n: int, months: int, start_month: int
) -> pl.DataFrame:
    rng = np.random.default_rng([seed, block, 1])
    # Spell placement: about a third already running when the panel opens
    # (left-censored); flexjob spells are long (mean about six years).
    length = np.maximum(1, rng.geometric(1 / 72, size=n))
    begin = rng.integers(-months // 2, months, size=n)
    begin = np.where(rng.random(n) < 0.3, -rng.integers(1, 60, size=n), begin)
    end = np.minimum(begin + length, months)  # exclusive
    begin = np.maximum(begin, 0)
    end = np.maximum(end, begin)
    # A gap month splits some spells in two.
    gap_at = np.where(rng.random(n) < 0.1, begin + rng.integers(1, 40, size=n), -1)

    # Starting weekly hours: a share in small jobs (1–10 hours), the rest larger.
    small = rng.random(n) < 0.4
    weekly = np.where(small, rng.uniform(1.0, 10.4, size=n), rng.uniform(10.5, 30.0, size=n))
    # Progression: a step up some months into the spell.
    step_at = np.where(rng.random(n) < 0.22, rng.integers(3, 30, size=n), 10_000)
    step = rng.uniform(2.0, 10.0, size=n)
    kommune = _kommuner(rng, n)
    move_at = np.where(rng.random(n) < 0.03, rng.integers(1, 60, size=n), 10_000)
    new_kommune = _kommuner(rng, n)

    count = end - begin
    person = np.repeat(np.arange(n), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    month = begin[person] + offset
    keep = month != gap_at[person]
    person, offset, month = person[keep], offset[keep], month[keep]

    rows = len(person)
    base = weekly[person] + np.where(offset >= step_at[person], step[person], 0.0)
    hours = base * WEEKS_PER_MONTH * rng.normal(1.0, 0.06, size=rows)
    hours = np.where(rng.random(rows) < 0.02, 0.0, np.clip(hours, 0.0, 300.0))
    cent = np.round(hours * 100).astype(np.int64)
    kom = np.where(offset >= move_at[person], new_kommune[person], kommune[person])

    # A second employer: split some months into two rows.
    two = rng.random(rows) < 0.05
    share = rng.uniform(0.2, 0.8, size=rows)
    part = np.where(two, np.round(cent * share).astype(np.int64), cent)
    rest = (cent - part)[two]
    idx = np.concatenate([np.arange(rows), np.flatnonzero(two)])
    cents = np.concatenate([part, rest])
    ids = _ids(first, n)
    return pl.DataFrame(
        {
            "person": ids.gather(person[idx]),
            "kommune_kode": pl.Series(kom[idx], dtype=pl.Int16),
            "maaned": pl.Series(month[idx] + start_month, dtype=pl.Int32),
            "timer_cent": pl.Series(cents, dtype=pl.Int64),
        }
    )


def hours_panel(persons: int, months: int, seed: int, start_month: int) -> pl.DataFrame:
    """A monthly flexjob hours panel (``fleksjob-timer`` schema) over ``months`` months.

    About 30 % of spells run from before the panel (left-censored), 10 % are
    split by a gap month, 40 % start in 1–10-hour jobs, 22 % step up their
    hours during the spell, 3 % move kommune and 5 % of months have a second
    employer row. This gives a K3 share near 20–25 %. Over 120 months there
    are about ``0.34 · persons · months`` rows: 250.000 persons give about 10
    million rows and 85.000 persons in flexjob a month.
    """
    frames = [
        _hours_block(seed, b, first, n, months, start_month) for b, first, n in _blocks(persons)
    ]
    if not frames:
        return pl.DataFrame(schema=PERSON_KINDS["fleksjob-timer"])
    return pl.concat(frames)


def write_hours_parquet(
    directory: Path,
    persons: int,
    months: int,
    seed: int,
    start_month: int,
    *,
    per_file: int = 500_000,
) -> list[Path]:
    """Write :func:`hours_panel` as Parquet files of ``per_file`` persons each, in chunks.

    Only one block of persons is in memory at a time, so panels of 100 million
    rows can be written on a small machine. Each file holds a disjoint set of
    persons, sorted by person and month. Returns the files written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    per_file = max(BLOCK, per_file // BLOCK * BLOCK)
    paths: list[Path] = []
    for part, start in enumerate(range(0, persons, per_file)):
        frames = [
            _hours_block(seed, (start + first) // BLOCK, start + first, n, months, start_month)
            for _, first, n in _blocks(min(per_file, persons - start))
        ]
        path = directory / f"part-{part:05d}.parquet"
        pl.concat(frames).write_parquet(path, statistics=True)
        paths.append(path)
    return paths


def _ly_block(
    seed: int, block: int, first: int, n: int, months: int, start_month: int
) -> pl.DataFrame:
    rng = np.random.default_rng([seed, block, 2])
    first_day = dt.date(start_month // 12, start_month % 12 + 1, 1)
    horizon = (
        dt.date((start_month + months) // 12, (start_month + months) % 12 + 1, 1) - first_day
    ).days
    spells = rng.integers(1, 4, size=n)
    person = np.repeat(np.arange(n), spells)
    k = len(person)
    # Durations in days: most spells end within six months, some run long.
    short = rng.random(k) < 0.78
    days = np.where(short, rng.integers(14, 182, size=k), rng.integers(150, 900, size=k))
    step = days + rng.integers(40, 400, size=k)
    lead = rng.integers(-200, horizon, size=n)
    exclusive = np.cumsum(step) - step
    before = exclusive - np.repeat(exclusive[np.cumsum(spells) - spells], spells)
    start = lead[person] + before
    stop = start + days
    keep = (stop >= 0) & (start < horizon)
    person, start, stop = person[keep], start[keep], stop[keep]
    base = np.datetime64(first_day, "D")
    start_d = base + start.astype("timedelta64[D]")
    stop_d = base + stop.astype("timedelta64[D]")
    running = stop >= horizon
    kommune = _kommuner(rng, n)
    ids = _ids(first, n)
    return pl.DataFrame(
        {
            "person": ids.gather(person),
            "kommune_kode": pl.Series(kommune[person], dtype=pl.Int16),
            "start": pl.Series(start_d).cast(pl.Date),
            "slut": pl.Series(stop_d).cast(pl.Date),
        }
    ).with_columns(slut=pl.when(pl.Series(running)).then(None).otherwise(pl.col("slut")))


def ly_spells(persons: int, months: int, seed: int, start_month: int) -> pl.DataFrame:
    """Ledighedsydelse spells (``ly-forloeb`` schema) of ``persons`` persons over ``months``.

    One to three non-overlapping spells a person; about 78 % of spells last
    under six months, which gives a K2 share near 75 %. Spells still running
    at the panel's end have ``slut`` null. The stock builds up over the first
    two years; 75.000 persons over 60 months then give about 16.000 persons on
    ledighedsydelse a month.
    """
    frames = [_ly_block(seed, b, first, n, months, start_month) for b, first, n in _blocks(persons)]
    if not frames:
        return pl.DataFrame(schema=PERSON_KINDS["ly-forloeb"])
    return pl.concat(frames)


def ly_months(spells: pl.DataFrame, last_month: int) -> pl.DataFrame:
    """Monthly benefit records (``ly-maaneder`` schema): every month a spell touches,
    up to ``last_month``."""
    first = pl.col("start").dt.year().cast(pl.Int32) * 12 + pl.col("start").dt.month() - 1
    end = pl.col("slut").dt.year().cast(pl.Int32) * 12 + pl.col("slut").dt.month() - 1
    return (
        spells.lazy()
        .select(
            "person",
            "kommune_kode",
            maaned=pl.int_ranges(first, end.fill_null(last_month).clip(upper_bound=last_month) + 1),
        )
        .explode("maaned")
        .select("person", "kommune_kode", pl.col("maaned").cast(pl.Int32))
        .unique(["person", "maaned"], keep="first", maintain_order=True)
        .collect()
    )


def rf_panel(persons: int, months: int, seed: int, start_month: int) -> pl.DataFrame:
    """Ressourceforløb months (``ressourceforloeb`` schema): one row per person and month
    of :func:`hours_panel`'s spells, with flags drawn per row: praktik/løntilskud 12 %,
    wage hours 15 %, fleksjob 2 %, SU 3 %, beskæftigelsesgrad 0–100 (over 50 in
    about 5 %). About ``0.32 · persons · months`` rows.
    """
    base = hours_panel(persons, months, seed, start_month).unique(
        ["person", "maaned"], keep="first", maintain_order=True
    )
    draw = pl.struct("person", "maaned").hash(seed) % 10_000
    return base.select(
        "person",
        "kommune_kode",
        "maaned",
        praktik_loentilskud=draw < 1_200,
        loentimer_cent=pl.when(draw.is_between(1_200, 2_699)).then("timer_cent").otherwise(0),
        fleksjob=draw.is_between(2_700, 2_899),
        su=draw.is_between(2_900, 3_199),
        beskaeftigelsesgrad=pl.when(draw >= 9_500)
        .then(draw % 50 + 51)
        .otherwise(draw % 51)
        .cast(pl.Float64),
    )


def write_danish_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write a person-level frame as a Danish extract: ``;``, decimal comma hours and
    numbers, flags as 0/1, months as ``2019M11`` and dates as ``31-08-2019``."""
    exprs: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if name == "maaned":
            exprs.append(
                pl.format("{}M{}", col // 12, (col % 12 + 1).cast(pl.String).str.zfill(2)).alias(
                    "periode"
                )
            )
        elif name.endswith("_cent"):
            text = pl.format("{},{}", col // 100, (col % 100).cast(pl.String).str.zfill(2))
            exprs.append(text.alias(name.removesuffix("_cent")))
        elif dtype == pl.Date:
            exprs.append(col.dt.strftime("%d-%m-%Y"))
        elif dtype == pl.Boolean:
            exprs.append(col.cast(pl.UInt8))
        elif dtype == pl.Float64:
            exprs.append(col.cast(pl.String).str.replace(".", ",", literal=True))
        elif name == "kommune_kode":
            exprs.append(col.alias("kommune"))
        else:
            exprs.append(col)
    frame.select(exprs).write_csv(path, separator=";")


__all__ = [
    "BLOCK",
    "KOMMUNE_SIZE",
    "hours_panel",
    "ly_months",
    "ly_spells",
    "rf_panel",
    "write_danish_csv",
    "write_hours_parquet",
]
