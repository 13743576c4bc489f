"""Ressourceforløb as STAR publishes it: the overview, the R1 and R2 tables and the
indicators, per area and for groups of kommuner (the participating kommuner).

Every figure comes from the R1 records of :func:`fleksmon.api.compute` (each
category's count, the population and the indicator counts); a group's total row
sums its kommuner's counts and recomputes the shares from them (never averages
shares), and is made only when every kommune of the group has data.

>>> import polars as pl
>>> from fleksmon.schema import AGGREGATE
>>> jan, mar = 2020 * 12, 2020 * 12 + 2
>>> counts = {"rf_maalgruppe": 4697, "rf_praktik_loentilskud": 1124, "rf_loentimer": 113,
...           "rf_fleksjob": 32, "rf_selvforsoerget": 32, "rf_uddannelse": 10}
>>> frame = pl.DataFrame([("Viborg", jan, mar, m, float(v)) for m, v in counts.items()],
...                      schema=AGGREGATE, orient="row")
>>> report = ressourceforloeb(frame=frame, kommuner=["Viborg"])
>>> row = report.areas.row(0, named=True)
>>> row["virksomhedsrettet"], row["beskaeftigelse"], round(row["virksomhedsrettet_pct"], 1)
(1311, 187, 27.9)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from fleksmon import api, areas, texts
from fleksmon.criteria import RF_CATEGORIES, RF_INDICATOR_SUMS, RF_INDICATORS, Criterion
from fleksmon.errors import FleksmonError
from fleksmon.groups import resolve_names
from fleksmon.periods import Period, month_code
from fleksmon.query import Query, QueryFields, make_query

if TYPE_CHECKING:
    from typing_extensions import Unpack

CATEGORIES: tuple[str, ...] = tuple(key for key, _ in RF_CATEGORIES)
"""The categories' record keys in hierarchy order (selvforsørget first)."""
INDICATORS: tuple[str, ...] = tuple(key for key, _ in RF_INDICATORS)
"""The indicator counts' record keys."""
R2_KEY, R1_KEY = "beskaeftigelse", "virksomhedsrettet"
"""The sums: R2 (categories 1–4) and R1 (categories 1–5)."""
COUNT_KEYS: tuple[str, ...] = ("population", *CATEGORIES, R2_KEY, R1_KEY)
"""The counts of :attr:`RfReport.areas`; each but the population has a ``_pct`` share."""
DURATIONS: tuple[str, ...] = ("under_1_aar", "forloeb_1_2_aar", "over_2_aar")
"""Running spells by duration (1–11, 12–23, 24+ months)."""
TOTAL = "I alt"
"""The name of the total row of several kommuner named with ``--kommune``."""


@dataclass
class RfReport:
    """The ressourceforløb report of a period.

    ``areas``: one row per area (kommune, region, Hele landet, then group totals,
    ``total`` true) with the population, each category's count, the R2 and R1
    sums and their shares (``<key>_pct``, null for an empty population);
    ``indicators``: per area the indicator counts at the period's last month and
    the shares (``uden_indsats_pct`` of the long spells, durations of all running
    spells); ``headline`` the area whose R1/R2 tables are shown.
    """

    period: Period
    r1: Criterion
    r2: Criterion
    areas: pl.DataFrame
    indicators: pl.DataFrame
    headline: str
    source: str
    notes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    """The notes saying where figures are missing, old or summed (stderr beside CSV/JSON)."""
    as_of: str | None = None
    """The ``--as-of`` time the store was read at (ISO), or ``None``."""
    hidden: dict[str, dict[str, str]] = field(default_factory=dict)
    """With discretion: by area and column, what the tables show instead of a hidden
    count (``<5``, or ``x`` for one that would reveal it or rests on one)."""

    def shown_instead(self, area: str, key: str) -> str | None:
        """The text shown for a hidden cell (a count, or ``<key>_pct``), ``None`` if the
        area has nothing hidden."""
        if area not in self.hidden:
            return None
        return "x" if key.endswith("_pct") else self.hidden[area].get(key, "x")

    def records(self) -> pl.DataFrame:
        """One record per area and table row (R1 rows, then R2 rows): count, population
        and share of the population — what ``--format csv|json`` writes."""
        rows = []
        for area in self.areas.to_dicts():
            for table, keys in (("R1", R1_ROWS), ("R2", R2_ROWS)):
                for key in keys:
                    rows.append(
                        {
                            "kommune": area["kommune"],
                            "kommune_kode": area["kommune_kode"],
                            "total": area["total"],
                            "period": self.period.code(),
                            "table": table,
                            "category": key,
                            "label": LABELS[key],
                            "count": area[key],
                            "population": area["population"],
                            "share_pct": area[f"{key}_pct"],
                            "note": area["note"],
                            "as_of": self.as_of,
                            "suppressed": area["kommune"] in self.hidden,
                        }
                    )
        frame = pl.DataFrame(rows, schema=RECORD_SCHEMA, orient="row")
        return frame if self.hidden else frame.drop("suppressed")

    @property
    def has_indicators(self) -> bool:
        """True when the data holds the indicators for some area."""
        return bool(self.indicators["lange_forloeb"].is_not_null().any())

    def indicator_records(self) -> pl.DataFrame:
        """The indicators with the month they are taken at (``month``, the period's last)."""
        month = pl.lit(month_code(self.period.end)).alias("month")
        frame = self.indicators.select(
            "kommune",
            "kommune_kode",
            "total",
            month,
            pl.exclude("kommune", "kommune_kode", "total", "note"),
            "note",
            pl.lit(self.as_of, pl.String).alias("as_of"),
        )
        if not self.hidden:
            return frame
        return frame.with_columns(pl.col("kommune").is_in(list(self.hidden)).alias("suppressed"))


R1_ROWS: tuple[str, ...] = ("praktik_loentilskud", R2_KEY, R1_KEY)
"""Resultatkrav 1's rows as the report prints them."""
R2_ROWS: tuple[str, ...] = ("loentimer", "fleksjob", "selvforsoerget", "uddannelse", R2_KEY)
"""Resultatkrav 2's rows as the report prints them."""
LABELS: dict[str, str] = {
    "praktik_loentilskud": "Virksomhedspraktik/løntilskud",
    "loentimer": "Ordinære løntimer",
    "fleksjob": "Fleksjob",
    "selvforsoerget": "Selvforsørget beskæftigelse",
    "uddannelse": "Uddannelse",
    R2_KEY: "Beskæftigelse mv.",
    R1_KEY: "Virksomhedsrettet indsats mv.",
}
"""The report's row labels."""
RECORD_SCHEMA: dict[str, pl.DataType] = {
    "kommune": pl.String(),
    "kommune_kode": pl.String(),
    "total": pl.Boolean(),
    "period": pl.String(),
    "table": pl.String(),
    "category": pl.String(),
    "label": pl.String(),
    "count": pl.Int64(),
    "population": pl.Int64(),
    "share_pct": pl.Float64(),
    "note": pl.String(),
    "as_of": pl.String(),
    "suppressed": pl.Boolean(),
}


def _plus(columns: Sequence[str]) -> pl.Expr:
    """The sum of counts, null where one of them is missing (never a 0 made of nothing)."""
    total = pl.col(columns[0])
    for name in columns[1:]:
        total = total + pl.col(name)
    return total


def _share(count: str, population: str) -> pl.Expr:
    den = pl.col(population)
    return pl.when(den > 0).then(100.0 * pl.col(count) / den).otherwise(None)


def _with_shares(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        *[_share(k, "population").alias(f"{k}_pct") for k in COUNT_KEYS[1:]],
        _share("uden_indsats", "lange_forloeb").alias("uden_indsats_pct"),
        *[_share(k, "forloeb").alias(f"{k}_pct") for k in DURATIONS],
    )


def _expand(
    kommuner: Sequence[str], groups: Mapping[str, Sequence[str]]
) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The areas asked for (group names replaced by their kommuner) and the totals to make.

    With no areas asked for, every group is shown; several kommuner named one by one
    get an ``I alt`` row.
    """
    wanted: list[str] = []
    totals: list[tuple[str, list[str]]] = []
    single: list[str] = []
    for name in resolve_names(list(kommuner) or list(groups), groups):
        if name not in groups:
            single.append(name)
            continue
        members = [areas.resolve(k).name for k in groups[name]]
        wanted.extend(members)
        totals.append((name, members))
    wanted.extend(single)
    kommune_only = [n for n in single if areas.resolve(n).kind == "kommune"]
    if len(kommune_only) >= 2 and not totals:
        totals.append((TOTAL, kommune_only))
    return list(dict.fromkeys(wanted)), totals


def ressourceforloeb(query: Query | None = None, **selection: Unpack[QueryFields]) -> RfReport:
    """The ressourceforløb report for the query's period (default: the latest with data).

    The query's ``groups`` map a group name (e.g. ``Deltagerkommuner``) to its
    kommuner (a targets file's ``[grupper]``); a group named among the query's
    kommuner is replaced by its kommuner and gets a total row (with no kommuner asked
    for, every group is shown). Several kommuner named one by one get an ``I alt`` row.
    """
    q = make_query(query, **selection)
    wanted, totals = _expand(q.kommuner, q.groups)
    result = api.compute("R1", q.but(kommuner=wanted))
    notes, reasons = list(result.notes), list(result.reasons)
    counts = result.records.select(
        "kommune",
        "kommune_kode",
        pl.lit(False).alias("total"),
        *[pl.col(k).cast(pl.Int64) for k in ("population", *CATEGORIES, *INDICATORS)],
        "note",
    ).with_columns(
        _plus(CATEGORIES[:4]).alias(R2_KEY),
        _plus(CATEGORIES).alias(R1_KEY),
        _plus(DURATIONS).alias("forloeb"),
    )
    hidden = {area: dict(cells) for (area, _period), cells in result.hidden.items()}
    if q.discretion:
        counts = _hide_long_spells(counts, hidden)
    rows = [counts]
    for name, members in totals:
        part = counts.filter(pl.col("kommune").is_in(members))
        with_data = set(part.filter(pl.col("population").is_not_null())["kommune"].to_list())
        missing = [m for m in members if m not in with_data]
        if missing:
            said = texts.message("rf_group_missing", group=name, areas=texts.name_list(missing))
            notes.append(said)
            reasons.append(said)
            continue
        keys = ("kommune", "kommune_kode", "total", "note")
        value_columns = [c for c in counts.columns if c not in keys]
        summed = part.select(
            pl.when(pl.col(c).is_null().any()).then(None).otherwise(pl.col(c).sum()).alias(c)
            for c in value_columns
        )
        rows.append(
            summed.with_columns(
                pl.lit(name).alias("kommune"),
                pl.lit(None, pl.String).alias("kommune_kode"),
                pl.lit(True).alias("total"),
                pl.lit(texts.message("group_sum", n=len(members)), pl.String).alias("note"),
            ).select(counts.columns)
        )
    every = _with_shares(pl.concat(rows, how="vertical_relaxed"))
    if every.is_empty():
        raise FleksmonError("no R1/R2 data for the selection", "check --kommune and --period")
    area_cols = ["kommune", "kommune_kode", "total", *COUNT_KEYS]
    area_cols += [f"{k}_pct" for k in COUNT_KEYS[1:]] + ["note"]
    ind_cols = ["kommune", "kommune_kode", "total", "lange_forloeb", "uden_indsats"]
    ind_cols += ["uden_indsats_pct", "forloeb"]
    for key in DURATIONS:
        ind_cols += [key, f"{key}_pct"]
    ind_cols.append("note")
    return RfReport(
        period=result.periods[-1],
        r1=q.criterion("R1"),
        r2=q.criterion("R2"),
        areas=every.select(area_cols),
        indicators=every.select(ind_cols),
        headline=_headline(every),
        source=result.source,
        notes=notes,
        reasons=reasons,
        as_of=q.as_of.isoformat() if q.as_of else None,
        hidden=_hidden(hidden, totals),
    )


LONG_SUM = (RF_INDICATOR_SUMS[0][0], *RF_INDICATOR_SUMS[0][1])
"""Spells of at least a year are those of 1–2 years and over 2 years: one sum."""


def _hide_long_spells(counts: pl.DataFrame, hidden: dict[str, dict[str, str]]) -> pl.DataFrame:
    """Where discretion hid exactly one of :data:`LONG_SUM`, hide the smaller other one
    too (``x``), so the sum cannot give it back."""
    rows = counts.to_dicts()
    for row in rows:
        missing = [k for k in LONG_SUM if row[k] is None]
        if len(missing) != 1:
            continue
        smaller = min((k for k in LONG_SUM if k not in missing), key=lambda k: row[k])
        row[smaller] = None
        hidden.setdefault(row["kommune"], {})[smaller] = "x"
        if smaller == "lange_forloeb":
            row["uden_indsats"] = None
            hidden[row["kommune"]]["uden_indsats"] = "x"
    return pl.DataFrame(rows, schema=counts.schema)


def _hidden(
    hidden: dict[str, dict[str, str]], totals: list[tuple[str, list[str]]]
) -> dict[str, dict[str, str]]:
    """What tables show for hidden cells, by area; a total with a hidden kommune shows ``x``
    where its sums are missing (a count is missing when any of its parts is)."""
    for name, members in totals:
        if any(m in hidden for m in members):
            hidden[name] = {}
    return hidden


def _headline(every: pl.DataFrame) -> str:
    """The area whose R1/R2 tables are shown: the first total, else Hele landet, else the
    first area."""
    names = every["kommune"].to_list()
    totals = every.filter(pl.col("total"))["kommune"].to_list()
    if totals:
        return str(totals[0])
    return areas.HELE_LANDET if areas.HELE_LANDET in names else str(names[0])
