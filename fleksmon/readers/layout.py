"""The layout of an aggregated extract: long, wide or months as columns, to one value a row.

A reader hands over a :class:`~fleksmon.formats.sheet.Sheet` (the rows down to the
header as text, and the body as a frame of text cells); :func:`to_long` finds the
layout, names every value column's measure and returns one raw value a row, for
:mod:`fleksmon.readers.tidy` to check and parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from fleksmon.errors import FleksmonError, shown
from fleksmon.formats.sheet import Sheet, fold_label
from fleksmon.numbers import bad_number_expr
from fleksmon.readers.columns import (
    DIMENSION_NAMES,
    TOTALS,
    Column,
    columns_of,
    header_at,
    title_texts,
)
from fleksmon.readers.labels import Measures


@dataclass
class Long:
    """One raw value a row, with the labels error messages need."""

    frame: pl.DataFrame  # line, area, period, pline, pcol, measure, column, raw, dims...
    dims: list[str]
    area_label: str
    area2_label: str | None = None


def _nonempty(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars().fill_null("") != ""


def _prepare(sheet: Sheet, columns: list[Column], warnings: list[str]) -> pl.DataFrame:
    """Number the rows, drop blank and note rows, fill merged area/period cells from above."""
    used = [c.name for c in columns if c.role not in ("skip", "area")]
    if sheet.lines is not None:
        body = sheet.body.with_columns(line=pl.Series(sheet.lines, dtype=pl.Int64))
    else:
        body = sheet.body.with_row_index("line", offset=sheet.first_line).with_columns(
            pl.col("line").cast(pl.Int64)
        )
    if used:
        body = body.filter(pl.any_horizontal([_nonempty(n) for n in used]))
    if body.height == 0:
        raise FleksmonError(
            f"{sheet.name}: no data rows below the header",
            "Export the table with its rows, or check that you picked the right file",
        )
    for c in columns:
        if c.role in ("area", "period") and sheet.fill_down:
            blank = body.select((~_nonempty(c.name)).sum()).item()
            if blank and body.select(_nonempty(c.name).first()).item():
                body = body.with_columns(
                    pl.when(_nonempty(c.name)).then(pl.col(c.name)).forward_fill()
                )
                warnings.append(f"filled {blank} empty {c.label!r} cells from the row above")
    return body


def _is_dimension(body: pl.DataFrame, column: Column) -> bool:
    if fold_label(column.label) in DIMENSION_NAMES:
        return True
    return bool(body.select(bad_number_expr(pl.col(column.name)).any()).item())


def _missing_column(sheet: Sheet, columns: list[Column], wanted: str) -> FleksmonError:
    found = ", ".join(repr(c.label) for c in columns if c.label) or "none"
    return FleksmonError(
        f"{sheet.name}, {header_at(sheet)}: no {wanted!r} column (columns found: {found})",
        "Name the area column 'kommune' (or område/area/jobcenter) and the period column "
        "'periode' (or period/måned), or put one month in each column",
    )


def _check_split_numbers(sheet: Sheet, body: pl.DataFrame, columns: list[Column]) -> None:
    """Refuse a note cell holding three digits after a short number: ``2;151`` is 2.151
    split by a stray separator, not 2 and a note."""
    for i, c in enumerate(columns[1:], start=1):
        before = columns[i - 1]
        if c.role != "skip" or not c.label or before.role in ("skip", "area", "period"):
            continue
        split = pl.col(c.name).str.strip_chars().str.contains(r"^\d{3}$") & pl.col(
            before.name
        ).str.strip_chars().str.contains(r"^-?\d{1,3}$")
        hit = body.filter(split)
        if hit.height:
            line = hit.sort("line").get_column("line")[0]
            raise FleksmonError(
                f"{sheet.name}, row {line}, columns {before.label!r} and {c.label!r}: a number "
                f"split in two by a stray separator ('{hit.sort('line')[before.name][0]}' and "
                f"'{hit.sort('line')[c.name][0]}')",
                "Remove the stray separator (write 2.151), or quote the cell",
            )


def _check_short_rows(sheet: Sheet, body: pl.DataFrame, columns: list[Column]) -> None:
    """Refuse a row that ends before a column that is not optional."""
    required = [c for c in columns if c.role != "skip"]
    if not required:
        return
    short = body.filter(pl.any_horizontal([pl.col(c.name).is_null() for c in required]))
    if short.height == 0:
        return
    row = short.sort("line").row(0, named=True)
    missing = next(c for c in required if row[c.name] is None)
    cells = next(i for i, c in enumerate(sheet.body.columns) if row[c] is None)
    raise FleksmonError(
        f"{sheet.name}, row {row['line']}: the row ends after {cells} cells, before the "
        f"column {missing.label!r}",
        "Complete the row (an empty cell between separators is a missing value), or remove it",
    )


class _Builder:
    """Turns a classified body into one raw value a row."""

    def __init__(
        self, sheet: Sheet, columns: list[Column], measures: Measures, warnings: list[str]
    ) -> None:
        self.sheet = sheet
        self.columns = columns
        self.measures = measures
        self.warnings = warnings
        self.header_line = sheet.first_line - 1
        self.header_at = header_at(sheet)
        self.body = _prepare(sheet, columns, warnings)
        if sheet.ragged:
            _check_short_rows(sheet, self.body, columns)
            _check_split_numbers(sheet, self.body, columns)
        area = self.one("area")
        if area is None:
            raise _missing_column(sheet, columns, "kommune")
        self.area = area
        self.dims: list[Column] = []
        self._context: str | None = None

    def one(self, role: str) -> Column | None:
        """The first column with a role."""
        return next((c for c in self.columns if c.role == role), None)

    def context(self) -> str:
        """The measure named by the title rows or the table (for columns without one)."""
        if self._context is None:
            where = self.header_at
            self._context = self.measures.from_context(title_texts(self.sheet), where)
        return self._context

    def value_columns(self, candidates: list[Column], required: bool = True) -> dict[str, str]:
        """Measure ids of value columns; text columns become dimensions, unknown ones skipped."""
        found: dict[str, str] = {}
        unknown: list[str] = []
        for c in candidates:
            label = (c.group or "") if c.role == "month" else c.label
            where = f"column {c.label!r}"
            measure = self.measures.resolve(label, where) if label else self.context()
            if measure:
                found[c.name] = measure
            elif c.role != "month" and _is_dimension(self.body, c):
                self.dims.append(c)
            elif fold_label(c.label) in TOTALS:
                self.warnings.append(f"ignored the total column {c.label!r}")
            elif (derived := self.measures.derive(label)) is not None:
                found[c.name] = derived
            else:
                unknown.append(c.label)
        if unknown:
            self.report_unknown(unknown, f"column {unknown[0]!r}")
        if required and not found:
            raise self.measures.unknown(unknown or ["(none)"], self.header_at)
        return found

    def report_unknown(self, unknown: list[str], where: str) -> None:
        """Unknown measures: an error without a table id, else skipped with a warning."""
        if self.measures.table is None:
            raise self.measures.unknown(unknown, where)
        names = ", ".join(shown(u) for u in unknown)
        self.warnings.append(
            f"skipped {names}: not a measure fleksmon uses (table {self.measures.table})"
        )

    def frame(
        self, index: dict[str, pl.Expr], on: dict[str, str], extra: dict[str, pl.Expr]
    ) -> Long:
        """Unpivot the value columns ``on`` (name → measure id) into one value a row."""
        labels = {c.name: c.label for c in self.columns}
        dims = {f"d:{c.label}": pl.col(c.name) for c in self.dims}
        second = self.one("area2")
        if second is not None:
            index = {**index, "area2": pl.col(second.name)}
        base = self.body.select(
            pl.col("line"),
            area=pl.col(self.area.name),
            **index,
            **dims,
            **{n: pl.col(n) for n in on},
        )
        long = base.unpivot(on=list(on), index=["line", "area", *index, *dims], value_name="raw")
        long = long.with_columns(
            measure=pl.col("variable").replace_strict(on),
            column=pl.col("variable").replace_strict({n: labels[n] for n in on}),
        ).with_columns(**extra)
        long = long.filter(pl.col("measure").is_not_null())
        extra_cols = ["area2"] if second is not None else []
        return Long(
            long.select(*_LONG, *extra_cols, *dims),
            list(dims),
            self.area.label,
            second.label if second is not None else None,
        )

    def long(self, measure: Column, value: Column, period: Column) -> Long:
        """Long layout: a measure column and a value column."""
        texts = self.body.get_column(measure.name).fill_null("").unique(maintain_order=True)
        ids = {t: self.measures.resolve(t, f"column {measure.label!r}") for t in texts}
        ids = {t: m or self.measures.derive(t) for t, m in ids.items()}
        unknown = [t for t, m in ids.items() if m is None]
        if len(unknown) == len(ids):
            raise self.measures.unknown(unknown, f"column {measure.label!r}")
        if unknown:
            self.report_unknown(unknown, f"column {measure.label!r}")
        self.dims = [c for c in self.columns if c.role == "data" and _is_dimension(self.body, c)]
        index = {"period": pl.col(period.name), "mtext": pl.col(measure.name).fill_null("")}
        extra = {
            "measure": pl.col("mtext").replace_strict(ids, default=None),
            "pline": pl.col("line"),
            "pcol": pl.lit(period.label),
        }
        return self.frame(index, {value.name: ""}, extra)

    def wide(self, period: Column) -> Long:
        """Wide layout: a period column and one column per measure."""
        on = self.value_columns([c for c in self.columns if c.role in ("data", "month")])
        value = self.one("value")
        if value is not None:
            on[value.name] = self.context()
        extra = {"pline": pl.col("line"), "pcol": pl.lit(period.label)}
        return self.frame({"period": pl.col(period.name)}, on, extra)

    def pivot(self) -> Long:
        """Months as columns: one column per month, the measure from a header or title row."""
        months = [c for c in self.columns if c.role == "month"]
        self.value_columns([c for c in self.columns if c.role == "data"], required=False)
        on = self.value_columns(months)
        extra = {
            "period": pl.col("variable").replace_strict({c.name: c.month for c in months}),
            "pline": pl.lit(self.header_line, dtype=pl.Int64),
            "pcol": pl.col("variable").replace_strict({c.name: c.label for c in months}),
        }
        return self.frame({}, on, extra)


_LONG = ("line", "area", "period", "pline", "pcol", "measure", "column", "raw")


def to_long(sheet: Sheet, measures: Measures, warnings: list[str]) -> Long:
    """Find the layout of a sheet and return one raw value a row."""
    columns, sheet = columns_of(sheet)
    for role in ("period", "measure", "value"):
        twice = [c for c in columns if c.role == role]
        if len(twice) > 1:
            raise FleksmonError(
                f"{sheet.name}, {header_at(sheet)}: the columns {twice[0].label!r} and "
                f"{twice[1].label!r} both hold the {role}",
                "Keep one of them (delete or rename the other)",
            )
    builder = _Builder(sheet, columns, measures, warnings)
    measure, value, period = builder.one("measure"), builder.one("value"), builder.one("period")
    if measure is not None and value is not None:
        if period is None:
            raise _missing_column(sheet, columns, "periode")
        return builder.long(measure, value, period)
    if period is not None:
        return builder.wide(period)
    if any(c.role == "month" for c in columns):
        return builder.pivot()
    raise _missing_column(sheet, columns, "periode")


def combine(parts: Sequence[Long]) -> Long:
    """Several sheets' rows as one (JSON v2 responses hold one element per table)."""
    if len(parts) == 1:
        return parts[0]
    frame = pl.concat([p.frame for p in parts], how="diagonal_relaxed")
    dims = list(dict.fromkeys(d for p in parts for d in p.dims))
    return Long(frame, dims, parts[0].area_label, parts[0].area2_label)
