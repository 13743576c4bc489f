"""Readers for aggregated extracts (Jobindsats CSV, Excel and API JSON) and file-kind sniffing.

:func:`read_aggregate` returns a frame in :data:`fleksmon.schema.AGGREGATE`;
:func:`sniff_kind` tells an aggregated extract from the person-level kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.formats import header_cells
from fleksmon.formats.csv import read_csv
from fleksmon.formats.files import check_file, container
from fleksmon.formats.sheet import Sheet
from fleksmon.formats.text import decode
from fleksmon.formats.xlsx import read_xlsx
from fleksmon.readers.columns import ROLE_NAMES, find_table, tables_in, title_texts
from fleksmon.readers.jobindsats import read_json
from fleksmon.readers.labels import Measures
from fleksmon.readers.layout import combine, to_long
from fleksmon.readers.tidy import finish
from fleksmon.schema import PERSON_KINDS

__all__ = ["ReadResult", "read_aggregate", "sniff_kind"]

PERSON_NAMES = frozenset(
    {
        "person",
        "cpr",
        "cprnr",
        "cpr nr",
        "cpr nummer",
        "personnummer",
        "person id",
        "pnr",
        "id",
        "borger",
        "personid",
    }
)
"""Folded header names that mark a person-level file (used to find its header row)."""


@dataclass
class ReadResult:
    """An aggregated extract in the AGGREGATE schema, with what the reader noticed."""

    frame: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    table: str | None = None
    source_format: str = "csv"
    dimensions: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    """The column label of every measure id derived from a table and label."""


def _starts_like_json(path: Path, kind: str) -> bool:
    """True for text whose first character is '{' or '[' (NDJSON or an API response saved
    as .csv, say), gzip-compressed or UTF-16 too."""
    if kind == "text":
        with path.open("rb") as handle:
            head = handle.read(64).removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    else:
        head = decode(path)[:64]
    return head.lstrip("\ufeff \t\r\n").startswith(("{", "["))


def _load(path: Path) -> tuple[list[Sheet], str]:
    """The file's sheets, read by what the file is (its first bytes), not by its name."""
    check_file(path, path.name)
    kind = container(path)
    suffix = path.suffix.lower()
    if kind == "zip" or suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return [read_xlsx(path, ROLE_NAMES["area"])], "xlsx"
    if kind == "parquet" and suffix == ".parquet":
        raise FleksmonError(
            f"{path.name}: .parquet is not an aggregated extract format fleksmon reads",
            "Save it as .xlsx or .csv",
        )
    json_name = suffix in (".json", ".ndjson", ".jsonl")
    if kind in ("text", "utf-16", "gzip") and (json_name or _starts_like_json(path, kind)):
        return read_json(path)
    return [read_csv(path, ROLE_NAMES["area"])], "csv"


def _table(name: str, table: str | None, sheet: Sheet) -> str | None:
    """The Jobindsats table of a sheet: from ``--table``, the file name, the title rows or
    the JSON. Where two of them name different tables, or the file name names two, the
    file is refused, naming both."""
    named = tables_in(name)
    if len(named) > 1:
        raise FleksmonError(
            f"{name}: the file name names two Jobindsats tables, {named[0]} and {named[1]}",
            "Rename the file so that it names the one table the download is from",
        )
    said = {
        "--table": table.strip().upper() if table else None,
        "the file name": named[0] if named else None,
        "the title rows": find_table(title_texts(sheet)),
        "the JSON": sheet.table,
    }
    found = [(where, t) for where, t in said.items() if t]
    for where, other in found[1:]:
        if other != found[0][1]:
            raise FleksmonError(
                f"{name}: table {found[0][1]} from {found[0][0]}, but {other} from {where}",
                "Check which table the download is from, and rename the file or fix --table "
                "to match it",
            )
    return found[0][1] if found else None


def read_aggregate(
    path: Path, *, table: str | None = None, labels: Mapping[str, str] | None = None
) -> ReadResult:
    """Read an aggregated extract (CSV, .xlsx or Jobindsats API JSON) into the AGGREGATE schema.

    The Jobindsats table id comes from ``table``, else the file name, the title
    rows or the JSON; ``labels`` maps the user's own labels to measure ids.
    """
    path = Path(path)
    sheets, source_format = _load(path)
    warnings: list[str] = []
    parts, tables = [], []
    kept: dict[str, str] = {}
    for sheet in sheets:
        found = _table(path.name, table, sheet)
        measures = Measures(path.name, found, labels)
        parts.append(to_long(sheet, measures, warnings))
        tables.append(found)
        kept.update(measures.kept)
        warnings.extend(sheet.warnings)
    notes: list[str] = []
    frame = finish(combine(parts), path.name, warnings, notes)
    named = ", ".join(dict.fromkeys(t for t in tables if t)) or None
    present = set(frame.get_column("maaling").unique().to_list())
    kept = {m: label for m, label in sorted(kept.items()) if m in present}
    return ReadResult(frame, warnings, named, source_format, notes, kept)


def _kind(path: Path, columns: list[str]) -> str:
    """Aggregate unless a person column is present; then the kind its columns make."""
    from fleksmon.readers.person_columns import canonical_columns, check_header, detect_kind

    check_header(path.name, columns)
    canon = canonical_columns(columns)
    if "person" not in canon:
        return "aggregate"
    kind = detect_kind(canon)
    if kind is None:
        raise FleksmonError(
            f"{path.name}: a person-level file whose columns ({', '.join(columns)}) match no kind",
            f"Kinds and their columns: {', '.join(PERSON_KINDS)} (ly-forloeb has start and "
            "slut, fleksjob-timer has timer, ly-maaneder has periode); or pass --kind",
        )
    return kind


def sniff_kind(path: Path) -> str:
    """``"aggregate"`` or a person-level kind, from the column names only (header read only)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return "aggregate"
    return _kind(path, header_cells(path, ROLE_NAMES["area"] | PERSON_NAMES))
