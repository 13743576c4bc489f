"""Check and parse one-raw-value-a-row data into the AGGREGATE schema.

Numbers, area names and periods are parsed once per distinct value (or
vectorized); every problem is a :class:`FleksmonError` naming file, row and
column.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from fleksmon.areas import resolve
from fleksmon.errors import FleksmonError, shown
from fleksmon.numbers import bad_number_expr, number_expr
from fleksmon.periods import Period, month_code, month_of_date, parse_period, try_parse_period
from fleksmon.readers.columns import NOT_CALENDAR_RX
from fleksmon.readers.dimensions import classify, reduce_dimension
from fleksmon.readers.layout import Long
from fleksmon.readers.plausible import check_hits, check_period, check_values
from fleksmon.schema import AGGREGATE, AGGREGATE_KEY

_SERIAL = re.compile(r"^(\d{5})(?:[.,]0+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_PCT = r"(?i)%|pct|procent"


def _first(frame: pl.DataFrame, mask: pl.Expr) -> dict[str, object]:
    """The first row (in file order) where ``mask`` holds."""
    return frame.filter(mask).sort("line", maintain_order=True).row(0, named=True)


def _numbers(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    bad = bad_number_expr(pl.col("raw"))
    if frame.select(bad.any()).item():
        row = _first(frame, bad)
        raise FleksmonError(
            f"{name}, row {row['line']}, column {row['column']!r}: "
            f"{shown(row['raw'])} is not a number",
            "Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' "
            "or an empty cell",
        )
    return frame.with_columns(
        value=number_expr(pl.col("raw")),
        pct=pl.col("raw").fill_null("").str.contains(_PCT) | pl.col("column").str.contains(_PCT),
    )


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _skip_areas(frame: pl.DataFrame, warnings: list[str]) -> pl.DataFrame:
    area = pl.col("area").fill_null("").str.strip_chars()
    lower = area.str.to_lowercase()
    skip = (
        lower.str.starts_with("uoplyst")
        | lower.is_in(["christiansø", "christiansoe", "christianso"])
        | area.str.starts_with("RAR ")
    )
    skipped = frame.filter(skip)
    if skipped.height:
        names = ", ".join(repr(n) for n in skipped.get_column("area").unique(maintain_order=True))
        warnings.append(f"skipped {_rows(skipped.get_column('line').n_unique())} for {names}")
    return frame.filter(~skip)


def _drop_exact(frame: pl.DataFrame, keys: list[str], warnings: list[str]) -> pl.DataFrame:
    repeat = ~pl.struct([*keys, "value"]).is_first_distinct()
    dropped = frame.filter(repeat).get_column("line").n_unique()
    if dropped:
        verb = "repeats" if dropped == 1 else "repeat"
        warnings.append(f"dropped {_rows(dropped)} that {verb} an earlier row exactly")
    return frame.filter(~repeat)


def _areas(frame: pl.DataFrame, name: str, label: str, second: str | None = None) -> pl.DataFrame:
    names: dict[str, str] = {}
    for text in frame.sort("line").get_column("area").fill_null("").unique(maintain_order=True):
        if classify(text, "område") != "category":
            row = _first(frame, pl.col("area").fill_null("") == text)
            raise FleksmonError(
                f"{name}, row {row['line']}, column {label!r}: {shown(text)} is a total of "
                "the rows, not taken as Hele landet",
                "Download the table with the 'Hele landet' row, or remove the total row",
            )
        try:
            names[text] = resolve(text).name
        except FleksmonError as err:
            row = _first(frame, pl.col("area").fill_null("") == text)
            message = err.message if shown(text) == repr(text.strip()) else "not a kommune"
            raise FleksmonError(
                f"{name}, row {row['line']}, column {label!r}: {message}", err.hint
            ) from None
    frame = frame.with_columns(kommune=pl.col("area").fill_null("").replace_strict(names))
    if "area2" in frame.columns:
        _areas_agree(frame, name, label, second)
    return frame


def _areas_agree(frame: pl.DataFrame, name: str, label: str, second: str | None) -> None:
    """A second area column (a DST code beside the name) must name the same area."""
    pairs = frame.sort("line").select("kommune", pl.col("area2").fill_null("").str.strip_chars())
    for kommune, other in pairs.unique(maintain_order=True).iter_rows():
        if not other:
            continue
        try:
            found = resolve(other).name
        except FleksmonError:
            continue
        if found != kommune:
            row = _first(frame, (pl.col("kommune") == kommune) & (pl.col("area2") == other))
            raise FleksmonError(
                f"{name}, row {row['line']}, columns {label!r} and {second!r}: {shown(other)} "
                f"is {found}, but the row says {kommune}",
                "Correct the code or the name (DST kommune codes: 101 København … 860 Hjørring)",
            )


_WHOLE_NUMBER = re.compile(r"(\d+),0+")
"""A whole number from a number cell (Excel, JSON): ``201909,0`` is ``201909``."""


def period_of(text: str) -> Period:
    """A period from a cell: codes, dates, Danish dates and Excel serial numbers."""
    t = text.strip()
    if NOT_CALENDAR_RX.search(t) and try_parse_period(t) is None:
        raise FleksmonError(
            f"period {t!r} is a moving annual total or year to date without the year and "
            "quarter or month it runs to, so its months are unknown",
            "Download the table with full period codes (2020QMAT02, 2024MYTD05), "
            "or by month (2024M05)",
        )
    serial = _SERIAL.match(t)
    if serial:
        m = month_of_date(_EXCEL_EPOCH + dt.timedelta(days=int(serial.group(1))))
        return Period(m, m)
    whole = _WHOLE_NUMBER.fullmatch(t)
    return parse_period(whole.group(1) if whole else t)


def _periods(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    spans: dict[str, tuple[int, int]] = {}
    ordered = frame.sort("pline", "line", maintain_order=True)
    for text in ordered.get_column("period").fill_null("").unique(maintain_order=True):
        try:
            p = period_of(text)
            why = check_period(p, text)
            if why:
                raise FleksmonError(
                    why,
                    "Check the period column (a number or an Excel date where a month belongs?)",
                )
        except FleksmonError as err:
            row = _first(ordered, pl.col("period").fill_null("") == text)
            raise FleksmonError(
                f"{name}, row {row['pline']}, column {row['pcol']!r}: {err.message}", err.hint
            ) from None
        spans[text] = (p.start, p.end)
    period = pl.col("period").fill_null("")
    return frame.with_columns(
        fra=period.replace_strict({k: v[0] for k, v in spans.items()}, return_dtype=pl.Int32),
        til=period.replace_strict({k: v[1] for k, v in spans.items()}, return_dtype=pl.Int32),
    )


def _plain(cell: object) -> str:
    """A cell as written, unless it could be a CPR number."""
    text = str(cell).strip()
    return text if shown(text) == repr(text) else shown(text)


def _conflicts(frame: pl.DataFrame, keys: list[str], name: str) -> None:
    """Two rows for one area, period, measure and category with different values."""
    conflict = pl.col("value").n_unique().over(keys) > 1
    if not frame.select(conflict.any()).item():
        return
    first = _first(frame, conflict)
    rows = frame.filter(pl.all_horizontal([pl.col(k).eq_missing(first[k]) for k in keys])).sort(
        "line"
    )
    a, b = rows.row(0, named=True), rows.row(1, named=True)
    what = " ".join(str(a[k]) for k in keys if a[k])
    raise FleksmonError(
        f"{name}, rows {a['line']} and {b['line']}: two different values for {what} "
        f"({_plain(a['raw'])} and {_plain(b['raw'])})",
        "Keep one of the rows (or read the newer extract on its own)",
    )


def _duplicates(frame: pl.DataFrame, name: str, warnings: list[str]) -> pl.DataFrame:
    key = list(AGGREGATE_KEY)
    conflict = pl.col("value").n_unique().over(key) > 1
    if frame.select(conflict.any()).item():
        first = _first(frame, conflict)
        rows = frame.filter(pl.all_horizontal([pl.col(k) == first[k] for k in key])).sort("line")
        a, b = rows.row(0, named=True), rows.row(1, named=True)
        raise FleksmonError(
            f"{name}, rows {a['line']} and {b['line']}: two different values for "
            f"{a['kommune']} {month_code(a['fra'])} {a['maaling']} ({a['raw']} and {b['raw']})",
            "Keep one of the rows (or read the newer extract on its own)",
        )
    return _drop_exact(frame, key, warnings)


def finish(long: Long, name: str, warnings: list[str], notes: list[str]) -> pl.DataFrame:
    """Parse numbers, reduce dimensions, resolve areas and periods, check duplicates.

    ``notes`` gets one line per dimension saying how it was collapsed.
    """
    frame = _skip_areas(long.frame, warnings)
    if frame.height == 0:
        raise FleksmonError(f"{name}: no data rows for a kommune", "Check the area column")
    frame = _numbers(frame, name)
    check_values(frame, name)
    keys = ["area", "period", "measure", *long.dims]
    _conflicts(frame, keys, name)
    frame = _drop_exact(frame, keys, warnings)
    for i, dim in enumerate(long.dims):
        frame = reduce_dimension(frame, dim, keys[:3] + long.dims[i + 1 :], name, notes)
    frame = _periods(_areas(frame, name, long.area_label, long.area2_label), name)
    frame = _duplicates(frame.rename({"measure": "maaling"}), name, warnings)
    check_hits(frame, name)
    frame = frame.select(
        [pl.col(c).cast(dtype) for c, dtype in AGGREGATE.items() if c != "vaerdi"],
        vaerdi=pl.col("value").cast(pl.Float64),
    )
    return frame.sort("kommune", "fra", "til", "maaling")
