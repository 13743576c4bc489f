"""CSV and Excel (.xlsx) extracts: decoding, separator sniffing, finding the header row."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import fastexcel
import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.readers.container import check_workbook, container, gunzip, refuse_container
from fleksmon.readers.layout import ROLE_NAMES, Sheet, find_header

BAD_KEY = "Forkert nøgle eller nøglen er udløbet"
"""What the Jobindsats API v2 answers to a wrong or expired key."""
_SEPARATORS = (";", "\t", ",")
_SCAN_LINES = 60


def text_bytes(path: Path, raw: bytes) -> tuple[bytes, str]:
    """The bytes of a text file and its container (gzip unpacked); other formats refused."""
    kind = container(path, raw[:4096])
    if kind == "gzip":
        raw = gunzip(path, raw)
        kind = container(path, raw[:4096])
        if kind not in ("text", "utf-16"):
            raise refuse_container(path, kind)
        return raw, kind
    if kind not in ("text", "utf-16"):
        raise refuse_container(path, kind)
    return raw, kind


def decode(path: Path, data: bytes | None = None) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or
    Windows-1252, gzip-compressed or not; refuse anything else."""
    raw, kind = text_bytes(path, path.read_bytes() if data is None else data)
    if kind == "utf-16":
        try:
            return raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le")
        except UnicodeDecodeError:
            raise FleksmonError(
                f"{path.name}: damaged UTF-16 text", "Save the file again as UTF-8 CSV"
            ) from None
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        _refuse_mixed(path, raw, err.start + len(raw) - len(body))
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise FleksmonError(
            f"{path.name}, row {line}: byte 0x{raw[err.start]:02X} is neither UTF-8 nor "
            "Windows-1252 text",
            "Save the file as UTF-8 (or export it again from Jobindsats)",
        ) from None


UTF8_LETTER = re.compile(rb"[\xc3][\x80-\xbf]")
"""A UTF-8 encoded letter such as æ, ø, å or é (two bytes that Windows-1252 reads as 'Ã¸')."""


def _refuse_mixed(path: Path, raw: bytes, bad: int) -> None:
    """Refuse text that is partly UTF-8 (a byte-order mark or UTF-8 letters) and partly not:
    read as Windows-1252 its UTF-8 letters would turn into 'Ã¸' without a word."""
    row = raw[:bad].count(b"\n") + 1
    letter = UTF8_LETTER.search(raw)
    if raw.startswith(b"\xef\xbb\xbf"):
        found = "starts with a UTF-8 byte-order mark"
    elif letter is not None:
        first = raw[: letter.start()].count(b"\n") + 1
        found = f"has UTF-8 letters (row {first})"
    else:
        return
    raise FleksmonError(
        f"{path.name}, row {row}: the file {found}, but byte 0x{raw[bad]:02X} here is not "
        "UTF-8 (two encodings mixed, e.g. Windows-1252 text saved or appended as UTF-8)",
        "Save the whole file again as UTF-8 (or export it again from Jobindsats)",
    )


def bad_key(path: Path) -> FleksmonError:
    """The API's answer to a wrong or expired key, saved where data was expected."""
    return FleksmonError(
        f"{path.name}: the file holds the Jobindsats API's answer '{BAD_KEY}.' "
        "(wrong or expired API key) instead of data",
        "Renew your API key on jobindsats.dk (Min side) and fetch the data again",
    )


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


def sniff(lines: list[str], names: frozenset[str]) -> tuple[str, int]:
    """The separator and the header row index (the first row naming an area column)."""
    head = lines[:_SCAN_LINES]
    best: tuple[int, str, int] | None = None
    for sep in _SEPARATORS:
        rows = _split(head, sep)
        at = find_header(rows, names)
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


def read_csv(path: Path) -> Sheet:
    """A CSV file as a :class:`Sheet`: all cells as text, header row found below titles.

    Rows are numbered as the file's lines (a quoted cell may span lines); blank and
    one-cell lines (titles, notes) are skipped; a row's missing trailing cells are null.
    """
    text = decode(path).replace("\r\n", "\n").replace("\r", "\n")
    if BAD_KEY in text:
        raise bad_key(path)
    if text.lstrip()[:200].lower().startswith(("<!doctype html", "<html", "<?xml")):
        raise FleksmonError(
            f"{path.name}: this is a web page or XML, not a table (an error page saved "
            "instead of the data?)",
            "Download the table again as CSV, or save the API response unchanged",
        )
    lines = text.split("\n")
    if not text.strip():
        raise _no_rows(path, "the file is empty")
    sep, at = sniff(lines, ROLE_NAMES["area"])
    top = _split(lines[: at + 1], sep)
    width = len(top[-1])
    rows, numbers = _parse(path, "\n".join(lines[at + 1 :]), sep, width, at + 2)
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


def exact_text(numbers: pl.Expr) -> pl.Expr:
    """Numbers (Excel cells, JSON) as Danish text: ``1.206`` → ``'1,2060'``.

    A number is exact, so exactly three decimals get a fourth zero: the text
    cannot be taken for English thousands (``1,206``) by the plausibility check.
    """
    text = numbers.cast(pl.String).str.replace(".", ",", literal=True)
    return pl.when(text.str.contains(r",\d{3}$")).then(text + "0").otherwise(text)


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


def _sheet(reader: fastexcel.ExcelReader, name: str, path: Path) -> Sheet | None:
    """A sheet's table, or ``None`` if it has no header row naming an area column.

    Number cells are told from text cells by reading the sheet as booleans too:
    fastexcel turns numbers into booleans but refuses text.
    """
    strings = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    if strings.height == 0:
        return None
    head = [list(r) for r in strings.head(_SCAN_LINES).rows()]
    at = find_header(head, ROLE_NAMES["area"])
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


def _has_table(reader: fastexcel.ExcelReader, name: str) -> bool:
    """True if a sheet has a header row naming an area column (a table fleksmon could read)."""
    head = reader.load_sheet(name, header_row=None, n_rows=_SCAN_LINES, dtypes="string")
    return find_header([list(r) for r in head.to_polars().rows()], ROLE_NAMES["area"]) is not None


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


def read_xlsx(path: Path) -> Sheet:
    """The first sheet of a workbook with a recognizable table, as a :class:`Sheet`; later
    sheets that hold a table too are named in ``unread``."""
    reader = open_workbook(path)
    for i, name in enumerate(reader.sheet_names):
        sheet = _sheet(reader, name, path)
        if sheet is not None:
            sheet.unread = [n for n in reader.sheet_names[i + 1 :] if _has_table(reader, n)]
            return sheet
    sheets = ", ".join(repr(n) for n in reader.sheet_names)
    raise FleksmonError(
        f"{path.name}: no sheet has a table with a 'kommune' (område/area/jobcenter) column "
        f"(sheets: {sheets})",
        "Put the table with a header row naming the area and period columns on a sheet",
    )


def header_names(path: Path, names: frozenset[str]) -> list[str]:
    """The header row of a CSV or .xlsx file, read cheaply (for sniffing its kind)."""
    kind = container(path)
    if kind == "zip" or path.suffix.lower() == ".xlsx":
        frame = (
            open_workbook(path)
            .load_sheet(0, header_row=None, n_rows=_SCAN_LINES, dtypes="string")
            .to_polars()
        )
        head = [list(r) for r in frame.rows()]
        at = find_header(head, names) or 0
        return [c for c in head[at] if c] if head else []
    if kind == "text":
        with path.open("rb") as handle:
            chunk = handle.read(1 << 16)
        text = decode(path, chunk[: chunk.rfind(b"\n") + 1] or chunk)
    else:
        text = decode(path)
    lines = text.replace("\r\n", "\n").split("\n")
    sep, at = sniff(lines, names)
    return [c for c in _split(lines[at : at + 1], sep)[0] if c] if lines else []
