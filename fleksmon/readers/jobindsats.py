"""Jobindsats API responses: JSON v2 (``Variables``, ``Data``) and v3 (``columns``, ``rows``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fleksmon.errors import FleksmonError
from fleksmon.formats import json
from fleksmon.formats.sheet import Sheet, fold_label
from fleksmon.formats.text import BAD_KEY, bad_key
from fleksmon.readers.columns import find_table


def _api_error(path: Path, cause: str) -> FleksmonError:
    return FleksmonError(
        f"{path.name}: the Jobindsats API answered with an error: {cause}",
        "Fix the request (table, period, API key) and fetch the data again",
    )


def _strings(value: Any) -> list[str]:
    """Every string in a parsed JSON value's top level (for a table id)."""
    if isinstance(value, dict):
        return [f"{k} {v}" for k, v in value.items() if isinstance(v, str)]
    return []


def _v2(path: Path, element: dict[str, Any]) -> Sheet:
    variables = element.get("Variables") or []
    if not isinstance(variables, list) or not all(isinstance(v, dict) for v in variables):
        raise json.not_rows(path)
    if not variables:
        error = next((element[k] for k in ("Error", "Message", "error") if element.get(k)), None)
        if error is not None:
            raise _api_error(path, str(error))
        raise FleksmonError(
            f"{path.name}: the Jobindsats API answered with no columns and no data rows",
            "Check the request (table, period, areas) and fetch the data again",
        )
    header: list[str | None] = []
    for var in variables:
        name, label = str(var.get("Name", "")), str(var.get("Label", ""))
        header.append(name if fold_label(name) in {"area", "period", "periode"} else label or name)
    names = [str(v.get("Name", "")) for v in variables]
    sheet = Sheet(path.name, [header], json.rows_frame(path, element.get("Data"), len(header)), 1)
    sheet.fill_down = False
    sheet.table = find_table(_strings(element) + names)
    return sheet


def _v3(path: Path, body: dict[str, Any]) -> Sheet:
    columns = body.get("columns") or []
    if not isinstance(columns, list):
        raise json.not_rows(path)
    header: list[str | None] = [str(c) for c in columns]
    sheet = Sheet(path.name, [header], json.rows_frame(path, body.get("rows"), len(header)), 1)
    sheet.fill_down = False
    sheet.table = find_table(_strings(body))
    return sheet


def _check_error(path: Path, text: str, body: Any) -> None:
    if BAD_KEY in text:
        raise bad_key(path, text, among=body is None)
    if isinstance(body, dict) and "cause" in body and "rows" not in body:
        raise _api_error(path, f"{body['cause']} (code {body.get('code', '?')})")
    if isinstance(body, dict) and "Message" in body and "Data" not in body:
        raise _api_error(path, str(body["Message"]))


def read_json(path: Path) -> tuple[list[Sheet], str]:
    """A saved API response as sheets (one per v2 table) and its format name."""
    _, body, records = json.load(path, lambda text, value: _check_error(path, text, value))
    if records is not None:
        sheet = json.records_sheet(path, records)
        sheet.table = find_table(_strings(records[0][1]) if records else [])
        return [sheet], "ndjson"
    if isinstance(body, dict) and "columns" in body and "rows" in body:
        return [_v3(path, body)], "json-v3"
    if (
        isinstance(body, list)
        and body
        and all(isinstance(e, dict) and "Variables" in e for e in body)
    ):
        return [_v2(path, element) for element in body], "json-v2"
    raise json.not_rows(path)
