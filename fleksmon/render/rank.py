"""A ranking as a terminal table (and the texts its sheet shares).

Rows: the ranked kommuner best first, the highlighted kommuner the list does not
show (set apart), then the reference rows (Hele landet, the top-10 mean), set apart.
A highlighted kommune is marked ``▶`` and printed bold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fleksmon import texts
from fleksmon.render.grid import Grid
from fleksmon.render.table import MET, NONE, count, pct, target
from fleksmon.report import gap_persons_label

if TYPE_CHECKING:
    from fleksmon.ranking import Ranking

TOP10 = "Top-10 gns."

MARK = "▶ "
"""Before a highlighted kommune's name."""
RANK_LABELS = {
    "rank": "Placering",
    "change": "Ændring siden {baseline}",
}
BENCHMARK_LABELS = ("Faktisk antal", "Forventet antal", "Forskel")
"""The benchmark's columns (``--benchmark``): actual, expected and actual − expected."""


def has_benchmark(ranking: Ranking) -> bool:
    """True when the records carry the benchmark (``--benchmark``)."""
    return "benchmark_period" in ranking.records.columns


def signed(value: float | None) -> str:
    """A difference in persons with its sign: ``+940``, ``-30``, ``0``; ``–`` for none."""
    if value is None:
        return NONE
    return f"+{count(value)}" if value > 0 else count(value)


def title(ranking: Ranking) -> str:
    """The criterion's title (``Succeskriterie 1: …``) and ``Placering blandt kommunerne,
    Sep. 2019`` below."""
    period = ranking.period.human()
    return f"{texts.title(ranking.criterion)}\n{texts.message('rank_title', period=period)}"


def own_targets(ranking: Ranking) -> bool:
    """True when some kommune has a target of its own (a ``Mål`` column is then shown)."""
    shown = set(ranking.records["target_pct"].drop_nulls().to_list())
    return bool(shown - {ranking.criterion.target_pct})


def headers(ranking: Ranking) -> list[str]:
    """The columns: area, position, share, (target,) %-point, persons, change."""
    base = ranking.baseline
    return [
        texts.LABELS["area"],
        RANK_LABELS["rank"],
        texts.LABELS["share"],
        *([texts.LABELS["target"]] if own_targets(ranking) else []),
        texts.LABELS["gap_pp"],
        *([] if ranking.criterion.share else [gap_persons_label(ranking.criterion)]),
        *([RANK_LABELS["change"].format(baseline=base.human())] if base else []),
        *(BENCHMARK_LABELS if has_benchmark(ranking) else ()),
    ]


def sections(ranking: Ranking) -> list[list[dict[str, Any]]]:
    """The rows in their three blocks: the list, the highlighted kommuner below it, the
    reference rows; each row with hidden cells (discretion) as their text."""
    rows = [
        {**r, **ranking.hidden.get((r["kommune"], r["period"]), {})}
        for r in ranking.records.to_dicts()
    ]
    listed = [r for r in rows if r["rank"] is not None]
    if ranking.top is not None:
        apart = [r for r in listed if r["rank"] > ranking.top]
        listed = [r for r in listed if r["rank"] <= ranking.top]
    else:
        apart = []
    apart += [r for r in rows if r["rank"] is None and r["highlight"]]
    references = [r for r in rows if r["rank"] is None and not r["highlight"]]
    return [listed, apart, references]


def change_text(value: int | None) -> str:
    """``+3``, ``-2``, ``0``; ``–`` without a position at the baseline."""
    if value is None:
        return NONE
    return f"+{value}" if value > 0 else str(value)


def cells(ranking: Ranking, row: dict[str, Any]) -> list[str]:
    """One row's texts, as :func:`headers` orders them."""
    reference = row["rank"] is None and not row["highlight"]
    if row.get("met") is True:
        gaps = [MET, MET]
    elif reference and row["population"] is None:
        gaps = ["", ""]
    elif row.get("gap_pp") is None:
        gaps = [NONE, NONE]
    else:
        gaps = [pct(row["gap_pp"], 1).rstrip("%"), count(row["gap_persons"])]
    own = own_targets(ranking)
    target_cell = [target(row["target_pct"]) if row["target_pct"] is not None else ""]
    change = "" if reference else change_text(row["rank_change"])
    return [
        f"{MARK}{row['kommune']}" if row["highlight"] else row["kommune"],
        "" if reference else (NONE if row["rank"] is None else str(row["rank"])),
        pct(row["share_pct"], 1),
        *(target_cell if own else []),
        *gaps[: 1 if ranking.criterion.share else 2],
        *([change] if ranking.baseline else []),
        *(_benchmark_cells(row) if has_benchmark(ranking) else []),
    ]


def _benchmark_cells(row: dict[str, Any]) -> list[str]:
    if row.get("benchmark_period") is None:
        return ["", "", ""] if row["kommune"] == TOP10 else [NONE, NONE, NONE]
    return [
        count(row["benchmark_actual"]),
        count(row["benchmark_expected"]),
        signed(row["benchmark_diff"]),
    ]


def note_lines(ranking: Ranking) -> list[str]:
    """The lines under the table: the gap formula, ``Anm.:`` notes and the source."""
    crit = ranking.criterion
    formula = "" if crit.share else texts.gap_formula(crit)
    lines = [formula] if formula else []
    lines += [f"Anm.: {note}" for note in (*crit.notes, *ranking.notes)]
    return [*lines, texts.source_line(ranking.source)]


def rank_table(ranking: Ranking) -> Grid:
    """The ranking as a :class:`~fleksmon.render.grid.Grid`, notes below."""
    grid = Grid(title(ranking), headers(ranking), notes=note_lines(ranking))
    for block in sections(ranking):
        for i, row in enumerate(block):
            grid.add_row(cells(ranking, row), new_section=i == 0, bold=bool(row["highlight"]))
    return grid
