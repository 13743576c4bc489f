"""Excel workbooks (.xlsx, .xlsm): which sheet, the header row below titles, number cells.

The workbook is checked before the native reader opens it
(:func:`fleksmon.formats.workbook.check_workbook`). Cells are read as text; a cell
that is a number in Excel is written with a decimal comma (:func:`exact_text`),
so ``1.206`` stays 1,206 and is never taken for thousands.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.formats.files import container, refuse_container
from fleksmon.formats.sheet import SCAN_ROWS, Sheet, exact_text, find_header
from fleksmon.formats.workbook import check_workbook


def _no_rows(path: Path, what: str) -> FleksmonError:
    return FleksmonError(
        f"{path.name}: no data rows ({what})",
        "Export the table with its rows, or check that you picked the right file",
    )


def _numeric_as_text(
    strings: pl.DataFrame, floats: pl.DataFrame, flags: pl.DataFrame
) -> pl.DataFrame:
    """Cells that are numbers in Excel, written with a decimal comma so '1.206' stays 1,206."""
    danish = [
        pl.when(flags.get_column(c).is_not_null() & floats.get_column(c).is_not_null())
        .then(exact_text(pl.lit(floats.get_column(c))))
        .otherwise(pl.col(c))
        .alias(c)
        for c in strings.columns
    ]
    return strings.with_columns(danish)


@dataclass
class Workbook:
    """An open workbook and its worksheets in the order they are searched for a table:
    visible sheets first, then hidden ones; chart sheets (no cells) left out."""

    path: Path
    reader: fastexcel.ExcelReader
    sheets: list[tuple[str, bool]]
    """(name, visible) of every worksheet."""


def open_workbook(path: Path) -> Workbook:
    """Open an .xlsx file, or refuse it in one line (checked before the native reader)."""
    kind = container(path)
    if kind == "text":
        raise FleksmonError(
            f"{path.name}: not an Excel workbook but a text file (a CSV file named {path.suffix}?)",
            "Rename it to .csv, or save it from Excel as .xlsx",
        )
    if kind != "zip":
        raise refuse_container(path, kind)
    infos = {info.name: info for info in check_workbook(path)}
    try:
        reader = fastexcel.read_excel(path if _utf8_name(path) else path.read_bytes())
    except Exception as err:  # fastexcel raises its own exception types
        reason = str(err).splitlines()[0]
        raise FleksmonError(
            f"{path.name}: not a readable .xlsx workbook ({reason})",
            "Open and save it in Excel as .xlsx, or export it as CSV",
        ) from None
    sheets = [
        (name, infos[name].visible if name in infos else True)
        for name in reader.sheet_names
        if name not in infos or not infos[name].chart
    ]
    return Workbook(path, reader, sorted(sheets, key=lambda s: not s[1]))


def _head(book: Workbook, name: str) -> list[list[str | None]]:
    frame = book.reader.load_sheet(
        name, header_row=None, skip_rows=0, n_rows=SCAN_ROWS, dtypes="string"
    )
    return [list(r) for r in frame.to_polars().rows()]


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class Found:
    """The sheet chosen (the first visible one with a header row, else a hidden one), its
    first rows, the header row's index, and what the reader should say about the choice."""

    name: str
    head: list[list[str | None]]
    at: int
    warnings: list[str]


def _shown(name: str, visible: bool) -> str:
    return repr(name) if visible else f"{name!r} (hidden)"


def find_sheet(book: Workbook, names: Collection[str], least: int = 1) -> Found | None:
    """The sheet to read: the first visible sheet with a header row (``least`` cells named
    like ``names``), else the first hidden one, saying so; other sheets with one are named
    as not read."""
    found: Found | None = None
    unread: list[str] = []
    for name, visible in book.sheets:
        head = _head(book, name)
        at = find_header(head, names, least)
        if at is None:
            continue
        if found is None:
            found = Found(name, head, at, [])
            if not visible:
                found.warnings.append(
                    f"read the hidden sheet {name!r}: no visible sheet holds a table "
                    "(unhide the sheet with the data, or delete stale hidden sheets)"
                )
        else:
            unread.append(_shown(name, visible))
    if found is not None and unread:
        one = len(unread) == 1
        which = f"sheet {unread[0]} holds" if one else f"sheets {', '.join(unread)} hold"
        lead = (
            "read the first sheet with a table"
            if all(visible for _, visible in book.sheets)
            else f"read the first visible sheet with a table ({found.name!r})"
        )
        found.warnings.append(
            f"{lead}; {which} a table too and {'was' if one else 'were'} not read "
            "(save each table as its own file to load it)"
        )
    return found


def read_xlsx(path: Path, names: Collection[str]) -> Sheet:
    """The sheet of a workbook holding a table (see :func:`find_sheet`) as a :class:`Sheet`,
    all cells as text, number cells with a decimal comma."""
    book = open_workbook(path)
    found = find_sheet(book, names)
    if found is None:
        sheets = ", ".join(repr(n) for n in book.reader.sheet_names)
        raise FleksmonError(
            f"{path.name}: no sheet has a table with a 'kommune' (område/area/jobcenter) column "
            f"(sheets: {sheets})",
            "Put the table with a header row naming the area and period columns on a sheet",
        )
    name, at = found.name, found.at
    load = book.reader.load_sheet
    strings = load(name, header_row=None, skip_rows=0, dtypes="string").to_polars().slice(at + 1)
    if strings.height == 0:
        raise _no_rows(path, f"only a header in sheet {name!r}")
    floats = load(name, header_row=None, skip_rows=0, dtypes="float").to_polars()
    flags = load(name, header_row=None, skip_rows=0, dtypes="boolean").to_polars()
    body = _numeric_as_text(strings, floats.slice(at + 1), flags.slice(at + 1))
    body = body.rename({c: f"c{i}" for i, c in enumerate(body.columns)})
    return Sheet(path.name, found.head[: at + 1], body, at + 2, warnings=found.warnings)


def header_cells(path: Path, names: Collection[str], least: int = 1) -> list[str]:
    """The header row of the sheet :func:`find_sheet` picks, read cheaply (its first rows)."""
    found = find_sheet(open_workbook(path), names, least)
    if found is None:
        return []
    return [c for c in found.head[found.at] if c]


def read_frame(
    path: Path, names: Collection[str], least: int, row_name: str
) -> tuple[pl.DataFrame, list[str]]:
    """The sheet :func:`find_sheet` picks as a frame of text columns named by its header
    row, plus ``row_name``: each row's number; and what to say about the choice."""
    book = open_workbook(path)
    found = find_sheet(book, names, least)
    if found is None:
        raise FleksmonError(
            f"{path.name}: no sheet has a header row with person-level columns in its first "
            f"{SCAN_ROWS} rows",
            "put a header row with person, kommune and periode (or start, slut) above the data",
        )
    sheet = book.reader.load_sheet(found.name, header_row=found.at, dtypes="string")
    frame = sheet.to_polars()
    return frame.with_row_index(row_name, offset=found.at + 2).with_columns(
        pl.col(row_name).cast(pl.Int64)
    ), found.warnings
