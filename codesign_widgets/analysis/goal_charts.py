"""The goal mapping charts the projector showed, redrawn from one workshop's loaded tables:
services, barriers, confidence, priorities from the dots and the goal-to-service map.

Each function takes ``tables`` (:data:`~codesign_widgets.core.workshop_tables.Tables`) and
returns a :class:`~codesign_widgets.analysis.charts.Chart`; the numbers come from
:mod:`codesign_widgets.goals.analysis`.
"""

from __future__ import annotations

from ..core.palette import POOLED
from ..core.workshop_tables import Tables
from ..goals.analysis import (
    NO_CARDS,
    barriers_named,
    confidence,
    goal_priorities,
    goal_service_graph,
    services_needed,
)
from .charts import (
    Chart,
    bar_chart,
    empty_chart,
    figure,
    finish,
    group_colour,
    group_label,
    shorten,
)

__all__ = [
    "barriers_chart",
    "confidence_chart",
    "goal_map_chart",
    "priorities_chart",
    "services_chart",
]


def _why(frame, otherwise: str) -> str:
    """Why ``frame`` is empty: the note its function left, else ``otherwise``."""
    return frame.attrs.get("note") or otherwise


def services_chart(tables: Tables, stage: str | None = None, top: int = 12) -> Chart:
    """Services most needed: cards naming each (the projector's first bar chart).

    >>> from tests.tables import goal_tables
    >>> services_chart(goal_tables())
    <Chart 'Services most needed': GP: 2; Podiatry: 1>
    """
    frame = services_needed(tables, stage)
    return bar_chart("Services most needed", frame["service"].head(top).tolist(),
                     frame["cards"].head(top).tolist(), "#D55E00", "Goal cards naming it",
                     _why(frame, "No card on the wall named a support or service."))  # fmt: skip


def barriers_chart(tables: Tables, stage: str | None = None, top: int = 12) -> Chart:
    """Barriers most named: cards naming each.

    >>> from tests.tables import goal_tables
    >>> barriers_chart(goal_tables())
    <Chart 'Barriers most named': Cost: 1; Transport: 1>
    """
    frame = barriers_named(tables, stage)
    return bar_chart("Barriers most named", frame["barrier"].head(top).tolist(),
                     frame["cards"].head(top).tolist(), "#009E73", "Goal cards naming it",
                     _why(frame, "No card on the wall named a barrier."))  # fmt: skip


def confidence_chart(tables: Tables, stage: str | None = None) -> Chart:
    """Confidence 0-10 per perspective group, stacked.

    >>> from tests.tables import goal_tables
    >>> confidence_chart(goal_tables()).alt
    'Lived experience: 1 at 4; Provider: 1 at 7; System: '
    """
    table = confidence(tables, stage).drop(index="all")
    title = "Confidence (0-10), by perspective"
    if table.to_numpy().sum() == 0:
        return empty_chart(title, "No card on the wall gave a confidence score.")
    fig = figure()
    ax = fig.add_subplot()
    bottom = [0] * 11
    for group, row in table.iterrows():
        values = row.tolist()
        ax.bar(range(11), values, bottom=bottom, label=group_label(group),
               color=group_colour(group))  # fmt: skip
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    ax.set_xticks(range(11))
    ax.set_xlabel("Confidence")
    ax.set_ylabel("Goal cards")
    ax.legend()
    ax.set_title(title, loc="left")
    alt = "; ".join(
        f"{group_label(g)}: " + ", ".join(f"{n} at {score}" for score, n in enumerate(row) if n)
        for g, row in table.iterrows()
    )
    return finish(fig, title, alt)


def priorities_chart(tables: Tables, stage: str | None = None, top: int = 10) -> Chart:
    """Priorities from the dots: pooled and equal-say shares side by side.

    >>> from tests.tables import goal_tables
    >>> priorities_chart(goal_tables()).title
    'Priorities from the dots: pooled and equal say'
    """
    frame = goal_priorities(tables, stage)
    title = "Priorities from the dots: pooled and equal say"
    if frame.empty:
        return empty_chart(title, frame.attrs.get("note", "No dots were revealed."))
    frame = frame.head(top)
    fig = figure(8, 0.6 * len(frame) + 1.5)
    ax = fig.add_subplot()
    y = list(range(len(frame)))[::-1]
    ax.barh([v + 0.2 for v in y], frame["equal_say"] * 100, height=0.4, color="#000000",
            label="Equal say")  # fmt: skip
    # Pooled: a readable grey and a hatch, so it differs from equal say by more than shade.
    ax.barh([v - 0.2 for v in y], frame["pooled"] * 100, height=0.4, color=POOLED,
            hatch="//", edgecolor="#ffffff", label="Pooled (hatched)")  # fmt: skip
    ax.set_yticks(y, [shorten(p) for p in frame["priority"]])
    ax.set_xlabel("Share of dots (%)")
    ax.legend()
    ax.set_title(title, loc="left")
    alt = "; ".join(
        f"{r.priority}: {r.dots} dots, pooled {r.pooled:.0%}, equal say {r.equal_say:.0%}"
        for r in frame.itertuples()
    )
    return finish(fig, title, alt)


def goal_map_chart(tables: Tables, stage: str | None = None, by: str = "theme") -> Chart:
    """The goal-to-service map: goals (or themes) on the left, services on the right.

    >>> from tests.tables import goal_tables
    >>> goal_map_chart(goal_tables())
    <Chart 'Map: themes and the services named for them': Getting out → GP, Podiatry>
    """
    graph = goal_service_graph(tables, stage, by=by)
    title = f"Map: {by}s and the services named for them"
    if not graph.number_of_nodes():
        return empty_chart(title, _why(services_needed(tables, stage), NO_CARDS))
    left = [n for n, d in graph.nodes(data=True) if d["kind"] != "service"]
    right = [n for n, d in graph.nodes(data=True) if d["kind"] == "service"]
    pos = {n: (0, -i) for i, n in enumerate(left)}
    scale = (len(left) - 1) / max(len(right) - 1, 1) if len(right) > 1 else 1
    pos |= {n: (1, -i * scale) for i, n in enumerate(right)}
    fig = figure(9, 0.5 * max(len(left), len(right)) + 1.5)
    ax = fig.add_subplot()
    for u, v, d in graph.edges(data=True):
        (x1, y1), (x2, y2) = pos[u], pos[v]
        ax.plot([x1, x2], [y1, y2], color="#666666", linewidth=1 + d["weight"], zorder=1)
    for n, d in graph.nodes(data=True):
        x, y = pos[n]
        colour = "#D55E00" if d["kind"] == "service" else "#0072B2"
        ax.scatter([x], [y], s=120, color=colour, zorder=2)
        ax.text(x + (0.04 if x else -0.04), y, shorten(d["label"], 40),
                ha="left" if x else "right", va="center", fontsize=9)  # fmt: skip
    ax.set_xlim(-1.1, 2.1)
    ax.axis("off")
    ax.set_title(title, loc="left")
    lines = []
    for n in left:
        services = sorted(graph.nodes[m]["label"] for m in graph[n])
        label = graph.nodes[n]["label"]
        lines.append(f"{label} → {', '.join(services) if services else 'no service (gap)'}")
    return finish(fig, title, "; ".join(lines))
