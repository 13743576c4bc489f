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
