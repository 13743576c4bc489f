"""Read a person-level extract of any size into sorted person parts, in bounded memory.

The file is scanned lazily, never loaded whole:

1. one pass collects the distinct person identifiers (with the first row of each),
   validates them and hashes each once (:func:`fleksmon.pseudonym.pseudonymize`);
2. a second pass reads chunks of :data:`CHUNK_ROWS` rows, parses every cell with
   the same functions as :func:`fleksmon.readers.person.read_person` (a bad cell
   stops the read at the first chunk that has one), joins the pseudonyms and
   spills each chunk's rows by person part (``person % parts``);
3. each part is then loaded alone, sorted once by person and month, checked for
   the problems that need a person's whole history (two kommuner in a month,
   overlapping spells, more than 744 hours, duplicated months) and written as a
   store part. Those checks are exact per part, since a part holds all rows of
   its persons; the error names the first offending row of the whole file.

Peak memory is that of one chunk or one part (plus the identifier map), not of
the file. Row numbers are those of the file (a row-number column is kept from
the scan); no cell is ever put into a message.
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
    for number, chunk in enumerate(frame.collect_batches(chunk_size=CHUNK_ROWS)):
        seen += chunk.height
        chunk = chunk.filter(~pl.all_horizontal(pl.col(c).is_null() for c in named))
        rows += chunk.height
        checks.check_person_ids(chunk, source)
        chunk = pseudonymize(chunk, key, source=source, row_column=_ROW)
        parsed = cells.parse_columns(chunk, chosen, source, marks, given)
        split = parsed.with_columns(parts.bucket(buckets).alias("_part")).partition_by(
            "_part", as_dict=True, include_key=False
        )
        for (index,), piece in split.items():
            piece.write_parquet(spill / f"{int(index):05d}-{number:06d}.parquet", compression="lz4")
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
            files = sorted(
                f for b in range(index, buckets, count) for f in spill.glob(f"{b:05d}-*")
            )
            if not files:
                continue
            part = pl.read_parquet(files).sort([*parts.SORT_KEYS[chosen], _ROW])
            for file in files:
                file.unlink()
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
