"""Excel workbooks (.xlsx, .xlsm): which sheet, the header row below titles, number cells.

The workbook is checked before the native reader opens it
(:func:`fleksmon.formats.workbook.check_workbook`). Cells are read as text; a cell
that is a number in Excel is written with a decimal comma (:func:`exact_text`),
so ``1.206`` stays 1,206 and is never taken for thousands.
"""

from __future__ import annotations

from collections.abc import Collection
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


def _sheet(
    reader: fastexcel.ExcelReader, name: str, path: Path, names: Collection[str]
) -> Sheet | None:
    """A sheet's table, or ``None`` if it has no header row naming an area column.

    Number cells are told from text cells by reading the sheet as booleans too:
    fastexcel turns numbers into booleans but refuses text.
    """
    strings = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    if strings.height == 0:
        return None
    head = [list(r) for r in strings.head(SCAN_ROWS).rows()]
    at = find_header(head, names)
    if at is None:
        return None
    strings = strings.slice(at + 1)
    if strings.height == 0:
        raise _no_rows(path, f"only a header in sheet {name!r}")

    floats = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="float").to_polars()
    flags = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="boolean").to_polars()
    body = _numeric_as_text(strings, floats.slice(at + 1), flags.slice(at + 1))
    body = body.rename({c: f"c{i}" for i, c in enumerate(body.columns)})
    return Sheet(path.name, head[: at + 1], body, at + 2)


def _has_table(reader: fastexcel.ExcelReader, name: str, names: Collection[str]) -> bool:
    """True if a sheet has a header row naming an area column (a table fleksmon could read)."""
    head = reader.load_sheet(name, header_row=None, n_rows=SCAN_ROWS, dtypes="string")
    return find_header([list(r) for r in head.to_polars().rows()], names) is not None


def open_workbook(path: Path) -> fastexcel.ExcelReader:
    """Open an .xlsx file, or refuse it in one line (checked before the native reader)."""
    kind = container(path)
    if kind == "text":
        raise FleksmonError(
            f"{path.name}: not an Excel workbook but a text file (a CSV file named {path.suffix}?)",
            "Rename it to .csv, or save it from Excel as .xlsx",
        )
    if kind != "zip":
        raise refuse_container(path, kind)
    check_workbook(path)
    try:
        return fastexcel.read_excel(path)
    except Exception as err:  # fastexcel raises its own exception types
        reason = str(err).splitlines()[0]
        raise FleksmonError(
            f"{path.name}: not a readable .xlsx workbook ({reason})",
            "Open and save it in Excel as .xlsx, or export it as CSV",
        ) from None


def read_xlsx(path: Path, names: Collection[str]) -> Sheet:
    """The first sheet of a workbook with a recognizable table, as a :class:`Sheet`; later
    sheets that hold a table too are named in ``unread``."""
    reader = open_workbook(path)
    for i, name in enumerate(reader.sheet_names):
        sheet = _sheet(reader, name, path, names)
        if sheet is not None:
            sheet.unread = [n for n in reader.sheet_names[i + 1 :] if _has_table(reader, n, names)]
            return sheet
    sheets = ", ".join(repr(n) for n in reader.sheet_names)
    raise FleksmonError(
        f"{path.name}: no sheet has a table with a 'kommune' (område/area/jobcenter) column "
        f"(sheets: {sheets})",
        "Put the table with a header row naming the area and period columns on a sheet",
    )


def header_cells(path: Path, names: Collection[str], least: int = 1) -> list[str]:
    """The header row of a workbook's first sheet, read cheaply (its first rows)."""
    frame = (
        open_workbook(path)
        .load_sheet(0, header_row=None, n_rows=SCAN_ROWS, dtypes="string")
        .to_polars()
    )
    head = [list(r) for r in frame.rows()]
    at = find_header(head, names, least) or 0
    return [c for c in head[at] if c] if head else []


def read_frame(path: Path, names: Collection[str], least: int, row_name: str) -> pl.DataFrame:
    """The first sheet as a frame of text columns named by its header row (the first row
    with ``least`` cells named like ``names``), plus ``row_name``: each row's number."""
    reader = open_workbook(path)
    top = reader.load_sheet(0, header_row=None, n_rows=SCAN_ROWS, dtypes="string").to_polars()
    at = find_header([list(r) for r in top.rows()], names, least)
    if at is None:
        raise FleksmonError(
            f"{path.name}: no header row with person-level columns in the first {SCAN_ROWS} rows",
            "put a header row with person, kommune and periode (or start, slut) above the data",
        )
    frame = reader.load_sheet(0, header_row=at, dtypes="string").to_polars()
    return frame.with_row_index(row_name, offset=at + 2).with_columns(
        pl.col(row_name).cast(pl.Int64)
    )
