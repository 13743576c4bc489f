"""Read a person-level extract of any size into sorted person parts, in bounded memory.

The file is read in one pass of chunks of :data:`CHUNK_ROWS` rows, never whole:

1. each chunk's identifiers are validated and hashed
   (:func:`fleksmon.pseudonym.pseudonymize`, vectorized; each distinct one once
   where they repeat), its cells parsed with the same functions as
   :func:`fleksmon.readers.person.read_person` (a bad cell stops the read at the
   first chunk that has one), and its rows put into power-of-two buckets by
   pseudonym (held in memory up to :data:`HELD_ROWS` rows, then spilled to disk);
2. once the rows are counted, each part (the buckets with ``person % parts`` equal
   to its number) is loaded alone, sorted once by person and month, checked for
   the problems that need a person's whole history (two kommuner in a month,
   overlapping spells, more than 744 hours, duplicated months) and written as a
   store part. Those checks are exact per part, since a part holds all rows of
   its persons; the error names the first offending row of the whole file.

Peak memory is that of one chunk, the rows held and one part, not of the file.
Row numbers are those of the file (a row-number column is kept from the scan);
no cell is ever put into a message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.formats.csv import unreadable
from fleksmon.formats.files import check_file
from fleksmon.numbers import DecimalMarks
from fleksmon.periods import month_code
from fleksmon.pseudonym import pseudonymize
from fleksmon.readers import person_cells as cells
from fleksmon.readers import person_checks as checks
from fleksmon.readers import person_columns as columns
from fleksmon.readers.person import check_given
from fleksmon.schema import GIVEN_COLUMNS, PERSON_KINDS, Given
from fleksmon.store import parts

CHUNK_ROWS = 2_000_000
"""Rows parsed at a time."""
HELD_ROWS = 12_000_000
"""Parsed rows held in memory before they are written to the spill folder (about 400 MB
of an hours panel): a file of up to this many rows is never written twice."""

_ROW = columns.ROW
RowsProgress = Callable[[int, int | None], None]
"""Called with the rows read so far and the file's rows (``None`` while unknown)."""


@dataclass
class StagedExtract:
    """A person-level file read into sorted parts: the staged parts, kind, warnings, summary."""

    staged: parts.Staged
    kind: str
    warnings: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- reading


def stage_person(
    path: Path,
    kind: str | None,
    *,
    key: bytes,
    folder: Path,
    at_least: int = 1,
    progress: RowsProgress | None = None,
    given: Given | None = None,
) -> StagedExtract:
    """Read a person-level extract into sorted person parts in ``folder`` (created).

    ``at_least`` is the store's part count for the kind (a batch gets at least as
    many parts); ``given`` the values of the kind's columns given at ingest (a
    marking extract's person group, see :func:`~fleksmon.readers.person.check_given`).
    Raises :class:`FleksmonError` for any input problem, as
    :func:`fleksmon.readers.person.read_person` does; ``folder`` is then left for
    the caller to remove.
    """
    source = path.name
    if kind is not None and kind not in PERSON_KINDS:
        raise FleksmonError(
            f"unknown person-level kind {kind!r}", f"use one of {', '.join(PERSON_KINDS)}"
        )
    check_file(path)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _stage(path, source, kind, key, folder, at_least, progress, given)
    except pl.exceptions.ComputeError:
        if path.suffix.lower() in (".csv", ".txt", ".tsv"):
            raise unreadable(path) from None
        raise


def _stage(
    path: Path,
    source: str,
    kind: str | None,
    key: bytes,
    folder: Path,
    at_least: int,
    progress: RowsProgress | None,
    given: Given | None,
) -> StagedExtract:
    spill = folder / ".spill"
    spill.mkdir(exist_ok=True)
    opened = columns.open_extract(path, spill)
    frame, data_cols, known, total = opened.frame, opened.columns, opened.known, opened.rows
    chosen, frame = columns.resolve_kind(source, frame, data_cols, kind, known)
    check_given(chosen, given)
    named = [c for c in frame.collect_schema().names() if c != _ROW]
    rough = total if total is not None else 2 * _estimate_rows(path)
    buckets = parts.part_count(rough, at_least)
    rows = seen = 0
    marks = DecimalMarks()
    held = _Buckets(spill)
    for chunk in frame.collect_batches(chunk_size=CHUNK_ROWS):
        seen += chunk.height
        chunk = chunk.filter(~pl.all_horizontal(pl.col(c).is_null() for c in named))
        rows += chunk.height
        chunk = pseudonymize(chunk, key, source=source, row_column=_ROW)
        parsed = cells.parse_columns(chunk, chosen, source, marks, given)
        split = parsed.with_columns(parts.bucket(buckets).alias("_part")).partition_by(
            "_part", as_dict=True, include_key=False
        )
        for (index,), piece in split.items():
            held.add(int(index), piece)
        if progress is not None:
            progress(seen, total)
    undecided = cells.decimals_error(source, marks)
    if undecided is not None:
        raise undecided
    if rows == 0:
        raise columns.no_rows(source)
    warnings = list(opened.warnings)
    if seen > rows:
        warnings.append(f"{seen - rows} empty rows skipped")
    count = min(parts.part_count(rows, at_least), buckets)

    problems: dict[str, int] = {}
    dupes = 0
    repeats: list[pl.DataFrame] = []
    row_ids = [c for c in columns.ROW_IDS if c in named]
    schema = list(PERSON_KINDS[chosen])

    def sorted_parts() -> Iterator[tuple[int, pl.DataFrame]]:
        nonlocal dupes
        for index in range(count):
            part = held.take(range(index, buckets, count))  # person % count == index
            if part is None:
                continue
            part = _in_order(part, chosen)
            repeats.append(checks.repeated_rows(part, parts.SORT_KEYS[chosen]))
            found, more = checks.history_problems(part, chosen, ordered=True)
            for name, row in found.items():
                problems[name] = min(row, problems.get(name, row))
            dupes += more
            if chosen == "ly-maaneder":
                part = part.unique(["person", "maaned"], keep="first", maintain_order=True)
            yield index, part.select(schema)

    staged = parts.write_parts(sorted_parts(), chosen, folder, count)
    parts.remove(spill)
    found_repeats = pl.concat(repeats) if repeats else pl.DataFrame(schema=checks.REPEATS_SCHEMA)
    repeated = checks.repeat_error(source, chosen, found_repeats, row_ids)
    if repeated is not None:
        raise repeated
    error = checks.history_error(source, chosen, problems)
    if error is not None:
        raise error
    warnings += checks.duplicates_warning(dupes)
    return StagedExtract(staged, chosen, warnings, summarize(staged))


class _Buckets:
    """Parsed rows by bucket (``person % buckets``): held in memory up to :data:`HELD_ROWS`
    rows, written to ``folder`` when more arrive, so memory stays bounded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.held: dict[int, list[pl.DataFrame]] = {}
        self.rows = 0
        self.files = 0

    def add(self, index: int, piece: pl.DataFrame) -> None:
        self.held.setdefault(index, []).append(piece)
        self.rows += piece.height
        if self.rows > HELD_ROWS:
            for bucket, pieces in self.held.items():
                for frame in pieces:
                    self.files += 1
                    name = f"{bucket:05d}-{self.files:07d}.parquet"
                    frame.write_parquet(self.folder / name, compression="lz4")
            self.held, self.rows = {}, 0

    def take(self, buckets: range) -> pl.DataFrame | None:
        """Every row of these buckets (files read and removed), or ``None``."""
        files = sorted(f for b in buckets for f in self.folder.glob(f"{b:05d}-*.parquet"))
        frames = [pl.read_parquet(files)] if files else []
        frames += [frame for b in buckets for frame in self.held.pop(b, [])]
        for file in files:
            file.unlink()
        return pl.concat(frames) if frames else None


def _in_order(part: pl.DataFrame, kind: str) -> pl.DataFrame:
    """``part`` sorted by :data:`~fleksmon.store.parts.SORT_KEYS` and the file's row: the
    keys after the person packed into one integer (month < 2¹⁶, kommune code < 2¹⁰, row
    < 2³⁷; or a date without nulls and the row), then a stable sort by person — two
    one-key sorts, faster than one sort by four keys, with the same order."""
    row = pl.col(_ROW).cast(pl.Int64)
    after = parts.SORT_KEYS[kind][1:]
    if after == ("maaned", "kommune_kode"):
        month, kommune = pl.col("maaned").cast(pl.Int64), pl.col("kommune_kode").cast(pl.Int64)
        rest = month * (1 << 47) + kommune * (1 << 37) + row
    elif len(after) == 1 and part.schema[after[0]] == pl.Date and not part[after[0]].has_nulls():
        rest = pl.col(after[0]).cast(pl.Int64) * (1 << 37) + row
    else:
        return part.sort([*parts.SORT_KEYS[kind], _ROW])
    return part.sort(rest).sort("person", maintain_order=True)


def _estimate_rows(path: Path) -> int:
    """About how many rows a text file holds, from the length of its first lines."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    lines = max(1, head.count(b"\n"), head.count(b"\r"))
    return max(1, path.stat().st_size * lines // max(1, len(head)))


# --------------------------------------------------------------------------- summary

FIRST_DAY = {"ly-forloeb": "start", "persongruppe": "fra"}
"""The date column whose months a summary spans, for the kinds without months."""


def _span(lo: int | None, hi: int | None) -> str:
    if lo is None or hi is None:
        return "none"
    return month_code(lo) if lo == hi else f"{month_code(lo)}..{month_code(hi)}"


def summarize(staged: parts.Staged) -> dict[str, Any]:
    """Rows, persons, kommuner and months of staged parts (and, for an hours panel, the
    spells running in its first month: left out of K3), reading one part at a time."""
    kind = staged.kind
    files = [staged.folder / parts.part_name(i) for i in range(staged.parts)]
    day = FIRST_DAY.get(kind)
    month = (
        pl.col("maaned")
        if day is None
        else pl.col(day).dt.year().cast(pl.Int32) * 12 + pl.col(day).dt.month() - 1
    )
    per_part = [
        pl.scan_parquet(f)
        .select(
            persons=pl.col("person").n_unique(),
            lo=month.min(),
            hi=month.max(),
        )
        .collect()
        for f in files
    ]
    totals = pl.concat(per_part).select(
        pl.col("persons").sum(), pl.col("lo").min(), pl.col("hi").max()
    )
    persons, lo, hi = totals.row(0)
    keys = pl.read_parquet(staged.folder / parts.KEYS_FILE)
    if "kommune_kode" not in keys.columns:  # a person group's marking: small
        keys = pl.scan_parquet(files).select("kommune_kode").unique().collect()
    summary: dict[str, Any] = {
        "rows": staged.rows,
        "persons": int(persons or 0),
        "kommuner": keys.get_column("kommune_kode").n_unique(),
        "periods": _span(lo, hi),
    }
    if kind == "fleksjob-timer":
        censored = 0
        if lo is not None:
            for f in files:
                first = pl.scan_parquet(f).filter(pl.col("maaned") == lo)
                censored += int(first.select(pl.col("person").n_unique()).collect().item())
        summary["censored_spells"] = censored
    if kind == "persongruppe":
        given = pl.scan_parquet(files).select(GIVEN_COLUMNS[kind]).head(1).collect()
        summary.update(group_summary(given))
    return summary


def group_summary(rows: pl.DataFrame) -> dict[str, Any]:
    """A marking extract's person group and project period (month codes), from its rows."""
    if rows.is_empty():
        return {}
    name, start, end = rows.select(GIVEN_COLUMNS["persongruppe"]).row(0)
    return {
        "persongruppe": name,
        "project_start": month_code(start),
        "project_end": None if end is None else month_code(end),
    }


def combine(staged: list[parts.Staged], folder: Path) -> parts.Staged:
    """Several files of one kind as one extract: their parts merged in order, part by part."""
    kind = staged[0].kind
    count = max(s.parts for s in staged)
    sources = [parts.Source(s.folder, s.parts, None) for s in staged]
    data = parts.PersonData(kind, sources, pl.DataFrame(), count)
    pieces = ((i, data.part(i).collect()) for i in range(count))
    return parts.write_parts(pieces, kind, folder, count)
