"""What every kind of paper has around its figures: the front page and the closing
"Datagrundlag" (which extracts, loaded when, the store state, discretion).

Both read what the report workbook reads (:class:`fleksmon.report.ReportData`):
the query asked, the batches behind the figures and those replaced.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from fleksmon import texts
from fleksmon.errors import mask_cpr
from fleksmon.paper.model import Cell, Chapter, Front, Paragraph, Row, Table
from fleksmon.paper.wording import local, long_date, long_month, text, version
from fleksmon.query import Query
from fleksmon.report import ReportData
from fleksmon.texts import as_of_stamp as stamp


def subject(query: Query) -> tuple[str, list[str]]:
    """What the paper is about, for its front page and footer: the areas asked, one
    group by its name (its kommuner on a line below), or all kommuner with data."""
    names = list(query.kommuner)
    if not names:
        return text("all_areas"), []
    if len(names) == 1 and names[0] in query.groups:
        members = list(query.groups[names[0]])
        return names[0], [texts.name_list(members)]
    groups = [n for n in names if n in query.groups]
    lines = [text("group", group=g, members=texts.name_list(query.groups[g])) for g in groups]
    return texts.name_list(names), lines


def front(title: str, query: Query, latest: int, made: dt.datetime) -> Front:
    """The front page: title, subject, the status month, the as-of state, the date made
    and ``Udarbejdet med fleksmon``."""
    about, members = subject(query)
    as_of = [text("as_of", stamp=stamp(query.as_of))] if query.as_of else []
    lines = [
        *members,
        text("status", month=long_month(latest)),
        *as_of,
        text("made", date=long_date(local(made).date())),
        text("made_with", version=version()),
    ]
    return Front(title, about, tuple(lines))


def _sources(data: ReportData) -> list[str]:
    """Which criteria are from Jobindsats' figures and which from person-level data."""
    by_source: dict[str, list[str]] = {}
    for section in data.sections:
        crit = section.result.criterion
        by_source.setdefault(section.result.source, []).append(crit.title_label or crit.name)
    lines = []
    for source, names in by_source.items():
        key = "source_person" if source == "person" else "source_aggregate"
        lines.append(text("basis_source", criteria=texts.name_list(names), source=text(key)))
    return lines


def _extracts(data: ReportData) -> Table:
    """The batches behind the figures: file, kind, rows, when loaded, status, hash."""
    words = texts.SOURCE_LABELS
    rows = []
    for used in data.used:
        batch = used.batch
        status = words["partly_replaced" if used.partly_replaced else "in_use"]
        rows.append(
            Row(
                (
                    Cell(mask_cpr(PurePath(batch.source).name)),
                    Cell(words.get(batch.kind, batch.kind)),
                    Cell(batch.rows, "count"),
                    Cell(stamp(batch.time)),
                    Cell(status),
                    Cell(batch.sha256[:12]),
                )
            )
        )
    headers = (words["file"], words["kind"], words["rows"], "Indlæst", words["status"])
    return Table(
        key="kilder",
        caption=text("extracts"),
        headers=(*headers, text("sha")),
        rows=tuple(rows),
    )


def datagrundlag(data: ReportData, made: dt.datetime, discretion: int) -> Chapter:
    """The closing chapter: how and when the paper was made, the store state used, the
    discretion, each criterion's source and the extracts behind the figures."""
    here = local(made)
    made_line = text(
        "basis_made", date=long_date(here.date()), time=f"{here:%H:%M}", version=version()
    )
    blocks: list[Paragraph | Table] = [Paragraph(made_line)]
    if data.store_root is None:
        blocks.append(Paragraph(text("basis_given")))
    elif data.as_of is not None:
        blocks.append(Paragraph(texts.as_of_note(data.as_of)))
    elif data.used:
        newest = max(u.batch.time for u in data.used)
        blocks.append(Paragraph(text("basis_latest", stamp=stamp(newest))))
    discreet = texts.message("discretion", n=discretion) if discretion else None
    blocks.append(Paragraph(discreet or text("basis_no_discretion")))
    blocks += [Paragraph(line) for line in _sources(data)]
    if data.used:
        blocks.append(_extracts(data))
    if data.replaced:
        names = ", ".join(
            f"{mask_cpr(PurePath(b.source).name)} ({stamp(b.time)})" for b in data.replaced
        )
        blocks.append(Paragraph(texts.SOURCE_LABELS["replaced"].format(names=names), "note"))
    return Chapter(text("basis"), tuple(blocks), key="datagrundlag")
