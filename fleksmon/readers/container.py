"""What a file really is (magic bytes, not its name), and workbooks checked before reading.

A file named ``.csv`` may be gzip, an Excel workbook, Parquet or UTF-16 text;
a file named ``.xlsx`` may be an old ``.xls``, an ``.ods`` or a damaged zip.
:func:`container` tells them apart; :func:`text_bytes` unpacks gzip within a
bound; :func:`check_workbook` refuses a workbook whose zip entries or sheet
extent would make the native reader allocate without bound, and names the
cells that hold an error or a formula without a saved value.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib
from pathlib import Path

from fleksmon.errors import FleksmonError
from fleksmon.numbers import format_int

MAX_TEXT = 512 << 20
"""Largest text (after unpacking gzip) read as an aggregated extract."""
MAX_UNZIPPED = 1 << 30
"""Largest total unpacked size a workbook may declare."""
MAX_ENTRIES = 10_000
MAX_CELLS = 30_000_000
"""Largest sheet extent (rows × columns) handed to the native reader (Excel holds
at most 1.048.576 rows; an extent beyond this is a hostile or broken file)."""

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"PAR1", "parquet"),
    (b"%PDF", "pdf"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ", "xz"),
    (b"7z\xbc\xaf", "7z"),
    (b"(\xb5/\xfd", "zstd"),
)
_WHAT = {
    "ole2": "an Excel 97–2003 workbook (.xls) or a password-protected workbook",
    "parquet": "a Parquet file",
    "pdf": "a PDF document",
    "bzip2": "a bzip2 archive",
    "xz": "an xz archive",
    "7z": "a 7-Zip archive",
    "zstd": "a zstd archive",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "zip": "a zip archive without an Excel workbook in it",
    "binary": "a binary file, not text",
}
_FIX = {
    "ole2": "Open it in Excel and save it as .xlsx (without a password), or export it as CSV",
    "parquet": "Aggregated figures are read from CSV, .xlsx or API JSON; "
    "pass person-level Parquet files with their .parquet name",
    "ods": "Save it as .xlsx or CSV",
}


def check_file(path: Path, shown: str | None = None) -> None:
    """Refuse a path that is not a readable regular file, saying what it is instead
    (``shown``: how the path is named in the message, the path itself by default)."""
    name = str(path) if shown is None else shown
    if path.is_file():
        return
    if path.is_dir():
        raise FleksmonError(
            f"{name}: a folder, not a file", "Pass the files in it (e.g. folder/*.csv)"
        )
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            raise FleksmonError(
                f"{name}: a link that leads back to itself (a loop of symbolic links)",
                "Point the link at the file, or pass the file itself",
            ) from None
        except OSError:
            raise FleksmonError(
                f"{name}: a link to a file that does not exist",
                "Point the link at the file, or pass the file itself",
            ) from None
    if path.exists():
        raise FleksmonError(
            f"{name}: not a regular file (a device, pipe or socket)",
            "Save the data to a file and pass that",
        )
    raise FleksmonError(f"{name}: no such file", "Check the path")


def container(path: Path, head: bytes | None = None) -> str:
    """The file's real format from its first bytes: ``text``, ``utf-16``, ``gzip``,
    ``zip``, ``ole2``, ``parquet``, ``pdf``, … or ``binary``."""
    if head is None:
        with path.open("rb") as handle:
            head = handle.read(4096)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    sample = head[:512]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16"
    if b"\x00" in sample:
        return "binary"
    return "text"


def refuse_container(path: Path, kind: str) -> FleksmonError:
    """The one-line refusal for a file that is not what its name says."""
    return FleksmonError(
        f"{path.name}: this is {_WHAT.get(kind, kind)}, not a table fleksmon reads "
        f"(whatever its name says)",
        _FIX.get(kind, "Export the table again as CSV (UTF-8) or .xlsx"),
    )


def gunzip(path: Path, raw: bytes) -> bytes:
    """The unpacked content of a gzip file, refused beyond :data:`MAX_TEXT`."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            data: bytes = handle.read(MAX_TEXT + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise FleksmonError(
            f"{path.name}: a damaged gzip file ({err})", "Download or compress the file again"
        ) from None
    if len(data) > MAX_TEXT:
        raise FleksmonError(
            f"{path.name}: unpacks to more than {MAX_TEXT >> 20} MB, far more than an "
            "aggregated extract",
            "Check that you picked the right file",
        )
    return data


_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_DIMENSION = re.compile(
    rb'<dimension\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
_ERROR = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3}\d{1,7})"[^>]*?\bt="e"[^>]*>\s*(?:<f[^>]*(?:/>|>[^<]*</f>)\s*)?<v>([^<]*)</v>'
)
_NO_VALUE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3}\d{1,7})"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def _column(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def _sheet_names(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part → sheet name as Excel shows it (best effort)."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    book = archive.read("xl/workbook.xml")[: 1 << 20]
    rels = archive.read("xl/_rels/workbook.xml.rels")[: 1 << 20]
    targets = {i: t for i, t in _REL.findall(rels)}
    targets.update({i: t for t, i in _REL_REVERSED.findall(rels)})
    out: dict[str, str] = {}
    for name, rid in _SHEET.findall(book):
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        out[part] = name.decode("utf-8", "replace")
    return out


def _extent(data: bytes) -> int:
    """Rows × columns the cells (and the declared dimension) of a sheet span."""
    rows: list[int] = []
    cols: list[int] = []
    for found in _DIMENSION.finditer(data[:4096]):
        a, r1, b, r2 = found.groups()
        rows += [int(r1), int(r2 or r1)]
        cols += [_column(a), _column(b or a)]
    for letters, row in _CELL.findall(data):
        rows.append(int(row))
        cols.append(_column(letters))
    if not rows:
        return 0
    return (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)


def check_workbook(path: Path) -> None:
    """Refuse a workbook the native reader must not open: damaged, a zip bomb, a sheet
    spanning more than :data:`MAX_CELLS` cells, error cells or formulas without values."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(path, archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as err:
        raise FleksmonError(
            f"{path.name}: not a readable .xlsx workbook (damaged zip archive: {err})",
            "Open and save it in Excel as .xlsx, or export it as CSV",
        ) from None


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    names = {i.filename for i in infos}
    if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:200]:
        raise refuse_container(path, "ods")
    if "xl/workbook.xml" not in names:
        raise refuse_container(path, "zip")
    declared = sum(i.file_size for i in infos)
    if len(infos) > MAX_ENTRIES or declared > MAX_UNZIPPED:
        raise FleksmonError(
            f"{path.name}: the workbook declares {len(infos)} parts and {declared >> 20} MB "
            "unpacked, more than any real extract (a damaged or hostile file)",
            "Open and save it in Excel as .xlsx, or export it as CSV",
        )
    sheets = _sheet_names(archive, names)
    for info in infos:
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        with archive.open(info) as handle:  # reads at most the declared size, checks CRC
            if not is_sheet:
                while handle.read(1 << 24):
                    pass
                continue
            data = handle.read()
        where = f"sheet {sheets.get(info.filename, info.filename)!r}"
        if _extent(data) > MAX_CELLS:
            raise FleksmonError(
                f"{path.name}, {where}: the cells span more than {format_int(MAX_CELLS)} cells "
                "(a damaged or hostile file)",
                "Copy the table to a new workbook and save it as .xlsx, or export it as CSV",
            )
        error = _ERROR.search(data)
        if error:
            cell, value = (g.decode("utf-8", "replace") for g in error.groups())
            raise FleksmonError(
                f"{path.name}, {where}, cell {cell}: the formula gives the error {value}",
                "Fix the formula or replace it by its value, and save the workbook again",
            )
        empty = _NO_VALUE.search(data)
        if empty:
            raise FleksmonError(
                f"{path.name}, {where}, cell {empty.group(1).decode()}: a formula without a "
                "saved value (the program that wrote the file did not calculate it)",
                "Open the workbook in Excel or LibreOffice and save it, so the values are "
                "calculated",
            )
