"""Mutation check: hand-written rule mutants, each run against the tests that cover it.

Each mutant in ``scripts/mutants.toml`` changes one rule of the package (a text found
exactly once in ``fleksmon/``, replaced) and names the tests that hold that rule. A
mutant is caught when those tests fail. Every mutant must be caught, except those
listed with the reason in ``scripts/mutants-equivalent.toml`` (changes that cannot
change what fleksmon does). The score is printed; the exit code is 1 when a mutant
survives or the catalogue no longer fits the code (a text not found, or found twice).

Usage::

    python scripts/mutation.py                 # every mutant, as CI runs it
    python scripts/mutation.py --only ID ...   # some mutants (ids or id prefixes)
    python scripts/mutation.py --equivalent    # run the equivalent ones too (to re-check them)

Mutants run in parallel (``--jobs``, default the number of cores), each worker in its own
copy of the repository, as ``pytest -x -q -p no:cacheprovider TESTS`` in a process forked
from a server that has imported pytest and the libraries (never fleksmon) once.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path(__file__).with_name("mutants.toml")
EQUIVALENT = Path(__file__).with_name("mutants-equivalent.toml")
SKIP = {".venv", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}
TIMEOUT = 120
"""Seconds a mutant's tests may take; a mutant that hangs them is caught (time-out)."""


@dataclass(frozen=True)
class Mutant:
    """One change to one rule, and the tests that must fail on it."""

    id: str
    rule: str
    path: Path
    find: str
    replace: str
    tests: tuple[str, ...]

    def mutated(self, text: str) -> str:
        return text.replace(self.find, self.replace, 1)


class CatalogueError(Exception):
    """The catalogue does not fit the code (or the tests) any more."""


def _locate(mid: str, find: str, where: str) -> Path:
    """The one package file holding ``find`` (among files whose path contains ``where``)."""
    hits = []
    for path in sorted((ROOT / "fleksmon").rglob("*.py")):
        if where not in path.relative_to(ROOT).as_posix():
            continue
        count = path.read_text("utf-8").count(find)
        if count > 1:
            raise CatalogueError(f"{mid}: the text is found {count} times in {path.name}")
        if count:
            hits.append(path)
    if len(hits) != 1:
        found = ", ".join(p.relative_to(ROOT).as_posix() for p in hits) or "no file"
        raise CatalogueError(f"{mid}: the text to mutate is in {found} (need exactly one)")
    return hits[0]


def load(only: list[str], with_equivalent: bool) -> tuple[list[Mutant], dict[str, str]]:
    """The mutants to run (checked against the code) and the equivalent ones (id → reason)."""
    spec = tomllib.loads(CATALOGUE.read_text("utf-8"))
    equivalent = {k: v["reason"] for k, v in tomllib.loads(EQUIVALENT.read_text("utf-8")).items()}
    mutants: list[Mutant] = []
    seen: set[str] = set()
    for entry in spec["mutant"]:
        mid = entry["id"]
        if mid in seen:
            raise CatalogueError(f"{mid}: the id is used twice")
        seen.add(mid)
        for test in entry["tests"]:
            if not (ROOT / test.split("::")[0]).exists():
                raise CatalogueError(f"{mid}: no test file {test.split('::')[0]}")
        path = _locate(mid, entry["find"], entry.get("where", ""))
        tests = tuple(entry["tests"]) + (("-k", entry["k"]) if "k" in entry else ())
        mutant = Mutant(mid, entry["rule"], path, entry["find"], entry["replace"], tests)
        if mutant.mutated(path.read_text("utf-8")) == path.read_text("utf-8"):
            raise CatalogueError(f"{mid}: the mutant changes nothing")
        if only and not any(mid.startswith(o) for o in only):
            continue
        if mid in equivalent and not with_equivalent:
            continue
        mutants.append(mutant)
    unknown = sorted(set(equivalent) - seen)
    if unknown:
        raise CatalogueError(f"{EQUIVALENT.name} lists mutants not in the catalogue: {unknown}")
    return mutants, equivalent


def _copy(into: Path) -> Path:
    """A copy of the repository to mutate, with the package's and tests' bytecode compiled."""
    shutil.copytree(ROOT, into, ignore=lambda d, names: [n for n in names if n in SKIP])
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "fleksmon", "tests"], cwd=into, check=True
    )
    # Collecting every test once writes the tests' rewritten bytecode (never mutated).
    subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=into,
        env={**os.environ, "PYTHONPATH": str(into)},
        capture_output=True,
        check=False,
    )
    return into


PRELOAD = ["pytest", "hypothesis", "numpy", "typer", "rich", "openpyxl", "platformdirs"]
"""Imported once by the fork server; polars is not (its threads must not be forked)."""


def _pytest(copy: str, args: list[str], log: str) -> None:
    """In a forked process: run pytest on ``args`` in ``copy``, output to ``log``."""
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.chdir(copy)
    sys.path.insert(0, copy)
    sys.dont_write_bytecode = True
    import pytest

    code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", *args])
    sys.stdout.flush()
    sys.stderr.flush()
    used = resource.getrusage(resource.RUSAGE_SELF)
    Path(log + ".cpu").write_text(str(used.ru_utime + used.ru_stime))
    os._exit(int(code))


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    verdict: str
    seconds: float
    cpu: float
    tail: str = ""


def run(mutant: Mutant, copy: Path, number: int) -> Outcome:
    """Run the mutant's tests in ``copy`` with the mutant in place, then restore the file."""
    target = copy / mutant.path.relative_to(ROOT)
    original = target.read_text("utf-8")
    stat = target.stat()
    target.write_text(mutant.mutated(original), "utf-8")
    # A new modification time, so no compiled original is ever taken for the mutant.
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + (number + 1) * 1_000_000_000))
    start = time.monotonic()
    log = copy / "mutant.log"
    cpu = Path(f"{log}.cpu")
    cpu.unlink(missing_ok=True)
    try:
        child = multiprocessing.get_context("forkserver").Process(
            target=_pytest, args=(str(copy), list(mutant.tests), str(log))
        )
        child.start()
        child.join(TIMEOUT)
        if child.is_alive():
            child.kill()
            child.join()
            code, tail = -1, ["time-out"]
        else:
            code = child.exitcode if child.exitcode is not None else -2
            tail = log.read_text("utf-8", errors="replace").strip().splitlines()[-3:]
    finally:
        target.write_text(original, "utf-8")
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    verdict = {0: "survived", 1: "caught", 2: "caught", -1: "caught"}.get(code, "error")
    used = float(cpu.read_text()) if cpu.exists() else 0.0
    return Outcome(mutant, verdict, time.monotonic() - start, used, "\n".join(tail))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", nargs="*", default=[], help="mutant ids or id prefixes")
    parser.add_argument("--equivalent", action="store_true", help="run the equivalent ones too")
    args = parser.parse_args(argv)
    # One thread per library in every mutant's process (the jobs share the cores).
    os.environ.update(POLARS_MAX_THREADS="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    os.environ.pop("COVERAGE_PROCESS_START", None)
    multiprocessing.set_forkserver_preload(PRELOAD)
    try:
        mutants, equivalent = load(args.only, args.equivalent)
    except CatalogueError as err:
        print(f"mutation: {err}. Update {CATALOGUE.relative_to(ROOT)}.", file=sys.stderr)
        return 1
    start = time.monotonic()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="fleksmon-mutation-") as tmp:
        jobs = max(1, min(args.jobs, len(mutants)))
        copies: Queue[Path] = Queue()
        with ThreadPoolExecutor(jobs) as pool:
            for path in pool.map(_copy, [Path(tmp) / f"copy{i}" for i in range(jobs)]):
                copies.put(path)

            def work(item: tuple[int, Mutant]) -> Outcome:
                copy = copies.get()
                try:
                    return run(item[1], copy, item[0])
                finally:
                    copies.put(copy)

            for outcome in pool.map(work, enumerate(mutants)):
                outcomes.append(outcome)
                note = " (listed as equivalent)" if outcome.mutant.id in equivalent else ""
                print(
                    f"{outcome.verdict:>8}  {outcome.mutant.id}{note}  "
                    f"({outcome.seconds:.1f} s, {outcome.cpu:.1f} s CPU)",
                    flush=True,
                )
                if outcome.verdict != "caught" and not note:
                    print(f"          {outcome.mutant.rule}", flush=True)
                    if outcome.verdict == "error":
                        print(f"          {outcome.tail}", flush=True)
    counted = [o for o in outcomes if o.mutant.id not in equivalent]
    caught = sum(o.verdict == "caught" for o in counted)
    failed = [o for o in counted if o.verdict != "caught"]
    total = len(counted)
    score = 100.0 * caught / total if total else 100.0
    cpu = sum(o.cpu for o in outcomes)
    print(
        f"Mutation score: {caught} of {total} mutants caught ({score:.1f} %); "
        f"{len(equivalent)} equivalent, listed in {EQUIVALENT.relative_to(ROOT)}; "
        f"{time.monotonic() - start:.0f} s with {jobs} jobs ({cpu:.0f} s CPU for the tests)"
    )
    for outcome in failed:
        print(f"not caught: {outcome.mutant.id} ({outcome.verdict}): {outcome.mutant.rule}")
    wrongly = [o.mutant.id for o in outcomes if o.mutant.id in equivalent and o.verdict == "caught"]
    for mid in wrongly:
        print(f"listed as equivalent but caught: {mid} (take it off {EQUIVALENT.name})")
    return 1 if failed or wrongly else 0


if __name__ == "__main__":
    sys.exit(main())
