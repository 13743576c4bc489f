"""The columns of a person-level extract: accepted names, the kind they make, the reading.

A person-level file is read through the parser of its format
(:mod:`fleksmon.formats`) as text columns named by its header row, plus
:data:`ROW` (each row's number in the file); its headers are matched to the
canonical columns here, and the kind of extract told from them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import polars as pl

from fleksmon.errors import FleksmonError, has_cpr
from fleksmon.formats import csv, parquet, xlsx
from fleksmon.formats.files import container, native_path, refuse_container

ROW = "_row"
"""The column holding each row's number in the file (as the user sees it)."""
FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

ALIASES: dict[str, tuple[str, ...]] = {
    "person": ("person", "cpr", "cprnr", "cpr_nr", "cpr_nummer", "id", "borger", "person_id",
               "personid", "pnr", "personnummer"),
    "kommune": ("kommune", "kommune_kode", "kommunekode", "kommunenr", "kommunenavn", "kom",
                "jobcenter", "omraade"),
    "start": ("start", "startdato", "start_dato", "fra", "fra_dato", "begin"),
    "slut": ("slut", "slutdato", "slut_dato", "end", "end_date", "til", "til_dato"),
    "periode": ("periode", "maaned", "month", "period", "md"),
    "timer": ("timer", "hours", "timer_i_alt", "antal_timer"),
    "timer_cent": ("timer_cent",),
    "loentimer": ("loentimer", "loen_timer"),
    "loentimer_cent": ("loentimer_cent",),
    "praktik_loentilskud": ("praktik_loentilskud", "praktik", "loentilskud"),
    "fleksjob": ("fleksjob",),
    "su": ("su", "uddannelse"),
    "beskaeftigelsesgrad": ("beskaeftigelsesgrad", "grad"),
    "employer": ("arbejdsgiver", "arbejdsgiver_id", "arbejdsgiver_cvr", "cvr", "cvr_nr", "cvrnr",
                 "cvr_nummer", "se_nr", "senr", "se_nummer", "employer", "employer_id",
                 "virksomhed", "virksomhed_cvr", "p_enhed"),
    "line_id": ("linje", "linje_id", "linjenr", "line", "line_id", "loebenr", "loebenummer",
                "record_id", "post_id"),
}  # fmt: skip
"""Canonical column → accepted header names (folded: lower case, æøå spelled out).

``employer`` and ``line_id`` are not stored: they only tell a repeated row from a
second employer's row (see :func:`repeat_error`)."""
ROW_IDS = ("employer", "line_id")

NEEDS: dict[str, tuple[str, ...]] = {
    "ly-forloeb": ("person", "kommune", "start", "slut"),
    "ly-maaneder": ("person", "kommune", "periode"),
    "fleksjob-timer": ("person", "kommune", "periode", "timer"),
    "ressourceforloeb": ("person", "kommune", "periode", "praktik_loentilskud", "loentimer",
                         "fleksjob", "su", "beskaeftigelsesgrad"),
    "persongruppe": ("person", "kommune", "start", "slut"),
}  # fmt: skip
"""Columns (canonical names) each kind needs. A marking extract (``persongruppe``:
person, kommune, fra, til) has the columns of a spell extract, so it is never told
from its columns: it is named at ingest (``--persongruppe``)."""


def fold_header(name: str) -> str:
    """A header folded for alias matching: ``"Løntimer "`` → ``"loentimer"``."""
    t = name.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


_LOOKUP = {alias: canon for canon, names in ALIASES.items() for alias in names}


def fail(source: str, row: int | None, column: str, what: str, fix: str) -> FleksmonError:
    where = f"row {row}, column {column!r}" if row is not None else f"column {column!r}"
    return FleksmonError(f"{source}: {where}: {what}", fix)


def first_row(frame: pl.DataFrame, mask: pl.Series | pl.Expr) -> int:
    return int(frame.filter(mask).get_column(ROW)[0])


HEADER_NAMES = frozenset(
    name for names in ALIASES.values() for a in names for name in (a, a.replace("_", " "))
)
"""The accepted column names as :func:`~fleksmon.formats.sheet.fold_label` folds a header."""
HEADER_LEAST = 2
"""Known column names a header row of a person-level file holds at least."""


@dataclass
class Opened:
    """A person-level file opened through the parser of its format: a lazy frame of
    :data:`ROW` and the recognized columns under their canonical names, those names,
    the recognized columns for messages, the file's rows when known without reading
    it, and what the parser had to say (which sheet was read)."""

    frame: pl.LazyFrame
    columns: list[str]
    known: str
    rows: int | None
    warnings: list[str] = field(default_factory=list)


def open_extract(path: Path, folder: Path) -> Opened:
    """Open a person-level CSV, workbook or Parquet file (told by its first bytes, not its
    name); a re-encoded copy of a text file goes to ``folder``. Refuses a header row
    holding a CPR number and two columns for one canonical name."""
    kind = container(path)
    warnings: list[str] = []
    rows: int | None = None
    if kind == "zip":
        table, warnings = xlsx.read_frame(path, HEADER_NAMES, HEADER_LEAST, ROW)
        frame, rows = table.lazy(), table.height
        header = [c for c in table.columns if c != ROW]
    elif kind == "parquet":
        frame, rows = parquet.scan_parquet(native_path(path, folder), ROW)
        header = [c for c in frame.collect_schema().names() if c != ROW]
    elif kind in ("text", "utf-16", "gzip"):
        frame, header = csv.scan_csv(path, folder, HEADER_NAMES, HEADER_LEAST, ROW)
    else:
        raise refuse_container(path, kind)
    source = path.name
    check_header(source, header)
    names = [c for c in frame.collect_schema().names() if c != ROW]
    renames = {
        names[i]: canon for i, canon in canonical_renames(header, source).items() if i < len(names)
    }
    frame = frame.select([ROW, *renames]).rename(renames)
    columns = list(renames.values())
    return Opened(frame, columns, known_columns(columns, len(header)), rows, warnings)


def no_rows(source: str) -> FleksmonError:
    """The refusal of a person-level file with a header and no data rows."""
    return FleksmonError(
        f"{source}: no data rows (only a header)",
        "Export the extract again with its rows, or check that you picked the right file",
    )


def canonical_renames(header: list[str], source: str) -> dict[int, str]:
    """Position → canonical name of the recognized header cells (a second column for the
    same canonical name is refused)."""
    renames: dict[int, str] = {}
    for i, name in enumerate(header):
        canon = _LOOKUP.get(fold_header(name or ""))
        if canon is None:
            continue
        if canon in renames.values():
            raise fail(
                source, None, name, f"a second column for {canon!r}", "keep one of the two columns"
            )
        renames[i] = canon
    return renames


def canonical_columns(headers: list[str]) -> list[str]:
    """The canonical names of the headers fleksmon recognizes (others left out)."""
    found = (_LOOKUP.get(fold_header(h)) for h in headers if h)
    return [c for c in found if c is not None]


def check_header(source: str, headers: list[str]) -> None:
    """Refuse a header row that holds a CPR number: the file has no header row."""
    if any(has_cpr(str(h)) for h in headers):
        raise FleksmonError(
            f"{source}: the header row holds a person identifier where a column name belongs",
            "put a header row (person;kommune;periode;timer or start;slut) above the data",
        )


def detect_kind(columns: list[str]) -> str | None:
    """The person-level kind a set of canonical columns belongs to, or ``None``."""
    cols = set(columns)
    if cols & {"praktik_loentilskud", "su", "beskaeftigelsesgrad"}:
        return "ressourceforloeb"
    if cols & {"timer", "timer_cent"} or ("loentimer" in cols and "periode" in cols):
        return "fleksjob-timer"
    if "start" in cols:
        return "ly-forloeb"
    if "periode" in cols:
        return "ly-maaneder"
    return None


def known_columns(canonical: list[str], total: int) -> str:
    """The columns recognized, for messages; other headers are counted, never shown."""
    named = f"recognized: {', '.join(canonical)}" if canonical else "none recognized"
    others = total - len(canonical)
    return named + (f"; {others} other column{'s' if others > 1 else ''}" if others else "")


def resolve_kind(
    source: str, frame: FrameT, data_cols: list[str], kind: str | None, known: str
) -> tuple[str, FrameT]:
    """The extract's kind (``kind``, else detected from the columns) and the frame with
    its hours column named; refuses a frame without a column the kind needs."""
    chosen = kind or detect_kind(data_cols)
    if chosen is None:
        raise FleksmonError(
            f"{source}: cannot tell the kind of extract from its columns ({known})",
            "name the columns person, kommune and periode/timer or start/slut, or pass --kind",
        )
    names = set(data_cols)
    if chosen == "fleksjob-timer" and not names & {"timer", "timer_cent"} and "loentimer" in names:
        frame = frame.rename({"loentimer": "timer"})
        names = (names - {"loentimer"}) | {"timer"}
    for need in NEEDS[chosen]:
        alt = f"{need}_cent"
        if need not in names and alt not in names:
            raise FleksmonError(
                f"{source}: no {need!r} column for a {chosen} extract ({known})",
                f"add the column or rename it; accepted names: {', '.join(ALIASES[need])}",
            )
    return chosen, frame
