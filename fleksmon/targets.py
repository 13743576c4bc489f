"""The targets file, parsed once: a kommune's own targets, own measures, groups, labels.

One TOML file (``--targets``, ``FLEKSMON_TARGETS``) holds sections ``[K1]``…``[R2]``
changing the built-in criteria, sections declaring measures of the kommune's own,
``[grupper]`` (groups of kommuner, see :mod:`fleksmon.groups`) and ``[labels]``
(column label → measure id, for the readers). :func:`read_targets` reads and checks
it all in one go; anything wrong is a one-line error naming the file and section.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fleksmon.criteria import CRITERIA, Criterion
from fleksmon.errors import FleksmonError
from fleksmon.groups import check_groups
from fleksmon.measure_ids import MEASURE_IDS, canonical, is_derived, is_share_measure
from fleksmon.periods import parse_period
from fleksmon.persongruppe import Project, check_persongrupper


@dataclass(frozen=True)
class Targets:
    """A targets file as read: the criteria table (built-in criteria with the file's
    targets applied, then its own measures), its groups of kommuner by name, its
    column labels and its person groups (projects, by name)."""

    criteria: Mapping[str, Criterion]
    groups: Mapping[str, tuple[str, ...]]
    labels: Mapping[str, str]
    persongrupper: Mapping[str, Project] = field(default_factory=lambda: MappingProxyType({}))


_TEXT_KEYS = ("name", "statement", "subject", "population_label", "hits_label")
_KEYS = (
    "target_pct",
    "target",
    "baseline",
    "direction",
    "population",
    "hits",
    "share",
    "kommuner",
    *_TEXT_KEYS,
)
"""The keys a criterion's section of a targets file may hold."""
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FIX = "fix the targets file"


def _kind_of(value: object) -> str:
    """A TOML value's type in words, for messages."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date"


def _did_you_mean(word: str, choices: Iterable[str], fix: str) -> str:
    """``fix``, after a suggestion of the closest choice when there is one."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? {fix[:1].upper()}{fix[1:]}" if close else fix


class _Section:
    """One section of a targets file, read with one-line errors naming file and section."""

    def __init__(self, path: Path, name: str, spec: dict[str, object]) -> None:
        self.path, self.name, self.spec = path, name, spec

    def error(self, what: str, fix: str = _FIX) -> FleksmonError:
        return FleksmonError(f"{self.path.name}: [{self.name}] {what}", fix)

    def percent(self, key: str, value: object, label: str | None = None) -> float:
        """A target in percent (0–100) from a number."""
        label = label or key
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.error(
                f"{label} must be a number, not {_kind_of(value)}",
                f"write {label} = 35 (a percent, no quotes, no %)",
            )
        if not 0 <= value <= 100:
            raise self.error(
                f"{label} = {value:g} is outside 0–100", "give the target in percent, 0 to 100"
            )
        return float(value)

    def text(self, key: str) -> str:
        value = self.spec[key]
        if not isinstance(value, str):
            raise self.error(f"{key} must be text, not {_kind_of(value)}", f'write {key} = "…"')
        return value

    def measures(self, key: str) -> tuple[str, ...]:
        """Measure ids: built-in ids or ``<table>.<label>`` ids of kept columns (a built-in
        measure's derived id stands for it); ``share`` takes share columns only, population
        and hits take no share column."""
        value = self.spec[key]
        if key == "share" and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            example = (
                '"y01a02.fuldtidspersoner_i_pct_af_arbejdsstyrken_16_66_aar"'
                if key == "share"
                else '["fleksjob_fuldtid", "ledighedsydelse_fuldtid"]'
            )
            raise self.error(f"{key} must be a list of measure ids", f"write {key} = {example}")
        unknown = [i for i in value if i not in MEASURE_IDS and not is_derived(i)]
        if unknown:
            raise self.error(
                f"{key} uses unknown measure {unknown[0]!r}",
                _did_you_mean(
                    unknown[0],
                    MEASURE_IDS,
                    f"use one of {', '.join(MEASURE_IDS)} or a stored column's id "
                    "(table.label, see 'fleksmon store --measures')",
                ),
            )
        shares = [i for i in value if is_share_measure(i)]
        if key != "share" and shares:
            raise self.error(
                f"{key} uses the share column {shares[0]!r}; shares are not counts",
                f'declare it as share = "{shares[0]}" (without population and hits)',
            )
        if key == "share":
            counts = [i for i in value if not is_share_measure(i)]
            if counts:
                raise self.error(
                    f"share uses {counts[0]!r}, which is not a share column (pct./andel)",
                    "give population and hits for counts; share takes columns such as "
                    "'y08a02.fuldtidspersoner_i_pct_af_befolkningen_16_66_aar'",
                )
        return tuple(dict.fromkeys(canonical(i) for i in value))

    def target(self) -> float | None:
        """``target_pct``, or ``target`` as a fraction (0–1), or ``None``."""
        if "target_pct" in self.spec and "target" in self.spec:
            raise self.error("has both target_pct and target", "keep one of them")
        if "target" in self.spec:
            value = self.spec["target"]
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
                raise self.error(
                    f"target = {value:g} is outside 0–1 (a fraction)",
                    f"write target = {value / 100:g} or target_pct = {value:g}",
                )
            scaled = value * 100 if isinstance(value, int | float) else value
            return self.percent("target", scaled)
        if "target_pct" in self.spec:
            return self.percent("target_pct", self.spec["target_pct"])
        return None

    def kommuner(self) -> tuple[tuple[str, float], ...]:
        """Per-kommune targets (``[K3.kommuner] Viborg = 30``) by kommune name."""
        from fleksmon.areas import suggest, try_area

        value = self.spec["kommuner"]
        if not isinstance(value, dict):
            raise self.error(
                f"kommuner must be a table, not {_kind_of(value)}",
                f"write [{self.name}.kommuner] and below it Viborg = 30",
            )
        found: dict[str, float] = {}
        for name, pct in value.items():
            area = try_area(name)
            if area is None or area.kind != "kommune":
                close = suggest(name) if area is None else []
                what = "not a kommune" if area is None else f"a {area.kind}, not a kommune"
                raise self.error(
                    f"kommuner: {name!r} is {what}",
                    (f"did you mean {close[0]}? Name" if close else "name")
                    + " one of the 98 kommuner (name or DST code)",
                )
            if area.name in found:
                raise self.error(f"kommuner: {area.name} is given twice", "keep one of them")
            found[area.name] = self.percent(name, pct, f"kommuner.{name}")
        return tuple(sorted(found.items()))

    def changes(self) -> dict[str, Any]:
        """The section's settings, checked, as :class:`Criterion` fields."""
        for key in self.spec:
            if key not in _KEYS:
                raise self.error(
                    f"unknown key {key!r}",
                    _did_you_mean(key, _KEYS, f"a section may hold {', '.join(_KEYS)}"),
                )
        changes: dict[str, Any] = {k: self.text(k) for k in _TEXT_KEYS if k in self.spec}
        target = self.target()
        if target is not None:
            changes["target_pct"] = target
        if "baseline" in self.spec:
            baseline = self.text("baseline")
            try:
                parse_period(baseline)
            except FleksmonError as err:
                raise self.error(f"baseline: {err.message}", err.hint) from None
            changes["baseline"] = baseline
        if "direction" in self.spec:
            if self.spec["direction"] not in ("higher", "lower"):
                raise self.error(
                    "direction must be 'higher' or 'lower'", 'write direction = "lower"'
                )
            changes["direction"] = self.spec["direction"]
        for key in ("population", "hits", "share"):
            if key in self.spec:
                changes[key] = self.measures(key)
        if "kommuner" in self.spec:
            changes["kommune_targets"] = self.kommuner()
        return changes


def _read_toml(path: Path) -> dict[str, Any]:
    from fleksmon.formats.files import check_file

    check_file(path, path.name)  # a pipe or device would block the read
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise FleksmonError(
            f"{path.name}: cannot read the targets file ({exc.strerror})",
            "check the path given to --targets",
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise FleksmonError(
            f"{path.name}: not a valid TOML file: {reason}",
            "write sections as [K3] on a line of their own and settings as target_pct = 35",
        ) from None


def read_targets(path: Path) -> Targets:
    """Read a targets file once: the criteria with its own targets applied, its groups
    and its labels.

    ``[K1] target_pct = 87`` changes a target (``target = 0.87`` as a fraction),
    ``baseline = "2016M06"`` the baseline and ``direction = "lower"`` the
    direction; ``[K3.kommuner] Viborg = 30`` gives one kommune its own target. A
    new section (letters, digits and ``_``) with ``name``, ``population``,
    ``hits`` (measure ids) and a target declares a measure of its own; ``share``
    (one or more stored share columns) instead of population and hits reads it
    directly. Measure ids are built-in ids or the ``<table>.<label>`` ids of kept
    columns; whether the store holds them is checked when computing.
    ``[labels]`` (column label → measure id) is for the readers, ``[grupper]``
    (group name → kommuner, checked by :func:`fleksmon.groups.check_groups`) names groups
    of kommuner, ``[persongrupper.NAME]`` (``project_start``, ``project_end``) a
    project's person group (:mod:`fleksmon.persongruppe`). Anything else
    (an unknown key, a wrong type, a target outside 0–100) is a one-line error.
    """
    data = _read_toml(path)
    table = dict(CRITERIA)
    groups: dict[str, tuple[str, ...]] = {}
    labels: dict[str, str] = {}
    persongrupper: dict[str, Project] = {}
    seen: dict[str, str] = {}
    for key, spec in data.items():
        if key == "grupper":
            groups = check_groups(path, spec)
            continue
        if key == "persongrupper":
            persongrupper = check_persongrupper(path, spec)
            continue
        if key == "labels":
            if not isinstance(spec, dict) or not all(isinstance(v, str) for v in spec.values()):
                raise FleksmonError(
                    f"{path.name}: [labels] must map column labels to measure ids (text)",
                    '[labels] holds lines like "Fleksjobbere (fuldtid)" = "fleksjob_fuldtid"',
                )
            labels = {str(k): str(v) for k, v in spec.items()}
            continue
        if not isinstance(spec, dict) and key in _KEYS:
            raise FleksmonError(
                f"{path.name}: {key} stands outside a section",
                "put it under the criterion it is for, e.g. [K3]",
            )
        if not isinstance(spec, dict):
            raise FleksmonError(
                f"{path.name}: unknown key {key!r} outside a section",
                "a targets file holds sections: [K1]…[R2], own measures and [labels]",
            )
        if not _ID.match(key):
            raise FleksmonError(
                f"{path.name}: [{key}] is not a plain criterion id",
                "name a criterion with letters, digits and _ (starting with a letter), e.g. LY",
            )
        cid = key.upper()
        if cid in seen:
            raise FleksmonError(
                f"{path.name}: [{seen[cid]}] and [{key}] are the same criterion",
                "keep one of the two sections",
            )
        seen[cid] = key
        section = _Section(path, key, spec)
        changes = section.changes()
        if cid in CRITERIA:
            table[cid] = replace(table[cid], **changes)
            continue
        if "share" in changes and ("population" in changes or "hits" in changes):
            raise section.error(
                "has share and population/hits",
                "a measure is read from share columns or computed from population and hits: "
                "keep one",
            )
        needed = ("name", "target_pct") + (() if "share" in changes else ("population", "hits"))
        missing = [k for k in needed if k not in changes]
        if missing:
            raise section.error(
                f"is neither a built-in criterion ({', '.join(CRITERIA)}) nor a complete own "
                f"measure (no {' and no '.join(missing)})",
                "an own measure needs name, population, hits and target_pct "
                "(or name, share and target_pct)",
            )
        table[cid] = Criterion(
            id=cid,
            name=changes["name"],
            statement=changes.get("statement", ""),
            target_pct=changes["target_pct"],
            population=changes.get("population", ()),
            hits=changes.get("hits", ()),
            share=changes.get("share", ()),
            baseline=changes.get("baseline", "2018M09"),
            direction=changes.get("direction", "higher"),
            subject=changes.get("subject", ""),
            population_label=changes.get("population_label", ""),
            hits_label=changes.get("hits_label", ""),
            kommune_targets=changes.get("kommune_targets", ()),
        )
    return Targets(
        MappingProxyType(table),
        MappingProxyType(groups),
        MappingProxyType(labels),
        MappingProxyType(persongrupper),
    )


def load_targets(path: Path) -> dict[str, Criterion]:
    """The criteria with a kommune's own targets from a TOML file applied (see
    :func:`read_targets`)."""
    return dict(read_targets(path).criteria)


def load_labels(path: Path) -> dict[str, str]:
    """The ``[labels]`` table of a targets file (column label → measure id), file checked."""
    return dict(read_targets(path).labels)


def load_persongrupper(path: Path) -> dict[str, Project]:
    """The ``[persongrupper]`` of a targets file (the whole file checked); ``{}`` without."""
    return dict(read_targets(path).persongrupper)


def load_groups(path: Path) -> dict[str, tuple[str, ...]]:
    """The ``[grupper]`` of a targets file (the whole file checked); ``{}`` without."""
    return dict(read_targets(path).groups)
