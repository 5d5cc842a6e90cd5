"""Charts as static images: the :class:`Chart` value and the drawing helpers every chart shares.

The charts the projector showed are redrawn from stored data by topic:
:mod:`.goal_charts`, :mod:`.network_charts`, :mod:`.scoring_charts` and
:func:`.equal_say.equal_say_chart`; each is a function of
one workshop's loaded tables (:data:`~codesign_widgets.core.workshop_tables.Tables`) that
:class:`~codesign_widgets.analysis.loaded_data.WorkshopData` offers as a method of the same
name. A :class:`Chart` holds a matplotlib figure (drawn without pyplot, so no global state or
GUI backend is touched) with its title and text alternative; it saves as PNG, SVG or PDF. In
JupyterLab and in an HTML report it shows as an ``<img>`` with a ``data:`` URL, so a report
needs no network and no JavaScript to show it. Participant text is drawn literally
(:func:`literal`: "$5 or $10" is not maths).
"""

from __future__ import annotations

import base64
import html
import io
import os
import warnings
from pathlib import Path

from ..core.palette import GROUP_COLOURS, UNKNOWN_COLOUR

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
    "literal",
    "shorten",
]

GROUP_LABELS = {
    "lived_experience": "Lived experience",
    "provider": "Provider",
    "system": "System",
    "other": "Other perspectives",  # small groups, merged (codesign_widgets.core.small_groups)
}
#: The colour of anything without a perspective group (or tie type).
OTHER = UNKNOWN_COLOUR


def group_colour(group: str) -> str:
    """The colour of a perspective group (colour-blind safe), grey for anything else.

    >>> group_colour("provider"), group_colour("")
    ('#D55E00', '#767676')
    """
    return GROUP_COLOURS.get(group, OTHER)


def group_label(group: str) -> str:
    """A perspective group as a legend says it.

    >>> group_label("lived_experience"), group_label("carers")
    ('Lived experience', 'carers')
    """
    return literal(GROUP_LABELS.get(group, group))


class Chart:
    """A chart: a matplotlib figure, its title, and the words that say what it shows.

    ``chart.figure`` is the :class:`matplotlib.figure.Figure` to restyle (``chart.axes`` its
    axes); ``chart.save("map.png")`` (or ``.svg``, ``.pdf``) writes it; ``chart.png`` and
    ``chart.svg`` are its bytes and text. In JupyterLab and in the report it shows as an image
    with its words as the alt text and, below it, "In words".

    >>> chart = bar_chart("Services most needed", ["GP"], [3], "#D55E00", "Cards")
    >>> chart
    <Chart 'Services most needed': GP: 3>
    >>> chart.png[:4], chart.svg.startswith("<?xml")
    (b'\x89PNG', True)
    """

    def __init__(self, title: str, figure, alt: str, *, empty: bool = False) -> None:
        self.title = title
        self.figure = figure
        self.alt = alt
        #: True when there was nothing to draw: the figure only says why (``alt``).
        self.empty = empty
        self._png: bytes | None = None

    @property
    def axes(self) -> list:
        """The figure's axes, to restyle (``chart.axes[0].set_xlabel(...)``)."""
        return self.figure.axes

    def _render(self, format: str) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not isinstance(self.figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self.figure)
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            # An emoji a participant typed has no glyph in the default font: it shows as a
            # box, which is no reason to print a warning into the report.
            warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
            metadata = {"Software": None} if format == "png" else {"Creator": None}
            if format == "svg":
                metadata = {"Creator": None, "Date": None}
            self.figure.savefig(buffer, format=format, metadata=metadata)
        return buffer.getvalue()

    @property
    def png(self) -> bytes:
        """The chart as PNG bytes (no timestamp or software name, so the bytes repeat)."""
        if self._png is None:
            self._png = self._render("png")
        return self._png

    @property
    def svg(self) -> str:
        """The chart as SVG text."""
        return self._render("svg").decode("utf-8")

    def save(self, path: str | os.PathLike, format: str | None = None) -> Path:
        """Write the chart to ``path``; the format from its suffix (png, svg, pdf) or ``format``.

        >>> import tempfile, pathlib
        >>> out = bar_chart("Barriers", ["Bus"], [2], "#009E73", "Cards").save(
        ...     pathlib.Path(tempfile.mkdtemp()) / "barriers.svg")
        >>> out.read_text()[:5]
        '<?xml'
        """
        path = Path(path)
        kind = (format or path.suffix.lstrip(".") or "png").lower()
        path.write_bytes(self._render(kind))
        return path

    def __repr__(self) -> str:
        alt = self.alt if len(self.alt) <= 70 else self.alt[:69] + "…"
        return f"<Chart {self.title!r}: {alt}>"

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        alt = html.escape(self.alt)
        return (
            f'<figure style="margin:1em 0"><img src="data:image/png;base64,{data}" '
            f'alt="{alt}" style="max-width:100%"><figcaption>{html.escape(self.title)}'
            f"</figcaption><details><summary>In words</summary><p>{alt}</p></details></figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}


def figure(width: float = 8, height: float = 4.5):
    """A matplotlib figure of ``width`` x ``height`` inches at 100 dpi, outside pyplot (no
    global state, no GUI backend).

    >>> figure(4, 2).get_size_inches().tolist()
    [4.0, 2.0]
    """
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def finish(fig, title: str, alt: str) -> Chart:
    """``fig`` as a :class:`Chart` with its title and words.

    >>> finish(figure(), "Empty", "Nothing drawn.").alt
    'Nothing drawn.'
    """
    return Chart(title, fig, alt)


def literal(text: str) -> str:
    """Participant text as matplotlib shows it literally: a pair of dollar signs is not maths.

    >>> print(literal("Cost $#@!$ too much"))
    Cost \\$#@!\\$ too much
    """
    return str(text).replace("$", r"\$")


def shorten(text: str, limit: int = 34) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for an axis label (shown
    literally: see :func:`literal`).

    >>> shorten("Foot check at the pharmacy", 12)
    'Foot check …'
    >>> shorten("GP")
    'GP'
    """
    return literal(text if len(text) <= limit else text[: limit - 1] + "…")


def empty_chart(title: str, why: str) -> Chart:
    """A chart with nothing to draw: a short strip saying ``why``.

    >>> empty_chart("Stakeholder map", "No stakeholders on the map yet.").alt
    'No stakeholders on the map yet.'
    """
    fig = figure(8, 1.2)
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.0, 0.5, literal(why), fontsize=12, va="center")
    return Chart(title, fig, why, empty=True)


def bar_chart(
    title: str,
    labels: list[str],
    values: list[float],
    colour: str,
    unit: str,
    empty: str = "Nothing to show yet.",
) -> Chart:
    """Horizontal bars, the first label at the top; the words list each label's value
    (``empty`` says why when there is none).

    >>> bar_chart("Services most needed", ["GP", "Podiatry"], [3, 1], "#D55E00", "Cards").alt
    'GP: 3; Podiatry: 1'
    """
    if not labels:
        return empty_chart(title, empty)
    fig = figure(8, 0.45 * len(labels) + 1.2)
    ax = fig.add_subplot()
    ax.barh([shorten(x) for x in labels][::-1], values[::-1], color=colour)
    ax.set_xlabel(unit)
    ax.set_title(title, loc="left")
    alt = "; ".join(f"{label}: {value:g}" for label, value in zip(labels, values, strict=True))
    return finish(fig, title, alt)
