"""The stakeholder map charts the projector showed, redrawn from one workshop's loaded tables:
the map itself and the power-interest grid.

Each function takes ``tables`` (:data:`~codesign_widgets.core.workshop_tables.Tables`) and
returns a :class:`~codesign_widgets.analysis.charts.Chart`; the map comes from
:mod:`codesign_widgets.network.analysis`.
"""

from __future__ import annotations

from ..core.palette import line_style
from ..core.workshop_tables import Tables, perspective_groups
from ..network.analysis import NO_MAP, NO_STAKEHOLDERS, network_graph, network_map
from .charts import OTHER, Chart, empty_chart, figure, finish, group_colour, shorten

__all__ = ["network_chart", "power_interest_chart"]


def _no_map(tables: Tables) -> str:
    has_stage = (tables["stages"]["activity"] == "stakeholder_network").any()
    return NO_STAKEHOLDERS if has_stage else NO_MAP


def _dashes(index: int) -> str | tuple:
    """The matplotlib line style of the ``index``-th tie type, as the projector draws it."""
    _number, name, _words, dashes = line_style(index)
    if dashes:
        return (0, dashes)
    return {"dotted": ":", "double": "-"}.get(name, "-")


def network_chart(tables: Tables, stage: str | None = None) -> Chart:
    """The stakeholder map: node size is influence, colour the perspective group, edge
    colour the tie type (the same stable layout the projector used).

    >>> from tests.tables import network_tables
    >>> network_chart(network_tables()).title
    'Stakeholder map'
    """
    from ..network.layout import isolates, stable_layout, with_isolates_shelved

    graph = network_graph(tables, stage)
    title = "Stakeholder map"
    if not graph.number_of_nodes():
        return empty_chart(title, _no_map(tables))
    net = network_map(tables, stage)
    groups = perspective_groups(tables)
    colours = {t.key: t.colour for t in net.settings.tie_types}
    lines = {t.key: _dashes(i) for i, t in enumerate(net.settings.tie_types)}
    alone = set(isolates(graph))
    pos = with_isolates_shelved(graph, stable_layout(graph.subgraph(set(graph) - alone)))
    fig = figure(9, 7)
    ax = fig.add_subplot()
    for u, v, d in graph.edges(data=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1), arrowprops={
            "arrowstyle": "-|>" if d["direction"] == "forward" else
            ("<|-|>" if d["direction"] == "both" else "-"),
            "color": colours.get(d["tie_type"], OTHER), "linewidth": d["strength"],
            "linestyle": lines.get(d["tie_type"], "-"),
            "shrinkA": 12, "shrinkB": 12})  # fmt: skip
    for n, d in graph.nodes(data=True):
        x, y = pos[n]
        group = groups.get(d["perspective"], "")
        size = 120 + 60 * (d.get("influence") or 0)
        ax.scatter([x], [y], s=size, color=group_colour(group),
                   edgecolors="#000000", zorder=3)  # fmt: skip
        # Offset in points, not data units: a map of one row of stakeholders has no height.
        ax.annotate(shorten(d["name"], 28), (x, y), xytext=(0, -12), textcoords="offset points",
                    ha="center", va="top", fontsize=9)  # fmt: skip
    ax.invert_yaxis()  # y grows downwards on the projector: the same picture, shelf below
    ax.axis("off")
    ax.margins(0.15)
    ax.set_title(title, loc="left")
    names = dict(graph.nodes(data="name"))
    labels = {t.key: t.label for t in net.settings.tie_types}
    alt = "; ".join(
        f"{names[u]} → {names[v]} ({labels.get(d['tie_type'], d['tie_type'])}, {d['strength']})"
        for u, v, d in graph.edges(data=True)
    )
    return finish(fig, title, f"{graph.number_of_nodes()} stakeholders. {alt}")


def power_interest_chart(tables: Tables, stage: str | None = None) -> Chart:
    """Influence against interest with the four quadrants (Mendelow's grid).

    >>> from tests.tables import network_tables
    >>> power_interest_chart(network_tables()).title
    'Power and interest'
    """
    graph = network_graph(tables, stage)
    groups = perspective_groups(tables)
    title = "Power and interest"
    rated = [(d["name"], d["influence"], d.get("interest", 5),
              groups.get(d["perspective"], "")) for _n, d in graph.nodes(data=True)
             if d.get("influence") is not None]  # fmt: skip
    if not rated:
        sentence = _no_map(tables) if not graph else "Nobody rated influence on the map."
        return empty_chart(title, sentence)
    fig = figure(7, 7)
    ax = fig.add_subplot()
    ax.axhline(5, color="#999999")
    ax.axvline(5, color="#999999")
    for name, influence, interest, group in rated:
        ax.scatter([interest], [influence], s=90, color=group_colour(group),
                   edgecolors="#000000")  # fmt: skip
        ax.text(interest + 0.15, influence + 0.15, shorten(name, 26), fontsize=9)
    ax.set_xlim(0, 10.5)
    ax.set_ylim(0, 10.5)
    ax.set_xlabel("Interest")
    ax.set_ylabel("Influence")
    ax.set_title(title, loc="left")
    alt = "; ".join(f"{n}: influence {i:.1f}, interest {t:.1f}" for n, i, t, _g in rated)
    return finish(fig, title, alt)
