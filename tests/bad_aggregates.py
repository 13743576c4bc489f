# ruff: noqa: E501  (a data file: each expected line is kept whole, as the user reads it)
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
case(  # the declared used range is not read (Excel writes it where whole columns are formatted)
    "huge-dimension.xlsx",
    xlsx_with_sheet(HEADER_XML, dimension="A1:XFD1048576"),
    "huge-dimension.xlsx: no data rows (only a header in sheet 'Data'). Export the table with "
    "its rows, or check that you picked the right file.",
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

# --- 5. plausibility: what no real download can hold --------------------------------------

K2_HEAD = "Område;Periode;ly_afsluttet;ly_afsluttet_under_6m"
K3_HEAD = "Område;Periode;k3_population;k3_progression"
R_HEAD = (
    "Område;Periode;rf_maalgruppe;rf_selvforsoerget;rf_uddannelse;rf_fleksjob;rf_loentimer;"
    "rf_praktik_loentilskud"
)


def v3(
    rows: list[list[object]],
    columns: tuple[str, ...] = ("Område", "Periode", "Antal fuldtidspersoner"),
) -> str:
    import json

    return json.dumps({"columns": list(columns), "rows": rows}, ensure_ascii=False)


def xlsx_rows(rows: list[list[object]]) -> bytes:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        assert ws is not None
        for row in rows:
            ws.append(row)

    return workbook(build)


PENDING: list[tuple[str, bytes | str]] = [
    ("negative.csv", csv("Viborg;2019M09;-2.108\n")),
    ("negative-unicode-minus.csv", csv("Viborg;2019M09;\u22122.108\n")),
    ("negative.y08a02.json", v3([["Viborg", "2019M09", -5]])),
    ("negative.xlsx", xlsx_rows([HEAD.split(";"), ["Viborg", "2019M09", -2108]])),
    ("k2-hits-over-population.csv", csv("Viborg;2019M09;10;14\n", head=K2_HEAD)),
    ("k3-hits-over-population.csv", csv("Viborg;2019M09;100;145\n", head=K3_HEAD)),
    ("r1-hits-over-population.csv", csv("Viborg;2019M09;10;5;6;0;0;0\n", head=R_HEAD)),
    ("inf.csv", csv("Viborg;2019M09;inf\n")),
    ("exponent-overflow.csv", csv("Viborg;2019M09;1e400\n")),
    ("nan.csv", csv("Viborg;2019M09;NaN\n")),
    (
        "nan.y08a02.json",
        '{"columns": ["Område", "Periode", "Antal fuldtidspersoner"], "rows": [["Viborg", "2019M09", NaN]]}',
    ),
    (
        "infinity.y08a02.json",
        '{"columns": ["Område", "Periode", "Antal fuldtidspersoner"], "rows": [["Viborg", "2019M09", Infinity]]}',
    ),
    ("huge.csv", csv("Viborg;2019M09;12.000.000\n")),
    ("huge-plain.csv", csv("Viborg;2019M09;99999999\n")),
    ("huge.xlsx", xlsx_rows([HEAD.split(";"), ["Viborg", "2019M09", 1e12]])),
    ("stray-separator-quoted.csv", csv('Viborg;2019M09;"2;151"\n')),
    ("stray-separator.csv", csv("Viborg;2019M09;2;151\n")),
    ("stray-separator-with-note.csv", csv("Viborg;2019M09;2;151\n", head=HEAD + ";Note")),
    (
        "english-thousands.csv",
        'kommune,periode,fleksjob_fuldtid\nViborg,2019M09,"2,108"\nThisted,2019M09,"1,078"\n',
    ),
    ("english-thousands-semicolon.csv", csv("Viborg;2019M09;2,108\nThisted;2019M09;1.078\n")),
    ("english-millions.csv", csv("Viborg;2019M09;1,234,567\n")),
    ("share-in-count.csv", csv("Viborg;2019M09;16,4 %\n")),
    ("share-pct-in-count.csv", csv("Viborg;2019M09;16,4 pct.\n")),
    ("share-in-count.xlsx", xlsx_rows([HEAD.split(";"), ["Viborg", "2019M09", "84%"]])),
    ("period-1999.csv", csv("Viborg;1999M12;2.108\n")),
    ("period-serial-1933.csv", csv("Viborg;12345;2.108\n")),
    ("period-year-2108.csv", csv("Viborg;2108;2.108\n")),
    ("period-2099.csv", csv("Viborg;2099M01;2.108\n")),
    ("period-serial-future.csv", csv("Viborg;99999;2.108\n")),
    (
        "code-and-name-disagree.csv",
        "Kommune;Kommunekode;Periode;Fleksjob, fuldtidspersoner\nViborg;791;2019M09;2.108\nThisted;791;2019M09;1.078\n",
    ),
    ("i-alt-area.csv", csv("Viborg;2019M09;2.108\nI alt;2019M09;7.402\n")),
    ("total-area.csv", csv("Total;2019M09;7.402\n")),
    ("alle-area.csv", csv("Alle;2019M09;7.402\n")),
    ("kommuner-i-alt-area.csv", csv("Kommuner i alt;2019M09;7.402\n")),
    (
        "vaerdi-twice.csv",
        "kommune;periode;maaling;Værdi;Værdi\nViborg;2019M09;fleksjob_fuldtid;2.108;2.109\n",
    ),
    ("periode-twice.csv", "kommune;periode;måned;fleksjob_fuldtid\nViborg;2019M09;2019M10;2.108\n"),
    ("cpr-in-value.csv", csv("Viborg;2019M09;010190-1234\n")),
    ("cpr-in-area.csv", csv("0101901234;2019M09;2.108\n")),
    ("cpr-in-period.csv", csv("Viborg;010190-1234;2.108\n")),
    ("empty.csv", ""),
    ("bom-only.csv", "\ufeff"),
    ("blank-lines.csv", "\n\n  \n\n"),
    ("header-only.csv", HEAD + "\n"),
    ("titles-only.csv", "Fleksjob, fuldtidspersoner\nKilde: Jobindsats.dk\n"),
    ("unknown-measure.csv", csv("Viborg;2019M09;2.108\n", head="Område;Periode;Flexjob fuldtid")),
    (
        "ambiguous-measure.csv",
        csv("Viborg;2019M09;2.108\n", head="Område;Periode;Antal fuldtidspersoner"),
    ),
    ("year-to-date.csv", csv("Viborg;2020MYTD;2.108\n")),
    ("month-13.csv", csv("Viborg;2019M13;2.108\n")),
    ("quarter-5.csv", csv("Viborg;2019Q5;2.108\n")),
    ("typo-kommune.csv", csv("Vibrog;2019M09;2.108\n")),
    ("conflicting-rows.csv", csv("Viborg;2019M09;2.108\nViborg;2019M09;2.118\n")),
    ("conflicting-alias.csv", csv("Århus;2019M09;2.108\nAarhus;2019M09;2.118\n")),
    (
        "one-gender.csv",
        csv("Viborg;2019M09;Kvinder;1.108\n", head="Område;Periode;Køn;Fleksjob, fuldtidspersoner"),
    ),
    (
        "two-origins.csv",
        csv(
            "Viborg;2019M09;Indvandrere fra vestlige lande;100\nViborg;2019M09;Efterkommere fra vestlige lande;8\n",
            head="Område;Periode;Herkomst;Fleksjob, fuldtidspersoner",
        ),
    ),
    (
        "age-without-total.csv",
        csv(
            "Viborg;2019M09;16-29 år;100\nViborg;2019M09;30-66 år;2.008\n",
            head="Område;Periode;Alder;Fleksjob, fuldtidspersoner",
        ),
    ),
    (
        "gender-unknown.csv",
        csv(
            "Viborg;2019M09;Kvinder;1.108\nViborg;2019M09;Mænd;1.000\nViborg;2019M09;Andet;3\n",
            head="Område;Periode;Køn;Fleksjob, fuldtidspersoner",
        ),
    ),
    (
        "gender-repeated-conflict.csv",
        csv(
            "Viborg;2019M09;Kvinder;1.108\nViborg;2019M09;Mænd;1.000\nViborg;2019M09;Kvinder;1.109\n",
            head="Område;Periode;Køn;Fleksjob, fuldtidspersoner",
        ),
    ),
    ("truncated.json", '[{"Variables": [{"Name": "area"'),
    ("empty.json", ""),
    ("numbers.json", "[1, 2, 3]"),
    ("other-object.json", '{"foo": 1}'),
    ("v3-error.json", '{"code": 422, "cause": "Unknown period type: M", "request_id": "x"}'),
    ("v2-message.json", '{"Message": "An error has occurred."}'),
    ("bad-key.json", '"Forkert nøgle eller nøglen er udløbet."'),
    ("bad-key-among-lines.csv", GOOD + "Forkert nøgle eller nøglen er udløbet.\n"),
    (
        "ndjson-broken-line.csv",
        '{"Område": "Viborg", "Periode": "2019M09", "fleksjob_fuldtid": 2108}\n{"Område": "Thi\n',
    ),
    (
        "ndjson-list-line.csv",
        '{"Område": "Viborg", "Periode": "2019M09", "fleksjob_fuldtid": 2108}\n[1, 2]\n',
    ),
    ("v3-rows-ragged.y08a02.json", v3([["Viborg", "2019M09", 2108, 5]])),
    (
        "html-error-page.csv",
        "<html><head><title>503</title></head><body>Service Unavailable</body></html>\n",
    ),
    (
        "windows-1252-undefined.csv",
        "Område;Periode;Fleksjob, fuldtidspersoner\nViborg;2019M09;2.108\n".encode("cp1252")
        + b"Th\x81sted;2019M09;1\n",
    ),
    ("v3-share.y08a02.json", v3([["Viborg", "2019M09", "16,4 %"]])),
    ("v3-huge.y08a02.json", v3([["Viborg", "2019M09", 2e7]])),
    (
        "v2-negative.y08a02.json",
        '[{"Variables": [{"Name": "area", "Label": "Area"}, {"Name": "period", "Label": "Periode"}, {"Name": "m", "Label": "Antal fuldtidspersoner"}], "Data": [["Viborg", "2019M09", "-5"]]}]',
    ),
    ("xlsx-text-value.xlsx", xlsx_rows([HEAD.split(";"), ["Viborg", "2019M09", "mange"]])),
    ("xlsx-no-table.xlsx", xlsx_rows([["Noter"], ["Tallene er foreløbige"]])),
    ("xlsx-header-only.xlsx", xlsx_rows([HEAD.split(";")])),
    (
        "xlsx-i-alt-area.xlsx",
        xlsx_rows([HEAD.split(";"), ["Viborg", "2019M09", 2108], ["I alt", "2019M09", 7402]]),
    ),
    ("xlsx-period-1990.xlsx", xlsx_rows([HEAD.split(";"), ["Viborg", "1990M01", 2108]])),
    (
        "xlsx-hits-over-population.xlsx",
        xlsx_rows([K3_HEAD.split(";"), ["Viborg", "2019M09", 100, 250]]),
    ),
    ("two-numbers-in-cell.csv", csv("Viborg;2019M09;2.108 2.109\n")),
    ("double-comma.csv", csv("Viborg;2019M09;2.108,5,3\n")),
    ("letter-o-for-zero.csv", csv("Viborg;2019M09;2.1O8\n")),
    ("hele-landet-below-kommuner.csv", csv("Viborg;2019M09;2.108\nHele landet;2019M09;-3\n")),
]


EXPECTED: dict[str, str] = {
    "negative.csv": "negative.csv, row 2, column 'Fleksjob, fuldtidspersoner': '-2.108' is negative, but fleksjob_fuldtid is a count. Check the column (a change measure, 'Ændring', is not a count).",
    "negative-unicode-minus.csv": "negative-unicode-minus.csv, row 2, column 'Fleksjob, fuldtidspersoner': '−2.108' is negative, but fleksjob_fuldtid is a count. Check the column (a change measure, 'Ændring', is not a count).",
    "negative.y08a02.json": "negative.y08a02.json, row 1, column 'Antal fuldtidspersoner': '-5' is negative, but fleksjob_fuldtid is a count. Check the column (a change measure, 'Ændring', is not a count).",
    "negative.xlsx": "negative.xlsx, row 2, column 'Fleksjob, fuldtidspersoner': '-2108,0' is negative, but fleksjob_fuldtid is a count. Check the column (a change measure, 'Ændring', is not a count).",
    "k2-hits-over-population.csv": "k2-hits-over-population.csv, row 2, column 'ly_afsluttet_under_6m': K2 hits (ly_afsluttet_under_6m, 14) exceed the population (ly_afsluttet, 10) for Viborg 2019M09: the hits are part of the population. Check that each column holds the measure its header names.",
    "k3-hits-over-population.csv": "k3-hits-over-population.csv, row 2, column 'k3_progression': K3 hits (k3_progression, 145) exceed the population (k3_population, 100) for Viborg 2019M09: the hits are part of the population. Check that each column holds the measure its header names.",
    "r1-hits-over-population.csv": "r1-hits-over-population.csv, row 2, column 'rf_selvforsoerget': R1 hits (rf_selvforsoerget + rf_uddannelse + rf_fleksjob + rf_loentimer + rf_praktik_loentilskud, 11) exceed the population (rf_maalgruppe, 10) for Viborg 2019M09: the hits are part of the population. Check that each column holds the measure its header names.",
    "inf.csv": "inf.csv, row 2, column 'Fleksjob, fuldtidspersoner': 'inf' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "exponent-overflow.csv": "exponent-overflow.csv, row 2, column 'Fleksjob, fuldtidspersoner': '1e400' is not a finite number. Write thousands with a dot (1.227) and decimals with a comma (83,5), as Jobindsats does.",
    "nan.csv": "nan.csv, row 2, column 'Fleksjob, fuldtidspersoner': 'NaN' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "nan.y08a02.json": "nan.y08a02.json, row 1, column 'Antal fuldtidspersoner': 'NaN' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "infinity.y08a02.json": "infinity.y08a02.json, row 1, column 'Antal fuldtidspersoner': 'inf' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "huge.csv": "huge.csv, row 2, column 'Fleksjob, fuldtidspersoner': '12.000.000' is more than 10.000.000, more people than Denmark has. Check the column and the number format (1.227 is one thousand two hundred and twenty-seven).",
    "huge-plain.csv": "huge-plain.csv, row 2, column 'Fleksjob, fuldtidspersoner': '99999999' is more than 10.000.000, more people than Denmark has. Check the column and the number format (1.227 is one thousand two hundred and twenty-seven).",
    "huge.xlsx": "huge.xlsx, row 2, column 'Fleksjob, fuldtidspersoner': '1000000000000,0' is more than 10.000.000, more people than Denmark has. Check the column and the number format (1.227 is one thousand two hundred and twenty-seven).",
    "stray-separator-quoted.csv": "stray-separator-quoted.csv, row 2, column 'Fleksjob, fuldtidspersoner': '2;151' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "stray-separator.csv": "stray-separator.csv, row 2: 4 cells but the header has 3 (a value beyond the last column). Remove the extra cells, or quote cells that contain the separator.",
    "stray-separator-with-note.csv": "stray-separator-with-note.csv, row 2, columns 'Fleksjob, fuldtidspersoner' and 'Note': a number split in two by a stray separator ('2' and '151'). Remove the stray separator (write 2.151), or quote the cell.",
    "english-thousands.csv": "english-thousands.csv, row 2, column 'fleksjob_fuldtid': '2,108' is ambiguous: no number in the file has a decimal comma, so it may be English thousands or a Danish decimal. Write thousands with a dot (1.227) and decimals with a comma (83,5), as Jobindsats does.",
    "english-thousands-semicolon.csv": "english-thousands-semicolon.csv, row 2, column 'Fleksjob, fuldtidspersoner': '2,108' is ambiguous: no number in the file has a decimal comma, so it may be English thousands or a Danish decimal. Write thousands with a dot (1.227) and decimals with a comma (83,5), as Jobindsats does.",
    "english-millions.csv": "english-millions.csv, row 2, column 'Fleksjob, fuldtidspersoner': '1,234,567' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "share-in-count.csv": "share-in-count.csv, row 2, column 'Fleksjob, fuldtidspersoner': '16,4 %' is a share, but fleksjob_fuldtid is a count. Download the counts (Antal …) instead of the shares.",
    "share-pct-in-count.csv": "share-pct-in-count.csv, row 2, column 'Fleksjob, fuldtidspersoner': '16,4 pct.' is a share, but fleksjob_fuldtid is a count. Download the counts (Antal …) instead of the shares.",
    "share-in-count.xlsx": "share-in-count.xlsx, row 2, column 'Fleksjob, fuldtidspersoner': '84%' is a share, but fleksjob_fuldtid is a count. Download the counts (Antal …) instead of the shares.",
    "period-1999.csv": "period-1999.csv, row 2, column 'Periode': period 1999M12 (from '1999M12') is before 2000. Check the period column (a number or an Excel date where a month belongs?).",
    "period-serial-1933.csv": "period-serial-1933.csv, row 2, column 'Periode': period 1933M10 (from '12345') is before 2000. Check the period column (a number or an Excel date where a month belongs?).",
    "period-year-2108.csv": "period-year-2108.csv, row 2, column 'Periode': period 2108M01..2108M12 (from '2108') is more than 12 months after today. Check the period column (a number or an Excel date where a month belongs?).",
    "period-2099.csv": "period-2099.csv, row 2, column 'Periode': period 2099M01 (from '2099M01') is more than 12 months after today. Check the period column (a number or an Excel date where a month belongs?).",
    "period-serial-future.csv": "period-serial-future.csv, row 2, column 'Periode': period 2173M10 (from '99999') is more than 12 months after today. Check the period column (a number or an Excel date where a month belongs?).",
    "code-and-name-disagree.csv": "code-and-name-disagree.csv, row 3, columns 'Kommune' and 'Kommunekode': '791' is Viborg, but the row says Thisted. Correct the code or the name (DST kommune codes: 101 København … 860 Hjørring).",
    "i-alt-area.csv": "i-alt-area.csv, row 3, column 'Område': 'I alt' is a total of the rows, not taken as Hele landet. Download the table with the 'Hele landet' row, or remove the total row.",
    "total-area.csv": "total-area.csv, row 2, column 'Område': 'Total' is a total of the rows, not taken as Hele landet. Download the table with the 'Hele landet' row, or remove the total row.",
    "alle-area.csv": "alle-area.csv, row 2, column 'Område': 'Alle' is a total of the rows, not taken as Hele landet. Download the table with the 'Hele landet' row, or remove the total row.",
    "kommuner-i-alt-area.csv": "kommuner-i-alt-area.csv, row 2, column 'Område': 'Kommuner i alt' is a total of the rows, not taken as Hele landet. Download the table with the 'Hele landet' row, or remove the total row.",
    "vaerdi-twice.csv": "vaerdi-twice.csv, row 1: the columns 'Værdi' and 'Værdi' both hold the value. Keep one of them (delete or rename the other).",
    "periode-twice.csv": "periode-twice.csv, row 1: the columns 'periode' and 'måned' both hold the period. Keep one of them (delete or rename the other).",
    "cpr-in-value.csv": "cpr-in-value.csv, row 2, column 'Fleksjob, fuldtidspersoner': a value that looks like a CPR number is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "cpr-in-area.csv": "cpr-in-area.csv, row 2, column 'Område': not a kommune. Use a kommune or region name, a DST code, or 'Hele landet'.",
    "cpr-in-period.csv": "cpr-in-period.csv, row 2, column 'Periode': not a period: a value that looks like a CPR number. Write a month as 2019M11, 2019-11 or 'nov 2019', a quarter as 2018K3, or a range as 2019M09..2019M11.",
    "empty.csv": "empty.csv: no data rows (the file is empty). Export the table with its rows, or check that you picked the right file.",
    "bom-only.csv": "bom-only.csv: no data rows (the file is empty). Export the table with its rows, or check that you picked the right file.",
    "blank-lines.csv": "blank-lines.csv: no data rows (the file is empty). Export the table with its rows, or check that you picked the right file.",
    "header-only.csv": "header-only.csv: no data rows (only a header). Export the table with its rows, or check that you picked the right file.",
    "titles-only.csv": "titles-only.csv: no data rows (only a header). Export the table with its rows, or check that you picked the right file.",
    "unknown-measure.csv": "unknown-measure.csv, column 'Flexjob fuldtid': unknown measure 'Flexjob fuldtid'. Known measure ids: fleksjob_fuldtid, ledighedsydelse_fuldtid, ly_afsluttet, ly_afsluttet_under_6m, ly_krydser_6m, k3_population, k3_progression, rf_maalgruppe, rf_praktik_loentilskud, rf_loentimer, rf_fleksjob, rf_selvforsoerget, rf_uddannelse, rf_lange_forloeb, rf_uden_indsats, rf_under_1_aar, rf_1_2_aar, rf_over_2_aar; name the column by one of them, add the label to [labels] in the config, or pass --table ID.",
    "ambiguous-measure.csv": "ambiguous-measure.csv, column 'Antal fuldtidspersoner': 'Antal fuldtidspersoner' is ambiguous without the Jobindsats table (Y08A02 fleksjob, Y09A02 ledighedsydelse, Y11A02 ressourceforløb). Name the table with --table ID (e.g. --table Y08A02) or put the table id in the file name.",
    "year-to-date.csv": "year-to-date.csv, row 2, column 'Periode': period '2020MYTD' is a moving annual total or year to date without the year and quarter or month it runs to, so its months are unknown. Download the table with full period codes (2020QMAT02, 2024MYTD05), or by month (2024M05).",
    "month-13.csv": "month-13.csv, row 2, column 'Periode': unknown period '2019M13'. Write a month as 2019M11, 2019-11 or 'nov 2019', a quarter as 2018K3, or a range as 2019M09..2019M11.",
    "quarter-5.csv": "quarter-5.csv, row 2, column 'Periode': unknown period '2019Q5'. Write a month as 2019M11, 2019-11 or 'nov 2019', a quarter as 2018K3, or a range as 2019M09..2019M11.",
    "typo-kommune.csv": "typo-kommune.csv, row 2, column 'Område': unknown kommune 'Vibrog'. Did you mean 'Viborg', 'Svendborg' or 'Silkeborg'? Use a kommune or region name, a DST code, or 'Hele landet'.",
    "conflicting-rows.csv": "conflicting-rows.csv, rows 2 and 3: two different values for Viborg 2019M09 fleksjob_fuldtid (2.108 and 2.118). Keep one of the rows (or read the newer extract on its own).",
    "conflicting-alias.csv": "conflicting-alias.csv, rows 2 and 3: two different values for Aarhus 2019M09 fleksjob_fuldtid (2.108 and 2.118). Keep one of the rows (or read the newer extract on its own).",
    "one-gender.csv": "one-gender.csv, row 2, column 'Køn': only 'Kvinder' of the 2 Køn categories and no total row; missing 'Mænd'. Download the table with the 'Køn i alt' row (Jobindsats.dk: select the total; the API: ask for every value with '*'), or with every Køn category.",
    "two-origins.csv": "two-origins.csv, row 2, column 'Herkomst': only 'Indvandrere fra vestlige lande', 'Efterkommere fra vestlige lande' of the 5 Herkomst categories and no total row; missing 'Personer med dansk oprindelse', 'Indvandrere fra ikke-vestlige lande', 'Efterkommere fra ikke-vestlige lande'. Download the table with the 'Herkomst i alt' row (Jobindsats.dk: select the total; the API: ask for every value with '*'), or with every Herkomst category.",
    "age-without-total.csv": "age-without-total.csv, row 2, column 'Alder': no total row ('I alt' or 'Alder i alt'), and fleksmon does not know every Alder category, so the rows cannot be summed. Download the table with the 'Alder i alt' row (in the API ask for every value with '*'), or leave the column out.",
    "gender-unknown.csv": "gender-unknown.csv, row 4, column 'Køn': 'Andet' is not a Køn category ('Kvinder', 'Mænd') nor a total. Download the table with the 'Køn i alt' row, or with exactly these categories.",
    "gender-repeated-conflict.csv": "gender-repeated-conflict.csv, rows 2 and 4: two different values for Viborg 2019M09 fleksjob_fuldtid Kvinder (1.108 and 1.109). Keep one of the rows (or read the newer extract on its own).",
    "truncated.json": "truncated.json, line 1: not valid JSON (Expecting ',' delimiter). Save the API response unchanged, or export the table as CSV.",
    "empty.json": "empty.json: no data rows (the file is empty). Fetch the data again.",
    "numbers.json": "numbers.json: not a Jobindsats API response (expected a v2 list with 'Variables' and 'Data', or a v3 object with 'columns' and 'rows'). Save the API response unchanged, or export the table as CSV.",
    "other-object.json": "other-object.json: not a Jobindsats API response (expected a v2 list with 'Variables' and 'Data', or a v3 object with 'columns' and 'rows'). Save the API response unchanged, or export the table as CSV.",
    "v3-error.json": "v3-error.json: the Jobindsats API answered with an error: Unknown period type: M (code 422). Fix the request (table, period, API key) and fetch the data again.",
    "v2-message.json": "v2-message.json: the Jobindsats API answered with an error: An error has occurred. Fix the request (table, period, API key) and fetch the data again.",
    "bad-key.json": "bad-key.json: the file holds the Jobindsats API's answer 'Forkert nøgle eller nøglen er udløbet.' (wrong or expired API key) instead of data. Renew your API key on jobindsats.dk (Min side) and fetch the data again.",
    "bad-key-among-lines.csv": "bad-key-among-lines.csv, row 4: the Jobindsats API's answer 'Forkert nøgle eller nøglen er udløbet.' (wrong or expired API key) stands among the data rows, so the rows of that request are missing. Renew your API key on jobindsats.dk (Min side), fetch the data again and save the whole answer in a new file.",
    "ndjson-broken-line.csv": "ndjson-broken-line.csv, line 2: not a JSON object (Unterminated string starting at). Save one JSON object a line, or export the table as CSV.",
    "ndjson-list-line.csv": "ndjson-list-line.csv, line 2: not a JSON object (one object a line expected). Save one JSON object a line, or export the table as CSV.",
    "v3-rows-ragged.y08a02.json": "v3-rows-ragged.y08a02.json: the data rows do not match the 3 columns (data does not match the number of columns). Save the API response unchanged, or export the table as CSV.",
    "html-error-page.csv": "html-error-page.csv: this is a web page or XML, not a table (an error page saved instead of the data?). Download the table again as CSV, or save the API response unchanged.",
    "windows-1252-undefined.csv": "windows-1252-undefined.csv, row 3: byte 0x81 is neither UTF-8 nor Windows-1252 text. Save the file as UTF-8 (or export it again from Jobindsats).",
    "v3-share.y08a02.json": "v3-share.y08a02.json, row 1, column 'Antal fuldtidspersoner': '16,4 %' is a share, but fleksjob_fuldtid is a count. Download the counts (Antal …) instead of the shares.",
    "v3-huge.y08a02.json": "v3-huge.y08a02.json, row 1, column 'Antal fuldtidspersoner': '20000000,0' is more than 10.000.000, more people than Denmark has. Check the column and the number format (1.227 is one thousand two hundred and twenty-seven).",
    "v2-negative.y08a02.json": "v2-negative.y08a02.json, row 1, column 'Antal fuldtidspersoner': '-5' is negative, but fleksjob_fuldtid is a count. Check the column (a change measure, 'Ændring', is not a count).",
    "xlsx-text-value.xlsx": "xlsx-text-value.xlsx, row 2, column 'Fleksjob, fuldtidspersoner': 'mange' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "xlsx-no-table.xlsx": "xlsx-no-table.xlsx: no sheet has a table with a 'kommune' (område/area/jobcenter) column (sheets: 'Sheet'). Put the table with a header row naming the area and period columns on a sheet.",
    "xlsx-header-only.xlsx": "xlsx-header-only.xlsx: no data rows (only a header in sheet 'Sheet'). Export the table with its rows, or check that you picked the right file.",
    "xlsx-i-alt-area.xlsx": "xlsx-i-alt-area.xlsx, row 3, column 'Område': 'I alt' is a total of the rows, not taken as Hele landet. Download the table with the 'Hele landet' row, or remove the total row.",
    "xlsx-period-1990.xlsx": "xlsx-period-1990.xlsx, row 2, column 'Periode': period 1990M01 (from '1990M01') is before 2000. Check the period column (a number or an Excel date where a month belongs?).",
    "xlsx-hits-over-population.xlsx": "xlsx-hits-over-population.xlsx, row 2, column 'k3_progression': K3 hits (k3_progression, 250) exceed the population (k3_population, 100) for Viborg 2019M09: the hits are part of the population. Check that each column holds the measure its header names.",
    "two-numbers-in-cell.csv": "two-numbers-in-cell.csv, row 2, column 'Fleksjob, fuldtidspersoner': '2.108 2.109' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "double-comma.csv": "double-comma.csv, row 2, column 'Fleksjob, fuldtidspersoner': '2.108,5,3' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "letter-o-for-zero.csv": "letter-o-for-zero.csv, row 2, column 'Fleksjob, fuldtidspersoner': '2.1O8' is not a number. Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty cell.",
    "hele-landet-below-kommuner.csv": "hele-landet-below-kommuner.csv, row 3, column 'Fleksjob, fuldtidspersoner': '-3' is negative, but fleksjob_fuldtid is a count. Check the column (a change measure, 'Ændring', is not a count).",
}
for _name, _content in PENDING:
    case(_name, _content, EXPECTED[_name])
