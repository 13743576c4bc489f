"""CSV and other delimited text: separator sniffing, the header row below titles, cells.

Aggregated extracts are read whole as text cells with exact line numbers
(:func:`read_csv`); a person-level file of any size is scanned lazily
(:func:`scan_csv`) with the same separator and header rules.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.formats.files import container
from fleksmon.formats.sheet import SCAN_ROWS, Sheet, find_header
from fleksmon.formats.text import BAD_KEY, bad_key, decode, lines, utf8_copy

_SEPARATORS = (";", "\t", ",")


def _split(lines: list[str], sep: str) -> list[list[str | None]]:
    """Lines split into cells (for finding the header; a line the CSV reader refuses is
    split at the separator)."""
    out: list[list[str | None]] = []
    for line in lines:
        try:
            out.extend(list(row) for row in csv.reader([line], delimiter=sep))
        except csv.Error:
            out.append(list(line.split(sep)))
    return out


def sniff(lines: list[str], names: Collection[str], least: int = 1) -> tuple[str, int]:
    """The separator and the header row index (the first row with ``least`` cells named
    like ``names``; else the first non-blank line, split where it has the most cells)."""
    head = lines[:SCAN_ROWS]
    best: tuple[int, str, int] | None = None
    for sep in _SEPARATORS:
        rows = _split(head, sep)
        at = find_header(rows, names, least)
        if at is not None and (best is None or len(rows[at]) > best[0]):
            best = (len(rows[at]), sep, at)
    if best is not None:
        return best[1], best[2]
    first = next((i for i, line in enumerate(head) if line.strip()), 0)
    sep = max(_SEPARATORS, key=lambda s: len(_split(head[first : first + 1], s)[0] or [""]))
    return sep, first


def _no_rows(path: Path, what: str) -> FleksmonError:
    return FleksmonError(
        f"{path.name}: no data rows ({what})",
        "Export the table with its rows, or check that you picked the right file",
    )


def read_csv(path: Path, names: Collection[str]) -> Sheet:
    """A CSV file as a :class:`Sheet`: all cells as text, the header row (the first naming
    one of ``names``) found below titles.

    Rows are numbered as the file's lines (a quoted cell may span lines); blank and
    one-cell lines (titles, notes) are skipped; a row's missing trailing cells are null.
    """
    text = "\n".join(lines(decode(path)))
    if BAD_KEY in text:
        raise bad_key(path, text)
    if text.lstrip()[:200].lower().startswith(("<!doctype html", "<html", "<?xml")):
        raise FleksmonError(
            f"{path.name}: this is a web page or XML, not a table (an error page saved "
            "instead of the data?)",
            "Download the table again as CSV, or save the API response unchanged",
        )
    rows_text = text.split("\n")
    if not text.strip():
        raise _no_rows(path, "the file is empty")
    sep, at = sniff(rows_text, names)
    top = _split(rows_text[: at + 1], sep)
    width = len(top[-1])
    rows, numbers = _parse(path, "\n".join(rows_text[at + 1 :]), sep, width, at + 2)
    if not rows:
        raise _no_rows(path, "only a header")
    names = [f"c{i}" for i in range(width)]
    body = pl.DataFrame(rows, schema=dict.fromkeys(names, pl.String()), orient="row")
    return Sheet(path.name, top, body, at + 2, lines=numbers, ragged=True)


def _parse(
    path: Path, text: str, sep: str, width: int, first: int
) -> tuple[list[list[str | None]], list[int]]:
    """The body rows (padded with null to the header's width) and their line numbers."""
    reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    done = 0
    try:
        for row in reader:
            line, done = first + done, reader.line_num
            if (len(row) <= 1 and width > 1) or not any(c.strip() for c in row):
                continue
            if len(row) > width:
                if any(c.strip() for c in row[width:]):
                    raise _too_long(path, line, len(row), width, sep)
                row = row[:width]
            rows.append([*row, *[None] * (width - len(row))])
            numbers.append(line)
    except csv.Error as err:
        raise _csv_error(path, first + done, str(err)) from None
    return rows, numbers


def _too_long(path: Path, line: int, cells: int, width: int, sep: str) -> FleksmonError:
    hint = "Remove the extra cells, or quote cells that contain the separator"
    if sep == ",":
        hint = (
            'In a comma-separated file a decimal comma must be quoted ("83,5"): '
            "save the file with ';' between columns"
        )
    return FleksmonError(
        f"{path.name}, row {line}: {cells} cells but the header has {width} "
        "(a value beyond the last column)",
        hint,
    )


def _csv_error(path: Path, line: int, message: str) -> FleksmonError:
    if "field larger than field limit" in message:
        return FleksmonError(
            f"{path.name}, row {line}: a cell longer than 128 KiB (a quote '\"' that is "
            "never closed?)",
            "Close the quote, or export the table again",
        )
    if "unexpected end of data" in message:
        return FleksmonError(
            f"{path.name}, row {line}: a quote '\"' opened in this row is never closed",
            "Close the quote (or remove it), or export the table again",
        )
    return FleksmonError(
        f"{path.name}, row {line}: not readable as CSV ({message})",
        "Quote cells that contain quotes or the separator, or export the table again",
    )


def header_cells(path: Path, names: Collection[str], least: int = 1) -> list[str]:
    """The header row of a delimited text file, read cheaply (its first 64 KiB)."""
    if container(path) == "text":
        with path.open("rb") as handle:
            chunk = handle.read(1 << 16)
        text = decode(path, chunk[: chunk.rfind(b"\n") + 1] or chunk)
    else:
        text = decode(path)
    rows = lines(text)
    sep, at = sniff(rows, names, least)
    return [c for c in _split(rows[at : at + 1], sep)[0] if c] if rows else []


def scan_csv(
    path: Path, folder: Path, names: Collection[str], least: int, row_name: str
) -> tuple[pl.LazyFrame, list[str]]:
    """A delimited file of any size as a lazy frame of text columns named by its header row
    (found as in :func:`read_csv`), plus ``row_name``: each row's line number in the file;
    and the header row's cells as written (the frame's names are made unique). A file
    that is not UTF-8 (or ends its lines with CR alone) is copied to UTF-8 into ``folder``."""
    text = utf8_copy(path, folder)
    with text.open("rb") as fh:
        head = fh.read(1 << 16)
    cut = head[: head.rfind(b"\n") + 1] or head
    rows = lines(cut.decode("utf-8", "replace"))
    sep, at = sniff(rows, names, least)
    header = [c or "" for c in _split(rows[at : at + 1], sep)[0]] if rows else []
    frame = pl.scan_csv(
        text,
        separator=sep,
        skip_rows=at,
        infer_schema=False,
        row_index_name=row_name,
        row_index_offset=at + 2,
    )
    return frame.with_columns(pl.col(row_name).cast(pl.Int64)), header


def unreadable(path: Path) -> FleksmonError:
    """The refusal for a delimited file the scanner cannot split into rows."""
    return FleksmonError(
        f"{path.name}: cannot read the CSV file (ragged rows or broken quoting)",
        "save it as CSV with one header row and ';' or ',' between columns",
    )
