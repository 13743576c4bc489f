"""Read person-level extracts (CSV, xlsx, Parquet) into the stored person schemas.

The kinds and their columns are :data:`fleksmon.schema.PERSON_KINDS`. Cells are
read as text and parsed explicitly and vectorized (each distinct date, period
and kommune once); person identifiers are pseudonymized on the way in
(:mod:`fleksmon.pseudonym`). Every input problem is one
:class:`~fleksmon.errors.FleksmonError` naming the file, row, column and fix;
no cell of a person-level file is ever echoed (any of them may hold a CPR number).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import polars as pl

from fleksmon.areas import suggest, try_area
from fleksmon.errors import FleksmonError, has_cpr
from fleksmon.numbers import THOUSANDS_DOT, DecimalMarks, is_missing_expr, number_expr
from fleksmon.periods import try_parse_period
from fleksmon.pseudonym import pseudonymize
from fleksmon.readers.container import check_file
from fleksmon.schema import FIRST_DATE, LAST_DATE, PERSON_KINDS

MAX_MONTH_HOURS_CENT = 74_400
"""744 hours (31 days of 24 hours): more in one month is absurd."""

_ROW = "_row"
FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

ALIASES: dict[str, tuple[str, ...]] = {
    "person": ("person", "cpr", "cprnr", "cpr_nr", "cpr_nummer", "id", "borger", "person_id",
               "personid", "pnr", "personnummer"),
    "kommune": ("kommune", "kommune_kode", "kommunekode", "kommunenr", "kommunenavn", "kom",
                "jobcenter", "omraade"),
    "start": ("start", "startdato", "start_dato", "fra", "fra_dato", "begin"),
    "slut": ("slut", "slutdato", "slut_dato", "end", "end_date", "til", "til_dato"),
    "periode": ("periode", "maaned", "month", "period", "md"),
    "timer": ("timer", "hours", "timer_i_alt", "antal_timer"),
    "timer_cent": ("timer_cent",),
    "loentimer": ("loentimer", "loen_timer"),
    "loentimer_cent": ("loentimer_cent",),
    "praktik_loentilskud": ("praktik_loentilskud", "praktik", "loentilskud"),
    "fleksjob": ("fleksjob",),
    "su": ("su", "uddannelse"),
    "beskaeftigelsesgrad": ("beskaeftigelsesgrad", "grad"),
    "employer": ("arbejdsgiver", "arbejdsgiver_id", "arbejdsgiver_cvr", "cvr", "cvr_nr", "cvrnr",
                 "cvr_nummer", "se_nr", "senr", "se_nummer", "employer", "employer_id",
                 "virksomhed", "virksomhed_cvr", "p_enhed"),
    "line_id": ("linje", "linje_id", "linjenr", "line", "line_id", "loebenr", "loebenummer",
                "record_id", "post_id"),
}  # fmt: skip
"""Canonical column → accepted header names (folded: lower case, æøå spelled out).

``employer`` and ``line_id`` are not stored: they only tell a repeated row from a
second employer's row (see :func:`repeat_error`)."""
ROW_IDS = ("employer", "line_id")

NEEDS: dict[str, tuple[str, ...]] = {
    "ly-forloeb": ("person", "kommune", "start", "slut"),
    "ly-maaneder": ("person", "kommune", "periode"),
    "fleksjob-timer": ("person", "kommune", "periode", "timer"),
    "ressourceforloeb": ("person", "kommune", "periode", "praktik_loentilskud", "loentimer",
                         "fleksjob", "su", "beskaeftigelsesgrad"),
}  # fmt: skip
"""Columns (canonical names) each kind needs."""

_AREA_KINDS = {"region": " but a region", "land": " but Hele landet"}
_TRUE = ("1", "ja", "j", "true", "sand", "yes", "x")
_FALSE = ("0", "nej", "n", "false", "falsk", "no")


@dataclass
class PersonResult:
    """A read person-level extract: ``frame`` in the ``PERSON_KINDS[kind]`` schema."""

    frame: pl.DataFrame
    kind: str
    warnings: list[str] = field(default_factory=list)
    rows: int = 0


def fold_header(name: str) -> str:
    """A header folded for alias matching: ``"Løntimer "`` → ``"loentimer"``."""
    t = name.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


_LOOKUP = {alias: canon for canon, names in ALIASES.items() for alias in names}


def _fail(source: str, row: int | None, column: str, what: str, fix: str) -> FleksmonError:
    where = f"row {row}, column {column!r}" if row is not None else f"column {column!r}"
    return FleksmonError(f"{source}: {where}: {what}", fix)


def _first_row(frame: pl.DataFrame, mask: pl.Series | pl.Expr) -> int:
    return int(frame.filter(mask).get_column(_ROW)[0])


# --------------------------------------------------------------------------- reading


def _read_csv(path: Path) -> pl.DataFrame:
    from fleksmon.readers.tabular import decode

    raw = decode(path).encode("utf-8")
    header = raw[: raw.find(b"\n")] if b"\n" in raw else raw
    counts = {sep: header.count(sep.encode()) for sep in (";", "\t", ",")}
    separator = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"
    try:
        frame = pl.read_csv(raw, separator=separator, infer_schema=False)
    except pl.exceptions.ComputeError:
        raise FleksmonError(
            f"{path.name}: cannot read the CSV file (ragged rows or broken quoting)",
            "save it as CSV with one header row and ';' or ',' between columns",
        ) from None
    return frame.with_row_index(_ROW, offset=2).with_columns(pl.col(_ROW).cast(pl.Int64))


def _read_xlsx(path: Path) -> pl.DataFrame:
    from fleksmon.readers.tabular import open_workbook

    reader = open_workbook(path)
    top = reader.load_sheet(0, header_row=None, n_rows=30, dtypes="string").to_polars()
    header_at = None
    for i, values in enumerate(top.iter_rows()):
        known = sum(1 for v in values if v is not None and fold_header(str(v)) in _LOOKUP)
        if known >= 2:
            header_at = i
            break
    if header_at is None:
        raise FleksmonError(
            f"{path.name}: no header row with person-level columns in the first 30 rows",
            "put a header row with person, kommune and periode (or start, slut) above the data",
        )
    frame = reader.load_sheet(0, header_row=header_at, dtypes="string").to_polars()
    return frame.with_row_index(_ROW, offset=header_at + 2).with_columns(
        pl.col(_ROW).cast(pl.Int64)
    )


def read_parquet(path: Path, *, schema_only: bool = False) -> pl.DataFrame:
    """A Parquet file (or an empty frame of its schema), or a one-line refusal."""
    try:
        if schema_only:
            return pl.DataFrame(schema=pl.read_parquet_schema(path))
        return pl.read_parquet(path)
    except Exception as err:  # polars raises several error types for a bad file
        reason = str(err).splitlines()[0]
        raise FleksmonError(
            f"{path.name}: not a readable Parquet file ({reason})",
            "write it again, or give the extract as CSV",
        ) from None


def _read_raw(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    check_file(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".parquet":
        return (
            read_parquet(path)
            .with_row_index(_ROW, offset=1)
            .with_columns(pl.col(_ROW).cast(pl.Int64))
        )
    raise FleksmonError(
        f"{path.name}: unknown file type {suffix!r}", "give a .csv, .xlsx or .parquet file"
    )


def canonical_renames(columns: list[str], source: str) -> dict[str, str]:
    """Header → canonical name for the recognized columns (a second column for the same
    canonical name is refused)."""
    renames: dict[str, str] = {}
    for name in columns:
        if name == _ROW:
            continue
        canon = _LOOKUP.get(fold_header(name))
        if canon is None:
            continue
        if canon in renames.values():
            raise _fail(
                source, None, name, f"a second column for {canon!r}", "keep one of the two columns"
            )
        renames[name] = canon
    return renames


def _canonical(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    renames = canonical_renames(frame.columns, source)
    return frame.select([_ROW, *renames]).rename(renames)


def canonical_columns(headers: list[str]) -> list[str]:
    """The canonical names of the headers fleksmon recognizes (others left out)."""
    found = (_LOOKUP.get(fold_header(h)) for h in headers if h)
    return [c for c in found if c is not None]


def check_header(source: str, headers: list[str]) -> None:
    """Refuse a header row that holds a CPR number: the file has no header row."""
    if any(has_cpr(str(h)) for h in headers):
        raise FleksmonError(
            f"{source}: the header row holds a person identifier where a column name belongs",
            "put a header row (person;kommune;periode;timer or start;slut) above the data",
        )


def detect_kind(columns: list[str]) -> str | None:
    """The person-level kind a set of canonical columns belongs to, or ``None``."""
    cols = set(columns)
    if cols & {"praktik_loentilskud", "su", "beskaeftigelsesgrad"}:
        return "ressourceforloeb"
    if cols & {"timer", "timer_cent"} or ("loentimer" in cols and "periode" in cols):
        return "fleksjob-timer"
    if "start" in cols:
        return "ly-forloeb"
    if "periode" in cols:
        return "ly-maaneder"
    return None


# --------------------------------------------------------------------------- parsing


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
    text = frame.select(_text("kommune")).to_series()
    if text.is_null().any():
        row = _first_row(frame, text.is_null())
        raise _fail(source, row, "kommune", "kommune is empty", "give a kommune name or DST code")
    unique = text.unique()
    codes: list[int] = []
    for value in unique.to_list():
        area = try_area(value)
        if area is None or area.kind != "kommune" or area.code is None:
            row = _first_row(frame, text == value)
            if has_cpr(value):
                raise _fail(
                    source,
                    row,
                    "kommune",
                    "a person identifier where the kommune belongs",
                    "check that the columns are named in the order they hold their values",
                )
            close = suggest(value) if area is None else []
            hint = f"did you mean {', '.join(close)}? Give" if close else "give"
            raise _fail(
                source,
                row,
                "kommune",
                "not one of the 98 kommuner" + _AREA_KINDS.get(area.kind if area else "", ""),
                hint + " the kommune by name or DST code",
            )
        codes.append(int(area.code))
    return text.replace_strict(unique, pl.Series(codes, dtype=pl.Int16), return_dtype=pl.Int16)


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
            row = _first_row(frame, col.cast(pl.String).str.strip_chars().is_in(bad.implode()))
            raise _fail(
                source,
                row,
                column,
                "cannot read the date",
                "write dates as 31-08-2019, 31.08.2019 or 2019-08-31",
            )
        parsed_col = _parse_unique(frame, column, parsed, unique, pl.Date())
    if required and parsed_col.is_null().any():
        row = _first_row(frame, parsed_col.is_null())
        raise _fail(source, row, column, "the date is empty", "every spell needs a start date")
    outside = ~parsed_col.is_between(FIRST_DATE, LAST_DATE) & parsed_col.is_not_null()
    if outside.any():
        raise _fail(
            source,
            _first_row(frame, outside),
            column,
            f"the date is outside {FIRST_DATE.year}–{LAST_DATE.year}",
            "correct the date",
        )
    return parsed_col.alias(column)


def _months(frame: pl.DataFrame, source: str) -> pl.Series:
    col = frame.get_column("periode")
    if col.dtype == pl.Date or isinstance(col.dtype, pl.Datetime):
        return (col.dt.year().cast(pl.Int32) * 12 + col.dt.month().cast(pl.Int32) - 1).alias(
            "maaned"
        )
    if (
        col.dtype.is_integer()
        and col.null_count() == 0
        and bool(col.is_between(23_880, 25_211).all())
    ):
        return col.cast(pl.Int32).alias("maaned")
    text = col.cast(pl.String).str.strip_chars()
    unique = text.unique()
    months: list[int | None] = []
    for value in unique.to_list():
        period = try_parse_period(value) if value else None
        if period is None or period.start != period.end:
            row = _first_row(frame, text.is_null() if value is None else text == value)
            what = (
                "the month is empty"
                if not value
                else "not a single month"
                if period is not None
                else "cannot read the month"
            )
            raise _fail(
                source, row, "periode", what, "write months as 2019M11, 2019-11 or nov 2019"
            )
        months.append(period.start)
    return text.replace_strict(
        unique, pl.Series(months, dtype=pl.Int32), return_dtype=pl.Int32
    ).alias("maaned")


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
        cent = (col * (1 if in_cent else 100)).round(0).cast(pl.Int64)
    else:
        text = col.cast(pl.String).str.replace_all("\u00a0", " ").str.strip_chars()
        unique = text.unique()
        parsed = pl.select(_cent_expr(pl.lit(unique))).to_series()
        if in_cent:
            parsed = pl.select(pl.lit(unique).cast(pl.Int64, strict=False)).to_series()
        bad = unique.filter(parsed.is_null())
        if len(bad):
            value = bad[0]
            row = _first_row(frame, text.is_null() if value is None else text == value)
            what = "hours are empty" if not value else "cannot read the hours"
            raise _fail(
                source, row, column, what, "write hours as 7,50 or 7.5 (decimal comma or point)"
            )
        cent = text.replace_strict(unique, parsed, return_dtype=pl.Int64)
    if cent.is_null().any():
        row = _first_row(frame, cent.is_null())
        raise _fail(source, row, column, "hours are empty", "write 0 for a month without hours")
    if (cent < 0).any():
        row = _first_row(frame, cent < 0)
        raise _fail(source, row, column, "hours are negative", "correct the hours (0 or more)")
    if (cent > MAX_MONTH_HOURS_CENT).any():
        row = _first_row(frame, cent > MAX_MONTH_HOURS_CENT)
        raise _fail(
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
        row = _first_row(frame, ~known)
        raise _fail(source, row, column, "expected 0 or 1", "write 1 (ja) or 0 (nej)")
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
        row = _first_row(frame, bad)
        raise _fail(
            source,
            row,
            "beskaeftigelsesgrad",
            "expected a number from 0 to 100",
            "give a percentage",
        )
    return value


# --------------------------------------------------------------------------- checks


def check_person_ids(frame: FrameT, source: str) -> None:
    """Refuse a row without a person id (a row that is empty altogether was skipped)."""
    person = pl.col("person").cast(pl.String)
    empty = person.is_null() | person.str.contains(r"^[\s\u00a0]*$")
    first = frame.lazy().filter(empty).select(pl.col(_ROW).min()).collect().item()
    if first is not None:
        raise _fail(
            source,
            int(first),
            "person",
            "the person id is empty",
            "give every row the person's CPR number or id",
        )


REPEATS_SCHEMA = {_ROW: pl.Int64, "_twin": pl.Int64, "person": pl.UInt64}
"""What :func:`repeated_rows` returns: a repeated row, its first twin, the person."""


def repeated_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``frame`` identical to an earlier row (``_twin``: the first such row).

    ``frame`` must hold all rows of its persons (identical rows share the person);
    the repeats of person-disjoint parts of a file are concatenated for
    :func:`repeat_error`.
    """
    data = [c for c in frame.columns if c != _ROW]
    digest = frame.select(pl.struct(data).hash(seed=0)).to_series()
    ordered = digest.sort()  # sorting finds repeats faster than a hash table here
    repeated = ordered.filter(ordered == ordered.shift(1)).unique()
    if repeated.is_empty():
        return pl.DataFrame(schema=REPEATS_SCHEMA)
    return (
        frame.select(_ROW, pl.col("person").cast(pl.UInt64))
        .with_columns(digest.alias("_h"))
        .filter(pl.col("_h").is_in(repeated.implode()))
        .with_columns(pl.col(_ROW).min().over("_h").alias("_twin"))
        .filter(pl.col("_twin") < pl.col(_ROW))
        .select(_ROW, "_twin", "person")
    )


MIN_BLOCK = 3
"""The fewest consecutive rows that make a repeated block (see :func:`repeat_error`)."""


def repeat_error(
    source: str, kind: str, repeats: pl.DataFrame, ids: list[str]
) -> FleksmonError | None:
    """The error for rows repeated where no extract can hold them twice, or ``None``.

    Two identical rows are legitimate in an hours panel without employer or line
    ids (two employers paying the same hours in one month: they are summed), and
    harmless in benefit months (counted once). Refused are: a block of at least
    :data:`MIN_BLOCK` consecutive rows covering two persons or more that repeats an
    earlier block row by row (the extract, or a part of it, exported twice; two
    consecutive rows do repeat by chance in a large panel, e.g. second employers'
    zero-hour rows); with an employer or line id column (``ids``), any row
    identical to an earlier one; and a spell given twice.
    """
    if repeats.is_empty():
        return None
    ordered = repeats.sort(_ROW)
    row, twin = pl.col(_ROW), pl.col("_twin")
    chained = (row.shift(1) == row - 1) & (twin.shift(1) == twin - 1)
    blocks = (
        ordered.with_columns((~chained.fill_null(False)).cum_sum().alias("_run"))
        .group_by("_run")
        .agg(
            row.min().alias("first"),
            row.max().alias("last"),
            twin.min().alias("from"),
            twin.max().alias("to"),
            pl.col("person").n_unique().alias("persons"),
        )
        .filter((pl.col("persons") >= 2) & (pl.col("last") - pl.col("first") + 1 >= MIN_BLOCK))
        .sort("first")
    )
    if blocks.height:
        b = blocks.row(0, named=True)
        return FleksmonError(
            f"{source}: rows {b['first']}–{b['last']} repeat rows {b['from']}–{b['to']} "
            "exactly: the extract, or a part of it, was exported twice",
            "export it again, or delete the repeated rows (if they are a second employer's, "
            "add the employer column, e.g. cvr)",
        )
    later, earlier = (int(v) for v in ordered.select(_ROW, "_twin").row(0))
    if ids:
        what = "employer" if "employer" in ids else "line id"
        return FleksmonError(
            f"{source}: row {later} repeats row {earlier} exactly, {what} included",
            "delete the repeated row: one employer's row for a person and month is given once",
        )
    if kind == "ly-forloeb":
        return _fail(source, later, "start", f"the same spell as row {earlier}", "delete it")
    return None


HOURS_COLUMN = {"fleksjob-timer": "timer_cent", "ressourceforloeb": "loentimer_cent"}
"""The hours column of the kinds that have one."""

_HISTORY: tuple[tuple[str, str, str, str], ...] = (
    ("backwards", "slut", "the spell ends before it starts", "correct start or slut"),
    (
        "overlap",
        "start",
        "the spell overlaps another spell of the same person",
        "merge or correct the person's spells (a running spell must be the last one)",
    ),
    (
        "two_kommuner",
        "kommune",
        "the person is in two kommuner in the same month",
        "give each person one kommune a month",
    ),
    (
        "over_744",
        "timer",
        "the person's rows of this month add up to more than 744 hours",
        "check for duplicated rows",
    ),
)
"""The checks that need a person's whole history, in the order they are reported."""


def history_problems(frame: pl.DataFrame, kind: str) -> tuple[dict[str, int], int]:
    """The first offending row (``_ROW``) of each person-history check that fails in
    ``frame``, and the number of person-months given more than once (``ly-maaneder``).

    ``frame`` must hold all rows of its persons; the checks of person-disjoint parts
    of a file combine by taking each check's smallest row.
    """
    found: dict[str, int] = {}
    if kind == "ly-forloeb":
        backwards = (frame.get_column("slut") < frame.get_column("start")).fill_null(False)
        if backwards.any():
            found["backwards"] = _first_row(frame, backwards)
        ordered = frame.sort("person", "start", "slut", nulls_last=True)
        prev_end = pl.col("slut").shift(1)
        overlap = ordered.filter(
            (pl.col("person") == pl.col("person").shift(1))
            & (prev_end.is_null() | (pl.col("start") <= prev_end))
        )
        if overlap.height:
            found["overlap"] = int(overlap.get_column(_ROW).min())  # type: ignore[arg-type]
        return found, 0
    hours = HOURS_COLUMN.get(kind)
    aggs = [pl.col("kommune_kode").n_unique().alias("k"), pl.col(_ROW).min().alias("r"), pl.len()]
    if hours is not None:
        aggs.append(pl.col(hours).sum().alias("h"))
    grouped = frame.group_by("person", "maaned").agg(aggs)
    two = grouped.filter(pl.col("k") > 1)
    if two.height:
        found["two_kommuner"] = int(two.get_column("r").min())  # type: ignore[arg-type]
    if hours is not None:
        absurd = grouped.filter(pl.col("h") > MAX_MONTH_HOURS_CENT)
        if absurd.height:
            found["over_744"] = int(absurd.get_column("r").min())  # type: ignore[arg-type]
        return found, 0
    return found, grouped.filter(pl.col("len") > 1).height


def history_error(source: str, kind: str, found: dict[str, int]) -> FleksmonError | None:
    """The error for the first failed person-history check (see :func:`history_problems`)."""
    for name, column, what, fix in _HISTORY:
        if name in found:
            shown = HOURS_COLUMN[kind].removesuffix("_cent") if name == "over_744" else column
            return _fail(source, found[name], shown, what, fix)
    return None


def duplicates_warning(dupes: int) -> list[str]:
    """The warning for person-months given more than once (counted once)."""
    return [f"{dupes} person-months appeared more than once and were counted once"] if dupes else []


# --------------------------------------------------------------------------- entry point


def _known_columns(canonical: list[str], total: int) -> str:
    """The columns recognized, for messages; other headers are counted, never shown."""
    named = f"recognized: {', '.join(canonical)}" if canonical else "none recognized"
    others = total - len(canonical)
    return named + (f"; {others} other column{'s' if others > 1 else ''}" if others else "")


def read_person(path: Path, kind: str | None, *, key: bytes) -> PersonResult:
    """Read a person-level extract of ``kind`` (detected from the columns when ``None``).

    Returns the frame in the ``PERSON_KINDS[kind]`` schema with pseudonymized
    ``person``, the kind, warnings and the row count. Raises
    :class:`FleksmonError` for any input problem.
    """
    source = path.name
    if kind is not None and kind not in PERSON_KINDS:
        raise FleksmonError(
            f"unknown person-level kind {kind!r}", f"use one of {', '.join(PERSON_KINDS)}"
        )
    raw = _read_raw(path)
    found = [c for c in raw.columns if c != _ROW]
    check_header(source, found)
    frame = _canonical(raw, source)
    data_cols = [c for c in frame.columns if c != _ROW]
    known = _known_columns(data_cols, len(found))
    before = frame.height
    frame = (
        frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in data_cols))
        if data_cols
        else frame
    )
    warnings = [f"{before - frame.height} empty rows skipped"] if frame.height < before else []
    chosen, frame = resolve_kind(source, frame, data_cols, kind, known)
    check_person_ids(frame, source)
    frame = pseudonymize(frame, key, column="person", source=source, row_column=_ROW)
    parsed = parse_columns(frame, chosen, source)
    ids = [c for c in ROW_IDS if c in parsed.columns]
    repeated = repeat_error(source, chosen, repeated_rows(parsed), ids)
    if repeated is not None:
        raise repeated
    found_problems, dupes = history_problems(parsed, chosen)
    error = history_error(source, chosen, found_problems)
    if error is not None:
        raise error
    warnings += duplicates_warning(dupes)
    if chosen == "ly-maaneder":
        parsed = parsed.unique(["person", "maaned"], keep="first", maintain_order=True)
    schema = PERSON_KINDS[chosen]
    out = parsed.select(pl.col(name).cast(dtype) for name, dtype in schema.items())
    return PersonResult(frame=out, kind=chosen, warnings=warnings, rows=out.height)


def resolve_kind(
    source: str, frame: FrameT, data_cols: list[str], kind: str | None, known: str
) -> tuple[str, FrameT]:
    """The extract's kind (``kind``, else detected from the columns) and the frame with
    its hours column named; refuses a frame without a column the kind needs."""
    chosen = kind or detect_kind(data_cols)
    if chosen is None:
        raise FleksmonError(
            f"{source}: cannot tell the kind of extract from its columns ({known})",
            "name the columns person, kommune and periode/timer or start/slut, or pass --kind",
        )
    names = set(data_cols)
    if chosen == "fleksjob-timer" and not names & {"timer", "timer_cent"} and "loentimer" in names:
        frame = frame.rename({"loentimer": "timer"})
        names = (names - {"loentimer"}) | {"timer"}
    for need in NEEDS[chosen]:
        alt = f"{need}_cent"
        if need not in names and alt not in names:
            raise FleksmonError(
                f"{source}: no {need!r} column for a {chosen} extract ({known})",
                f"add the column or rename it; accepted names: {', '.join(ALIASES[need])}",
            )
    return chosen, frame


def decimals_error(source: str, marks: DecimalMarks) -> FleksmonError | None:
    """The refusal of hours or a grade written ``0.600`` where the file does not write
    decimals with a point (``None`` when there is nothing to refuse)."""
    why = marks.refused()
    if why is None or marks.undecided is None:
        return None
    row, column = marks.undecided
    return _fail(
        source,
        row,
        column,
        "a dot before three digits is not a thousands separator here (the first group is 0 "
        f"or longer than three digits), and {why}, so the number is not read as a decimal "
        "either",
        "write decimals with a comma (0,600) or the same way in the whole file",
    )


def parse_columns(
    frame: pl.DataFrame, chosen: str, source: str, marks: DecimalMarks | None = None
) -> pl.DataFrame:
    """The canonical text columns of ``frame`` (``person`` pseudonymized) parsed into the
    ``PERSON_KINDS[chosen]`` schema, with ``_ROW`` and the row ids (:data:`ROW_IDS`) the
    file has; refuses any cell that cannot be read. A file read in chunks passes one
    ``marks`` for all of them and refuses with :func:`decimals_error` at the end."""
    whole = marks is None
    marks = DecimalMarks() if marks is None else marks
    decimals = [
        c
        for c in ("timer", "loentimer", "beskaeftigelsesgrad")
        if c in frame.columns and frame.schema[c] == pl.String
    ]
    marks.add(frame, decimals, _ROW)
    if whole and (error := decimals_error(source, marks)) is not None:
        raise error
    columns: dict[str, pl.Series] = {
        "person": frame.get_column("person"),
        "kommune_kode": _kommune(frame, source),
    }
    if chosen == "ly-forloeb":
        columns["start"] = _dates(frame, "start", source, required=True)
        columns["slut"] = _dates(frame, "slut", source, required=False)
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
    return pl.DataFrame({name: columns[name].alias(name) for name in schema}).with_columns(
        frame.get_column(_ROW), *frame.select(_text(c) for c in ROW_IDS if c in frame.columns)
    )


__all__ = [
    "ALIASES",
    "NEEDS",
    "PersonResult",
    "check_header",
    "detect_kind",
    "fold_header",
    "read_person",
]
