"""Person-level batches stored as person-clustered parts.

A person-level batch is a folder of Parquet parts plus ``keys.parquet`` (the
batch's distinct replace keys: kommune, and month for the monthly kinds; for spells also
each kommune's date span, :data:`DATE_SPAN`). Part
*i* of a batch with *n* parts holds every row of the persons whose pseudonym
``person % n == i`` (the pseudonym is a uniform 64-bit hash), sorted by
:data:`SORT_KEYS`; *n* is a power of two, the same for every batch of a kind
unless a batch is larger than the parts allow. So part *i* of every batch holds
the same persons, and a measure reads the store one part at a time, already in
order: the panel is sorted once, at ingest, and never again.

Reading resolves "newest batch wins per key" from the small key files alone
(a batch that wins none of its keys is not read at all) and merges the
winning, already sorted rows of one part of every batch with ``merge_sorted``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.schema import PERSON_KINDS
from fleksmon.store.records import Batch, replace_keys

PART_ROWS = 5_000_000
"""A batch gets the fewest power-of-two parts that keeps each at or below this many rows
(about 110 MB of a fleksjob-timer part in memory)."""

SORT_KEYS: dict[str, tuple[str, ...]] = {
    "ly-forloeb": ("person", "start"),
    "ly-maaneder": ("person", "maaned", "kommune_kode"),
    "fleksjob-timer": ("person", "maaned", "kommune_kode"),
    "ressourceforloeb": ("person", "maaned", "kommune_kode"),
    "persongruppe": ("person", "fra"),
}
"""The order of the rows within a part, per kind."""

KEYS_FILE = "keys.parquet"


def part_count(rows: int, at_least: int = 1) -> int:
    """The power of two of parts for a batch of ``rows`` rows (at least ``at_least``)."""
    count = max(1, at_least)
    while rows > count * PART_ROWS:
        count *= 2
    return count


def part_name(index: int) -> str:
    """The file name of part ``index`` in a batch folder."""
    return f"part-{index:04d}.parquet"


def bucket(count: int) -> pl.Expr:
    """The part (``0..count-1``) a row's person belongs to."""
    return (pl.col("person") % count).cast(pl.Int64)


@dataclass
class Staged:
    """Person rows written as sorted parts in ``folder``, not yet committed."""

    folder: Path
    kind: str
    parts: int
    rows: int


def write_parts(
    frames: Iterator[tuple[int, pl.DataFrame]], kind: str, folder: Path, parts: int
) -> Staged:
    """Write already sorted part frames ``(index, frame)`` and the key file into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    key_frames = []
    written = set()
    for index, frame in frames:
        frame.write_parquet(folder / part_name(index), statistics=True)
        written.add(index)
        rows += frame.height
        key_frames.append(_key_rows(frame.lazy(), kind).collect())
    empty = pl.DataFrame(schema=PERSON_KINDS[kind])
    for index in set(range(parts)) - written:
        empty.write_parquet(folder / part_name(index))
    every = pl.concat(key_frames) if key_frames else _key_rows(empty.lazy(), kind).collect()
    found = _key_rows(every.lazy(), kind).collect()
    found.sort(list(replace_keys(kind))).write_parquet(folder / KEYS_FILE)
    return Staged(folder, kind, parts, rows)


DATE_SPAN = ("start_min", "start_max", "slut_max")
"""A ``ly-forloeb`` key file also holds, per kommune, the batch's first and last start and
last end (the dates K2's months run between), so they are known without reading parts."""


def _key_rows(frame: pl.LazyFrame, kind: str) -> pl.LazyFrame:
    """The distinct replace keys of ``frame`` (``ly-forloeb``: with :data:`DATE_SPAN`; the
    same function folds key rows of several parts into one)."""
    keys = list(replace_keys(kind))
    if kind != "ly-forloeb":
        return frame.select(keys).unique()
    folded = "start_min" in frame.collect_schema().names()
    first, last, ends = DATE_SPAN if folded else ("start", "start", "slut")
    return frame.group_by(keys).agg(
        start_min=pl.col(first).min(), start_max=pl.col(last).max(), slut_max=pl.col(ends).max()
    )


def stage_frame(frame: pl.DataFrame, kind: str, folder: Path, at_least: int = 1) -> Staged:
    """Sort a whole person frame once and write it as parts into ``folder``."""
    parts = part_count(frame.height, at_least)
    ordered = frame.sort(SORT_KEYS[kind]).with_columns(bucket(parts).alias("_part"))
    split = ordered.partition_by("_part", as_dict=True, maintain_order=True, include_key=False)
    pieces = ((int(key[0]), part) for key, part in sorted(split.items()))
    return write_parts(pieces, kind, folder, parts)


def folder_hash(folder: Path) -> tuple[str, int]:
    """SHA-256 over a batch folder's files (names and contents, in name order) and their
    total size in bytes."""
    digest = hashlib.sha256()
    size = 0
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    return digest.hexdigest(), size


def remove(folder: Path) -> None:
    """Remove a batch or staging folder (missing is fine)."""
    shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- reading


def _key_code(kind: str) -> pl.Expr:
    """One integer per replace key (a person group: its name), for fast membership filters."""
    if kind == "persongruppe":
        return pl.col("persongruppe")
    if kind == "ly-forloeb":
        return pl.col("kommune_kode").cast(pl.Int64)
    return pl.col("kommune_kode").cast(pl.Int64) * 1_000_000 + pl.col("maaned").cast(pl.Int64)


@dataclass
class Source:
    """One batch as read: its folder (or a legacy single file), part count, won keys."""

    path: Path
    parts: int
    keep: pl.Series | None
    """Key codes this batch still wins; ``None`` when it wins all of its keys."""


def _legacy_person(frame: pl.LazyFrame) -> pl.LazyFrame:
    """A batch written as one file: pseudonyms as UInt64 (16 hex digits before they
    were integers)."""
    schema = frame.collect_schema()
    if schema["person"] == pl.UInt64:
        return frame
    person = pl.col("person")
    return frame.with_columns(
        person.cast(pl.String).str.to_integer(base=16, dtype=pl.UInt64).alias("person")
    )


def legacy_frame(path: Path) -> pl.DataFrame:
    """A person-level batch written as one Parquet file, pseudonyms as UInt64."""
    return _legacy_person(pl.scan_parquet(path)).collect()


def batch_keys(root: Path, batch: Batch) -> pl.DataFrame:
    """The distinct replace keys of one person-level batch."""
    keys = list(replace_keys(batch.kind))
    if batch.parts:
        return pl.read_parquet(root / batch.file / KEYS_FILE)
    return pl.scan_parquet(root / batch.file).select(keys).unique().collect()


@dataclass
class PersonData:
    """The current person-level rows of one kind, readable one part at a time."""

    kind: str
    sources: list[Source]
    keys: pl.DataFrame
    """The current replace keys (``kommune_kode``, and ``maaned`` for monthly kinds)."""
    count: int
    """Number of parts."""

    def part(
        self,
        index: int,
        columns: Sequence[str] | None = None,
        where: pl.Expr | None = None,
    ) -> pl.LazyFrame:
        """Every current row of the persons of part ``index``, sorted by :data:`SORT_KEYS`.

        ``columns``: only these columns (the sort keys are added where parts of several
        batches are merged); ``where``: only the rows it holds for. Both are pushed into
        the Parquet scans, so a question reads only the columns and rows it needs.
        """
        order = list(SORT_KEYS[self.kind])
        frames = [
            self._source_part(source, index, columns, where, order) for source in self.sources
        ]
        if not frames:
            return pl.LazyFrame(schema=self._schema(columns))
        merged = frames[0]
        for other in frames[1:]:
            merged = merged.merge_sorted(other, key=order)
        return merged.select(columns) if columns is not None and len(frames) > 1 else merged

    def _schema(self, columns: Sequence[str] | None) -> dict[str, pl.DataType]:
        schema = PERSON_KINDS[self.kind]
        return schema if columns is None else {c: schema[c] for c in columns}

    def _source_part(
        self,
        source: Source,
        index: int,
        columns: Sequence[str] | None,
        where: pl.Expr | None,
        order: list[str],
    ) -> pl.LazyFrame:
        """One batch's rows of part ``index``, sorted, filtered and projected."""
        if source.parts == 0:
            frame = _legacy_person(pl.scan_parquet(source.path))
            frame = frame.filter(bucket(self.count) == index).sort(order)
        else:
            path = source.path / part_name(index % source.parts)
            if not path.is_file():
                raise FleksmonError(
                    f"the store is damaged: the batch file {path} is missing",
                    "re-ingest the extract (that repairs it) and run 'fleksmon store --check'",
                )
            frame = pl.scan_parquet(path)
            if source.parts < self.count:
                frame = frame.filter(bucket(self.count) == index)
        wanted = columns
        if columns is not None and len(self.sources) > 1:
            wanted = [*order, *columns]
        return self._narrowed(frame, source, wanted, where)

    def _narrowed(
        self,
        frame: pl.LazyFrame,
        source: Source,
        columns: Sequence[str] | None,
        where: pl.Expr | None,
    ) -> pl.LazyFrame:
        """A batch's rows: only the keys it still wins, ``where``, ``columns`` in the stored
        types."""
        if source.keep is not None:
            frame = frame.filter(_key_code(self.kind).is_in(source.keep.implode()))
        if where is not None:
            frame = frame.filter(where)
        schema = self._schema(None if columns is None else list(dict.fromkeys(columns)))
        return frame.select([pl.col(c).cast(t) for c, t in schema.items()])

    def parts(
        self, columns: Sequence[str] | None = None, where: pl.Expr | None = None
    ) -> Iterator[pl.LazyFrame]:
        """:meth:`part` for every part, in order."""
        return (self.part(i, columns, where) for i in range(self.count))

    def scan(self) -> pl.LazyFrame:
        """All current rows (part after part)."""
        return pl.concat(list(self.parts()))

    def rows(self, columns: Sequence[str], where: pl.Expr | None = None) -> pl.LazyFrame:
        """All current rows in no particular order: every batch's parts in one parallel
        scan of ``columns`` (rows ``where`` holds), for a measure that needs no person order."""
        frames = []
        for source in self.sources:
            if source.parts == 0:
                frame = _legacy_person(pl.scan_parquet(source.path))
            else:
                frame = pl.scan_parquet([source.path / part_name(i) for i in range(source.parts)])
            frames.append(self._narrowed(frame, source, columns, where))
        if not frames:
            return pl.LazyFrame(schema=self._schema(columns))
        return pl.concat(frames)

    def months(self) -> tuple[int, int] | None:
        """The first and last month of the current keys (monthly kinds), or ``None``."""
        if "maaned" not in self.keys.columns or self.keys.height == 0:
            return None
        lo, hi = self.keys.select(lo=pl.col("maaned").min(), hi=pl.col("maaned").max()).row(0)
        return int(lo), int(hi)

    def dates(self) -> tuple[dt.date, dt.date] | None:
        """``ly-forloeb``: the first start and the last start or end of the current rows, from
        the key files (:data:`DATE_SPAN`); ``None`` when a batch's key file has none (one
        written before they were kept) or there are no rows."""
        if "start_min" not in self.keys.columns or self.keys.height == 0:
            return None
        if self.keys.get_column("start_min").null_count():
            return None
        lo, hi = self.keys.select(
            lo=pl.col("start_min").min(),
            hi=pl.max_horizontal(pl.col("slut_max").max(), pl.col("start_max").max()),
        ).row(0)
        return lo, hi

    def kommuner(self) -> pl.LazyFrame:
        """The kommune codes present (Int16)."""
        return self.keys.lazy().select(pl.col("kommune_kode").cast(pl.Int16)).unique()


def resolve(root: Path, batches: Sequence[Batch], kind: str) -> PersonData | None:
    """The current rows of ``kind`` from its batches (oldest first), or ``None``."""
    batches = [b for b in batches if b.kind == kind]
    if not batches:
        return None
    keys = list(replace_keys(kind))
    codes = [batch_keys(root, b).select(_key_code(kind).alias("_k")).to_series() for b in batches]
    winner = (
        pl.concat(
            [
                pl.DataFrame({"_k": c, "_b": pl.repeat(i, len(c), eager=True)})
                for i, c in enumerate(codes)
            ]
        )
        .group_by("_k")
        .agg(pl.col("_b").max())
    )
    sources: list[Source] = []
    current: list[pl.DataFrame] = []
    for i, (b, own) in enumerate(zip(batches, codes, strict=True)):
        won = winner.filter(pl.col("_b") == i).get_column("_k")
        if won.is_empty():
            continue
        keep = None if len(won) == own.n_unique() else won
        sources.append(Source(root / b.file, b.parts, keep))
        current.append(batch_keys(root, b).filter(_key_code(kind).is_in(won.implode())))
    count = max((s.parts for s in sources), default=1) or 1
    schema = {k: PERSON_KINDS[kind][k] for k in keys}
    found = pl.concat(current, how="diagonal") if current else pl.DataFrame(schema=schema)
    return PersonData(kind, sources, found, count)
