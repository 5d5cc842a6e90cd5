"""What the goal wall shows on the projector: the cards by theme, what the goals need, the
priorities from the dots, and the goal-to-service map.

Participant text is shown only through :func:`escaped` or text widgets; the wall is one
escaped HTML widget re-rendered per batch of changes, not one widget per card. The map is an
ipycytoscape widget, imported only when the hub builds it (never on a phone's kernel).
"""

from __future__ import annotations

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..core.workshop import StageState
from ..ui.common import perspective_colour
from .cards import GoalCard
from .summary import (
    barriers_most_named,
    confidence_by_group,
    gaps,
    priorities,
    services_most_needed,
)
from .themes import group_by_theme

__all__ = ["GoalsWallMixin", "bar_chart"]

GROUP_LABELS = {"lived_experience": "Lived experience", "provider": "Provider", "system": "System"}


def bar_chart(rows: list[tuple[str, float]], *, unit: str = "", colour: str = "#0072B2") -> str:
    """Horizontal bars as escaped HTML, with the numbers written out (the text alternative)."""
    if not rows:
        return escaped("Nothing yet.", "p")
    top = max(value for _label, value in rows) or 1
    lines = []
    for label, value in rows:
        width = max(2, round(100 * value / top))
        shown = f"{value:.0%}" if unit == "%" else f"{value:g}"
        lines.append(
            '<div class="codesign-bar-row" style="margin:2px 0">'
            + escaped(f"{label}: {shown}", "div")
            + f'<div aria-hidden="true" style="background:{colour};height:14px;width:{width}%">'
            "</div></div>"
        )
    return "".join(lines)


class GoalsWallMixin:
    """The goal wall's drawing, for :class:`~codesign_widgets.goals.hub.GoalHub`."""

    @staticmethod
    def _make_map() -> widgets.Widget:
        import ipycytoscape

        graph = ipycytoscape.CytoscapeWidget(layout={"height": "420px"})
        graph.set_style(
            [
                {
                    "selector": "node",
                    "style": {"label": "data(label)", "font-size": "14px", "text-wrap": "wrap"},
                },
                {
                    "selector": 'node[kind = "service"]',
                    "style": {"background-color": "#D55E00", "shape": "round-rectangle"},
                },
                {"selector": 'node[kind != "service"]', "style": {"background-color": "#0072B2"}},
                {"selector": "edge", "style": {"width": "mapData(weight, 1, 10, 1, 8)"}},
            ]
        )
        return graph

    def _draw_now(self) -> None:
        state = self.workshop.state_of(self.stage.key)
        here = self.workshop.current_stage == self.stage.key
        lines = [
            escaped(self.stage.title, "h2"),
            escaped(
                state.label if here else f"{state.label} (the room is on another stage)",
                "div",
                f"codesign-state-{state.value}",
            ),
            escaped(self.stage.ask, "p", "codesign-ask"),
            escaped(
                f"{len(self.cards)} shared cards · {self.placed} dots placed "
                f"(each person has {self.settings.budget})",
                "p",
            ),
        ]
        self.now.value = "".join(lines)

    def _draw_wall(self) -> None:
        if not self.cards:
            self.wall.value = escaped("No shared cards yet: they appear here as they come.", "p")
            return
        dots: dict[tuple[str, str], int] = {}
        for record in self.records:  # empty until the votes are revealed
            key = (record.target_kind, record.target.casefold())
            dots[key] = dots.get(key, 0) + record.delta
        revealed = self.workshop.state_of(self.stage.key) is StageState.REVEALED
        blocks = []
        for theme, members in group_by_theme(self.cards).items():
            title = f"{theme} ({len(members)})"
            if revealed:
                title += f" · {dots.get(('theme', theme.casefold()), 0)} dots on the theme"
            items = []
            for card in members:
                colour = perspective_colour(card.group)
                parts = [card.goal, f"What matters: {card.what_matters}"]
                if card.services:
                    parts.append("Would help: " + ", ".join(card.services))
                if card.barriers:
                    parts.append("In the way: " + ", ".join(card.barriers))
                if card.confidence is not None:
                    parts.append(f"Confidence {card.confidence}/10")
                if card.to_seven:
                    parts.append(f"What would make it a 7: {card.to_seven}")
                if revealed:
                    parts.append(f"● {dots.get(('card', str(card.id)), 0)} dots")
                items.append(
                    f'<li style="border-left:6px solid {colour};padding-left:6px;'
                    f'margin:4px 0">{escaped(chr(10).join(parts), "div")}</li>'
                )
            blocks.append(
                '<section class="codesign-theme">'
                + escaped(title, "h3")
                + '<ul style="list-style:none;padding:0">'
                + "".join(items)
                + "</ul></section>"
            )
        self.wall.value = "".join(blocks)

    def _group_names(self) -> list[str]:
        seen = []
        for p in self.template.perspectives:
            if p.group not in seen:
                seen.append(p.group)
        return seen

    def _draw_summary(self) -> None:
        cards = self.cards
        parts = [escaped("Services most needed", "h3")]
        parts.append(bar_chart(services_most_needed(cards)[:12], colour="#D55E00"))
        missing = gaps(cards)
        parts.append(escaped(f"Goals with no service yet (gaps): {len(missing)}", "h3"))
        if missing:
            parts.append("<ul>" + "".join(escaped(c.goal, "li") for c in missing[:20]) + "</ul>")
        else:
            parts.append(escaped("None: every shared goal has a service.", "p"))
        parts.append(escaped("Barriers most named", "h3"))
        parts.append(bar_chart(barriers_most_named(cards)[:12], colour="#009E73"))
        parts.append(escaped("Confidence (0-10), by perspective", "h3"))
        parts.append(self._confidence_table(cards))
        parts.append(escaped("Priorities from the dots", "h3"))
        parts.append(self._priorities_html())
        self.summary.value = "".join(parts)

    def _confidence_table(self, cards: list[GoalCard]) -> str:
        groups = self._group_names()
        dist = confidence_by_group(cards, groups)
        header = "<tr><th>Who</th>" + "".join(f"<th>{n}</th>" for n in range(11)) + "</tr>"
        rows = []
        for key in ["all", *groups]:
            label = "Everyone" if key == "all" else GROUP_LABELS.get(key, key)
            cells = "".join(f"<td>{n}</td>" for n in dist.get(key, [0] * 11))
            rows.append(f"<tr><th>{escaped(label, 'span')}</th>{cells}</tr>")
        return f'<table class="codesign-confidence">{header}{"".join(rows)}</table>'

    def _priorities_html(self) -> str:
        state = self.workshop.state_of(self.stage.key)
        if state is not StageState.REVEALED:
            return escaped(
                f"{self.placed} dots placed. Votes stay hidden until you reveal them.", "p"
            )
        labels = {str(c.id): c.goal for c in self.all_cards}
        votes = [(f"{r.target_kind}:{r.target}", r.group, r.delta) for r in self.records]
        ranked = priorities(votes)
        if not ranked:
            return escaped("No dots were placed.", "p")
        groups = self._group_names()
        head = (
            "<tr><th>Priority</th><th>Dots</th><th>Pooled</th><th>Equal say</th>"
            + "".join(f"<th>{escaped(GROUP_LABELS.get(g, g), 'span')}</th>" for g in groups)
            + "</tr>"
        )
        rows = []
        for p in ranked[:15]:
            kind, target = p.target.split(":", 1)
            name = labels.get(target, target) if kind == "card" else f"Theme: {target}"
            cells = "".join(f"<td>{p.by_group.get(g, 0)}</td>" for g in groups)
            rows.append(
                f"<tr><td>{escaped(name, 'span')}</td><td>{p.votes}</td>"
                f"<td>{p.pooled:.0%}</td><td>{p.equal_say:.0%}</td>{cells}</tr>"
            )
        note = escaped(
            "Equal say: every perspective that placed dots counts the same, however many "
            "people it has (the average of each perspective's own shares).",
            "p",
        )
        return f'<table class="codesign-priorities">{head}{"".join(rows)}</table>{note}'

    def _draw_map(self) -> None:
        from .frames import build_goal_service_graph

        graph = build_goal_service_graph(self.cards, by=self.map_by.value)
        self.map.graph.clear()
        if graph.number_of_nodes():
            self.map.graph.add_graph_from_networkx(graph)
        lines = []
        for node, data in graph.nodes(data=True):
            if data["kind"] == "service":
                continue
            services = sorted(graph.nodes[n]["label"] for n in graph[node])
            lines.append(
                f"{data['label']} → {', '.join(services) if services else 'no service (gap)'}"
            )
        self.map_text.value = (
            escaped("In words:", "p") + "".join(escaped(line, "li") for line in lines)
            if lines
            else ""
        )
