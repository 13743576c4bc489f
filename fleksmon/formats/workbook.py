"""Workbooks checked before the native reader opens them, and what their sheets are.

:func:`check_workbook` refuses a workbook whose zip entries or sheet extent would
make the native reader allocate without bound, and names the cells that hold an
error or a formula without a saved value. It returns every sheet with its state
(visible, hidden or very hidden) and whether it is a chart sheet (no cells).
The extent is that of the cells written: the used range a sheet declares
(``A1:XFD1048576`` where whole columns are formatted) is not read.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from fleksmon.errors import FleksmonError
from fleksmon.formats.files import refuse_container
from fleksmon.numbers import format_int

MAX_UNZIPPED = 1 << 30
"""Largest total unpacked size a workbook may declare."""
MAX_ENTRIES = 10_000
MAX_CELLS = 30_000_000
"""Largest sheet extent (rows × columns) handed to the native reader (Excel holds
at most 1.048.576 rows; an extent beyond this is a hostile or broken file)."""

_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_ERROR = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3}\d{1,7})"[^>]*?\bt="e"[^>]*>\s*(?:<f[^>]*(?:/>|>[^<]*</f>)\s*)?<v>([^<]*)</v>'
)
_NO_VALUE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3}\d{1,7})"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_SHEET = re.compile(rb"<sheet\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def _column(letters: bytes) -> int:
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


@dataclass(frozen=True)
class SheetInfo:
    """A workbook's sheet: its name, zip part, state and whether it is a chart sheet."""

    name: str
    part: str
    state: str = "visible"
    """``visible``, ``hidden`` or ``veryHidden`` (hidden so that Excel's menu cannot show it)."""
    chart: bool = False

    @property
    def visible(self) -> bool:
        """Whether Excel shows the sheet's tab."""
        return self.state == "visible"


def _sheets(archive: zipfile.ZipFile, names: set[str]) -> list[SheetInfo]:
    """The workbook's sheets in order (best effort: none where the parts are missing)."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return []
    book = archive.read("xl/workbook.xml")[: 1 << 20]
    rels = archive.read("xl/_rels/workbook.xml.rels")[: 1 << 20]
    targets = {i: t for i, t in _REL.findall(rels)}
    targets.update({i: t for t, i in _REL_REVERSED.findall(rels)})
    out: list[SheetInfo] = []
    for found in _SHEET.finditer(book):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTRIBUTE.findall(found.group(1))}
        name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        target = targets.get(attrs.get(b"id", b""), b"").decode("utf-8", "replace").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        state = attrs.get(b"state", b"visible").decode("ascii", "replace")
        out.append(SheetInfo(name, part, state, "chartsheets/" in part))
    return out


def _extent(data: bytes) -> int:
    """Rows × columns the cells of a sheet span (the declared used range is not read)."""
    rows: list[int] = []
    cols: list[int] = []
    for letters, row in _CELL.findall(data):
        rows.append(int(row))
        cols.append(_column(letters))
    if not rows:
        return 0
    return (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)


def check_workbook(path: Path) -> list[SheetInfo]:
    """Refuse a workbook the native reader must not open: damaged, a zip bomb, a sheet
    spanning more than :data:`MAX_CELLS` cells, error cells or formulas without values.
    Returns its sheets (see :class:`SheetInfo`)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(path, archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as err:
        raise FleksmonError(
            f"{path.name}: not a readable .xlsx workbook (damaged zip archive: {err})",
            "Open and save it in Excel as .xlsx, or export it as CSV",
        ) from None


def _check_archive(path: Path, archive: zipfile.ZipFile) -> list[SheetInfo]:
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
    infos_of = _sheets(archive, names)
    sheets = {info.part: info.name for info in infos_of}
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
    return infos_of
