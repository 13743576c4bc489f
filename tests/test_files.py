"""Files that open right: a real xlsx of the records, a CSV for a Danish Excel, safe text."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

from fleksmon import api
from fleksmon.render.records import records_csv, records_csv_da
from fleksmon.store import Store

Run = Callable[..., Any]


def test_output_xlsx_is_a_workbook_of_the_records(
    cli: Run, k1_store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "gap.xlsx"
    result = cli("gap", "-c", "1", "-s", str(k1_store.root), "-o", str(out))
    assert result.exit_code == 0
    assert result.stderr == (
        f"Wrote {out}\nAnm.: Hele landet vises ikke: kun 9 af 98 kommuner har data "
        "(landstallet summeres kun, når alle kommuner er med).\n"
    )
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    records = api.gap("K1", store=k1_store).records
    assert list(rows[0]) == records.columns
    read = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert read == [
        {k: pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for k, v in rec.items()}
        for rec in records.to_dicts()
    ]
    viborg = next(r for r in rows[1:] if r[0] == "Viborg")
    assert (viborg[4], viborg[5], viborg[10]) == (2397, 2108, False)


def test_xlsx_format_needs_a_file(cli: Run, k1_store: Store) -> None:
    result = cli("gap", "-c", "1", "-s", str(k1_store.root), "-f", "xlsx")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --format xlsx writes a workbook and needs a file. Add -o records.xlsx.\n"
    )


def test_danish_csv_round_trips(cli: Run, k1_store: Store) -> None:
    result = cli("compute", "-c", "1", "-s", str(k1_store.root), "-f", "csv-da")
    text = result.stdout
    assert text.startswith("\ufeffkommune;kommune_kode;criterion;period;population;")
    assert "89,30957683741649" in text
    read = pl.read_csv(
        io.StringIO(text.removeprefix("\ufeff")),
        separator=";",
        decimal_comma=True,
        schema_overrides={"kommune_kode": pl.String},
    )
    expected = api.compute("K1", store=k1_store).records
    assert read.select(expected.columns).to_dicts() == json.loads(json.dumps(expected.to_dicts()))


def test_plain_csv_and_json_unchanged(cli: Run, k1_store: Store) -> None:
    csv = cli("gap", "-c", "1", "-k", "Gentofte", "-s", str(k1_store.root), "-f", "csv").stdout
    assert csv.splitlines()[1].startswith("Gentofte,157,K1,2019M09,449.0,401.0,89.309")


@pytest.mark.parametrize("writer", [records_csv, records_csv_da])
def test_csv_text_that_looks_like_a_formula_is_prefixed(writer: Any) -> None:
    frame = pl.DataFrame(
        {
            "kommune": ["=HYPERLINK(1)", "+1", "-x", "@SUM", "Viborg"],
            "gap_pp": [-1.5, 2.0, -3.0, 0.0, 1.0],
        }
    )
    text = writer(frame).removeprefix("\ufeff")
    sep = ";" if writer is records_csv_da else ","
    cells = [line.split(sep) for line in text.splitlines()[1:]]
    assert [c[0] for c in cells] == ["'=HYPERLINK(1)", "'+1", "'-x", "'@SUM", "Viborg"]
    assert cells[0][1] in ("-1.5", "-1,5")
