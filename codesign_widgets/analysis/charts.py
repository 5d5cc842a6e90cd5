"""The charts the projector showed, redrawn from stored data as static images.

A mixin of :class:`codesign_widgets.analysis.workshop_data.WorkshopData`. Each method returns a
:class:`Chart`: a PNG (matplotlib, drawn without pyplot so no global state or GUI backend is
touched) with its text alternative. In JupyterLab and in an HTML report it shows as an ``<img>``
with a ``data:`` URL, so a report needs no network and no JavaScript to show it.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import pandas as pd

__all__ = ["Chart", "ChartsMixin"]

GROUP_COLOURS = {"lived_experience": "#0072B2", "provider": "#D55E00", "system": "#009E73"}
GROUP_LABELS = {"lived_experience": "Lived experience", "provider": "Provider", "system": "System"}
OTHER = "#999999"


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


def _figure(width: float = 8, height: float = 4.5):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _chart(fig, title: str, alt: str) -> Chart:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return Chart(title, buffer.getvalue(), alt)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(title: str, why: str) -> Chart:
    fig = _figure(8, 1.2)
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.0, 0.5, why, fontsize=12, va="center")
    return _chart(fig, title, why)


def _hbars(title: str, labels: list[str], values: list[float], colour: str, unit: str) -> Chart:
    if not labels:
        return _empty(title, "Nothing yet.")
    fig = _figure(8, 0.45 * len(labels) + 1.2)
    ax = fig.add_subplot()
    ax.barh([_short(x) for x in labels][::-1], values[::-1], color=colour)
    ax.set_xlabel(unit)
    ax.set_title(title, loc="left")
    alt = "; ".join(f"{label}: {value:g}" for label, value in zip(labels, values, strict=True))
    return _chart(fig, title, alt)


class ChartsMixin:
    # -- goal mapping --------------------------------------------------------------------------
    def services_chart(self, stage: str | None = None, top: int = 12) -> Chart:
        """Services most needed: cards naming each (the projector's first bar chart)."""
        frame = self.services_needed(stage).head(top)
        return _hbars("Services most needed", frame["service"].tolist(),
                      frame["cards"].tolist(), "#D55E00", "Goal cards naming it")  # fmt: skip

    def barriers_chart(self, stage: str | None = None, top: int = 12) -> Chart:
        frame = self.barriers_named(stage).head(top)
        return _hbars("Barriers most named", frame["barrier"].tolist(),
                      frame["cards"].tolist(), "#009E73", "Goal cards naming it")  # fmt: skip

    def confidence_chart(self, stage: str | None = None) -> Chart:
        """Confidence 0-10 per perspective group, stacked."""
        table = self.confidence(stage).drop(index="all")
        title = "Confidence (0-10), by perspective"
        if table.to_numpy().sum() == 0:
            return _empty(title, "No confidence scores yet.")
        fig = _figure()
        ax = fig.add_subplot()
        bottom = [0] * 11
        for group, row in table.iterrows():
            values = row.tolist()
            ax.bar(range(11), values, bottom=bottom, label=GROUP_LABELS.get(group, group),
                   color=GROUP_COLOURS.get(group, OTHER))  # fmt: skip
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
        ax.set_xticks(range(11))
        ax.set_xlabel("Confidence")
        ax.set_ylabel("Goal cards")
        ax.legend()
        ax.set_title(title, loc="left")
        alt = "; ".join(
            f"{GROUP_LABELS.get(g, g)}: "
            + ", ".join(f"{n} at {score}" for score, n in enumerate(row) if n)
            for g, row in table.iterrows()
        )
        return _chart(fig, title, alt)

    def priorities_chart(self, stage: str | None = None, top: int = 10) -> Chart:
        """Priorities from the dots: pooled and equal-say shares side by side."""
        frame = self.goal_priorities(stage).head(top)
        title = "Priorities from the dots: pooled and equal say"
        if frame.empty:
            return _empty(title, "No dots revealed yet.")
        fig = _figure(8, 0.6 * len(frame) + 1.5)
        ax = fig.add_subplot()
        y = list(range(len(frame)))[::-1]
        ax.barh([v + 0.2 for v in y], frame["equal_say"] * 100, height=0.4, color="#000000",
                label="Equal say")  # fmt: skip
        ax.barh([v - 0.2 for v in y], frame["pooled"] * 100, height=0.4, color="#999999",
                label="Pooled")  # fmt: skip
        ax.set_yticks(y, [_short(p) for p in frame["priority"]])
        ax.set_xlabel("Share of dots (%)")
        ax.legend()
        ax.set_title(title, loc="left")
        alt = "; ".join(
            f"{r.priority}: {r.dots} dots, pooled {r.pooled:.0%}, equal say {r.equal_say:.0%}"
            for r in frame.itertuples()
        )
        return _chart(fig, title, alt)

    def goal_map_chart(self, stage: str | None = None, by: str = "theme") -> Chart:
        """The goal-to-service map: goals (or themes) on the left, services on the right."""
        graph = self.goal_service_graph(stage, by=by)
        title = f"Map: {by}s and the services named for them"
        if not graph.number_of_nodes():
            return _empty(title, "No goal cards on the wall yet.")
        left = [n for n, d in graph.nodes(data=True) if d["kind"] != "service"]
        right = [n for n, d in graph.nodes(data=True) if d["kind"] == "service"]
        pos = {n: (0, -i) for i, n in enumerate(left)}
        scale = (len(left) - 1) / max(len(right) - 1, 1) if len(right) > 1 else 1
        pos |= {n: (1, -i * scale) for i, n in enumerate(right)}
        fig = _figure(9, 0.5 * max(len(left), len(right)) + 1.5)
        ax = fig.add_subplot()
        for u, v, d in graph.edges(data=True):
            (x1, y1), (x2, y2) = pos[u], pos[v]
            ax.plot([x1, x2], [y1, y2], color="#666666", linewidth=1 + d["weight"], zorder=1)
        for n, d in graph.nodes(data=True):
            x, y = pos[n]
            colour = "#D55E00" if d["kind"] == "service" else "#0072B2"
            ax.scatter([x], [y], s=120, color=colour, zorder=2)
            ax.text(x + (0.04 if x else -0.04), y, _short(d["label"], 40),
                    ha="left" if x else "right", va="center", fontsize=9)  # fmt: skip
        ax.set_xlim(-1.1, 2.1)
        ax.axis("off")
        ax.set_title(title, loc="left")
        lines = []
        for n in left:
            services = sorted(graph.nodes[m]["label"] for m in graph[n])
            label = graph.nodes[n]["label"]
            lines.append(f"{label} → {', '.join(services) if services else 'no service (gap)'}")
        return _chart(fig, title, "; ".join(lines))

    # -- stakeholder network -------------------------------------------------------------------
    def network_chart(self, stage: str | None = None) -> Chart:
        """The stakeholder map: node size is influence, colour the perspective group, edge
        colour the tie type (the same stable layout the projector used)."""
        from ..network.layout import stable_layout

        graph = self.network_graph(stage)
        title = "Stakeholder map"
        if not graph.number_of_nodes():
            return _empty(title, "No stakeholders on the map yet.")
        net = self.network_map(stage)
        groups = self.groups()
        colours = {t.key: t.colour for t in net.settings.tie_types}
        pos = stable_layout(graph)
        fig = _figure(9, 7)
        ax = fig.add_subplot()
        for u, v, d in graph.edges(data=True):
            (x1, y1), (x2, y2) = pos[u], pos[v]
            ax.annotate("", xy=(x2, y2), xytext=(x1, y1), arrowprops={
                "arrowstyle": "-|>" if d["direction"] == "forward" else
                ("<|-|>" if d["direction"] == "both" else "-"),
                "color": colours.get(d["type"], OTHER), "linewidth": d["strength"],
                "shrinkA": 12, "shrinkB": 12})  # fmt: skip
        for n, d in graph.nodes(data=True):
            x, y = pos[n]
            group = groups.get(d["perspective"], "")
            size = 120 + 60 * (d["influence"] or 0)
            ax.scatter([x], [y], s=size, color=GROUP_COLOURS.get(group, OTHER),
                       edgecolors="#000000", zorder=3)  # fmt: skip
            ax.text(x, y - 18, _short(d["name"], 28), ha="center", va="top", fontsize=9)
        ax.axis("off")
        ax.margins(0.15)
        ax.set_title(title, loc="left")
        names = dict(graph.nodes(data="name"))
        labels = {t.key: t.label for t in net.settings.tie_types}
        alt = "; ".join(
            f"{names[u]} → {names[v]} ({labels.get(d['type'], d['type'])}, {d['strength']})"
            for u, v, d in graph.edges(data=True)
        )
        return _chart(fig, title, f"{graph.number_of_nodes()} stakeholders. {alt}")

    def power_interest_chart(self, stage: str | None = None) -> Chart:
        """Influence against interest with the four quadrants (Mendelow's grid)."""
        graph = self.network_graph(stage)
        groups = self.groups()
        title = "Power and interest"
        rated = [(d["name"], d["influence"], d["interest"] if d["interest"] is not None else 5,
                  groups.get(d["perspective"], "")) for _n, d in graph.nodes(data=True)
                 if d["influence"] is not None]  # fmt: skip
        if not rated:
            return _empty(title, "Nobody has rated influence yet.")
        fig = _figure(7, 7)
        ax = fig.add_subplot()
        ax.axhline(5, color="#999999")
        ax.axvline(5, color="#999999")
        for name, influence, interest, group in rated:
            ax.scatter([interest], [influence], s=90, color=GROUP_COLOURS.get(group, OTHER),
                       edgecolors="#000000")  # fmt: skip
            ax.text(interest + 0.15, influence + 0.15, _short(name, 26), fontsize=9)
        ax.set_xlim(0, 10.5)
        ax.set_ylim(0, 10.5)
        ax.set_xlabel("Interest")
        ax.set_ylabel("Influence")
        ax.set_title(title, loc="left")
        alt = "; ".join(f"{n}: influence {i:.1f}, interest {t:.1f}" for n, i, t, _g in rated)
        return _chart(fig, title, alt)

    # -- prototype scoring -----------------------------------------------------------------------
    def ranking_chart(self, stage: str | None = None, round: int | None = None) -> Chart:
        """Equal-say and pooled weighted scores, with the middle half of people's scores."""
        table = self.ranking(stage, round).dropna(subset=["equal_say"])
        title = "Ranking: equal say and pooled, with the spread of people's scores"
        if table.empty:
            return _empty(title, "No scores revealed yet.")
        fig = _figure()
        ax = fig.add_subplot()
        x = list(range(len(table)))
        ax.bar([v - 0.2 for v in x], table["equal_say"], 0.4, color="#000000", label="Equal say")
        ax.bar([v + 0.2 for v in x], table["pooled"], 0.4, color="#999999", label="Pooled")
        ax.vlines(x, table["spread_low"], table["spread_high"], color="#D55E00", linewidth=6,
                  label="Middle half of people")  # fmt: skip
        ax.set_xticks(x, [_short(t, 20) for t in table["prototype"]])
        ax.set_ylim(0, 100)
        ax.set_ylabel("Weighted score (0-100)")
        ax.legend()
        ax.set_title(title, loc="left")
        alt = "; ".join(
            f"{r.prototype}: equal say {r.equal_say:.0f} (rank {r.equal_say_rank}), pooled "
            f"{r.pooled:.0f}" for r in table.itertuples()
        )  # fmt: skip
        return _chart(fig, title, alt)

    def criteria_chart(self, stage: str | None = None, round: int | None = None) -> Chart:
        """Each prototype on each criterion (mean score 0-100): the projector's heatmap."""
        results = self.scoring_results(stage, round)
        titles = self.prototype_titles(stage)
        scores = results.per_criterion["score"].unstack("criterion")
        scores = scores.reindex(columns=list(results.criteria.keys))
        title = "Each prototype on each criterion (darker is better)"
        if scores.empty or scores.isna().all().all():
            return _empty(title, "No scores revealed yet.")
        fig = _figure(8, 0.7 * len(scores) + 1.8)
        ax = fig.add_subplot()
        image = ax.imshow(scores.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=100,
                          aspect="auto")  # fmt: skip
        ax.set_xticks(range(scores.shape[1]), [c.label for c in results.criteria.criteria])
        ax.set_yticks(range(len(scores)), [_short(titles[int(p)], 28) for p in scores.index])
        fig.colorbar(image, ax=ax, label="Mean score (0-100)")
        ax.set_title(title, loc="left")
        contested = results.per_criterion["contested"]
        alt = "; ".join(
            f"{titles[int(p)]} on {c}: {v:.0f}" + (" (contested)" if contested[(p, c)] else "")
            for (p, c), v in results.per_criterion["score"].items() if pd.notna(v)
        )  # fmt: skip
        return _chart(fig, title, alt)

    def two_by_two_chart(self, stage: str | None = None, round: int | None = None) -> Chart:
        """The 2x2 of the criteria set's axes (mean scores), if it has one."""
        results = self.scoring_results(stage, round)
        criteria = results.criteria
        if not criteria.axes:
            return _empty("The 2x2", f"{criteria.name} has no 2x2 axes.")
        x_key, y_key = criteria.axes
        cx, cy = criteria.criterion(x_key), criteria.criterion(y_key)
        means = results.per_criterion["mean"].unstack("criterion")[[x_key, y_key]].dropna()
        titles = self.prototype_titles(stage)
        title = f"{cy.label} against {cx.label}"
        fig = _figure(7, 7)
        ax = fig.add_subplot()
        ax.axvline((cx.min + cx.max) / 2, color="#666666", linestyle="--")
        ax.axhline((cy.min + cy.max) / 2, color="#666666", linestyle="--")
        for pid, r in means.iterrows():
            ax.scatter([r[x_key]], [r[y_key]], s=150, color="#0072B2")
            ax.text(r[x_key] + 0.05, r[y_key] + 0.05, _short(titles[int(pid)], 24))
        ax.set_xlim(cx.min, cx.max)
        ax.set_ylim(cy.min, cy.max)
        ax.set_xlabel(f"{cx.label} (mean score)")
        ax.set_ylabel(f"{cy.label} (mean score)")
        ax.set_title(title, loc="left")
        alt = "; ".join(f"{titles[int(p)]}: {cx.label} {r[x_key]:.1f}, {cy.label} {r[y_key]:.1f}"
                        for p, r in means.iterrows())  # fmt: skip
        return _chart(fig, title, alt)

    def perspectives_chart(self, stage: str | None = None, round: int | None = None) -> Chart:
        """Each perspective group's weighted score per prototype, side by side."""
        results = self.scoring_results(stage, round)
        titles = self.prototype_titles(stage)
        by_group = results.by_group
        groups = [g for g in by_group.columns if by_group[g].notna().any()]
        title = "Each perspective's scores side by side"
        if not groups:
            return _empty(title, "No scores revealed yet.")
        fig = _figure()
        ax = fig.add_subplot()
        width = 0.8 / len(groups)
        x = list(range(len(by_group)))
        for i, g in enumerate(groups):
            ax.bar([v - 0.4 + width * (i + 0.5) for v in x], by_group[g].fillna(0), width,
                   color=GROUP_COLOURS.get(g, OTHER), label=GROUP_LABELS.get(g, g))  # fmt: skip
        ax.set_xticks(x, [_short(titles[int(p)], 20) for p in by_group.index])
        ax.set_ylim(0, 100)
        ax.set_ylabel("Weighted score (0-100)")
        ax.legend()
        ax.set_title(title, loc="left")
        alt = "; ".join(
            f"{titles[int(p)]}: " + ", ".join(
                f"{GROUP_LABELS.get(g, g)} {row[g]:.0f}" for g in groups if pd.notna(row[g]))
            for p, row in by_group.iterrows()
        )  # fmt: skip
        return _chart(fig, title, alt)

    # -- equal say -------------------------------------------------------------------------------
    def equal_say_chart(self) -> Chart:
        """Share of people and of contributions per perspective group, against an equal share."""
        summary = self.equal_say()
        title = "Equal say: people and contributions per perspective"
        if not summary.groups:
            return _empty(title, "Nobody has taken part yet.")
        fig = _figure()
        ax = fig.add_subplot()
        x = list(range(len(summary.groups)))
        ax.bar([v - 0.2 for v in x], [g.people_share * 100 for g in summary.groups], 0.4,
               color="#999999", label="People")  # fmt: skip
        ax.bar([v + 0.2 for v in x], [g.contribution_share * 100 for g in summary.groups], 0.4,
               color=[GROUP_COLOURS.get(g.group, OTHER) for g in summary.groups],
               label="Contributions")  # fmt: skip
        ax.axhline(100 / len(summary.groups), color="#000000", linestyle="--",
                   label="An equal share")  # fmt: skip
        ax.set_xticks(x, [g.label for g in summary.groups])
        ax.set_ylabel("Share (%)")
        ax.legend()
        ax.set_title(title, loc="left")
        return _chart(fig, title, " ".join(summary.sentences()))
