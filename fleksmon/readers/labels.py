"""Measure ids from column labels, the Jobindsats table id and the user's own labels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fleksmon.errors import FleksmonError, shown
from fleksmon.formats.sheet import fold_label
from fleksmon.measure_ids import (
    MEASURE_IDS,
    MEASURES,
    TABLE_MEASURES,
    canonical,
    derived_id,
    group_and_measure,
    is_derived,
    label_id,
)
from fleksmon.readers.columns import GROUP_WORDS, TABLE_GROUPS


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
        self.groups: dict[str, tuple[str, str]] = {}
        """Derived ids given out, with the (folded) group dropped and the first label."""

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
        names its table; any other ``Gruppe: Måling`` label gives the measure's id without
        its group, unless another label of the file then gives the same id from another
        group (refused, naming both)."""
        for sep in (":", ",", " - "):
            group, found, rest = label.partition(sep)
            table = TABLE_GROUPS.get(fold_label(group)) if found else None
            if table and rest.strip():
                return self._keep(canonical(derived_id(table, rest)), label, "")
        if self.table is None or not fold_label(label):
            return None
        return self._keep(label_id(self.table, label), label, group_and_measure(label)[0])

    def _keep(self, measure: str, label: str, group: str) -> str:
        first = self.groups.setdefault(measure, (group, label.strip()))
        if first[0] != group:
            raise FleksmonError(
                f"{self.name}: {shown(first[1])} and {shown(label.strip())} are both "
                f"{measure} once the group before ':' is dropped",
                "Rename one of the two columns (a distinct name after the ':'), or download "
                "the measure groups as separate files",
            )
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
            found = self.resolve(text, where) if fold_label(text) not in GROUP_WORDS else None
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
