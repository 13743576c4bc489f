"""Read person-level extracts (CSV, xlsx, Parquet) into the stored person schemas.

The kinds and their columns are :data:`fleksmon.schema.PERSON_KINDS`. The file is
read through the parser of its format (:func:`~fleksmon.readers.person_columns.read_raw`),
its columns named (:mod:`~fleksmon.readers.person_columns`), person identifiers
pseudonymized on the way in (:mod:`fleksmon.pseudonym`), cells parsed
(:mod:`~fleksmon.readers.person_cells`) and checked
(:mod:`~fleksmon.readers.person_checks`). Every input problem is one
:class:`~fleksmon.errors.FleksmonError` naming the file, row, column and fix;
no cell of a person-level file is ever echoed (any of them may hold a CPR number).
A file of any size is read in bounded memory by :mod:`fleksmon.readers.person_stream`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.formats.files import check_file
from fleksmon.pseudonym import pseudonymize
from fleksmon.readers.person_cells import parse_columns
from fleksmon.readers.person_checks import (
    duplicates_warning,
    history_error,
    history_problems,
    repeat_error,
    repeated_rows,
)
from fleksmon.readers.person_columns import (
    ALIASES,
    NEEDS,
    ROW,
    ROW_IDS,
    check_header,
    detect_kind,
    fold_header,
    no_rows,
    open_extract,
    resolve_kind,
)
from fleksmon.schema import GIVEN_COLUMNS, PERSON_KINDS, Given

__all__ = [
    "ALIASES",
    "NEEDS",
    "PersonResult",
    "check_given",
    "check_header",
    "detect_kind",
    "fold_header",
    "read_person",
]


def check_given(kind: str, given: Given | None) -> None:
    """Refuse a kind whose given columns (:data:`~fleksmon.schema.GIVEN_COLUMNS`) are not
    all given: a marking extract is read for a named person group only."""
    missing = [c for c in GIVEN_COLUMNS.get(kind, ()) if c not in (given or {})]
    if missing:
        raise FleksmonError(
            f"a {kind} extract is read for a named person group",
            "name it and its project start: --persongruppe Projekt --project-start 2018M09",
        )


@dataclass
class PersonResult:
    """A read person-level extract: ``frame`` in the ``PERSON_KINDS[kind]`` schema."""

    frame: pl.DataFrame
    kind: str
    warnings: list[str] = field(default_factory=list)
    rows: int = 0


def read_person(
    path: Path, kind: str | None, *, key: bytes, given: Given | None = None
) -> PersonResult:
    """Read a person-level extract of ``kind`` (detected from the columns when ``None``).

    Returns the frame in the ``PERSON_KINDS[kind]`` schema with pseudonymized
    ``person``, the kind, warnings and the row count. ``given``: the values of the
    kind's columns given at ingest (:func:`check_given`). Raises
    :class:`FleksmonError` for any input problem.
    """
    source = path.name
    if kind is not None and kind not in PERSON_KINDS:
        raise FleksmonError(
            f"unknown person-level kind {kind!r}", f"use one of {', '.join(PERSON_KINDS)}"
        )
    check_file(path)
    with tempfile.TemporaryDirectory() as folder:
        opened = open_extract(path, Path(folder))
        frame = opened.frame.collect()
    data_cols, known = opened.columns, opened.known
    before = frame.height
    frame = (
        frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in data_cols))
        if data_cols
        else frame
    )
    if frame.height == 0:
        raise no_rows(source)
    warnings = list(opened.warnings)
    if frame.height < before:
        warnings.append(f"{before - frame.height} empty rows skipped")
    chosen, frame = resolve_kind(source, frame, data_cols, kind, known)
    check_given(chosen, given)
    frame = pseudonymize(frame, key, column="person", source=source, row_column=ROW)
    parsed = parse_columns(frame, chosen, source, given=given)
    ids = [c for c in ROW_IDS if c in parsed.columns]
    repeated = repeat_error(source, chosen, repeated_rows(parsed), ids)
    if repeated is not None:
        raise repeated
    found_problems, dupes = history_problems(parsed, chosen)
    error = history_error(source, chosen, found_problems)
    if error is not None:
        raise error
    warnings += duplicates_warning(dupes)
    if chosen == "ly-maaneder":
        parsed = parsed.unique(["person", "maaned"], keep="first", maintain_order=True)
    schema = PERSON_KINDS[chosen]
    out = parsed.select(pl.col(name).cast(dtype) for name, dtype in schema.items())
    return PersonResult(frame=out, kind=chosen, warnings=warnings, rows=out.height)
