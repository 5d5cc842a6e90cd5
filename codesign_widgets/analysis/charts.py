"""Charts as static images: the :class:`Chart` value and the drawing helpers every chart shares.

The charts the projector showed are redrawn from stored data by topic:
:mod:`.goal_charts`, :mod:`.network_charts`, :mod:`.scoring_charts` and
:func:`.equal_say.equal_say_chart`; each is a function of
one workshop's loaded tables (:data:`~codesign_widgets.core.workshop_tables.Tables`) that
:class:`~codesign_widgets.analysis.loaded_data.WorkshopData` offers as a method of the same
name. A :class:`Chart` is a PNG (matplotlib, drawn without pyplot so no global state or GUI
backend is touched) with its text alternative. In JupyterLab and in an HTML report it shows as
an ``<img>`` with a ``data:`` URL, so a report needs no network and no JavaScript to show it.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

__all__ = [
    "GROUP_COLOURS",
    "GROUP_LABELS",
    "OTHER",
    "Chart",
    "bar_chart",
    "empty_chart",
    "figure",
    "finish",
    "group_colour",
    "group_label",
    "shorten",
]

GROUP_COLOURS = {"lived_experience": "#0072B2", "provider": "#D55E00", "system": "#009E73"}
GROUP_LABELS = {"lived_experience": "Lived experience", "provider": "Provider", "system": "System"}
#: The colour of anything without a perspective group (or tie type).
OTHER = "#999999"


def group_colour(group: str) -> str:
    """The colour of a perspective group (colour-blind safe), grey for anything else.

    >>> group_colour("provider"), group_colour("")
    ('#D55E00', '#999999')
    """
    return GROUP_COLOURS.get(group, OTHER)


def group_label(group: str) -> str:
    """A perspective group as a legend says it.

    >>> group_label("lived_experience"), group_label("carers")
    ('Lived experience', 'carers')
    """
    return GROUP_LABELS.get(group, group)


@dataclass(frozen=True)
class Chart:
    """A chart as PNG bytes and the words that say what it shows."""

    title: str
    png: bytes
    alt: str

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.alt)
        return (
            f'<figure style="margin:1em 0"><img src="data:image/png;base64,{data}" '
            f'alt="{alt}" style="max-width:100%"><figcaption>{html.escape(self.title)}'
            f"</figcaption><details><summary>In words</summary><p>{alt}</p></details></figure>"
        )


def figure(width: float = 8, height: float = 4.5):
    """A matplotlib figure of ``width`` x ``height`` inches at 100 dpi, outside pyplot."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def finish(fig, title: str, alt: str) -> Chart:
    """``fig`` drawn as a PNG (no timestamp or software name, so the bytes repeat)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return Chart(title, buffer.getvalue(), alt)


def shorten(text: str, limit: int = 34) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for an axis label.

    >>> shorten("Foot check at the pharmacy", 12)
    'Foot check …'
    >>> shorten("GP")
    'GP'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def empty_chart(title: str, why: str) -> Chart:
    """A chart with nothing to draw: a short strip saying ``why``.

    >>> empty_chart("Stakeholder map", "No stakeholders on the map yet.").alt
    'No stakeholders on the map yet.'
    """
    fig = figure(8, 1.2)
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.0, 0.5, why, fontsize=12, va="center")
    return finish(fig, title, why)


def bar_chart(title: str, labels: list[str], values: list[float], colour: str, unit: str) -> Chart:
    """Horizontal bars, the first label at the top; the words list each label's value.

    >>> bar_chart("Services most needed", ["GP", "Podiatry"], [3, 1], "#D55E00", "Cards").alt
    'GP: 3; Podiatry: 1'
    """
    if not labels:
        return empty_chart(title, "Nothing yet.")
    fig = figure(8, 0.45 * len(labels) + 1.2)
    ax = fig.add_subplot()
    ax.barh([shorten(x) for x in labels][::-1], values[::-1], color=colour)
    ax.set_xlabel(unit)
    ax.set_title(title, loc="left")
    alt = "; ".join(f"{label}: {value:g}" for label, value in zip(labels, values, strict=True))
    return finish(fig, title, alt)
