"""Per-attribute accuracy bar chart, one bar per model (the paper's Figs 7-8).

Uses matplotlib's object API with the Agg canvas, so it never touches pyplot's
global state or needs a display.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import InputError
from .report import EvaluationReport


def plot_accuracy(reports: Mapping[str, EvaluationReport], path: str | Path | None = None):
    """Draw per-attribute accuracy; save a PNG to ``path`` when given.

    Returns
    -------
    The matplotlib ``Figure``; ``fig.axes[0].containers`` holds one bar container
    per model, each with one bar per attribute.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not reports:
        raise InputError("no reports to plot; evaluate at least one model.")
    names = list(reports)
    attrs = list(reports[names[0]].per_attribute)
    for name in names[1:]:
        if list(reports[name].per_attribute) != attrs:
            raise InputError(
                f"report {name!r} has other attributes than {names[0]!r}; compare one attribute set."
            )
    width = 0.8 / len(names)
    # about 0.45 inch per attribute, a little more per extra model, within 6-14 inches
    fig_width = min(14.0, max(6.0, 0.45 * len(attrs) * (1 + 0.25 * (len(names) - 1)) + 2))
    fig = Figure(figsize=(fig_width, 4.8), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for k, name in enumerate(names):
        values = [reports[name].per_attribute[a].accuracy or 0.0 for a in attrs]
        xs = [i - 0.4 + width * (k + 0.5) for i in range(len(attrs))]
        ax.bar(xs, values, width, label=name)
    ax.set_xticks(range(len(attrs)))
    rotate = len(attrs) > 5
    ax.set_xticklabels(
        attrs, rotation=40 if rotate else 0, ha="right" if rotate else "center", rotation_mode="anchor"
    )
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("Accuracy")
    ax.set_title(f"Per-attribute accuracy ({reports[names[0]].schema}, n={reports[names[0]].n})")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if len(names) > 1:
        fig.legend(loc="outside right upper", fontsize="small")
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
