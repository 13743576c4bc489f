"""Dimension columns (Køn, Herkomst, Alder, …): keep the total, or sum a complete set.

A Jobindsats download split by a dimension holds a total row (``I alt``,
``Total``, ``Alle`` or ``<Dimension> i alt``) and the categories. The total is
kept and the categories ignored; a value ending in ``i alt`` that is not the
dimension's total is a sub-total and never added. Without a total, counts are
summed only over the dimension's complete set of categories (shares never).
"""

from __future__ import annotations

from typing import cast

import polars as pl

from fleksmon.errors import FleksmonError, shown
from fleksmon.formats.sheet import fold_label
from fleksmon.measure_ids import is_share_measure
from fleksmon.readers.columns import DIMENSION_NAMES

TOTALS = frozenset({"i alt", "ialt", "total", "alle", "all", "alle i alt"})
_SUFFIXES = (" i alt", " ialt", " total")

COMPLETE_SETS: dict[str, tuple[str, ...]] = {
    "Køn": ("Kvinder", "Mænd"),
    "Herkomst": (
        "Personer med dansk oprindelse",
        "Indvandrere fra vestlige lande",
        "Indvandrere fra ikke-vestlige lande",
        "Efterkommere fra vestlige lande",
        "Efterkommere fra ikke-vestlige lande",
    ),
}
"""Dimensions whose categories fleksmon knows completely (so they may be summed)."""

_KIND_NAMES = {
    "Køn": frozenset({"koen", "kon", "gender", "sex"}),
    "Herkomst": frozenset({"herkomst", "origin"}),
}
_CATEGORY_ALIASES = {"women": "kvinder", "men": "maend", "kvinde": "kvinder", "mand": "maend"}


def _fold(text: str) -> str:
    return fold_label(text).lstrip("_").strip()


def dimension_kind(label: str) -> str | None:
    """The known dimension (``Køn``, ``Herkomst``) a column label names, if any."""
    folded = _fold(label)
    return next((kind for kind, names in _KIND_NAMES.items() if folded in names), None)


def _names_dimension(prefix: str, label: str, kind: str | None) -> bool:
    names = {_fold(label)} | (_KIND_NAMES[kind] if kind else set())
    if kind:
        names.add(_fold(kind))
    return any(
        prefix == n
        or (min(len(prefix), len(n)) >= 4 and (prefix.startswith(n) or n.startswith(prefix)))
        for n in names
        if n
    )


def classify(value: str, label: str) -> str:
    """``total``, ``subtotal`` or ``category`` for one value of a dimension column."""
    folded = _fold(value)
    if folded in TOTALS:
        return "total"
    for suffix in _SUFFIXES:
        if folded.endswith(suffix):
            prefix = folded.removesuffix(suffix).strip()
            return "total" if _names_dimension(prefix, label, dimension_kind(label)) else "subtotal"
    return "category"


def _category(value: str) -> str:
    folded = _fold(value)
    return _CATEGORY_ALIASES.get(folded, folded)


def _listing(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def reduce_dimension(
    frame: pl.DataFrame, dim: str, others: list[str], name: str, notes: list[str]
) -> pl.DataFrame:
    """Collapse one dimension column: its total where there is one, else a complete sum.

    ``others`` are the columns that identify a group (area, period, measure and
    the dimensions not yet collapsed); the dimension column is dropped.
    """
    label = dim.removeprefix("d:")
    kind = dimension_kind(label)
    values = frame.get_column(dim).fill_null("").str.strip_chars()
    frame = frame.with_columns(values.alias(dim))
    distinct = values.unique(maintain_order=True).to_list()
    if all(v == "" for v in distinct):
        return frame.drop(dim)
    classes = {v: classify(v, label) for v in distinct}
    frame = frame.with_columns(_cls=pl.col(dim).replace_strict(classes))
    has_total = (pl.col("_cls") == "total").any().over(others)
    totals = frame.filter(has_total & (pl.col("_cls") == "total"))
    rest = frame.filter(~has_total & (pl.col("_cls") == "category"))
    used = []
    if totals.height:
        names = totals.get_column(dim).unique(maintain_order=True).to_list()
        used.append(f"{label}: used the total row {_listing(names)}")
    if rest.height and _is_attribute(rest, others, label):
        notes.extend(used)
        keep = [c for c in totals.columns if c not in (dim, "_cls")]
        return pl.concat([totals.select(keep), rest.select(keep)], how="vertical_relaxed")
    if rest.height:
        rest = _complete(rest, dim, others, label, kind, name)
        cats = rest.get_column(dim).unique(maintain_order=True).to_list()
        used.append(f"{label}: summed {_listing(cats)} (no total row)")
        rest = _summed(_without_shares(rest, label, used), others, name, label)
    notes.extend(used)
    keep = [c for c in totals.columns if c not in (dim, "_cls")]
    return pl.concat([totals.select(keep), rest.select(keep)], how="vertical_relaxed").sort("line")


def _is_attribute(rest: pl.DataFrame, others: list[str], label: str) -> bool:
    """A text column that splits nothing (one row per area, period and measure) and is
    not named like a Jobindsats dimension: a label such as 'Enhed' or 'Region', dropped."""
    if _fold(label) in DIMENSION_NAMES or dimension_kind(label):
        return False
    return bool(rest.select(pl.len().over(others).max()).item() == 1)


def _first(frame: pl.DataFrame) -> dict[str, object]:
    return frame.sort("line").row(0, named=True)


def _complete(
    rest: pl.DataFrame, dim: str, others: list[str], label: str, kind: str | None, name: str
) -> pl.DataFrame:
    """The category rows, checked to be the dimension's complete set in every group."""
    if kind is None:
        row = _first(rest)
        raise FleksmonError(
            f"{name}, row {row['line']}, column {label!r}: no total row ('I alt' or "
            f"'{label} i alt'), and fleksmon does not know every {label} category, so the "
            "rows cannot be summed",
            f"Download the table with the '{label} i alt' row (in the API ask for every "
            "value with '*'), or leave the column out",
        )
    wanted = COMPLETE_SETS[kind]
    known = {_fold(c): c for c in wanted}
    cats = {v: _category(v) for v in rest.get_column(dim).unique(maintain_order=True).to_list()}
    strange = [v for v, c in cats.items() if c not in known]
    if strange:
        row = _first(rest.filter(pl.col(dim) == strange[0]))
        raise FleksmonError(
            f"{name}, row {row['line']}, column {label!r}: {shown(strange[0])} is not a {label} "
            f"category ({_listing(list(wanted))}) nor a total",
            f"Download the table with the '{label} i alt' row, or with exactly these categories",
        )
    rest = rest.with_columns(_cat=pl.col(dim).replace_strict(cats))
    groups = rest.group_by(others).agg(pl.col("_cat").unique(), pl.col("line").min())
    short = groups.filter(pl.col("_cat").list.len() < len(wanted))
    if short.height:
        row = _first(short)
        have = set(cast("list[str]", row["_cat"]))
        missing = [c for c in wanted if _fold(c) not in have]
        present = [c for c in wanted if _fold(c) in have]
        raise FleksmonError(
            f"{name}, row {row['line']}, column {label!r}: only {_listing(present)} of the "
            f"{len(wanted)} {label} categories and no total row; missing {_listing(missing)}",
            f"Download the table with the '{label} i alt' row (Jobindsats.dk: select the total; "
            f"the API: ask for every value with '*'), or with every {label} category",
        )
    return rest.drop("_cat")


def _without_shares(rest: pl.DataFrame, label: str, notes: list[str]) -> pl.DataFrame:
    """The category rows of counts only: share columns kept from a known table are never
    summed over a dimension (without a total row they are left out, and said so)."""
    found = rest.get_column("measure").unique(maintain_order=True).to_list()
    shares = [m for m in found if m and is_share_measure(m)]
    if shares:
        notes.append(f"{label}: left out {_listing(shares)} (shares are not summed; no total row)")
    return rest.filter(~pl.col("measure").is_in(shares))


def _summed(rest: pl.DataFrame, others: list[str], name: str, label: str) -> pl.DataFrame:
    """Counts summed over the categories; a missing part makes the sum missing."""
    shares = rest.filter(pl.col("pct"))
    if shares.height:
        row = _first(shares)
        raise FleksmonError(
            f"{name}, row {row['line']}, column {label!r}: shares cannot be summed over "
            f"{label} (no total row)",
            f"Download the table with the '{label} i alt' row, or download counts",
        )
    value = pl.when(pl.col("value").null_count() > 0).then(None).otherwise(pl.col("value").sum())
    extra = [c for c in rest.columns if c not in {*others, "line", "value", "pct", "_cls"}]
    return rest.group_by(others, maintain_order=True).agg(
        pl.col("line").min(),
        *[pl.col(c).sort_by("line").first() for c in extra],
        value.alias("value"),
        pl.col("pct").any(),
    )
