"""One place that writes results: rich tables, CSV or JSON, to stdout or a file."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from fleksmon.cli.options import Format
from fleksmon.errors import FleksmonError

if TYPE_CHECKING:
    import polars as pl

    from fleksmon.api import Result

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _width() -> int | None:
    columns = os.environ.get("COLUMNS")
    return int(columns) if columns and columns.isdigit() else None


def resolve_format(fmt: Format | None, output: Path | None) -> Format:
    """The format asked for, else from the output file's extension, else by terminal."""
    if fmt is not None:
        return fmt
    if output is not None:
        suffix = output.suffix.lower()
        if suffix == ".json":
            return Format.json
        if suffix == ".xlsx":
            return Format.xlsx
        if suffix in (".csv", ".txt"):
            return Format.csv
        return Format.table
    return Format.table if sys.stdout.isatty() else Format.csv


def _write_records(frame: pl.DataFrame, chosen: Format, output: Path | None, bom: bool) -> None:
    """Records as JSON, CSV, Danish-Excel CSV or an xlsx workbook (to a file only)."""
    from fleksmon.render import records

    if chosen is Format.xlsx:
        if output is None:
            raise FleksmonError(
                "--format xlsx writes a workbook and needs a file", "add -o records.xlsx"
            )
        records.write_records_xlsx(frame, output)
        err_console.print(f"Wrote {output}", markup=False)
        return
    if chosen is Format.json:
        text = records.records_json(frame)
    elif chosen is Format.csv_da:
        text = records.records_csv_da(frame)
    else:
        text = records.records_csv(frame, bom)
    _write_text(text, output)


def _write_text(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FleksmonError(
            f"cannot write {output} ({exc.strerror})", "pick another -o path"
        ) from exc
    err_console.print(f"Wrote {output}")


def emit(
    results: list[Result],
    fmt: Format | None,
    output: Path | None,
    *,
    bom: bool = False,
    table: Any = None,
) -> None:
    """Write results in the chosen format; ``table`` renders one result as a rich table."""
    import polars as pl

    from fleksmon.report import note_lines

    chosen = resolve_format(fmt, output)
    if chosen is Format.table:
        buffer = io.StringIO() if output is not None else None
        console = _console(buffer, output)
        for result in results:
            console.print(_laid_out(table(result), console))
            for line in note_lines(result):
                console.print(line, markup=False, style="dim", overflow="fold")
            console.print()
        if buffer is not None:
            _write_text(buffer.getvalue(), output)
        return
    frames = [r.records for r in results]
    records = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    _write_records(records, chosen, output, bom)
    say_reasons([line for r in results for line in r.reasons])


def say_reasons(lines: Sequence[str]) -> None:
    """Beside CSV and JSON (which carry them in each record's ``note``), the notes on
    missing, old or summed figures on stderr, each once: stdout stays data only."""
    for line in dict.fromkeys(lines):
        err_console.print(f"Anm.: {line}", markup=False, soft_wrap=True)


def emit_frame(
    frame: pl.DataFrame,
    fmt: Format | None,
    output: Path | None,
    *,
    bom: bool,
    table: Any,
    reasons: Sequence[str] = (),
) -> None:
    """Write one data frame: ``table`` (a rich renderable) or the frame as CSV/JSON (with
    ``reasons`` on stderr)."""
    chosen = resolve_format(fmt, output)
    if chosen is Format.table:
        buffer = io.StringIO() if output is not None else None
        console = _console(buffer, output)
        console.print(_laid_out(table, console))
        if buffer is not None:
            _write_text(buffer.getvalue(), output)
        return
    _write_records(frame, chosen, output, bom)
    say_reasons(reasons)


def _laid_out(table: Any, console: Console) -> Any:
    """A :class:`~fleksmon.render.grid.Grid` (or a list of them, with lines of text
    between) laid out for the console's width."""
    from rich.console import Group
    from rich.text import Text

    from fleksmon.render.grid import Grid

    if isinstance(table, list):
        return Group(*(_laid_out(part, console) for part in table))
    if isinstance(table, str):
        return Text(table, style="bold", overflow="fold")
    return table.render(console.width) if isinstance(table, Grid) else table


def _console(buffer: io.StringIO | None, output: Path | None) -> Console:
    return Console(
        file=buffer or sys.stdout,
        width=_width() or (None if sys.stdout.isatty() else 200),
        highlight=False,
        no_color=output is not None or not sys.stdout.isatty(),
    )
