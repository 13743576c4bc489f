"""A corpus of bad or awkward aggregated files, each with the one line `ingest` must answer.

Every case is (file name, content, the exact stderr line). The files are built
here, from the published Sep-2019 K1 counts where a table is needed, so the
corpus needs no binary fixtures in the repository.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable

import openpyxl
import polars as pl

HEAD = "Område;Periode;Fleksjob, fuldtidspersoner"
GOOD = f"{HEAD}\nViborg;2019M09;2.108\nThisted;2019M09;1.078\n"
NUMBER_HINT = (
    "Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell."
)
XLSX_FIX = "Open and save it in Excel as .xlsx, or export it as CSV."

Case = tuple[str, bytes, str]
CASES: list[Case] = []


def case(name: str, content: bytes | str, line: str) -> None:
    """Add a case; text content is written as UTF-8."""
    data = content.encode() if isinstance(content, str) else content
    CASES.append((name, data, "Error: " + line))


def csv(rows: str, head: str = HEAD) -> str:
    return f"{head}\n{rows}"


def workbook(build: Callable[[openpyxl.Workbook], None]) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zipped(entries: dict[str, bytes], declared: dict[str, int] | None = None) -> bytes:
    """A zip archive; ``declared`` overrides entries' declared unpacked sizes (a lie)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    raw = out.getvalue()
    for name, size in (declared or {}).items():
        raw = _patch_size(raw, name.encode(), size)
    return raw


def _patch_size(raw: bytes, name: bytes, size: int) -> bytes:
    """Set the unpacked size of one entry in the central directory and local header."""
    out = bytearray(raw)
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = 0
        while (at := bytes(out).find(signature, at)) >= 0:
            name_at = at + (46 if signature == b"PK\x01\x02" else 30)
            if bytes(out[name_at : name_at + len(name)]) == name:
                out[at + offset : at + offset + 4] = size.to_bytes(4, "little")
            at += 4
    return bytes(out)


SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}'
    "</sheetData></worksheet>"
)


def xlsx_with_sheet(rows_xml: str, dimension: str = "") -> bytes:
    """A minimal workbook whose one sheet's XML is given (cells written by hand)."""
    sheet = SHEET_XML.format(rows=rows_xml)
    if dimension:
        sheet = sheet.replace("<sheetData>", f'<dimension ref="{dimension}"/><sheetData>')
    return zipped(
        {
            "[Content_Types].xml": (
                b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                b'2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                b'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                b'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                b'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                b"</Types>"
            ),
            "_rels/.rels": (
                b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                b'Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" '
                b'r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                b'Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": sheet.encode(),
        }
    )


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_XML = (
    '<row r="1">'
    + _inline("A1", "Område")
    + _inline("B1", "Periode")
    + _inline("C1", "Fleksjob, fuldtidspersoner")
    + "</row>"
)


def _parquet() -> bytes:
    out = io.BytesIO()
    pl.DataFrame({"kommune": ["Viborg"], "vaerdi": [2108]}).write_parquet(out)
    return out.getvalue()


# --- 3. robust CSV: refused, naming the real problem -----------------------------------------

case(
    "short-row.csv",
    csv("Viborg;2019M09;2.108\nThisted;2019M09\n"),
    "short-row.csv, row 3: the row ends after 2 cells, before the column 'Fleksjob, "
    "fuldtidspersoner'. Complete the row (an empty cell between separators is a missing value), "
    "or remove it.",
)
case(
    "short-row-no-period.csv",
    csv("Viborg;2019M09;2.108\nThisted\n", head="Område;Periode;Fleksjob, fuldtidspersoner;Note"),
    "",
)
CASES.pop()  # a one-cell line is a note line, skipped: covered by the readers' tests
case(
    "long-row.csv",
    csv("Viborg;2019M09;2.108\nThisted;2019M09;1.078;164\n"),
    "long-row.csv, row 3: 4 cells but the header has 3 (a value beyond the last column). "
    "Remove the extra cells, or quote cells that contain the separator.",
)
case(
    "comma-decimals.csv",
    "kommune,periode,fleksjob_fuldtid\nViborg,2019M09,2108,5\n",
    "comma-decimals.csv, row 2: 4 cells but the header has 3 (a value beyond the last column). "
    "In a comma-separated file a decimal comma must be quoted (\"83,5\"): save the file with ';' "
    "between columns.",
)
case(
    "unclosed-quote.csv",
    csv('Viborg;"2019M09;2.108\nThisted;2019M09;1.078\n'),
    "unclosed-quote.csv, row 2: a quote '\"' opened in this row is never closed. Close the quote "
    "(or remove it), or export the table again.",
)
case(
    "huge-field.csv",
    csv('Viborg;2019M09;"' + "1" * 140_000 + '"\n'),
    "huge-field.csv, row 2: a cell longer than 128 KiB (a quote '\"' that is never closed?). "
    "Close the quote, or export the table again.",
)
case(
    "stray-quote.csv",
    csv('Viborg;"2019M09"x;2.108\n'),
    "stray-quote.csv, row 2: not readable as CSV (';' expected after '\"'). Quote cells that "
    "contain quotes or the separator, or export the table again.",
)
case(
    "parquet.csv",
    _parquet(),
    "parquet.csv: this is a Parquet file, not a table fleksmon reads (whatever its name says). "
    "Aggregated figures are read from CSV, .xlsx or API JSON; pass person-level Parquet files "
    "with their .parquet name.",
)
case(
    "ods.csv",
    zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""}),
    "ods.csv: this is an OpenDocument spreadsheet (.ods), not a table fleksmon reads (whatever "
    "its name says). Save it as .xlsx or CSV.",
)
case(
    "old-excel.xlsx",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8000,
    "old-excel.xlsx: this is an Excel 97–2003 workbook (.xls) or a password-protected workbook, "
    "not a table fleksmon reads (whatever its name says). Open it in Excel and save it as .xlsx "
    "(without a password), or export it as CSV.",
)
case(
    "report.csv",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    "report.csv: this is a PDF document, not a table fleksmon reads (whatever its name says). "
    "Export the table again as CSV (UTF-8) or .xlsx.",
)
case(
    "binary.csv",
    b"Omr\x00de\x01\x02\x03" * 40,
    "binary.csv: this is a binary file, not text, not a table fleksmon reads (whatever its name "
    "says). Export the table again as CSV (UTF-8) or .xlsx.",
)
case(
    "damaged.csv.gz",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + b"garbage" * 10,
    "damaged.csv.gz: a damaged gzip file (Compressed file ended before the end-of-stream marker "
    "was reached). Download or compress the file again.",
)
case(
    "gzip-of-excel.csv.gz",
    gzip.compress(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
    "gzip-of-excel.csv.gz: this is an Excel 97–2003 workbook (.xls) or a password-protected "
    "workbook, not a table fleksmon reads (whatever its name says). Open it in Excel and save it "
    "as .xlsx (without a password), or export it as CSV.",
)
case(
    "text.xlsx",
    GOOD,
    "text.xlsx: not an Excel workbook but a text file (a CSV file named .xlsx?). Rename it to "
    ".csv, or save it from Excel as .xlsx.",
)
case(
    "zip-of-csv.xlsx",
    zipped({"data.csv": GOOD.encode()}),
    "zip-of-csv.xlsx: this is a zip archive without an Excel workbook in it, not a table "
    "fleksmon reads (whatever its name says). Export the table again as CSV (UTF-8) or .xlsx.",
)
case(
    "truncated.xlsx",
    xlsx_with_sheet(HEADER_XML)[:300],
    "truncated.xlsx: not a readable .xlsx workbook (damaged zip archive: File is not a zip "
    f"file). {XLSX_FIX}",
)

# --- 6. hostile workbooks: refused before the native reader allocates ------------------------

case(
    "far-cells.xlsx",
    xlsx_with_sheet(HEADER_XML + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
    "far-cells.xlsx, sheet 'Data': the cells span more than 30.000.000 cells (a damaged or "
    "hostile file). Copy the table to a new workbook and save it as .xlsx, or export it as CSV.",
)
case(
    "huge-dimension.xlsx",
    xlsx_with_sheet(HEADER_XML, dimension="A1:XFD1048576"),
    "huge-dimension.xlsx, sheet 'Data': the cells span more than 30.000.000 cells (a damaged or "
    "hostile file). Copy the table to a new workbook and save it as .xlsx, or export it as CSV.",
)
case(
    "zip-bomb.xlsx",
    zipped(
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"<a/>"},
        declared={"xl/worksheets/sheet1.xml": 0xFFFF_FFF0},
    ),
    "zip-bomb.xlsx: the workbook declares 2 parts and 4095 MB unpacked, more than any real "
    f"extract (a damaged or hostile file). {XLSX_FIX}",
)
case(
    "lying-size.xlsx",
    zipped(
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"<a>" + b"x" * 5000},
        declared={"xl/worksheets/sheet1.xml": 10},
    ),
    "lying-size.xlsx: not a readable .xlsx workbook (damaged zip archive: Bad CRC-32 for file "
    f"'xl/worksheets/sheet1.xml'). {XLSX_FIX}",
)
case(
    "error-cell.xlsx",
    xlsx_with_sheet(
        HEADER_XML
        + '<row r="2">'
        + _inline("A2", "Viborg")
        + _inline("B2", "2019M09")
        + '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    ),
    "error-cell.xlsx, sheet 'Data', cell C2: the formula gives the error #DIV/0!. Fix the "
    "formula or replace it by its value, and save the workbook again.",
)
case(
    "formula-without-value.xlsx",
    xlsx_with_sheet(
        HEADER_XML
        + '<row r="2">'
        + _inline("A2", "Viborg")
        + _inline("B2", "2019M09")
        + '<c r="C2"><f>SUM(D2:D9)</f></c></row>'
    ),
    "formula-without-value.xlsx, sheet 'Data', cell C2: a formula without a saved value (the "
    "program that wrote the file did not calculate it). Open the workbook in Excel or "
    "LibreOffice and save it, so the values are calculated.",
)
