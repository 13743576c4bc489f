"""Writers for reader test inputs: the same grid of cells as CSV, .xlsx or API JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import openpyxl

Cell = object  # str, int, float, datetime or None
Grid = Sequence[Sequence[Cell]]


def write_csv(
    tmp_path: Path, rows: Grid, *, name: str = "data.csv", sep: str = ";", encoding: str = "utf-8"
) -> Path:
    """Rows as a CSV file; cells containing the separator are quoted."""

    def cell(value: Cell) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if sep in text else text

    text = "".join(sep.join(cell(v) for v in row) + "\r\n" for row in rows)
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(
    tmp_path: Path,
    rows: Grid,
    *,
    name: str = "data.xlsx",
    before: Sequence[str] = (),
    merge_title: bool = False,
) -> Path:
    """Rows on a sheet (after sheets named in ``before`` that hold no table)."""
    wb = openpyxl.Workbook()
    first = wb.active
    for i, sheet_name in enumerate(before):
        ws = first if i == 0 else wb.create_sheet()
        ws.title = sheet_name
        ws["A1"] = "Noter til tabellen"
        ws["A2"] = "Tallene er foreløbige"
    ws = wb.create_sheet("Data") if before else first
    for row in rows:
        ws.append(list(row))
    if merge_title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    path = tmp_path / name
    wb.save(path)
    return path


def write_json_v2(tmp_path: Path, rows: Grid, *, name: str = "data.json", table: str = "") -> Path:
    """Header and data rows as a Jobindsats API v2 response (all cells strings)."""
    element: dict[str, object] = {
        "Variables": [{"Name": f"v{i}", "Label": str(h)} for i, h in enumerate(rows[0])],
        "Data": [["" if v is None else str(v) for v in row] for row in rows[1:]],
    }
    if table:
        element["TableID"] = table
    path = tmp_path / name
    path.write_text(json.dumps([element], ensure_ascii=False), encoding="utf-8")
    return path


def write(tmp_path: Path, rows: Grid, fmt: str, *, stem: str = "data") -> Path:
    """The grid in one of the formats: ``csv``, ``xlsx`` or ``json``."""
    if fmt == "csv":
        return write_csv(tmp_path, rows, name=f"{stem}.csv")
    if fmt == "xlsx":
        return write_xlsx(tmp_path, rows, name=f"{stem}.xlsx")
    return write_json_v2(tmp_path, rows, name=f"{stem}.json")
