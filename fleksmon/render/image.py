"""Chart images (PNG and SVG) for committee papers, drawn with matplotlib.

The same lines as the workbook's chart (:func:`fleksmon.render.chart.lines`):
the chosen kommuner in colour with markers, Hele landet black and dashed, the
top-10 average grey and dotted, the target as the straight red line "Mål"
across the whole plot (also when there is only one period);
straight segments between the periods, Danish title, axis and notes. The SVG
keeps its texts as text (searchable, editable) and is byte-for-byte the same
for the same figures. matplotlib is imported only when an image is drawn, so
the rest of fleksmon starts without it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fleksmon.errors import FleksmonError
from fleksmon.render import chart

if TYPE_CHECKING:
    from fleksmon.report import Section

FORMATS = ("png", "svg")
DASHES = {"solid": "-", "dash": "--", "dashDot": "-.", "sysDot": ":"}
"""DrawingML dash names (as in the workbook's chart) as matplotlib line styles."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        from fleksmon.install import installed

        raise FleksmonError(
            "chart images need matplotlib, which is missing from this installation",
            f"install fleksmon again with its dependencies: {installed().reinstall()}",
        ) from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "svg.fonttype": "none",
    "svg.hashsalt": "fleksmon",
    "axes.spines.top": False,
    "axes.spines.right": False,
}
SIZE = (9.0, 5.0)
"""The figure's size in inches (a chart image, and a paper's figure before scaling)."""


def _figure(plt: Any, drawn: chart.Chart, *, framed: bool, size: tuple[float, float]) -> Any:
    """A matplotlib figure of ``drawn``; ``framed`` puts its title above and its notes
    below it (a paper gives both as text of its own)."""
    fig, ax = plt.subplots(figsize=size, dpi=150)
    xs = list(range(len(drawn.labels)))
    for i, line in enumerate(drawn.lines):
        if line.role == "target":
            ax.axhline(
                line.values[0],
                label=line.name,
                color=f"#{line.colour}",
                linewidth=line.width,
                zorder=3,
                gid="maal",
            )
            continue
        ax.plot(
            xs,
            [float("nan") if v is None else v for v in line.values],
            label=line.name,
            color=f"#{line.colour}",
            linewidth=line.width,
            linestyle=DASHES.get(line.dash, "-"),
            marker="o" if line.marker else None,
            markersize=5,
            zorder=2,
            gid=f"serie-{i}",
        )
    low, high = chart.share_range(list(drawn.lines))
    ax.set_ylim(low, high)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v * 100:.0f}%")
    ax.set_ylabel("Andel")
    ax.set_xticks(xs, list(drawn.labels))
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.8)
    if framed:
        ax.set_title(drawn.title, loc="left", fontweight="bold")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=6, frameon=False)
    if framed:
        fig.text(0.01, 0.01, "\n".join(drawn.notes), fontsize=8, va="bottom", ha="left")
    notes = len(drawn.notes) if framed else 0
    top = 0.9 if framed else 0.97
    bottom = (0.2 if framed else 0.17) + 0.03 * notes
    fig.subplots_adjust(left=0.08, right=0.98, top=top, bottom=bottom)
    return fig


def draw(section: Section, stem: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write ``section``'s chart as ``stem.png`` and/or ``stem.svg``; the files written."""
    plt = _pyplot()
    written = []
    with plt.rc_context(STYLE):
        fig = _figure(plt, chart.of_section(section), framed=True, size=SIZE)
        try:
            for fmt in formats:
                path = stem.with_suffix(f".{fmt}")
                fig.savefig(path, format=fmt, metadata=_metadata(fmt))
                written.append(path)
        except OSError as exc:
            raise FleksmonError(
                f"cannot write {stem.with_suffix('.' + fmt)} ({exc.strerror})",
                "pick another folder",
            ) from exc
        finally:
            plt.close(fig)
    return written


def picture(
    drawn: chart.Chart, fmt: str = "png", *, dpi: int = 200, size: tuple[float, float] = SIZE
) -> bytes:
    """``drawn`` as PNG (at ``dpi``, print resolution by default) or SVG bytes, without
    its title and notes (a paper sets them as text): the lines, axes and legend."""
    plt = _pyplot()
    out = io.BytesIO()
    with plt.rc_context(STYLE):
        fig = _figure(plt, drawn, framed=False, size=size)
        try:
            fig.savefig(out, format=fmt, dpi=dpi, metadata=_metadata(fmt))
        finally:
            plt.close(fig)
    return out.getvalue()


def _metadata(fmt: str) -> dict[str, str | None]:
    """No creation date in the files, so the same figures give the same bytes."""
    if fmt == "svg":
        return {"Date": None, "Creator": "fleksmon"}
    return {"Software": "fleksmon"}
