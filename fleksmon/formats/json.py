"""JSON and NDJSON: parsing, one object a line, and rows of JSON values as text cells.

What the values mean (the Jobindsats API's v2 and v3 answers) is read in
:mod:`fleksmon.readers.jobindsats`; here a JSON value is parsed, NDJSON told
from JSON, and rows of values turned into a :class:`~fleksmon.formats.sheet.Sheet`
of text cells (JSON numbers with a decimal comma, see
:func:`~fleksmon.formats.sheet.exact_text`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from fleksmon.errors import FleksmonError
from fleksmon.formats.sheet import Sheet, exact_text
from fleksmon.formats.text import decode

_FIX = "Save the API response unchanged, or export the table as CSV"


def load(path: Path, check: Callable[[str, Any], None]) -> tuple[str, Any, list[Any] | None]:
    """The decoded text, the parsed JSON value and, for NDJSON (one object a line), the
    records with their line numbers. ``check(text, value)`` may refuse the content first
    (``value`` is ``None`` when the text is not one JSON value)."""
    text = decode(path)
    if not text.strip():
        raise FleksmonError(
            f"{path.name}: no data rows (the file is empty)", "Fetch the data again"
        )
    try:
        body = json.loads(text)
    except RecursionError:
        raise FleksmonError(f"{path.name}: not valid JSON (nested too deeply)", _FIX) from None
    except json.JSONDecodeError as err:
        check(text, None)
        if err.msg == "Extra data" and text.lstrip().startswith("{"):
            return text, None, _records(path, text)
        raise FleksmonError(
            f"{path.name}, line {err.lineno}: not valid JSON ({err.msg})", _FIX
        ) from None
    check(text, body)
    return text, body, None


def _records(path: Path, text: str) -> list[Any]:
    """One JSON object a line: ``[(line number, object), …]``."""
    records: list[Any] = []
    fix = "Save one JSON object a line, or export the table as CSV"
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise FleksmonError(
                f"{path.name}, line {number}: not a JSON object ({err.msg})", fix
            ) from None
        if not isinstance(record, dict):
            raise FleksmonError(
                f"{path.name}, line {number}: not a JSON object (one object a line expected)",
                fix,
            )
        records.append((number, record))
    return records


def not_rows(path: Path) -> FleksmonError:
    """The refusal for JSON that holds no table fleksmon knows."""
    return FleksmonError(
        f"{path.name}: not a Jobindsats API response (expected a v2 list with 'Variables' and "
        "'Data', or a v3 object with 'columns' and 'rows')",
        _FIX,
    )


def _rows(path: Path, rows: Any) -> list[list[Any]]:
    """The data rows: a list of rows of plain values (a list or object in a cell is
    refused, naming its row)."""
    if rows is None:
        return []
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise not_rows(path)
    for number, row in enumerate(rows, start=1):
        if any(isinstance(v, (list, dict)) for v in row):
            raise FleksmonError(
                f"{path.name}, row {number}: a cell holds a list or an object, not a value", _FIX
            )
    return rows


def rows_frame(path: Path, rows: Any, width: int) -> pl.DataFrame:
    """Rows of JSON values as text cells ``c0..cN``; JSON numbers get a decimal comma
    ('1.206' stays 1,206)."""
    rows = _rows(path, rows)
    names = [f"c{i}" for i in range(width)]
    try:
        frame = pl.DataFrame(
            rows, schema=names, orient="row", strict=False, infer_schema_length=None
        )
    except (ValueError, TypeError, pl.exceptions.PolarsError) as err:
        raise FleksmonError(
            f"{path.name}: the data rows do not match the {width} columns ({err})", _FIX
        ) from None
    return frame.with_columns(
        exact_text(pl.col(c)) if frame.schema[c].is_numeric() else pl.col(c).cast(pl.String)
        for c in names
    )


def records_sheet(path: Path, records: list[Any]) -> Sheet:
    """NDJSON records (see :func:`load`) as a sheet: the keys are the columns."""
    names = list(dict.fromkeys(k for _, r in records for k in r))
    header: list[str | None] = [str(n) for n in names]
    body = rows_frame(path, [[r.get(n) for n in names] for _, r in records], len(names))
    lines = [number for number, _ in records]
    return Sheet(path.name, [header], body, 1, lines=lines, fill_down=False)
