"""Header rows, column roles and measure names of an aggregated extract.

A reader hands over a :class:`Sheet` (the rows down to the header as text, and
the body as a frame of text cells); :func:`to_long` finds the layout (long,
wide or months-as-columns), names every value column's measure and returns one
raw value a row, for :mod:`fleksmon.readers.tidy` to check and parse.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from fleksmon.criteria import (
    MEASURE_IDS,
    MEASURES,
    TABLE_MEASURES,
    canonical,
    derived_id,
    is_derived,
)
from fleksmon.errors import FleksmonError, shown
from fleksmon.numbers import bad_number_expr, parse_number
from fleksmon.periods import try_parse_period

AREA_NAMES = ("kommune", "omraade", "area", "jobcenter", "kommunenavn", "kommunekode")
ROLE_NAMES: dict[str, frozenset[str]] = {
    "area": frozenset(AREA_NAMES),
    "period": frozenset({"periode", "period", "maaned", "maned", "tid", "dato", "date", "month"}),
    "measure": frozenset({"maaling", "maling", "measure", "variabel", "variable", "indikator"}),
    "value": frozenset({"vaerdi", "vardi", "value", "antal"}),
}
DIMENSION_NAMES = frozenset(
    {"koen", "kon", "herkomst", "alder", "aldersgruppe", "ydelse", "varighed", "branche"}
    | {"ydelsesgruppe", "ydelsesgrupper", "a kasse", "akasse", "uddannelse", "indsats"}
    | {"maalgruppe", "visitationskategori", "match", "matchgruppe", "forloebstype"}
    | {"gender", "sex", "age", "origin"}
)
"""Jobindsats dimension columns: without a total, only a complete set is ever summed."""
TOTALS = ("i alt", "ialt", "total", "alle", "all")
OPTIONAL_NAMES = frozenset(
    {"note", "noter", "kommentar", "kommentarer", "bemaerkning", "bemaerkninger", "fodnote"}
    | {"anmaerkning", "kilde", "source", "comment", "comments", "notes"}
)
"""Columns that may be left out at the end of a short row; never read as data."""

TABLE_GROUPS = {"fleksjob": "Y08A02", "ledighedsydelse": "Y09A02", "ressourceforloeb": "Y11A02"}
"""Measure-group labels (``Fleksjob: Antal fuldtidspersoner``) and the table they stand for."""

_GROUP_WORDS = frozenset({"", *TABLE_GROUPS})
_TABLE_RX = re.compile(r"(?i)(?<![a-z0-9])(y\d{2}[a-z]\d{2})(?![a-z0-9])")
NOT_CALENDAR_RX = re.compile(r"(?i)qmat|^\d{4}\s*mat\d*$|ytd")
"""Period codes that are not calendar periods: moving annual totals, year-to-date."""
_SCAN_ROWS = 60


def fold_label(text: str) -> str:
    """Fold a header or label for matching: lower case, æøå spelled out, punctuation as space."""
    t = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w%≥>=<]+", " ", t).split())


def find_table(texts: Sequence[str]) -> str | None:
    """The first Jobindsats table id (``Y08A02``) in some texts, upper-cased."""
    for text in texts:
        found = _TABLE_RX.search(text)
        if found:
            return found.group(1).upper()
    return None


def is_period_label(text: str) -> bool:
    """True for a header naming a period (``2019M09``, ``Sep. 2019``, ``2020QMAT02``)."""
    return try_parse_period(text) is not None or NOT_CALENDAR_RX.search(text) is not None


def find_header(rows: Sequence[Sequence[str | None]], names: frozenset[str]) -> int | None:
    """Index of the first row with a cell named like one of ``names`` (folded)."""
    for i, row in enumerate(rows[:_SCAN_ROWS]):
        if any(cell and fold_label(cell) in names for cell in row):
            return i
    return None


@dataclass
class Sheet:
    """A table as read from a file, before its layout is known.

    ``top`` holds the rows from the top of the file down to and including the
    header row (as text); ``body`` the rows below it as text columns ``c0..cN``;
    ``first_line`` is the row number (as the user sees it) of the body's first row;
    ``lines``, where given, the row number of every body row (rows spanning lines,
    skipped lines); ``ragged`` marks a body whose null cells are cells missing at the
    end of a short row (CSV), not empty cells; ``fill_down`` whether an empty area or
    period cell is a merged cell to fill from above (never in an API answer);
    ``unread`` later sheets of a workbook that hold a table too (not read).
    """

    name: str
    top: list[list[str | None]]
    body: pl.DataFrame
    first_line: int
    table: str | None = None
    lines: list[int] | None = None
    ragged: bool = False
    fill_down: bool = True
    unread: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    """One body column: where it is, its header text and its role."""

    name: str
    label: str
    role: str  # area | period | measure | value | month | data | skip
    month: str | None = None
    group: str | None = None


@dataclass
class Long:
    """One raw value a row, with the labels error messages need."""

    frame: pl.DataFrame  # line, area, period, pline, pcol, measure, column, raw, dims...
    dims: list[str]
    area_label: str
    area2_label: str | None = None


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _ffill(cells: list[str]) -> list[str]:
    out, last = [], ""
    for cell in cells:
        last = cell or last
        out.append(last)
    return out


def _group_row(top: list[list[str | None]], width: int, area_at: int) -> list[str]:
    """The row above the header when it labels groups of columns (merged cells filled right)."""
    if len(top) < 2:
        return [""] * width
    row = [_text(c) for c in top[-2]] + [""] * width
    if row[area_at] or not any(row[area_at + 1 : width]):
        return [""] * width
    return _ffill(row[:width])


def _fill_groups(header: list[str], lower: list[str]) -> list[str]:
    """A header cell merged over several sub-columns labels each of them (blank cells to its
    right that have a sub-label of their own, as a merged group over months)."""
    out = list(header)
    for i in range(1, len(out)):
        if not out[i] and lower[i] and lower[i - 1] and out[i - 1]:
            out[i] = out[i - 1]
    return out


def _is_text(cell: str) -> bool:
    try:
        parse_number(cell)
    except ValueError:
        return True
    return False


def _sub_row(body: pl.DataFrame, area_name: str) -> list[str] | None:
    """The first body row when it is a second header row (text only, no area)."""
    if body.height == 0:
        return None
    first = body.row(0, named=True)
    cells = [_text(v) for v in first.values()]
    if _text(first[area_name]) or not any(cells):
        return None
    return cells if all(_is_text(c) for c in cells if c) else None


def _classify(name: str, cells: list[str]) -> Column:
    label = ": ".join(cells)
    folded = [fold_label(c) for c in cells]
    if folded and folded[-1] in OPTIONAL_NAMES:
        return Column(name, label, "skip")
    for role, names in ROLE_NAMES.items():
        if any(f in names for f in folded):
            return Column(name, label, role)
    for i, cell in enumerate(cells):
        if is_period_label(cell):
            rest = ": ".join(cells[:i] + cells[i + 1 :])
            return Column(name, label, "month", month=cell, group=rest or None)
    return Column(name, label, "data" if cells else "skip")


def _pick_area(columns: list[Column]) -> list[Column]:
    """Keep one area column (a name before a code); the next is ``area2`` (checked to
    agree), any others are skipped."""
    areas = [c for c in columns if c.role == "area"]
    if len(areas) < 2:
        return columns

    def rank(c: Column) -> int:
        folded = fold_label(c.label.split(": ")[-1])
        return AREA_NAMES.index(folded) if folded in AREA_NAMES else len(AREA_NAMES)

    keep = min(areas, key=rank)
    second = next(c for c in areas if c is not keep)

    def role(c: Column) -> Column:
        if c.role != "area" or c is keep:
            return c
        return Column(c.name, c.label, "area2" if c is second else "skip")

    return [role(c) for c in columns]


def _safe(cell: str, index: int) -> str:
    """A header cell, or ``column N`` where it could be a CPR number (never echoed)."""
    return cell if shown(cell) == repr(cell.strip()) else f"column {index + 1}"


def columns_of(sheet: Sheet) -> tuple[list[Column], Sheet]:
    """Classify the body columns from the header row(s); drop a second header row from the body."""
    width = sheet.body.width
    header = ([_text(c) for c in sheet.top[-1]] + [""] * width)[:width]
    area_at = next((i for i, h in enumerate(header) if fold_label(h) in ROLE_NAMES["area"]), 0)
    upper = _group_row(sheet.top, width, area_at)
    lower = _sub_row(sheet.body, sheet.body.columns[area_at]) or [""] * width
    if any(lower):
        header = _fill_groups(header, lower)
        lines = sheet.lines[1:] if sheet.lines is not None else None
        sheet = Sheet(
            sheet.name,
            sheet.top,
            sheet.body.slice(1),
            sheet.first_line + 1,
            sheet.table,
            lines,
            sheet.ragged,
            sheet.fill_down,
        )
    columns = [
        _classify(name, [_safe(c, i) for c in (upper[i], header[i], lower[i]) if c])
        for i, name in enumerate(sheet.body.columns)
    ]
    return _pick_area(columns), sheet


def title_texts(sheet: Sheet) -> list[str]:
    """The text of the title rows above the header."""
    return [" ".join(_text(c) for c in row if _text(c)) for row in sheet.top[:-1]]


class Measures:
    """Names measures from column labels, a table id and the user's own labels."""

    def __init__(self, name: str, table: str | None, labels: Mapping[str, str] | None) -> None:
        self.name = name
        self.table = table
        self.direct: dict[str, str] = {}
        for m in MEASURES:
            for text in (m.id, m.label, *m.aliases):
                self.direct[fold_label(text)] = m.id
        for label, measure in (labels or {}).items():
            if measure not in MEASURE_IDS and not is_derived(measure):
                raise FleksmonError(
                    f"label mapping {label!r} = {measure!r}: unknown measure id",
                    f"Use one of the known measure ids: {', '.join(MEASURE_IDS)}",
                )
            self.direct[fold_label(label)] = canonical(measure)
        self.user = {fold_label(k) for k in labels or {}}
        self.kept: dict[str, str] = {}
        """Derived ids given out, with the column label each came from."""

    def resolve(self, label: str, where: str) -> str | None:
        """The measure id a label names, ``None`` if unknown; ambiguous labels raise."""
        folded = fold_label(label)
        if folded in self.direct:
            return self.direct[folded]
        for sep in (":", ",", " - "):
            group, found, rest = label.partition(sep)
            table = TABLE_GROUPS.get(fold_label(group)) if found else None
            if table and fold_label(rest) in TABLE_MEASURES[table]:
                return TABLE_MEASURES[table][fold_label(rest)]
        _, sep, last = label.rpartition(": ")
        if sep and fold_label(last) in self.direct:
            return self.direct[fold_label(last)]
        if self.table is not None:
            return TABLE_MEASURES.get(self.table, {}).get(folded)
        if any(folded in measures for measures in TABLE_MEASURES.values()):
            raise FleksmonError(
                f"{self.name}, {where}: {shown(label)} is ambiguous without the Jobindsats table "
                "(Y08A02 fleksjob, Y09A02 ledighedsydelse, Y11A02 ressourceforløb)",
                "Name the table with --table ID (e.g. --table Y08A02) "
                "or put the table id in the file name",
            )
        return None

    def derive(self, label: str) -> str | None:
        """The stable id of a column of a known table (``y08a02.antal_personer``), or
        ``None`` without a table. A measure-group label (``Fleksjob: Antal personer``)
        names its table."""
        for sep in (":", ",", " - "):
            group, found, rest = label.partition(sep)
            table = TABLE_GROUPS.get(fold_label(group)) if found else None
            if table and rest.strip():
                return self._keep(derived_id(table, rest), label)
        if self.table is None or not fold_label(label):
            return None
        return self._keep(canonical(derived_id(self.table, label)), label)

    def _keep(self, measure: str, label: str) -> str:
        self.kept.setdefault(measure, label.strip())
        return measure

    def from_context(self, texts: Sequence[str], where: str) -> str:
        """The one measure a table without measure columns holds (from titles or the table)."""
        words = set(" ".join(fold_label(t) for t in texts).split())
        benefits = [g for g in TABLE_GROUPS if g in words]
        if self.table is None and len(benefits) > 1:
            raise FleksmonError(
                f"{self.name}, {where}: the title names {' and '.join(benefits)}, so it cannot "
                "tell which measure the values are",
                "Download one measure a table (or with the measure names in the header), "
                "or pass --table ID (e.g. --table Y08A02)",
            )
        for text in texts:
            found = self.resolve(text, where) if fold_label(text) not in _GROUP_WORDS else None
            if found:
                return found
        candidates = {k: v for k, v in self.direct.items() if len(k) >= 12 or k in self.user}
        candidates.update(TABLE_MEASURES.get(self.table or "", {}))
        folded = " " + " ".join(fold_label(t) for t in texts) + " "
        hits = [k for k in candidates if f" {k} " in folded]
        if hits:
            return candidates[max(hits, key=len)]
        in_table = set(TABLE_MEASURES.get(self.table or "", {}).values())
        if len(in_table) == 1:
            return in_table.pop()
        raise FleksmonError(
            f"{self.name}, {where}: cannot tell which measure the values are",
            "Add a title row naming the measure (e.g. 'Fleksjob, fuldtidspersoner'), "
            "pass --table ID (e.g. --table Y08A02), or map the label in the config",
        )

    def unknown(self, labels: Sequence[str], where: str) -> FleksmonError:
        """The error for measure labels that name no known measure."""
        quoted = ", ".join(shown(lbl) for lbl in labels[:5])
        return FleksmonError(
            f"{self.name}, {where}: unknown measure {quoted}",
            f"Known measure ids: {', '.join(MEASURE_IDS)}; name the column by one of them, "
            "add the label to [labels] in the config, or pass --table ID",
        )


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


def header_at(sheet: Sheet) -> str:
    """Where the header is, for messages: ``row 3`` (or ``header`` in JSON)."""
    return f"row {sheet.first_line - 1}" if sheet.first_line > 1 else "header"


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
