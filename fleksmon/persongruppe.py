"""A project's person group (persongruppemarkering): its name, project period and marking.

A kommune marks the persons in its project in its own case system and extracts the
marking as a person-level file (kind ``persongruppe``: person, kommune, fra, til). A
**person group** is the set of persons in one such extract, loaded under a name with
the month its project began (``fleksmon ingest markering.csv --persongruppe Projekt
--project-start 2018M09``, or declared in the targets file)::

    [persongrupper.Projekt]
    project_start = "2018M09"
    project_end = "2020M12"      # only where the project has ended

It is not a ``[grupper]`` group of kommuner (:mod:`fleksmon.groups`). A newer extract
of the same person group replaces the older one (history and ``--as-of`` as for every
extract). The measures for the group are in :mod:`fleksmon.measures.persongruppe`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fleksmon.errors import FleksmonError, has_cpr
from fleksmon.periods import Period, month_code, month_human, parse_period

if TYPE_CHECKING:
    from fleksmon.measures.persongruppe import Marking
    from fleksmon.store import Store

KIND = "persongruppe"
"""The person-level kind of a marking extract."""
PERSON_CRITERIA = ("K2", "K3", "R1", "R2")
"""The criteria with a person-group version (K1 is made from aggregated full-time
persons, own measures from downloads)."""
_KEYS = ("project_start", "project_end")


@dataclass(frozen=True)
class Project:
    """A person group: its name and project period (months; ``end`` ``None`` while the
    project runs)."""

    name: str
    start: int
    end: int | None = None

    def given(self) -> dict[str, int | str | None]:
        """The values a marking extract's rows carry (:data:`fleksmon.schema.GIVEN_COLUMNS`)."""
        return {"persongruppe": self.name, "projekt_start": self.start, "projekt_slut": self.end}

    def period_text(self) -> str:
        """``fra Sep. 2018`` or ``Sep. 2018–Dec. 2020``."""
        if self.end is None:
            return f"fra {month_human(self.start)}"
        return Period(self.start, self.end).human()

    def title(self) -> str:
        """The title line of every table and paper for the group:
        ``Projektgruppen: Projekt (fra Sep. 2018)``."""
        return f"Projektgruppen: {self.name} ({self.period_text()})"

    def codes(self) -> tuple[str, str | None]:
        """The project start and end as month codes (``2018M09``)."""
        return month_code(self.start), None if self.end is None else month_code(self.end)


def check_name(name: str) -> str:
    """A person group's name, trimmed; refuses an empty one and one holding a CPR number."""
    text = name.strip()
    if not text:
        raise FleksmonError(
            "--persongruppe is empty", "name the person group, e.g. --persongruppe Projekt"
        )
    if has_cpr(text):
        raise FleksmonError(
            "the person group's name holds a person identifier",
            "name the project, e.g. --persongruppe Projekt",
        )
    return text


def _month(text: object, what: str, where: str) -> int:
    period = parse_period(str(text)) if isinstance(text, str) else None
    if period is None or period.start != period.end:
        raise FleksmonError(
            f"{where}: {what} must be one month", f"give {what} as a month, e.g. 2018M09"
        )
    return period.start


def make_project(name: str, start: str | int, end: str | int | None = None) -> Project:
    """A :class:`Project` from a name and months (``2018M09`` or month indexes); the end,
    where given, must not lie before the start."""
    first = start if isinstance(start, int) else _month(start, "the project start", name)
    last = end if isinstance(end, int) or end is None else _month(end, "the project end", name)
    if last is not None and last < first:
        raise FleksmonError(
            f"the project {name} ends ({month_code(last)}) before it starts ({month_code(first)})",
            "give --project-end a month on or after --project-start",
        )
    return Project(check_name(name), first, last)


def check_persongrupper(path: Path, spec: object) -> dict[str, Project]:
    """The person groups of a parsed ``[persongrupper]`` section of a targets file."""
    fix = '[persongrupper.Projekt] with project_start = "2018M09" (project_end where it ended)'
    if not isinstance(spec, dict):
        raise FleksmonError(f"{path.name}: [persongrupper] must be a section", fix)
    found: dict[str, Project] = {}
    for name, entry in spec.items():
        where = f"{path.name}: [persongrupper.{name}]"
        if not isinstance(entry, dict) or "project_start" not in entry:
            raise FleksmonError(f"{where} gives no project_start", fix)
        unknown = [k for k in entry if k not in _KEYS]
        if unknown:
            raise FleksmonError(f"{where}: unknown key {unknown[0]!r}", f"use {', '.join(_KEYS)}")
        for key in _KEYS:
            if key in entry and not isinstance(entry[key], str):
                raise FleksmonError(f"{where}: {key} must be a month as text", fix)
        try:
            found[name] = make_project(name, entry["project_start"], entry.get("project_end"))
        except FleksmonError as err:
            raise FleksmonError(f"{where}: {err.message}", fix) from None
    return found


def for_ingest(
    name: str,
    start: str | None,
    end: str | None,
    declared: Mapping[str, Project],
) -> Project:
    """The person group an ingest loads: its name with ``--project-start`` (and
    ``--project-end``), or as the targets file declares it; both given must agree."""
    name = check_name(name)
    own = declared.get(name)
    if start is None and own is None:
        raise FleksmonError(
            f"no project start for the person group {name}",
            "give --project-start (the month the project began, e.g. 2018M09), or declare "
            f"[persongrupper.{name}] in the targets file",
        )
    given = make_project(name, start, end) if start is not None else own
    assert given is not None
    if own is not None and (own.start, own.end) != (given.start, given.end):
        raise FleksmonError(
            f"the targets file declares the project {name} as {own.period_text()}, "
            f"the options as {given.period_text()}",
            "give the same project period in both, or leave the options out",
        )
    return given


def stored_groups(store: Store, as_of: dt.datetime | None) -> dict[str, Project]:
    """The person groups the store holds (at ``as_of``), by name."""
    data = store.person(KIND, as_of)
    if data is None:
        return {}
    rows = data.scan().select("persongruppe", "projekt_start", "projekt_slut").unique()
    return {
        str(n): Project(str(n), int(s), None if e is None else int(e))
        for n, s, e in rows.collect().iter_rows()
    }


def load_marking(
    store: Store,
    name: str,
    as_of: dt.datetime | None,
    declared: Mapping[str, Project] | None = None,
) -> tuple[Project, Marking]:
    """The person group ``name`` as the store holds it (at ``as_of``) and its marking; a
    group the store lacks, or a targets file that declares another project period, is a
    one-line error."""
    import polars as pl

    from fleksmon.measures.persongruppe import Marking

    data = store.person(KIND, as_of)
    held = stored_groups(store, as_of) if data is not None else {}
    project = held.get(name)
    if data is None or project is None:
        names = ", ".join(sorted(held)) or "none"
        raise FleksmonError(
            f"the store holds no person group {name!r} (it holds: {names})",
            f"load its marking: fleksmon ingest FILE --persongruppe {name} --project-start 2018M09",
        )
    own = (declared or {}).get(name)
    if own is not None and (own.start, own.end) != (project.start, project.end):
        raise FleksmonError(
            f"the targets file declares the project {name} as {own.period_text()}, the "
            f"store's marking extract as {project.period_text()}",
            "correct the targets file, or ingest the marking again with the project period",
        )
    rows = (
        data.scan()
        .filter(pl.col("persongruppe") == name)
        .select("person", "kommune_kode", "fra", "til")
        .collect()
    )
    return project, Marking(rows, project.start, project.end)
