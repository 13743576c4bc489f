"""Jobindsats API responses: JSON v2 (``Variables``, ``Data``) and v3 (``columns``, ``rows``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.readers.layout import Sheet, find_table, fold_label
from fleksmon.readers.tabular import BAD_KEY, bad_key, decode, exact_text


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


def _not_api(path: Path) -> FleksmonError:
    return FleksmonError(
        f"{path.name}: not a Jobindsats API response (expected a v2 list with 'Variables' and "
        "'Data', or a v3 object with 'columns' and 'rows')",
        "Save the API response unchanged, or export the table as CSV",
    )


def _rows(path: Path, rows: Any) -> list[list[Any]]:
    """The data rows of an answer: a list of rows of plain values (a list or object in a cell
    is refused, naming its row)."""
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _not_api(path)
    for number, row in enumerate(rows, start=1):
        if any(isinstance(v, (list, dict)) for v in row):
            raise FleksmonError(
                f"{path.name}, row {number}: a cell holds a list or an object, not a value",
                "Save the API response unchanged, or export the table as CSV",
            )
    return rows


def _body(path: Path, rows: Any, width: int) -> pl.DataFrame:
    """Rows of JSON values as text cells; JSON numbers get a decimal comma ('1.206' stays 1,206)."""
    rows = _rows(path, rows)
    names = [f"c{i}" for i in range(width)]
    try:
        frame = pl.DataFrame(
            rows, schema=names, orient="row", strict=False, infer_schema_length=None
        )
    except (ValueError, TypeError, pl.exceptions.PolarsError) as err:
        raise FleksmonError(
            f"{path.name}: the data rows do not match the {width} columns ({err})",
            "Save the API response unchanged, or export the table as CSV",
        ) from None
    return frame.with_columns(
        exact_text(pl.col(c)) if frame.schema[c].is_numeric() else pl.col(c).cast(pl.String)
        for c in names
    )


def _v2(path: Path, element: dict[str, Any]) -> Sheet:
    variables = element.get("Variables") or []
    if not isinstance(variables, list) or not all(isinstance(v, dict) for v in variables):
        raise _not_api(path)
    header: list[str | None] = []
    for var in variables:
        name, label = str(var.get("Name", "")), str(var.get("Label", ""))
        header.append(name if fold_label(name) in {"area", "period", "periode"} else label or name)
    names = [str(v.get("Name", "")) for v in variables]
    sheet = Sheet(path.name, [header], _body(path, element.get("Data"), len(header)), 1)
    sheet.fill_down = False
    sheet.table = find_table(_strings(element) + names)
    return sheet


def _v3(path: Path, body: dict[str, Any]) -> Sheet:
    columns = body.get("columns") or []
    if not isinstance(columns, list):
        raise _not_api(path)
    header: list[str | None] = [str(c) for c in columns]
    sheet = Sheet(path.name, [header], _body(path, body.get("rows"), len(header)), 1)
    sheet.fill_down = False
    sheet.table = find_table(_strings(body))
    return sheet


def _check_error(path: Path, text: str, body: Any) -> None:
    if BAD_KEY in text:
        raise bad_key(path)
    if isinstance(body, dict) and "cause" in body and "rows" not in body:
        raise _api_error(path, f"{body['cause']} (code {body.get('code', '?')})")
    if isinstance(body, dict) and "Message" in body and "Data" not in body:
        raise _api_error(path, str(body["Message"]))


def _ndjson(path: Path, text: str) -> Sheet:
    """One JSON object a line (what automation saves): the keys are the columns."""
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise FleksmonError(
                f"{path.name}, line {number}: not a JSON object ({err.msg})",
                "Save one JSON object a line, or export the table as CSV",
            ) from None
        if not isinstance(record, dict):
            raise FleksmonError(
                f"{path.name}, line {number}: not a JSON object (one object a line expected)",
                "Save one JSON object a line, or export the table as CSV",
            )
        records.append(record)
        lines.append(number)
    names = list(dict.fromkeys(k for r in records for k in r))
    header: list[str | None] = [str(n) for n in names]
    body = _body(path, [[r.get(n) for n in names] for r in records], len(names))
    sheet = Sheet(path.name, [header], body, 1, lines=lines, fill_down=False)
    sheet.table = find_table(_strings(records[0]) if records else [])
    return sheet


def read_json(path: Path) -> tuple[list[Sheet], str]:
    """A saved API response as sheets (one per v2 table) and its format name."""
    text = decode(path)
    if not text.strip():
        raise FleksmonError(
            f"{path.name}: no data rows (the file is empty)", "Fetch the data again"
        )
    try:
        body = json.loads(text)
    except RecursionError:
        raise FleksmonError(
            f"{path.name}: not valid JSON (nested too deeply)",
            "Save the API response unchanged, or export the table as CSV",
        ) from None
    except json.JSONDecodeError as err:
        _check_error(path, text, None)
        if err.msg == "Extra data" and text.lstrip().startswith("{"):
            return [_ndjson(path, text)], "ndjson"
        raise FleksmonError(
            f"{path.name}, line {err.lineno}: not valid JSON ({err.msg})",
            "Save the API response unchanged, or export the table as CSV",
        ) from None
    _check_error(path, text, body)
    if isinstance(body, dict) and "columns" in body and "rows" in body:
        return [_v3(path, body)], "json-v3"
    if (
        isinstance(body, list)
        and body
        and all(isinstance(e, dict) and "Variables" in e for e in body)
    ):
        return [_v2(path, element) for element in body], "json-v2"
    raise _not_api(path)
