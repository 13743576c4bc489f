"""Loading extracts into the store: read every file first, then commit them together."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from fleksmon.errors import FleksmonError, mask_cpr
from fleksmon.periods import month_code, spans_text
from fleksmon.schema import KINDS, PERSON_KINDS
from fleksmon.store import TABLES, Batch, Pending, Store, file_hash
from fleksmon.store.faults import faults
from fleksmon.store.parts import Staged
from fleksmon.store.parts import remove as remove_folder

RowsProgress = Callable[[int, int | None], None]
"""Called with the rows of a person-level file read so far and its rows (``None`` while
unknown)."""

if TYPE_CHECKING:
    from fleksmon.persongruppe import Project
    from fleksmon.readers import ReadResult


@dataclass
class FileReport:
    """What one file gave: its kind, a summary, warnings, and the batch it became."""

    path: Path
    kind: str
    summary: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    batch: Batch | None = None
    duplicate_of: Batch | None = None
    repaired: bool = False


READ_KINDS = (*KINDS, "overblik")
"""What ``--kind`` takes: a stored kind, or ``overblik`` (an aggregate download whose
benefit-group dimension is kept, one measure per group; see
:mod:`fleksmon.readers.overblik`)."""


def _span(months: pl.Series) -> str:
    values = months.drop_nulls()
    if values.is_empty():
        return "none"
    lo, hi = int(values.cast(pl.Int64).min() or 0), int(values.cast(pl.Int64).max() or 0)  # type: ignore[arg-type]
    return month_code(lo) if lo == hi else f"{month_code(lo)}..{month_code(hi)}"


def _aggregate_span(frame: pl.DataFrame) -> str:
    """First to last period of each kind (months, quarters, moving annual totals, …)."""
    return spans_text(list(frame.select("fra", "til").unique().iter_rows()))


def _aggregate_summary(
    frame: pl.DataFrame, table: str | None, dimensions: list[str], labels: dict[str, str]
) -> dict[str, Any]:
    """Rows, kommuner, periods and measures read; how dimension columns were collapsed;
    the column label of each measure kept under a derived id."""
    return (
        {
            "rows": frame.height,
            "kommuner": frame["kommune"].n_unique(),
            "periods": _aggregate_span(frame),
            "measures": sorted(frame["maaling"].unique().to_list()),
            "suppressed": int(frame["vaerdi"].null_count()),
            "table": table,
        }
        | ({"dimensions": dimensions} if dimensions else {})
        | ({"labels": labels} if labels else {})
    )


def _person_summary(frame: pl.DataFrame, kind: str) -> dict[str, Any]:
    from fleksmon.readers.person_stream import FIRST_DAY, group_summary

    first = FIRST_DAY.get(kind, "maaned")
    months = (
        frame[first]
        if first == "maaned"
        else frame[first].dt.year() * 12 + (frame[first].dt.month() - 1)
    )
    summary: dict[str, Any] = {
        "rows": frame.height,
        "persons": frame["person"].n_unique(),
        "kommuner": frame["kommune_kode"].n_unique(),
        "periods": _span(months),
    }
    if kind == "fleksjob-timer":
        from fleksmon.measures.k3 import k3_censored

        censored = k3_censored(frame.lazy()).select(pl.col("k3_censored").sum()).collect()
        summary["censored_spells"] = int(censored.item() or 0)
    if kind == "persongruppe":
        summary.update(group_summary(frame))
    return summary


def _read_aggregate(path: Path, table: str | None, labels: Mapping[str, str] | None) -> ReadResult:
    """:func:`~fleksmon.readers.read_aggregate`; a download by Ydelsesgrupper that it
    refuses gets a hint to read it as the Jobcenteroverblik."""
    from fleksmon.readers import read_aggregate
    from fleksmon.readers.overblik import looks_like_overblik

    try:
        return read_aggregate(path, table=table, labels=labels)
    except FleksmonError as err:
        if table is not None or not looks_like_overblik(path):
            raise
        hint = f"{err.hint.rstrip('.')}; for the Jobcenteroverblik: --kind overblik"
        raise FleksmonError(err.message, hint) from err


def read_file(
    path: Path,
    *,
    kind: str | None = None,
    table: str | None = None,
    labels: Mapping[str, str] | None = None,
    key: Callable[[], bytes] | None = None,
    staging: Path | None = None,
    part_counts: Mapping[str, int] | None = None,
    rows_progress: RowsProgress | None = None,
    persongruppe: Project | None = None,
    make_dir: Callable[[Path], None] | None = None,
) -> tuple[Pending, FileReport]:
    """Read and validate one extract; nothing is stored yet.

    With ``staging`` (a folder inside the store), a person-level file is streamed
    into sorted person parts there (:mod:`fleksmon.readers.person_stream`), with
    at least ``part_counts[kind]`` parts; ``rows_progress`` follows its rows.
    ``make_dir`` makes that folder (the store's :meth:`~fleksmon.store.Store.private_dir`,
    so it gets the store's permissions). Without ``staging``, the file is read into memory.
    ``persongruppe``: the file is the marking extract of this person group (its kind
    ``persongruppe``).
    """
    from fleksmon.formats.files import check_file
    from fleksmon.readers import sniff_kind

    check_file(path)
    if kind is not None and kind not in READ_KINDS:
        raise FleksmonError(f"unknown --kind {kind!r}", f"use one of {', '.join(READ_KINDS)}")
    kind = _group_kind(kind, persongruppe)
    given = persongruppe.given() if persongruppe is not None else None
    found = kind or sniff_kind(path)
    if found == "overblik":
        from fleksmon.readers.overblik import read_overblik

        result = read_overblik(path)
        found = "aggregate"
    elif found == "aggregate":
        result = _read_aggregate(path, table, labels)
    if found == "aggregate":
        frame = result.frame
        summary = _aggregate_summary(frame, result.table, result.dimensions, result.labels)
        warnings = list(result.warnings)
    elif found in PERSON_KINDS and staging is not None:
        from fleksmon.pseudonym import key_fingerprint, load_key
        from fleksmon.readers.person_stream import stage_person

        secret = (key or load_key)()
        folder = staging / uuid.uuid4().hex
        if make_dir is not None:
            make_dir(folder)
        extract = stage_person(
            path,
            found,
            key=secret,
            folder=folder,
            at_least=(part_counts or {}).get(found, 1),
            progress=rows_progress,
            given=given,
        )
        digest = _identity(path, given)
        pending = Pending(extract.staged, found, path.resolve(), digest, extract.summary)
        pending.key_fingerprint = key_fingerprint(secret)
        return pending, FileReport(path, found, extract.summary, extract.warnings)
    elif found in PERSON_KINDS:
        from fleksmon.pseudonym import load_key
        from fleksmon.readers.person import read_person

        secret = (key or load_key)()
        person = read_person(path, found, key=secret, given=given)
        frame = person.frame.collect() if isinstance(person.frame, pl.LazyFrame) else person.frame
        summary = _person_summary(frame, found)
        warnings = list(person.warnings)
    else:
        raise FleksmonError(f"{path.name}: cannot tell what kind of extract this is", "pass --kind")
    pending = Pending(frame, found, path.resolve(), _identity(path, given), summary)
    if found in PERSON_KINDS:
        from fleksmon.pseudonym import key_fingerprint

        pending.key_fingerprint = key_fingerprint(secret)
    return pending, FileReport(path, found, summary, warnings)


def ingest(
    store: Store,
    paths: list[Path],
    *,
    kind: str | None = None,
    table: str | None = None,
    labels: Mapping[str, str] | None = None,
    key: Callable[[], bytes] | None = None,
    progress: Callable[[Path], None] | None = None,
    done: Callable[[], None] | None = None,
    rows_progress: RowsProgress | None = None,
    persongruppe: Project | None = None,
) -> list[FileReport]:
    """Read every file, then commit them in one atomic step; a bad file stores nothing.

    ``persongruppe``: the files are a marking extract of this person group (see
    :mod:`fleksmon.persongruppe`); it replaces the group's older extract.

    ``progress`` is called before each file is read and ``done`` after each step
    (every file, then the commit), for a progress bar; ``rows_progress`` follows
    the rows of a person-level file. Person-level files are streamed into sorted
    parts in a staging folder inside the store (removed afterwards, whatever
    happens), so a file of any size is read in bounded memory.
    """
    pendings: list[Pending] = []
    reports: list[FileReport] = []
    store_key = _store_key(store, key)
    counts: dict[str, int] = {}
    for b in store.batches():
        counts[b.kind] = max(counts.get(b.kind, 1), b.parts)
    staging = store.root / TABLES / f".staging-{uuid.uuid4().hex}"
    try:
        for path in paths:
            if progress is not None:
                progress(path)
            pending, report = read_file(
                path,
                kind=kind,
                table=table,
                labels=labels,
                key=store_key,
                staging=staging,
                part_counts=counts,
                rows_progress=rows_progress,
                persongruppe=persongruppe,
                make_dir=lambda folder: _private_dir(store, folder),
            )
            pendings.append(pending)
            reports.append(report)
            if done is not None:
                done()
        batches, owner = _one_extract_per_kind(pendings, staging)
        outcomes = store.commit(batches)
    finally:
        remove_folder(staging)
    for report, index in zip(reports, owner, strict=True):
        report.batch = outcomes[index].batch
        report.duplicate_of = outcomes[index].duplicate_of
        report.repaired = outcomes[index].repaired
    return reports


def _identity(path: Path, given: Mapping[str, object] | None) -> str:
    """What makes a file "already loaded": its content, and for a marking extract also the
    person group and project period it was loaded as."""
    digest = file_hash(path)
    if not given:
        return digest
    return hashlib.sha256(f"{digest}{sorted(given.items())}".encode()).hexdigest()


def _group_kind(kind: str | None, persongruppe: Project | None) -> str | None:
    """The kind to read: ``persongruppe`` for a person group's marking extract, which is
    never told from its columns (they are a spell extract's)."""
    if persongruppe is None:
        if kind == "persongruppe":
            raise FleksmonError(
                "a persongruppe extract is loaded for a named person group",
                "name it and its project start: --persongruppe Projekt --project-start 2018M09",
            )
        return kind
    if kind not in (None, "persongruppe"):
        raise FleksmonError(
            f"--persongruppe loads a marking extract, not --kind {kind}",
            "leave out --kind, or load the other extracts in an ingest of their own",
        )
    return "persongruppe"


def _private_dir(store: Store, folder: Path) -> None:
    """Make a staging folder with the store's permissions (the store folder too, if new)."""
    with faults(store.root, "making a staging folder"):
        store.private_dir(folder)


def _store_key(store: Store, key: Callable[[], bytes] | None) -> Callable[[], bytes]:
    """The key for person-level files, loaded once: never from a key file inside the
    store, and refused when the store's data was pseudonymized with another key."""
    loaded: list[bytes] = []

    def load() -> bytes:
        if not loaded:
            from fleksmon.pseudonym import KEY_ENV, default_key_file, key_fingerprint, load_key
            from fleksmon.store import key_mismatch

            if key is None and not os.environ.get(KEY_ENV):
                key_file = default_key_file().resolve()
                if key_file.is_relative_to(store.root.resolve()):
                    raise FleksmonError(
                        f"the key file {key_file} lies inside the store {store.root}: whoever "
                        "holds the store could re-identify people with it",
                        f"keep the store in another folder (--store), or set {KEY_ENV}",
                    )
            secret = key() if key is not None else load_key()
            recorded = store.key_fingerprint()
            if recorded is not None and recorded != key_fingerprint(secret):
                raise key_mismatch(store.root, recorded, key_fingerprint(secret))
            loaded.append(secret)
        return loaded[0]

    return load


def _one_extract_per_kind(
    pendings: list[Pending], staging: Path
) -> tuple[list[Pending], list[int]]:
    """Person-level files of one kind loaded together are one extract (one batch).

    A national panel split into files by person would otherwise replace itself
    file by file, since a newer batch replaces a kommune's months. Returns the
    batches and, for each file, the index of the batch it went into.
    """
    batches: list[Pending] = []
    owner: list[int] = []
    groups: dict[str, list[int]] = {}
    for i, pending in enumerate(pendings):
        if pending.kind == "aggregate":
            owner.append(len(batches))
            batches.append(pending)
            continue
        if pending.kind not in groups:
            groups[pending.kind] = []
            batches.append(pending)
        groups[pending.kind].append(i)
        owner.append(next(j for j, b in enumerate(batches) if b.kind == pending.kind))
    for kind, members in groups.items():
        if len(members) == 1:
            continue
        parts = [pendings[i] for i in members]
        _refuse_same_file_twice(parts)
        digest = hashlib.sha256("".join(sorted(p.sha256 for p in parts)).encode()).hexdigest()
        frame: pl.DataFrame | Staged
        staged = [p.frame for p in parts if isinstance(p.frame, Staged)]
        if len(staged) == len(parts):
            from fleksmon.readers.person_stream import combine, summarize

            frame = combine(staged, staging / uuid.uuid4().hex)
            summary = summarize(frame)
        else:
            frames = [p.frame.lazy() for p in parts if not isinstance(p.frame, Staged)]
            frame = pl.concat(frames).collect()
            summary = _person_summary(frame, kind)
        summary["files"] = [mask_cpr(str(p.source)) for p in parts]
        combined = Pending(
            frame,
            kind,
            " + ".join(str(p.source) for p in parts),
            digest,
            summary,
            key_fingerprint=parts[0].key_fingerprint,
        )
        batches[owner[members[0]]] = combined
    return batches, owner


def _refuse_same_file_twice(parts: list[Pending]) -> None:
    """Two files with the same content in one extract would count every person twice."""
    seen: dict[str, Pending] = {}
    for part in parts:
        twin = seen.setdefault(part.sha256, part)
        if twin is part:
            continue
        name, other = Path(part.source).name, Path(twin.source).name
        same = (
            f"{name} is given twice"
            if part.source == twin.source
            else f"{name} has the same content as {other}"
        )
        raise FleksmonError(f"{same}: its persons would be counted twice", "load the extract once")
