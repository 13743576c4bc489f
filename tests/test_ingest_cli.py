"""`fleksmon ingest`: what it prints, and every bad input as one line, exit 2, store unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]
ROOT = Path(__file__).resolve().parents[1]
HEAD = "Område;Periode;Fleksjob, fuldtidspersoner\n"

BAD_FILES: list[tuple[str, bytes, str]] = [
    (
        "nonnum.csv",
        (HEAD + "Viborg;2019M09;mange\n").encode(),
        "Error: nonnum.csv, row 2, column 'Fleksjob, fuldtidspersoner': 'mange' is not a number. "
        "Write numbers as 1.227 or 83,5, and a suppressed value as '-', '..', 'x' or an empty "
        "cell.",
    ),
    (
        "kommune.csv",
        (HEAD + "Vibrog;2019M09;2.108\n").encode(),
        "Error: kommune.csv, row 2, column 'Område': unknown kommune 'Vibrog'. Did you mean "
        "'Viborg', 'Svendborg' or 'Silkeborg'? Use a kommune or region name, a DST code, or "
        "'Hele landet'.",
    ),
    (
        "period.csv",
        (HEAD + "Viborg;2019M13;2.108\n").encode(),
        "Error: period.csv, row 2, column 'Periode': unknown period '2019M13'. Write a month as "
        "2019M11, 2019-11 or 'nov 2019', a quarter as 2018K3, or a range as 2019M09..2019M11.",
    ),
    (
        "column.csv",
        "Område;Fleksjob, fuldtidspersoner\nViborg;2.108\n".encode(),
        "Error: column.csv, row 1: no 'periode' column (columns found: 'Område', 'Fleksjob, "
        "fuldtidspersoner'). Name the area column 'kommune' (or område/area/jobcenter) and the "
        "period column 'periode' (or period/måned), or put one month in each column.",
    ),
    (
        "dup.csv",
        (HEAD + "Viborg;2019M09;2.108\nViborg;2019M09;2.109\n").encode(),
        "Error: dup.csv, rows 2 and 3: two different values for Viborg 2019M09 fleksjob_fuldtid "
        "(2.108 and 2.109). Keep one of the rows (or read the newer extract on its own).",
    ),
    (
        "enc.csv",
        b"Omr\xe5de;Periode;Fleksjob, fuldtidspersoner\nTh\xf8\x81nder;2019M09;2\n",
        "Error: enc.csv, row 2: byte 0x81 is neither UTF-8 nor Windows-1252 text. Save the file "
        "as UTF-8 (or export it again from Jobindsats).",
    ),
    (
        "broken.xlsx",
        b"PK\x03\x04 not a zip",
        "Error: broken.xlsx: not a readable .xlsx workbook (damaged zip archive: File is not a "
        "zip file). Open and save it in Excel as .xlsx, or export it as CSV.",
    ),
    (
        "header.csv",
        HEAD.encode(),
        "Error: header.csv: no data rows (only a header). Export the table with its rows, or "
        "check that you picked the right file.",
    ),
]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def test_ingest_prints_what_it_loaded(cli: Run, tmp_path: Path) -> None:
    store = tmp_path / "s"
    result = cli("ingest", str(ROOT / "examples" / "k1-sep-2019.csv"), "--store", str(store))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        "k1-sep-2019.csv: loaded aggregate: 18 rows, 9 kommuner, 2019M09, measures "
        "fleksjob_fuldtid, ledighedsydelse_fuldtid.\n"
        f"Store: {store}\n"
    )
    again = cli("ingest", str(ROOT / "examples" / "k1-sep-2019.csv"), "--store", str(store))
    assert "already loaded on" in again.stderr and "nothing changed" in again.stderr


def test_three_formats_give_the_same_figures(cli: Run, tmp_path: Path) -> None:
    outputs = []
    for suffix in ("csv", "xlsx", "json"):
        store = str(tmp_path / suffix)
        path = ROOT / "examples" / f"k1-sep-2019.{suffix}"
        assert cli("ingest", str(path), "--store", store).exit_code == 0
        outputs.append(json.loads(cli("gap", "-c", "1", "--store", store, "-f", "json").stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) == 9


def test_newer_extract_is_recorded(cli: Run, tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    old = tmp_path / "old.csv"
    new = tmp_path / "new.csv"
    old.write_text(
        HEAD.replace("\n", ";Ledighedsydelse, fuldtidspersoner\n") + "Viborg;2019M09;2.100;300\n",
        "utf-8",
    )
    new.write_text(
        HEAD.replace("\n", ";Ledighedsydelse, fuldtidspersoner\n") + "Viborg;2019M09;2.108;289\n",
        "utf-8",
    )
    assert cli("ingest", str(old), "--store", store).exit_code == 0
    result = cli("ingest", str(new), "--store", store)
    assert result.stderr.splitlines()[0].endswith("; replaced 2 older values (2 changed).")
    gap = json.loads(cli("gap", "-c", "1", "-s", store, "-f", "json").stdout)
    assert gap[0]["gap_persons"] == 49
    history = json.loads(cli("store", "-s", store, "-f", "json").stdout)
    assert [(Path(h["source"]).name, h["replaced"], h["changed"]) for h in history] == [
        ("old.csv", 0, 0),
        ("new.csv", 2, 2),
    ]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_input_is_one_line_and_changes_nothing(
    cli: Run, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    store = tmp_path / "s"
    assert (
        cli("ingest", str(ROOT / "examples" / "k1-sep-2019.csv"), "-s", str(store)).exit_code == 0
    )
    before = _snapshot(store)
    bad = tmp_path / name
    bad.write_bytes(content)
    good = ROOT / "examples" / "k1-sep-2019.json"
    result = cli("ingest", str(good), str(bad), "--store", str(store))
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert result.stdout == ""
    assert _snapshot(store) == before


def test_missing_file(cli: Run, tmp_path: Path) -> None:
    result = cli("ingest", str(tmp_path / "nope.csv"), "--store", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope.csv'}: no such file. Check the path.\n"
    assert not (tmp_path / "s").exists()


def test_person_files_loaded_together_are_one_extract(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "k")
    head = "person;kommune;start;slut\n"
    first = tmp_path / "del1.csv"
    second = tmp_path / "del2.csv"
    first.write_text(head + "a;Viborg;01-01-2019;28-02-2019\n", "utf-8")
    second.write_text(head + "b;Viborg;01-01-2019;30-09-2019\nc;Faxe;01-01-2019;\n", "utf-8")
    together = str(tmp_path / "together")
    result = cli("ingest", str(first), str(second), "--store", together)
    assert result.exit_code == 0, result.stderr
    assert "(one extract with the other 1 ly-forloeb file(s))" in result.stderr
    counts = json.loads(
        cli(
            "compute", "-c", "2", "-k", "Viborg", "-p", "2019M09", "-s", together, "-f", "json"
        ).stdout
    )
    history = json.loads(cli("store", "-s", together, "-f", "json").stdout)
    assert len(history) == 1 and history[0]["rows"] == 3
    apart = str(tmp_path / "apart")
    assert cli("ingest", str(first), "--store", apart).exit_code == 0
    assert cli("ingest", str(second), "--store", apart).exit_code == 0
    later = json.loads(cli("store", "-s", apart, "-f", "json").stdout)
    assert later[1]["replaced"] == 1  # a newer extract replaces the kommune's spells
    assert counts[0]["period"] == "2019M07..2019M09"


def test_one_person_extract_twice_in_one_ingest_is_refused(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEKSMON_KEY", "k")
    store = tmp_path / "s"
    assert (
        cli("ingest", str(ROOT / "examples" / "k1-sep-2019.csv"), "-s", str(store)).exit_code == 0
    )
    before = _snapshot(store)
    first = tmp_path / "timer.csv"
    first.write_text("person;kommune;periode;timer\na;Viborg;2019M01;7,5\n", "utf-8")
    copy = tmp_path / "kopi.csv"
    copy.write_bytes(first.read_bytes())
    twice = cli("ingest", str(first), str(first), "--store", str(store))
    same = cli("ingest", str(first), str(copy), "--store", str(store))
    assert (twice.exit_code, same.exit_code) == (2, 2)
    assert twice.stderr == (
        "Error: timer.csv is given twice: its persons would be counted twice. "
        "Load the extract once.\n"
    )
    assert same.stderr == (
        "Error: kopi.csv has the same content as timer.csv: its persons would be counted "
        "twice. Load the extract once.\n"
    )
    assert _snapshot(store) == before
