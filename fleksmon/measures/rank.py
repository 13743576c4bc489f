"""Where each kommune stands among the others: positions by a measure's direction.

Best first: the highest share, or the lowest where the measure says lower is better.
Kommuner with the same share share a position and the next position skips as many
("standard competition ranking": 1, 2, 2, 4); kommuner without a share are not
ranked. Shares are compared as computed (each the float nearest to the exact
fraction of its counts, so equal fractions are equal shares), never as printed.
The change in position since a baseline period is ``baseline_rank − rank``:
positive is a move up the list.

>>> import polars as pl
>>> frame = pl.LazyFrame({"kommune": ["A", "B", "C", "D", "E"],
...                       "share_pct": [80.0, 90.0, 80.0, 70.0, None]})
>>> ranked = positions(frame, "higher").collect()
>>> list(zip(ranked["kommune"], ranked["rank"], strict=True))
[('B', 1), ('A', 2), ('C', 2), ('D', 4)]
>>> lower = positions(frame, "lower").collect()
>>> list(zip(lower["kommune"], lower["rank"], strict=True))
[('D', 1), ('A', 2), ('C', 2), ('B', 4)]
"""

from __future__ import annotations

import polars as pl

RANK_DTYPE = pl.Int64


def positions(frame: pl.LazyFrame, direction: str, by: str = "share_pct") -> pl.LazyFrame:
    """The rows with a value in ``by``, best first (ties by name), with their ``rank``
    (standard competition: equal values share the best position of their group) and
    ``kommuner`` (how many were ranked)."""
    descending = direction != "lower"
    return (
        frame.filter(pl.col(by).is_not_null() & pl.col(by).is_not_nan())
        .with_columns(
            pl.col(by).rank("min", descending=descending).cast(RANK_DTYPE).alias("rank"),
            pl.len().cast(RANK_DTYPE).alias("kommuner"),
        )
        .sort("rank", "kommune")
    )


def with_change(now: pl.LazyFrame, before: pl.LazyFrame) -> pl.LazyFrame:
    """``now`` (ranked) with each kommune's ``baseline_rank`` from ``before`` (ranked) and
    ``rank_change = baseline_rank − rank`` (null where either is missing).

    >>> now = pl.LazyFrame({"kommune": ["A", "B"], "rank": [1, 2]})
    >>> before = pl.LazyFrame({"kommune": ["B", "A"], "rank": [1, 3]})
    >>> with_change(now, before).collect().select("kommune", "rank_change").rows()
    [('A', 2), ('B', -1)]
    """
    base = before.select("kommune", pl.col("rank").alias("baseline_rank"))
    return (
        now.join(base, on="kommune", how="left")
        .with_columns((pl.col("baseline_rank") - pl.col("rank")).alias("rank_change"))
        .sort("rank", "kommune")
    )


def cut(ranked: pl.LazyFrame, top: int | None, keep: list[str]) -> pl.LazyFrame:
    """The rows ranked ``top`` or better (all of a tie at the cut), and the kommuner in
    ``keep`` wherever they stand.

    >>> frame = pl.LazyFrame({"kommune": ["A", "B", "C", "D"], "rank": [1, 2, 2, 4]})
    >>> cut(frame, 2, ["D"]).collect()["kommune"].to_list()
    ['A', 'B', 'C', 'D']
    """
    if top is None:
        return ranked
    return ranked.filter((pl.col("rank") <= top) | pl.col("kommune").is_in(keep))
