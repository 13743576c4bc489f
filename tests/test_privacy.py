"""No CPR number is ever stored, printed, logged or exported."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CPR = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")


def _panel(tmp_path: Path) -> tuple[Path, list[str]]:
    """An hours panel of 30 persons with CPR numbers, 16 months each, in cp1252 CSV.

    One more person in 2017M01 makes that the panel's first month, so the 30
    spells (from 2018M02) have a known start.
    """
    cprs = [
        f"{d:02d}0{m}85-{1000 + i:04d}"
        for i, (d, m) in enumerate((d, m) for d in range(1, 11) for m in range(1, 4))
    ]
    lines = ["CPR-nr;Kommune;Måned;Løntimer", "311299-9999;Faxe;2017M01;5,00"]
    for i, cpr in enumerate(cprs):
        kommune = ("Viborg", "Thisted", "Århus")[i % 3]
        for k in range(16):
            year, month = 2018 + (k + 1) // 12, (k + 1) % 12 + 1
            hours = "20,00" if k < 3 else ("45,50" if i % 2 else "19,00")
            lines.append(f"{cpr};{kommune};{year}M{month:02d};{hours}")
    path = tmp_path / "timer.csv"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    return path, cprs


def _all_text(root: Path) -> str:
    chunks = []
    for path in root.rglob("*"):
        if path.is_file():
            chunks.append(path.read_bytes().decode("latin-1"))
    return "\n".join(chunks)


def test_no_cpr_in_store_outputs_or_messages(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "test-key")
    source, cprs = _panel(tmp_path)
    store = tmp_path / "store"
    seen: list[str] = []
    result = cli("ingest", str(source), "--store", str(store))
    assert result.exit_code == 0, result.stderr
    seen += [result.stdout, result.stderr]
    for fmt in ("table", "csv", "json"):
        out = cli("compute", "-c", "3", "--store", str(store), "--format", fmt)
        assert out.exit_code == 0, out.stderr
        seen += [out.stdout, out.stderr]
    assert not CPR.search("\n".join(seen))  # hashes below may hold ten digits by chance
    seen.append(cli("store", "--store", str(store), "-f", "json").stdout)
    workbook = tmp_path / "k3.xlsx"
    assert cli("export", str(workbook), "-c", "3", "--store", str(store)).exit_code == 0
    with zipfile.ZipFile(workbook) as z:
        seen += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    seen.append(_all_text(store))
    everything = "\n".join(seen)
    for cpr in cprs:
        assert cpr not in everything
        assert cpr.replace("-", "") not in everything
    k3 = json.loads(cli("gap", "-c", "3", "-k", "Viborg", "-s", str(store), "-f", "json").stdout)
    assert k3[0]["population"] == 10 and k3[0]["hits"] == 5


def test_bad_cpr_error_does_not_echo_it(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "test-key")
    path = tmp_path / "bad.csv"
    path.write_text("cpr;kommune;periode;timer\n320185-1234;Viborg;2019M01;5,00\n", "utf-8")
    result = cli("ingest", str(path), "--store", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert "320185" not in result.stderr and "1234" not in result.stderr
    assert result.stderr.startswith("Error: bad.csv: row 2")
    assert not (tmp_path / "s" / "manifest.json").exists()


# ------------------------------------------------------------------ masking and messages

SECRET = "280388-1357"
"""The CPR number the leak tests hide in files, file names and arguments."""


def forms(cpr: str) -> list[str]:
    """A CPR number as people write it: dashed, undashed and spaced."""
    return [cpr, cpr.replace("-", ""), cpr.replace("-", " ")]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("280388-1357", "280388-****"),
        ("2803881357", "280388-****"),
        ("280388 1357", "280388-****"),
        ("udtraek_2803881357.csv", "udtraek_280388-****.csv"),
        ("a 280388-1357; b 010190-1234", "a 280388-****; b 010190-****"),
        ("28038813570", "28038813570"),
        ("2019M01 83.748 rows 1234567", "2019M01 83.748 rows 1234567"),
    ],
)
def test_mask_cpr(text: str, masked: str) -> None:
    from fleksmon.errors import mask_cpr

    assert mask_cpr(text) == masked


def test_error_lines_and_tracebacks_are_masked() -> None:
    from fleksmon.errors import FleksmonError

    err = FleksmonError(f"{SECRET}.csv: no such file", "check 2803881357")
    assert err.line() == "280388-****.csv: no such file. Check 280388-****."
    assert str(err) == "280388-****.csv: no such file"


HOURS_HEAD = "cpr;kommune;periode;timer"
CELLS = {
    "kommune": HOURS_HEAD + "\n010190-1234;{};2019M01;7,5",
    "periode": HOURS_HEAD + "\n010190-1234;Viborg;{};7,5",
    "timer": HOURS_HEAD + "\n010190-1234;Viborg;2019M01;{}",
    "start": "cpr;kommune;start;slut\n010190-1234;Viborg;{};",
    "slut": "cpr;kommune;start;slut\n010190-1234;Viborg;01-01-2019;{}",
    "praktik": "cpr;kommune;periode;praktik;loentimer;fleksjob;su;grad\n"
    "010190-1234;Viborg;2019M01;{};0;0;0;0",
    "grad": "cpr;kommune;periode;praktik;loentimer;fleksjob;su;grad\n"
    "010190-1234;Viborg;2019M01;0;0;0;0;{}",
    "person": HOURS_HEAD + "\n{};Viborg;2019M01;7,5",
    "header": "{};Viborg;2019M01;7,5\n010190-1234;Viborg;2019M01;7,5",
}


@pytest.mark.parametrize(
    ("column", "form"),
    [
        (column, form)
        for column in CELLS
        for form in [*forms(SECRET), "280388-13570", "280388-135"]
        if column != "person" or form not in forms(SECRET)
    ],
)
def test_person_reader_never_echoes_a_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, form: str
) -> None:
    """With the last line of defence (masking) switched off, no message shows the cell."""
    from fleksmon import errors
    from fleksmon.errors import FleksmonError
    from fleksmon.readers.person import read_person

    monkeypatch.setattr(errors, "mask_cpr", lambda text: text)
    path = tmp_path / "udtraek.csv"
    path.write_text(CELLS[column].format(form) + "\n", "utf-8")
    with pytest.raises(FleksmonError) as err:
        read_person(path, None, key=b"k")
    line = err.value.line()
    assert line.startswith("udtraek.csv: ")
    assert not any(digits in line for digits in ("280388", "1357", "2803881"))


def test_aggregate_reader_names_a_cpr_without_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fleksmon import errors
    from fleksmon.errors import FleksmonError
    from fleksmon.readers import read_aggregate

    monkeypatch.setattr(errors, "mask_cpr", lambda text: text)
    head = "kommune;periode;maaling;vaerdi\n"
    lines = []
    for body in (
        f"{SECRET};2019M01;fleksjob_fuldtid;5",
        f"Viborg;2019M01;fleksjob_fuldtid;{SECRET}",
    ):
        path = tmp_path / "agg.csv"
        path.write_text(head + body + "\n", "utf-8")
        with pytest.raises(FleksmonError) as err:
            read_aggregate(path)
        lines.append(err.value.line())
    assert lines == [
        "agg.csv, row 2, column 'kommune': not a kommune. Use a kommune or region name, a DST "
        "code, or 'Hele landet'.",
        "agg.csv, row 2, column 'vaerdi': a value that looks like a CPR number is not a number. "
        "Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty "
        "cell.",
    ]


# ------------------------------------------------------------------ the leak test


def _store_text(root: Path) -> str:
    """Every byte of the store, and every Parquet file's cells and metadata as text."""
    import polars as pl

    chunks = [_all_text(root)]
    for path in root.rglob("*.parquet"):
        frame = pl.read_parquet(path)
        chunks.append(frame.select(pl.all().cast(pl.String)).write_csv())
        chunks.append(repr(pl.read_parquet_schema(path)))
    return "\n".join(chunks)


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_no_cpr_in_any_artifact_of_a_full_run(
    cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every output, message, traceback, store byte and export of a run, grepped for CPRs."""
    monkeypatch.setenv("FLEKSMON_KEY", "test-key")
    source, cprs = _panel(tmp_path)
    named = tmp_path / f"timer_{SECRET}.csv"
    named.write_bytes(source.read_bytes())
    second = tmp_path / f"timer {SECRET.replace('-', '')}.csv"
    second.write_text("CPR-nr;Kommune;Måned;Løntimer\n3112991234;Faxe;2017M02;5,00\n", "cp1252")
    store = tmp_path / "store"
    seen: list[str] = []

    def run(*args: str, code: int = 0) -> None:
        for debug in ((), ("--debug",)) if code else ((),):
            result = cli(*debug, *args)
            assert result.exit_code == code, result.stderr
            seen.extend([result.stdout, result.stderr])

    run("ingest", str(named), str(second), "--store", str(store))
    for fmt in ("table", "csv", "json"):
        run("compute", "-c", "3", "--store", str(store), "--format", fmt)
        run("gap", "-c", "3", "--store", str(store), "--format", fmt)
        run("store", "--store", str(store), "--format", fmt)
    run("store", "--store", str(store), "--check")
    workbook = tmp_path / "k3.xlsx"
    run("export", str(workbook), "-c", "3", "--store", str(store))

    bad = {
        "swapped.csv": f"kommune;cpr;periode;timer\n{SECRET};Viborg;2019M01;7,5\n",
        "headerless.csv": f"{SECRET.replace('-', '')};Viborg;2019M01;7,5\n",
        f"bad_{SECRET}.csv": "cpr;kommune;periode;timer\n320185-1234;Viborg;2019M01;7,5\n",
        "month.csv": f"cpr;kommune;periode;timer\n{cprs[0]};Viborg;{SECRET};7,5\n",
        "hours.csv": f"cpr;kommune;periode;timer\n{cprs[0]};Viborg;2019M01;{SECRET}\n",
        "agg.csv": f"kommune;periode;maaling;vaerdi\n{SECRET.replace('-', ' ')};2019M01;x;5\n",
        "agg_value.csv": f"kommune;periode;maaling;vaerdi\nViborg;2019M01;x;{SECRET}\n",
    }
    for name, text in bad.items():
        (tmp_path / name).write_text(text, "utf-8")
        run("ingest", str(tmp_path / name), "--store", str(store), code=2)
    run("ingest", str(tmp_path / f"missing {SECRET}.csv"), "--store", str(store), code=2)
    run("gap", "-k", SECRET, "--store", str(store), code=2)
    run("gap", "--store", str(tmp_path / f"store-{SECRET}"), code=2)

    everything = "\n".join([*seen, _store_text(store), _xlsx_text(workbook)])
    assert "Traceback" in everything and "280388-****" in everything
    for cpr in [SECRET, *cprs, "3112991234", "320185-1234"]:
        for form in forms(cpr):
            assert form not in everything, form
