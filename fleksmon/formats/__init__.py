"""One parser per file format, shared by every kind of extract that arrives in it.

Aggregated downloads and person-level extracts are read through the same parsers,
so decoding, line endings, header finding, which sheet of a workbook, used ranges
and number cells are handled once:

- :mod:`~fleksmon.formats.files`: what a file is (its first bytes, not its name);
- :mod:`~fleksmon.formats.text`: decoding and line endings of every text format;
- :mod:`~fleksmon.formats.csv`: CSV and other delimited text;
- :mod:`~fleksmon.formats.xlsx` (checked first by :mod:`~fleksmon.formats.workbook`):
  .xlsx and .xlsm workbooks;
- :mod:`~fleksmon.formats.json`: JSON and NDJSON;
- :mod:`~fleksmon.formats.parquet`: Parquet.

Each hands over text cells below a header row found by the same rule
(:mod:`~fleksmon.formats.sheet`); what the columns mean is the readers' job
(:mod:`fleksmon.readers`).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from fleksmon.formats import csv, parquet, xlsx
from fleksmon.formats.files import container

__all__ = ["header_cells"]


def header_cells(path: Path, names: Collection[str], least: int = 1) -> list[str]:
    """The header row of a CSV, workbook or Parquet file, read cheaply (for telling what
    kind of extract it is): the first row with ``least`` cells named like ``names``."""
    if path.suffix.lower() == ".parquet":
        return parquet.read_parquet(path, schema_only=True).columns
    if container(path) == "zip" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return xlsx.header_cells(path, names, least)
    return csv.header_cells(path, names, least)
