"""``scripts/render-workbook.sh``: a workbook printed to PNG pages (needs LibreOffice)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fleksmon import report
from fleksmon.query import Query
from fleksmon.render import excel
from fleksmon.store import Store

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "render-workbook.sh"


def test_usage_without_arguments() -> None:
    done = subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"usage: {SCRIPT} WORKBOOK.xlsx [OUTDIR] [DPI]\n"


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="needs LibreOffice and poppler",
)
def test_renders_landscape_pages(k1_store: Store, tmp_path: Path) -> None:
    book = tmp_path / "report.xlsx"
    excel.write_workbook(report.workbook_data(["K1"], Query(store=k1_store)), book)
    done = subprocess.run(
        ["sh", str(SCRIPT), str(book), str(tmp_path / "pages"), "20"],
        capture_output=True,
        text=True,
        check=True,
    )
    pages = sorted((tmp_path / "pages").glob("report-*.png"))
    # K1 (the chart on a page of its own after nine rows and five notes), Data, Kilder.
    assert [p.name for p in pages] == [f"report-{n}.png" for n in range(1, 5)]
    assert done.stdout.split() == [str(p) for p in pages]
    width, height = _png_size(pages[0])
    assert width > height


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[16:24]
    return int.from_bytes(head[:4], "big"), int.from_bytes(head[4:], "big")
