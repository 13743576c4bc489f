"""Records (one per area, criterion and period) as JSON, CSV, Danish-Excel CSV or xlsx.

JSON and plain CSV are for programs (dot decimals, ``,``); ``csv-da`` is for a
Danish Excel (``;``, decimal comma, a BOM); xlsx is a real workbook with typed
cells. In every CSV a text cell that starts like a formula (``=``, ``+``, ``-``,
``@``) gets a leading ``'`` so that a spreadsheet never runs it; numbers are never
touched.

>>> import polars as pl
>>> print(records_csv(pl.DataFrame({"kommune": ["=1+1", "Viborg"], "hits": [-1.5, 2.0]})), end="")
kommune,hits
'=1+1,-1.5
Viborg,2.0
>>> print(records_csv_da(pl.DataFrame({"kommune": ["Viborg"], "share_pct": [87.94]}))[1:], end="")
kommune;share_pct
Viborg;87,94
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these would be read as a formula by Excel or LibreOffice."""


def _safe_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Text columns with a ``'`` before any cell that starts like a formula."""
    return frame.with_columns(pl.col(pl.String).str.replace(r"^([=+\-@\t\r])", "'$1"))


def records_json(records: pl.DataFrame) -> str:
    """Records as a JSON array (snake_case keys, null for missing)."""
    return json.dumps(records.to_dicts(), ensure_ascii=False, indent=2) + "\n"


def records_csv(records: pl.DataFrame, bom: bool = False) -> str:
    """Records as CSV with a header row (comma, dot decimals: machine-readable)."""
    text = _safe_text(records).write_csv(null_value="")
    return ("\ufeff" if bom else "") + text


def records_csv_da(records: pl.DataFrame) -> str:
    """Records as CSV for a Danish Excel: ``;``, decimal comma and a BOM."""
    text = _safe_text(records).write_csv(null_value="", separator=";", decimal_comma=True)
    return "\ufeff" + text


def _number_format(name: str, dtype: pl.DataType) -> str | None:
    if name.endswith("_pct") or name == "gap_pp":
        return "0.0"
    if dtype.is_integer():
        return "#,##0"
    if dtype.is_float():
        return "#,##0.##"
    return None


def write_records_xlsx(records: pl.DataFrame, output: Path) -> None:
    """Records as a workbook: one sheet, a header row of the record keys, typed cells
    (numbers as numbers, true/false as booleans, text never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from fleksmon.render import excel

    wb = Workbook()
    ws = wb.active
    ws.title = "Records"
    formats = [_number_format(n, records.schema[n]) for n in records.columns]
    ws.append(list(records.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(records.iter_rows(), start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"
                cell.quotePrefix = value.startswith(FORMULA_START)
            else:
                cell.value = value
    for col, fmt in enumerate(formats, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = max(10, len(records.columns[col - 1]) + 2)
        if fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    excel.save(wb, output, hint="pick another -o path")
