"""Parse the cells of a person-level extract: kommune, dates, months, hours, flags, grade.

Cells are read as text and parsed explicitly and vectorized (each distinct date,
period and kommune once). A cell that cannot be read is refused naming file, row
and column, never the cell (any of them may hold a CPR number).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from fleksmon.areas import suggest, try_area
from fleksmon.errors import FleksmonError, has_cpr
from fleksmon.numbers import THOUSANDS_DOT, DecimalMarks, is_missing_expr, number_expr
from fleksmon.periods import month_date, month_index, month_of_date, try_parse_period
from fleksmon.readers.person_columns import ROW, ROW_IDS, fail, first_row
from fleksmon.schema import PERSON_KINDS, Given

FIRST_PERSON_MONTH = month_index(1998, 1)
"""The first month person-level data may hold: flexjob and ledighedsydelse began in 1998."""
MONTHS_AHEAD = 12
"""How far after today a person-level date or month may lie."""
MAX_MONTH_HOURS_CENT = 74_400
"""744 hours (31 days of 24 hours): more in one month is absurd."""

_AREA_KINDS = {"region": " but a region", "land": " but Hele landet"}
_TRUE = ("1", "ja", "j", "true", "sand", "yes", "x")
_FALSE = ("0", "nej", "n", "false", "falsk", "no")


def _text(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.replace_all("\u00a0", " ").str.strip_chars()


def _parse_unique(
    frame: pl.DataFrame, column: str, parsed: pl.Series, unique: pl.Series, dtype: pl.DataType
) -> pl.Series:
    return (
        frame.get_column(column)
        .cast(pl.String)
        .str.strip_chars()
        .replace_strict(unique, parsed, default=None, return_dtype=dtype)
    )


def _kommune(frame: pl.DataFrame, source: str) -> pl.Series:
    raw = frame.get_column("kommune")
    if raw.is_null().any():
        row = first_row(frame, raw.is_null())
        raise fail(source, row, "kommune", "kommune is empty", "give a kommune name or DST code")
    unique = raw.unique()  # each distinct cell (text or DST code) read once
    texts = pl.DataFrame({"kommune": unique}).select(_text("kommune")).to_series()
    codes: list[int] = []
    for cell, value in zip(unique.to_list(), texts.to_list(), strict=True):
        area = try_area(value)
        if area is None or area.kind != "kommune" or area.code is None:
            row = first_row(frame, raw == cell)
            if has_cpr(value):
                raise fail(
                    source,
                    row,
                    "kommune",
                    "a person identifier where the kommune belongs",
                    "check that the columns are named in the order they hold their values",
                )
            close = suggest(value) if area is None else []
            hint = f"did you mean {', '.join(close)}? Give" if close else "give"
            raise fail(
                source,
                row,
                "kommune",
                "not one of the 98 kommuner" + _AREA_KINDS.get(area.kind if area else "", ""),
                hint + " the kommune by name or DST code",
            )
        codes.append(int(area.code))
    return raw.replace_strict(unique, pl.Series(codes, dtype=pl.Int16), return_dtype=pl.Int16)


def _date_expr(s: pl.Expr) -> pl.Expr:
    serial = s.str.extract(r"^(\d{5})(?:\.0+)?$").cast(pl.Int64)
    return pl.coalesce(
        s.str.strptime(pl.Date, "%d-%m-%Y", strict=False),
        s.str.strptime(pl.Date, "%d.%m.%Y", strict=False),
        s.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
        s.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        s.str.extract(r"^(\d{4}-\d{2}-\d{2})[ T]\d").str.strptime(
            pl.Date, "%Y-%m-%d", strict=False
        ),
        pl.when(serial.is_between(1, 2_958_465)).then(
            pl.lit(dt.date(1899, 12, 30)) + pl.duration(days=serial)
        ),
    )


def _dates(frame: pl.DataFrame, column: str, source: str, *, required: bool) -> pl.Series:
    col = frame.get_column(column)
    if col.dtype == pl.Date:
        parsed_col = col
    elif isinstance(col.dtype, pl.Datetime):
        parsed_col = col.dt.date()
    else:
        unique = col.cast(pl.String).str.strip_chars().unique()
        parsed = pl.select(
            pl.when(is_missing_expr(pl.lit(unique)))
            .then(None)
            .otherwise(_date_expr(pl.lit(unique)))
        ).to_series()
        bad = unique.filter(
            parsed.is_null() & ~pl.select(is_missing_expr(pl.lit(unique))).to_series()
        )
        if len(bad):
            row = first_row(frame, col.cast(pl.String).str.strip_chars().is_in(bad.implode()))
            raise fail(
                source,
                row,
                column,
                "cannot read the date",
                "write dates as 31-08-2019, 31.08.2019 or 2019-08-31",
            )
        parsed_col = _parse_unique(frame, column, parsed, unique, pl.Date())
    if required and parsed_col.is_null().any():
        row = first_row(frame, parsed_col.is_null())
        raise fail(source, row, column, "the date is empty", "every spell needs a start date")
    month = parsed_col.dt.year().cast(pl.Int32) * 12 + parsed_col.dt.month().cast(pl.Int32) - 1
    _check_span(frame, source, column, month, "date")
    return parsed_col.alias(column)


def _marking_days(frame: pl.DataFrame, column: str, shown: str, source: str) -> pl.Series:
    """A marking extract's ``fra`` (``column`` ``start``) or ``til`` (``slut``): a date, or a
    month meaning its first day (``fra``) or last day (``til``); ``til`` may be empty (the
    marking runs), ``fra`` not."""
    end = shown == "til"
    col = frame.get_column(column)
    if col.dtype == pl.Date or isinstance(col.dtype, pl.Datetime):
        days = col.cast(pl.Date)
    else:
        text = col.cast(pl.String).str.replace_all("\u00a0", " ").str.strip_chars()
        unique = text.unique()
        dated = pl.select(
            pl.when(is_missing_expr(pl.lit(unique)))
            .then(None)
            .otherwise(_date_expr(pl.lit(unique)))
        ).to_series()
        missing = pl.select(is_missing_expr(pl.lit(unique))).to_series()
        values: list[dt.date | None] = []
        for value, day, empty in zip(
            unique.to_list(), dated.to_list(), missing.to_list(), strict=True
        ):
            period = None if day is not None or empty else try_parse_period(value)
            if period is not None and period.start == period.end:
                day = (
                    month_date(period.start + 1) - dt.timedelta(days=1)
                    if end
                    else month_date(period.start)
                )
            elif day is None and not empty:
                raise fail(
                    source,
                    first_row(frame, text == value),
                    shown,
                    "cannot read the date or month",
                    "write a date as 31-08-2019 or 2019-08-31, or a month as 2019M08",
                )
            values.append(day)
        days = text.replace_strict(unique, pl.Series(values, dtype=pl.Date), return_dtype=pl.Date)
    if not end and days.is_null().any():
        row = first_row(frame, days.is_null())
        raise fail(
            source,
            row,
            shown,
            "the date is empty",
            "every marking needs the day (or month) it began",
        )
    month = days.dt.year().cast(pl.Int32) * 12 + days.dt.month().cast(pl.Int32) - 1
    _check_span(frame, source, shown, month, "date")
    return days.alias(shown)


def _months(frame: pl.DataFrame, source: str) -> pl.Series:
    col = frame.get_column("periode")
    if col.dtype == pl.Date or isinstance(col.dtype, pl.Datetime):
        dated = col.dt.year().cast(pl.Int32) * 12 + col.dt.month().cast(pl.Int32) - 1
        return _check_span(frame, source, "periode", dated, "month").alias("maaned")
    if (
        col.dtype.is_integer()
        and col.null_count() == 0
        and bool(col.is_between(23_880, 25_211).all())
    ):
        return _check_span(frame, source, "periode", col.cast(pl.Int32), "month").alias("maaned")
    raw = col.cast(pl.String)
    unique = raw.unique()  # each distinct cell read once
    months: list[int | None] = []
    for cell, value in zip(unique.to_list(), unique.str.strip_chars().to_list(), strict=True):
        period = try_parse_period(value) if value else None
        if period is None or period.start != period.end:
            row = first_row(frame, raw.is_null() if cell is None else raw == cell)
            what = (
                "the month is empty"
                if not value
                else "not a single month"
                if period is not None
                else "cannot read the month"
            )
            raise fail(source, row, "periode", what, "write months as 2019M11, 2019-11 or nov 2019")
        months.append(period.start)
    parsed = raw.replace_strict(unique, pl.Series(months, dtype=pl.Int32), return_dtype=pl.Int32)
    return _check_span(frame, source, "periode", parsed, "month").alias("maaned")


def _check_span(
    frame: pl.DataFrame, source: str, column: str, months: pl.Series, what: str
) -> pl.Series:
    """``months`` (month indexes), or the refusal of the first row before 1998 (when flexjob
    and ledighedsydelse began) or more than 12 months after today (a typo: 2109, 2999)."""
    latest = month_of_date(dt.date.today()) + MONTHS_AHEAD
    outside = (months < FIRST_PERSON_MONTH) | (months > latest)
    if outside.any():
        row = first_row(frame, outside.fill_null(False))
        early = int(months.filter((frame.get_column(ROW) == row) & outside)[0]) < (
            FIRST_PERSON_MONTH
        )
        raise fail(
            source,
            row,
            column,
            f"the {what} is before 1998 (when flexjob and ledighedsydelse began)"
            if early
            else f"the {what} is more than 12 months after today",
            f"correct the {what} (a typo in the year?)",
        )
    return months


def _cent_expr(s: pl.Expr) -> pl.Expr:
    """Danish hours text → integer hundredths, exactly (no float on the way)."""
    negative = s.str.starts_with("-")
    body = s.str.strip_prefix("-").str.strip_prefix("+").str.replace_all(" ", "")
    canon = (
        pl.when(body.str.contains(THOUSANDS_DOT))
        .then(body.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(body.str.contains(r"^\d+,\d*$"))
        .then(body.str.replace(",", "."))
        .when(body.str.contains(r"^\d+(\.\d*)?$"))
        .then(body)
        .when(body.str.contains(r"^[.,]\d+$"))
        .then("0." + body.str.slice(1))
    )
    whole = canon.str.extract(r"^(\d+)").cast(pl.Int64)
    frac3 = (canon.str.extract(r"\.(\d*)$").fill_null("") + "000").str.slice(0, 3).cast(pl.Int64)
    cent = whole * 100 + frac3 // 10 + (frac3 % 10 >= 5).cast(pl.Int64)
    return pl.when(negative).then(-cent).otherwise(cent)


def _hours(frame: pl.DataFrame, column: str, source: str, *, in_cent: bool) -> pl.Series:
    col = frame.get_column(column)
    if col.dtype.is_integer():
        cent = col.cast(pl.Int64) * (1 if in_cent else 100)
    elif col.dtype.is_float():
        odd = col.is_nan() | col.is_infinite()
        if odd.any():
            row = first_row(frame, odd.fill_null(False))
            raise fail(
                source,
                row,
                column,
                "hours are not a number (NaN or infinite)",
                "write the hours as a number (0 for a month without hours)",
            )
        cent = (col * (1 if in_cent else 100)).round(0).cast(pl.Int64)
    else:
        raw = col.cast(pl.String)
        unique = raw.unique()  # each distinct cell read once
        text = unique.str.replace_all("\u00a0", " ").str.strip_chars()
        parsed = pl.select(_cent_expr(pl.lit(text))).to_series()
        if in_cent:
            parsed = pl.select(pl.lit(text).cast(pl.Int64, strict=False)).to_series()
        bad = unique.filter(parsed.is_null())
        if len(bad):
            row = first_row(frame, raw.is_in(bad.implode(), nulls_equal=True))
            value = frame.filter(pl.col(ROW) == row).get_column(column).cast(pl.String)[0]
            what = "hours are empty" if not (value or "").strip() else "cannot read the hours"
            raise fail(
                source, row, column, what, "write hours as 7,50 or 7.5 (decimal comma or point)"
            )
        cent = raw.replace_strict(unique, parsed, return_dtype=pl.Int64)
    if cent.is_null().any():
        row = first_row(frame, cent.is_null())
        raise fail(source, row, column, "hours are empty", "write 0 for a month without hours")
    if (cent < 0).any():
        row = first_row(frame, cent < 0)
        raise fail(source, row, column, "hours are negative", "correct the hours (0 or more)")
    if (cent > MAX_MONTH_HOURS_CENT).any():
        row = first_row(frame, cent > MAX_MONTH_HOURS_CENT)
        raise fail(
            source,
            row,
            column,
            "more than 744 hours in a month",
            "give monthly hours (not yearly totals or minutes)",
        )
    return cent


def _flags(frame: pl.DataFrame, column: str, source: str) -> pl.Series:
    col = frame.get_column(column)
    if col.dtype == pl.Boolean:
        return col.fill_null(False)
    text = col.cast(pl.String).str.strip_chars().str.to_lowercase()
    known = text.is_null() | text.is_in(list(_TRUE + _FALSE + ("",)))
    if not known.all():
        row = first_row(frame, ~known)
        raise fail(source, row, column, "expected 0 or 1", "write 1 (ja) or 0 (nej)")
    return text.is_in(list(_TRUE)).fill_null(False)


def _grade(frame: pl.DataFrame, source: str) -> pl.Series:
    col = frame.get_column("beskaeftigelsesgrad")
    value = (
        col.cast(pl.Float64)
        if col.dtype.is_numeric()
        else frame.select(number_expr(pl.col("beskaeftigelsesgrad"))).to_series()
    )
    bad = value.is_null() | ~value.is_between(0, 100)
    if bad.any():
        row = first_row(frame, bad)
        raise fail(
            source,
            row,
            "beskaeftigelsesgrad",
            "expected a number from 0 to 100",
            "give a percentage",
        )
    return value


def decimals_error(source: str, marks: DecimalMarks) -> FleksmonError | None:
    """The refusal of hours or a grade written ``0.600`` where the file does not write
    decimals with a point (``None`` when there is nothing to refuse)."""
    why = marks.refused()
    if why is None or marks.undecided is None:
        return None
    row, column = marks.undecided
    return fail(
        source,
        row,
        column,
        "a dot before three digits is not a thousands separator here (the first group is 0 "
        f"or longer than three digits), and {why}, so the number is not read as a decimal "
        "either",
        "write decimals with a comma (0,600) or the same way in the whole file",
    )


def parse_columns(
    frame: pl.DataFrame,
    chosen: str,
    source: str,
    marks: DecimalMarks | None = None,
    given: Given | None = None,
) -> pl.DataFrame:
    """The canonical text columns of ``frame`` (``person`` pseudonymized) parsed into the
    ``PERSON_KINDS[chosen]`` schema, with ``ROW`` and the row ids (:data:`ROW_IDS`) the
    file has; refuses any cell that cannot be read. A file read in chunks passes one
    ``marks`` for all of them and refuses with :func:`decimals_error` at the end.
    ``given``: the values of the kind's columns given at ingest, not read from the file
    (:data:`~fleksmon.schema.GIVEN_COLUMNS`: a marking extract's person group)."""
    whole = marks is None
    marks = DecimalMarks() if marks is None else marks
    decimals = [
        c
        for c in ("timer", "loentimer", "beskaeftigelsesgrad")
        if c in frame.columns and frame.schema[c] == pl.String
    ]
    marks.add(frame, decimals, ROW)
    if whole and (error := decimals_error(source, marks)) is not None:
        raise error
    columns: dict[str, pl.Series] = {
        "person": frame.get_column("person"),
        "kommune_kode": _kommune(frame, source),
    }
    if chosen == "ly-forloeb":
        columns["start"] = _dates(frame, "start", source, required=True)
        columns["slut"] = _dates(frame, "slut", source, required=False)
    elif chosen == "persongruppe":
        columns["fra"] = _marking_days(frame, "start", "fra", source)
        columns["til"] = _marking_days(frame, "slut", "til", source)
    else:
        columns["maaned"] = _months(frame, source)
    if chosen == "fleksjob-timer":
        name = "timer_cent" if "timer_cent" in frame.columns else "timer"
        columns["timer_cent"] = _hours(frame, name, source, in_cent=name == "timer_cent")
    if chosen == "ressourceforloeb":
        name = "loentimer_cent" if "loentimer_cent" in frame.columns else "loentimer"
        columns["loentimer_cent"] = _hours(frame, name, source, in_cent=name.endswith("_cent"))
        for flag in ("praktik_loentilskud", "fleksjob", "su"):
            columns[flag] = _flags(frame, flag, source)
        columns["beskaeftigelsesgrad"] = _grade(frame, source)

    schema = PERSON_KINDS[chosen]
    for name, value in (given or {}).items():
        columns[name] = pl.repeat(value, frame.height, dtype=schema[name], eager=True)
    return pl.DataFrame({name: columns[name].alias(name) for name in schema}).with_columns(
        frame.get_column(ROW), *frame.select(_text(c) for c in ROW_IDS if c in frame.columns)
    )
