"""``fleksmon chart``: PNG and SVG images with the workbook chart's lines, target and texts."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fleksmon import report
from fleksmon.query import Query
from fleksmon.render import image
from fleksmon.store import Store
from tests.test_export_chart import national_frame

Run = Callable[..., Any]


def svg_of(tmp_path: Path, kommuner: tuple[str, ...] = ("Viborg", "Thisted")) -> str:
    data = report.workbook_data(["K1"], Query(frame=national_frame(), kommuner=kommuner))
    written = image.draw(data.sections[0], tmp_path / "K1")
    assert written == [tmp_path / "K1.png", tmp_path / "K1.svg"]
    assert (tmp_path / "K1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return (tmp_path / "K1.svg").read_text("utf-8")


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_svg_has_the_danish_title_legend_and_notes(tmp_path: Path) -> None:
    found = texts(svg_of(tmp_path))
    assert "Andel i fleksjob, Jul.–Sep. 2019" in found
    for label in ("Viborg", "Thisted", "Hele landet", "Top-10 gns.", "Mål", "Andel"):
        assert label in found
    assert [t for t in found if t.endswith("2019")][:3] == ["Jul. 2019", "Aug. 2019", "Sep. 2019"]
    assert "Kilde: Jobindsats.dk" in found
    assert "Top-10 gns.: gennemsnit af de 10 bedste kommuners andel i måneden." in found


def test_svg_target_is_a_straight_horizontal_line(tmp_path: Path) -> None:
    svg = svg_of(tmp_path)
    group = re.search(r'<g id="maal">\s*<path d="([^"]*)"[^>]*style="([^"]*)"', svg)
    assert group is not None
    points = re.findall(r"[ML] ([\d.]+) ([\d.]+)", group.group(1))
    assert len(points) >= 2 and len({y for _, y in points}) == 1
    assert "stroke: #c00000" in group.group(2)


def test_same_figures_same_svg(tmp_path: Path) -> None:
    first = svg_of(tmp_path)
    assert svg_of(tmp_path) == first


def test_cli_writes_png_and_svg(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    result = cli("chart", str(tmp_path), "-c", "1", "-s", str(k1_store.root), "--image", "svg")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Wrote 1 images to {tmp_path}: K1.svg\n"
    svg = (tmp_path / "K1.svg").read_text("utf-8")
    assert "Andel i fleksjob, Sep. 2019" in texts(svg)
    assert "Top-10 gns. er udeladt, da kun 9 kommuner har data (der skal være mindst 10)." in texts(
        svg
    )
    assert not (tmp_path / "K1.png").exists()


def test_cli_creates_the_folder(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "figurer" / "k1"
    result = cli("chart", str(folder), "-s", str(k1_store.root), "--image", "png")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Wrote 1 images to {folder}: K1.png\n"
    assert [p.name for p in folder.iterdir()] == ["K1.png"]


def test_cli_file_in_the_way_is_one_line(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    (tmp_path / "figurer").write_text("x", "utf-8")
    result = cli("chart", str(tmp_path / "figurer"), "-s", str(k1_store.root))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: cannot write into {tmp_path / 'figurer'}: a file of that name is in the way. "
        "Name a folder (it is created when missing).\n"
    )


def test_missing_matplotlib_names_the_reinstall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fleksmon.errors import FleksmonError
    from fleksmon.install import installed

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(FleksmonError) as caught:
        image.draw(
            report.workbook_data(["K1"], Query(frame=national_frame())).sections[0], tmp_path
        )
    assert caught.value.line() == (
        "chart images need matplotlib, which is missing from this installation. Install "
        f"fleksmon again with its dependencies: {installed().reinstall()}."
    )


@pytest.mark.parametrize("args", [["--help"], ["chart", "--help"]])
def test_help_does_not_load_matplotlib(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from fleksmon.cli.app import app\n"
        f"assert CliRunner().invoke(app, {args!r}).exit_code == 0\n"
        "assert 'matplotlib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_as_of_is_said_on_the_chart(cli: Run, k1_store: Store, tmp_path: Path) -> None:
    args = ("chart", str(tmp_path), "-c", "1", "-s", str(k1_store.root), "--image", "svg")
    result = cli(*args, "--as-of", "2999-01-01")
    assert result.exit_code == 0, result.stderr
    said = (
        "Opgjort på lageret, som det var ved udgangen af 01.01.2999 (--as-of); senere "
        "indlæsninger er ikke medtaget."
    )
    assert said in texts((tmp_path / "K1.svg").read_text("utf-8"))
