"""The published Sep-2019 K1 counts split by gender and origin, in every Jobindsats shape.

Each part sums to the published totals (fleksjob Y08A02, ledighedsydelse
Y09A02), so every shape read right gives Viborg 49 and Thisted 40 persons
missing. ``write_shape`` writes the two tables of one shape and returns paths.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import K1_SEP_2019

KOEN = ("Kvinder", "Mænd")
HERKOMST = (
    "Personer med dansk oprindelse",
    "Indvandrere fra vestlige lande",
    "Indvandrere fra ikke-vestlige lande",
    "Efterkommere fra vestlige lande",
    "Efterkommere fra ikke-vestlige lande",
)
_WEIGHTS = (0, 4, 9, 2, 5)  # percent of each non-Danish group; the Danish group takes the rest
TABLES = {"Y08A02": 0, "Y09A02": 1}  # table id → index of its count in K1_SEP_2019
PERIOD = "2019M09"
LABEL = "Antal fuldtidspersoner"
PCT = "Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"

Cell = tuple[str, str | None, str | None, int]  # kommune, køn, herkomst, count


def split(total: int) -> dict[str, int]:
    """A count split over the origin groups (integer parts summing to the total)."""
    parts = {h: total * w // 100 for h, w in zip(HERKOMST, _WEIGHTS, strict=True)}
    parts[HERKOMST[0]] = total - sum(parts.values())
    return parts


def cells(table: str) -> list[Cell]:
    """Every kommune × Køn (total, categories) × Herkomst (total, groups) with its count."""
    out: list[Cell] = []
    for kommune, figures in K1_SEP_2019.items():
        total = figures[TABLES[table]]
        origin: dict[str | None, int] = {None: total, **split(total)}
        women = {h: n * 55 // 100 for h, n in split(total).items()}
        by_gender: dict[str | None, dict[str | None, int]] = {
            None: origin,
            "Kvinder": {None: sum(women.values()), **women},
        }
        by_gender["Mænd"] = {h: origin[h] - by_gender["Kvinder"][h] for h in origin}
        for koen, counts in by_gender.items():
            for herkomst, n in counts.items():
                out.append((kommune, koen, herkomst, n))
    return out


def rows(
    table: str,
    koen: tuple[str | None, ...] | None,
    herkomst: tuple[str | None, ...] | None,
    total_names: tuple[str, str] = ("Køn i alt", "Herkomst i alt"),
) -> list[list[object]]:
    """Data rows [kommune, (køn), (herkomst), count] for the chosen values (None = total)."""
    out: list[list[object]] = []
    for kommune, k, h, n in cells(table):
        if k not in (koen or (None,)) or h not in (herkomst or (None,)):
            continue
        row: list[object] = [kommune]
        if koen is not None:
            row.append(total_names[0] if k is None else k)
        if herkomst is not None:
            row.append(total_names[1] if h is None else h)
        out.append([*row, n])
    return out


def _dims(koen: object, herkomst: object) -> list[str]:
    return (["Køn"] if koen is not None else []) + (["Herkomst"] if herkomst is not None else [])


Writer = Callable[[Path, str, list[list[object]], list[str]], Path]


def v2_csv(folder: Path, table: str, data: list[list[object]], dims: list[str]) -> Path:
    """The API's v2 CSV: ';', BOM, measures as columns, no thousands separator."""
    head = ["Area", "Periode", *dims, "Antal personer", LABEL, PCT]
    lines = [";".join(head)]
    for row in data:
        *keys, n = row
        lines.append(
            ";".join([str(keys[0]), PERIOD, *map(str, keys[1:]), str(n + 7), str(n), '"1,08"'])
        )
    path = folder / f"{table.lower()}_v2.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path


def v2_json(folder: Path, table: str, data: list[list[object]], dims: list[str]) -> Path:
    """The API's v2 JSON: lower-case names, the English 'Area' label, opaque measure names."""
    names = {"Køn": "_kon", "Herkomst": "_herkomst"}
    variables = [
        {"Name": "area", "Label": "Area"},
        {"Name": "period", "Label": "Periode"},
        *({"Name": names[d], "Label": d} for d in dims),
        {"Name": "memba02_1", "Label": "Antal personer"},
        {"Name": "memba02_3", "Label": LABEL},
    ]
    body = [
        [
            str(r[0]),
            PERIOD,
            *map(str, r[1:-1]),
            str(int(str(r[-1])) + 7),
            f"{r[-1]:,}".replace(",", "."),
        ]
        for r in data
    ]
    path = folder / f"{table.lower()}_svar.json"
    path.write_text(
        json.dumps([{"Variables": variables, "Data": body}], ensure_ascii=False), "utf-8"
    )
    return path


def v3_json(folder: Path, table: str, data: list[list[object]], dims: list[str]) -> Path:
    """The API's v3 JSON: measures first, then area, dimensions reversed, then period."""
    columns = [LABEL, "Område", *reversed(dims), "Periode"]
    body = [[r[-1], r[0], *reversed(r[1:-1]), PERIOD] for r in data]
    path = folder / f"{table.lower()}_v3.json"
    path.write_text(json.dumps({"columns": columns, "rows": body}, ensure_ascii=False), "utf-8")
    return path


def ndjson(folder: Path, table: str, data: list[list[object]], dims: list[str]) -> Path:
    """One JSON object a line (a Node-RED flow), named .csv and appended twice."""
    lines = []
    for r in data:
        obj: dict[str, object] = {"Area": r[0], "Periode": PERIOD}
        obj.update(zip(dims, r[1:-1], strict=True))
        obj[LABEL] = r[-1]
        obj[PCT] = "1,08"
        lines.append(json.dumps(obj, ensure_ascii=False))
    path = folder / f"{table.lower()}_flow.csv"
    path.write_text("\n".join(lines + lines) + "\n", "utf-8")
    return path


def portal_csv(folder: Path, table: str, data: list[list[object]], dims: list[str]) -> Path:
    """A portal download: title rows, cp1252, thousands dots."""
    lines = [f"{table}: {'Fleksjob' if table == 'Y08A02' else 'Ledighedsydelse'}", ""]
    lines.append(";".join(["Område", "Periode", *dims, LABEL]))
    for r in data:
        n = f"{r[-1]:,}".replace(",", ".")
        lines.append(";".join([str(r[0]), PERIOD, *map(str, r[1:-1]), n]))
    path = folder / f"{table.lower()}_portal.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


WRITERS: dict[str, Writer] = {
    "v2-csv": v2_csv,
    "v2-json": v2_json,
    "v3-json": v3_json,
    "ndjson": ndjson,
    "portal": portal_csv,
}

SPLITS: dict[str, tuple[tuple[str | None, ...] | None, tuple[str | None, ...] | None]] = {
    "køn-with-total": ((None, *KOEN), None),
    "køn-categories": (KOEN, None),
    "herkomst-with-total": (None, (None, *HERKOMST)),
    "herkomst-categories": (None, HERKOMST),
    "køn×herkomst-all": ((None, *KOEN), (None, *HERKOMST)),
    "køn×herkomst-categories": (KOEN, HERKOMST),
    "køn-total×herkomst-categories": ((None,), HERKOMST),
}


def write_shape(
    folder: Path, shape: str, split_name: str, totals: tuple[str, str] | None = None
) -> list[Path]:
    """Both K1 tables in one shape and one split, in ``folder``."""
    koen, herkomst = SPLITS[split_name]
    names = totals or ("Køn i alt", "Herkomst i alt")
    return [
        WRITERS[shape](folder, table, rows(table, koen, herkomst, names), _dims(koen, herkomst))
        for table in TABLES
    ]
