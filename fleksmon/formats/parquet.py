"""Parquet: read whole, scanned lazily, or just its schema; a damaged file refused in one line."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from fleksmon.errors import FleksmonError


def _refuse(path: Path, err: Exception) -> FleksmonError:
    reason = str(err).splitlines()[0]
    return FleksmonError(
        f"{path.name}: not a readable Parquet file ({reason})",
        "write it again, or give the extract as CSV",
    )


def read_parquet(path: Path, *, schema_only: bool = False) -> pl.DataFrame:
    """A Parquet file (or an empty frame of its schema), or a one-line refusal."""
    try:
        if schema_only:
            return pl.DataFrame(schema=pl.read_parquet_schema(path))
        return pl.read_parquet(path)
    except Exception as err:  # polars raises several error types for a bad file
        raise _refuse(path, err) from None


def scan_parquet(path: Path, row_name: str) -> tuple[pl.LazyFrame, int]:
    """The file as a lazy frame plus ``row_name`` (1 for the first row), and its row count."""
    read_parquet(path, schema_only=True)
    frame = pl.scan_parquet(path).with_row_index(row_name, offset=1)
    try:
        rows = int(frame.select(pl.len()).collect().item())
    except Exception as err:  # polars raises several error types for a bad file
        raise _refuse(path, err) from None
    return frame.with_columns(pl.col(row_name).cast(pl.Int64)), rows
