"""Write the K1 example extracts (Sep. 2019) in the three shapes fleksmon reads.

The counts are the published ones from STAR's "Udvikling i fleksjob II",
status oktober 2019 (full-time persons in flexjob and on ledighedsydelse).
Run from the repository root: ``python examples/make_examples.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).parent
PERIOD = "2019M09"
COUNTS = {  # kommune: (fleksjob, ledighedsydelse), fuldtidspersoner
    "Gentofte": (401, 48),
    "Frederikshavn": (1206, 163),
    "Viborg": (2108, 289),
    "Thisted": (1078, 164),
    "Tønder": (577, 102),
    "Faxe": (659, 143),
    "Albertslund": (359, 84),
    "Stevns": (365, 92),
    "Ballerup": (512, 132),
}


def danish(n: int) -> str:
    """``1206 → '1.206'``."""
    return f"{n:,}".replace(",", ".")


def write_csv() -> None:
    """A portal download: cp1252, ';', a title row, Danish labels, a source line."""
    lines = [
        "Fleksjob og ledighedsydelse - fuldtidspersoner, september 2019;;;",
        "Område;Periode;Fleksjob, fuldtidspersoner;Ledighedsydelse, fuldtidspersoner",
        *(f"{k};{PERIOD};{danish(f)};{danish(ly)}" for k, (f, ly) in COUNTS.items()),
        "Kilde: Jobindsats.dk;;;",
    ]
    (HERE / "k1-sep-2019.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def write_xlsx() -> None:
    """An Excel download: merged title, a group row over a two-row header, number cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Fuldtidspersoner"
    ws["A1"] = "Fuldtidspersoner i fleksjob og på ledighedsydelse, september 2019"
    ws["A1"].font = Font(bold=True)
    ws.merge_cells("A1:D1")
    ws.append([None, None, "Fleksjob", "Ledighedsydelse"])
    ws.append(["Område", "Periode", "Antal fuldtidspersoner", "Antal fuldtidspersoner"])
    for kommune, (f, ly) in COUNTS.items():
        ws.append([kommune, PERIOD, f, ly])
    ws.append(["Kilde: Jobindsats.dk"])
    wb.save(HERE / "k1-sep-2019.xlsx")


def write_json() -> None:
    """A Jobindsats API v2 response with one element per table (Y08A02, Y09A02)."""
    body = []
    for table, i in (("Y08A02", 0), ("Y09A02", 1)):
        body.append(
            {
                "TableID": table,
                "Variables": [
                    {"Name": "Area", "Label": "Område"},
                    {"Name": "Period", "Label": "Periode"},
                    {"Name": f"{table.lower()}_antal_fuldtid", "Label": "Antal fuldtidspersoner"},
                ],
                "Data": [[k, PERIOD, danish(v[i])] for k, v in COUNTS.items()],
            }
        )
    text = json.dumps(body, ensure_ascii=False, indent=1)
    (HERE / "k1-sep-2019.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_csv()
    write_xlsx()
    write_json()
