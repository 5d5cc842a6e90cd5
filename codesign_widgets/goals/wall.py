"""What the goal wall shows on the projector: the cards by theme, what the goals need, the
priorities from the dots, and the goal-to-service map.

:class:`GoalWall` is the hub's projected tab: the hub hands it what to show
(:meth:`GoalWall.show`), it reads nothing itself. Participant text is shown only through
:func:`escaped` or text widgets; the wall is one escaped HTML widget re-rendered per batch of
changes, not one widget per card. The map is an ipycytoscape widget, imported only when the
hub builds it (never on a phone's kernel).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import ipywidgets as widgets

from ..core.i18n import N_, Translator, translator
from ..core.safe_text import escaped
from ..core.small_groups import OTHER, OTHER_LABEL, group_sizes, merge_small_groups, merged_note
from ..core.templates import Stage, Template
from ..core.workshop import StageState
from ..ui.common import perspective_colour
from ..ui.keyed import close_later
from ..ui.links import join_link
from .cards import GoalCard
from .summary import (
    barriers_most_named,
    confidence_by_group,
    gaps,
    priorities,
    services_most_needed,
)
from .themes import group_by_theme

__all__ = ["Dots", "GoalWall", "bar_chart"]

GROUP_LABELS = {
    "lived_experience": N_("Lived experience"),
    "provider": N_("Provider"),
    "system": N_("System"),
}
SHOWN_LABELS = {**GROUP_LABELS, OTHER: OTHER_LABEL}


def bar_chart(
    rows: list[tuple[str, float]],
    *,
    unit: str = "",
    colour: str = "#0072B2",
    tr: Translator | None = None,
) -> str:
    """Horizontal bars as escaped HTML, with the numbers written out (the text alternative).

    >>> bar_chart([], tr=translator("cy"))
    '<p>Dim byd eto.</p>'
    """
    if not rows:
        return escaped((tr or translator()).gettext("Nothing yet."), "p")
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


@dataclass(frozen=True)
class Dots:
    """The dots of one goal stage: how many are placed, how many each person has, and who
    placed which (``records``, the store's vote records: empty until the votes are revealed).
    """

    placed: int
    budget: int
    records: Sequence = ()


class GoalWall(widgets.VBox):
    """What the projector shows: the cards by theme, what the goals need, the priorities
    from the dots, and the goal-to-service map.

    Built with the workshop's ``template`` (its perspective groups), ``title`` and join
    ``code``; :meth:`show` draws one stage as the hub read it. The map's "by theme or by
    goal" toggle (``map_by``) is the wall's own choice.
    """

    def __init__(self, template: Template, title: str, code: str) -> None:
        self.template = template
        self.tr = tr = translator(template.language)  # the room reads the plan's language
        self._ = _ = tr.gettext
        self.cards: list[GoalCard] = []
        link = join_link(code).replace("join.ipynb", "goal_mapping.ipynb")
        self.join_text = widgets.HTML(
            escaped(title, "h1")
            + escaped(
                _("Join code: {code}").format(code=code) + (f" · {link}" if link else ""), "div"
            )
        )
        self.now = widgets.HTML()
        self.by_theme = widgets.HTML()
        self.priorities = widgets.HTML()
        self.summary = widgets.HTML()
        self.map_text = widgets.HTML()
        self.map_by = widgets.ToggleButtons(
            description=_("Map"),
            options=[(_("By theme"), "theme"), (_("By goal"), "goal")],
            value="theme",
        )
        self.map_by.observe(lambda _c: self._draw_map(), "value")
        self._nodes: dict = {}  # the map's element widgets, by node and by edge
        self._edges: dict = {}
        self.map = self._make_map()
        self._wall = [widgets.HTML(escaped(_("Shared goals by theme"), "h2")), self.by_theme]
        self._ranked = [widgets.HTML(escaped(_("Priorities from the dots"), "h2")), self.priorities]
        self._details = [
            widgets.HTML(escaped(_("What the goals need"), "h2")),
            self.summary,
            widgets.HTML(escaped(_("Goals and the services chosen for them"), "h2")),
            self.map_by,
            self.map,
            self.map_text,
        ]
        super().__init__(self._layout(revealed=False))
        self.add_class("codesign-room")

    def _draw_elements(self, graph) -> None:
        """Show ``graph`` reusing the element widgets of the last drawing: a node or an edge
        that stays sends nothing, a changed one only its data; the ones that went away are
        closed a moment after they leave the map (each redraw used to leak them all)."""
        import ipycytoscape

        nodes, edges = {}, {}
        for node, data in graph.nodes(data=True):
            want = {"id": node, **data}
            element = self._nodes.get(node) or ipycytoscape.Node(data=want)
            if dict(element.data) != want:
                element.data = want
            nodes[node] = element
        for u, v, data in graph.edges(data=True):
            key = tuple(sorted((u, v)))
            want = {"source": u, "target": v, **data}
            element = self._edges.get(key) or ipycytoscape.Edge(data=want)
            if dict(element.data) != want:
                element.data = want
            edges[key] = element
        gone = [e for k, e in self._nodes.items() if k not in nodes]
        gone += [e for k, e in self._edges.items() if k not in edges]
        self._nodes, self._edges = nodes, edges
        cyto = self.map.graph
        if list(cyto.nodes) != list(nodes.values()) or list(cyto.edges) != list(edges.values()):
            # Set the lists and the adjacency ipycytoscape keeps, as add_graph_* would.
            adjacency = {n: {} for n in nodes}
            for u, v in edges:
                adjacency[u][v] = adjacency[v][u] = 1
            with cyto.hold_sync():
                cyto.nodes = list(nodes.values())
                cyto.edges = list(edges.values())
                cyto._adj = adjacency
        close_later(gone)

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

    def show(
        self,
        cards: list[GoalCard],
        dots: Dots,
        state: StageState,
        *,
        stage: Stage,
        here: bool,
        labels: Mapping[str, str],
    ) -> None:
        """Draw ``stage`` in ``state``: its shared ``cards`` (hidden ones left out) and
        ``dots``. ``here`` says whether the room is on this stage; ``labels`` names every
        card by id (hidden ones too: their dots still count)."""
        self.cards = cards
        layout = self._layout(revealed=state is StageState.REVEALED)
        if list(self.children) != layout:
            self.children = layout
        self._draw_now(stage, state, here, dots)
        self._draw_cards(dots, state)
        self._draw_summary(dots, state, labels)
        self._draw_map()

    def _layout(self, *, revealed: bool) -> list[widgets.Widget]:
        """The header, then the live result above the fold: the wall while cards come in,
        the priorities once the dots are revealed (the wall then follows them)."""
        live = self._ranked + self._wall if revealed else self._wall + self._ranked
        live[1].add_class("codesign-live-result")
        live[3].remove_class("codesign-live-result")
        return [self.join_text, self.now, *live, *self._details]

    def _draw_now(self, stage: Stage, state: StageState, here: bool, dots: Dots) -> None:
        """The stage, its state and counts in two lines; the ask only while cards come in
        (after that the room reads the result, and the header stays short)."""
        _, ngettext = self._, self.tr.ngettext
        label = _(state.label)
        counts = (
            " · "
            + ngettext("{n} shared card", "{n} shared cards", len(self.cards)).format(
                n=len(self.cards)
            )
            + " · "
            + ngettext("{n} dot placed", "{n} dots placed", dots.placed).format(n=dots.placed)
            + " "
            + ngettext("(each person has {n})", "(each person has {n})", dots.budget).format(
                n=dots.budget
            )
        )
        lines = [
            escaped(stage.title, "h2"),
            escaped(
                label if here else _("{state} (the room is on another stage)").format(state=label),
                "span",
                f"codesign-state-{state.value}",
            )
            + escaped(counts, "span"),
        ]
        if state in (StageState.NOT_STARTED, StageState.OPEN):
            lines.append(escaped(stage.ask, "p", "codesign-ask"))
        self.now.value = "".join(lines)

    def _draw_cards(self, dots: Dots, state: StageState) -> None:
        if not self.cards:
            self.by_theme.value = escaped(
                self._("No shared cards yet: they appear here as they come."), "p"
            )
            return
        on: dict[tuple[str, str], int] = {}
        for record in dots.records:  # empty until the votes are revealed
            key = (record.target_kind, record.target.casefold())
            on[key] = on.get(key, 0) + record.delta
        revealed = state is StageState.REVEALED
        blocks = []
        for theme, members in group_by_theme(self.cards).items():
            title = f"{theme} ({len(members)})"
            if revealed:
                n = on.get(("theme", theme.casefold()), 0)
                title += " · " + self.tr.ngettext(
                    "{n} dot on the theme", "{n} dots on the theme", n
                ).format(n=n)
            items = [
                self._card_html(
                    card, on.get(("card", str(card.id)), 0) if revealed else None, self.tr
                )
                for card in members
            ]
            blocks.append(
                '<section class="codesign-theme">'
                + escaped(title, "h3")
                + '<ul style="list-style:none;padding:0">'
                + "".join(items)
                + "</ul></section>"
            )
        self.by_theme.value = self._legend_html() + "".join(blocks)

    def _legend_html(self) -> str:
        """What a card's coloured edge means, in words (the card says it too)."""
        keys = "".join(
            f'<span style="margin-right:1em"><span aria-hidden="true" style="display:inline-block;'
            f'width:0.8em;height:0.8em;margin-right:0.3em;background:{perspective_colour(g, i)}">'
            f"</span>{escaped(self._(SHOWN_LABELS.get(g, g)), 'span')}</span>"
            for i, g in enumerate(self._group_names())
        )
        edge = html.escape(self._("Card edge: the author's perspective."), quote=False)
        return f'<p class="codesign-card-legend">{edge} {keys}</p>'

    @staticmethod
    def _card_html(card: GoalCard, dots: int | None, tr: Translator) -> str:
        """One card on the wall, with its dots once they are revealed."""
        _ = tr.gettext
        colour = perspective_colour(card.group)
        # The perspective in words as well as the edge's colour (WCAG 1.4.1).
        group = escaped(_(SHOWN_LABELS.get(card.group, card.group)), "div", "codesign-card-group")
        parts = [card.goal, _("What matters: {text}").format(text=card.what_matters)]
        if card.services:
            parts.append(_("Would help: {text}").format(text=", ".join(card.services)))
        if card.barriers:
            parts.append(_("In the way: {text}").format(text=", ".join(card.barriers)))
        if card.confidence is not None:
            parts.append(_("Confidence {n}/10").format(n=card.confidence))
        if card.to_seven:
            parts.append(_("What would make it a 7: {text}").format(text=card.to_seven))
        if dots is not None:
            parts.append("● " + tr.ngettext("{n} dot", "{n} dots", dots).format(n=dots))
        return (
            f'<li style="border-left:6px solid {colour};padding-left:6px;'
            f'margin:4px 0">{group}{escaped(chr(10).join(parts), "div")}</li>'
        )

    def _group_names(self) -> list[str]:
        seen = []
        for p in self.template.perspectives:
            if p.group not in seen:
                seen.append(p.group)
        return seen

    def _draw_summary(self, dots: Dots, state: StageState, labels: Mapping[str, str]) -> None:
        cards, _, tr = self.cards, self._, self.tr
        parts = [escaped(_("Services most needed"), "h3")]
        parts.append(bar_chart(services_most_needed(cards)[:12], colour="#D55E00", tr=tr))
        missing = gaps(cards)
        parts.append(
            escaped(_("Goals with no service yet (gaps): {n}").format(n=len(missing)), "h3")
        )
        if missing:
            parts.append("<ul>" + "".join(escaped(c.goal, "li") for c in missing[:20]) + "</ul>")
        else:
            parts.append(escaped(_("None: every shared goal has a service."), "p"))
        parts.append(escaped(_("Barriers most named"), "h3"))
        parts.append(bar_chart(barriers_most_named(cards)[:12], colour="#009E73", tr=tr))
        parts.append(escaped(_("Confidence (0-10), by perspective"), "h3"))
        parts.append(self._confidence_table(cards))
        self.summary.value = "".join(parts)
        self.priorities.value = self._priorities_html(dots, state, labels)

    def _small_groups(self, pairs) -> tuple[dict[str, str], list[str], str]:
        """The groups shown apart for people ``(group, person)`` (small ones merged), the
        groups to show in order, and the note that says so."""
        smallest = self.template.smallest_group
        sizes = group_sizes(pairs, self._group_names())
        plan = merge_small_groups(sizes, smallest)
        shown = [g for g in dict.fromkeys(plan[g] for g in self._group_names()) if g != OTHER]
        if OTHER in plan.values():
            shown.append(OTHER)
        labels = {g: self._(label) for g, label in GROUP_LABELS.items()}
        note = merged_note(plan, labels, smallest, sizes, self.tr)
        return plan, shown, escaped(note, "p", "codesign-note") if note else ""

    def _confidence_table(self, cards: list[GoalCard]) -> str:
        rated = [c for c in cards if c.confidence is not None]
        plan, groups, note = self._small_groups((c.group, c.author_id) for c in rated)
        if groups == [OTHER]:
            groups = []  # nothing shown apart: everyone only
        dist = confidence_by_group([replace(c, group=plan.get(c.group, c.group)) for c in rated])
        _ = self._
        who = escaped(_("Who"), "th")
        header = f"<tr>{who}" + "".join(f"<th>{n}</th>" for n in range(11)) + "</tr>"
        rows = []
        for key in ["all", *groups]:
            label = _("Everyone") if key == "all" else _(SHOWN_LABELS.get(key, key))
            cells = "".join(f"<td>{n}</td>" for n in dist.get(key, [0] * 11))
            rows.append(f"<tr><th>{escaped(label, 'span')}</th>{cells}</tr>")
        return f'<table class="codesign-confidence">{header}{"".join(rows)}</table>{note}'

    def _priorities_html(self, dots: Dots, state: StageState, labels: Mapping[str, str]) -> str:
        _ = self._
        if state is not StageState.REVEALED:
            return escaped(
                self.tr.ngettext(
                    "{n} dot placed. Votes stay hidden until you reveal them.",
                    "{n} dots placed. Votes stay hidden until you reveal them.",
                    dots.placed,
                ).format(n=dots.placed),
                "p",
            )
        placed = [r for r in dots.records if r.delta]
        plan, groups, merged = self._small_groups(
            (r.group, r.participant_public_id) for r in placed
        )
        votes = [
            (f"{r.target_kind}:{r.target}", plan.get(r.group, r.group), r.delta)
            for r in dots.records
        ]
        ranked = priorities(votes)
        if not ranked:
            return escaped(_("No dots were placed."), "p")
        if groups == [OTHER]:
            groups = []  # nothing shown apart: pooled and equal say only
        head = (
            "<tr>"
            + "".join(
                escaped(_(h), "th")
                for h in (N_("Priority"), N_("Dots"), N_("Pooled"), N_("Equal say"))
            )
            + "".join(f"<th>{escaped(_(SHOWN_LABELS.get(g, g)), 'span')}</th>" for g in groups)
            + "</tr>"
        )
        rows = []
        for p in ranked[:15]:
            kind, target = p.target.split(":", 1)
            name = (
                labels.get(target, target)
                if kind == "card"
                else _("Theme: {name}").format(name=target)
            )
            cells = "".join(f"<td>{p.by_group.get(g, 0)}</td>" for g in groups)
            rows.append(
                f"<tr><td>{escaped(name, 'span')}</td><td>{p.votes}</td>"
                f"<td>{p.pooled:.0%}</td><td>{p.equal_say:.0%}</td>{cells}</tr>"
            )
        note = escaped(
            _(
                "Equal say: every perspective that placed dots counts the same, however many "
                "people it has (the average of each perspective's own shares)."
            ),
            "p",
        )
        return f'<table class="codesign-priorities">{head}{"".join(rows)}</table>{merged}{note}'

    def _draw_map(self) -> None:
        from .frames import build_goal_service_graph

        graph = build_goal_service_graph(self.cards, by=self.map_by.value)
        self._draw_elements(graph)
        lines = []
        for node, data in graph.nodes(data=True):
            if data["kind"] == "service":
                continue
            services = sorted(graph.nodes[n]["label"] for n in graph[node])
            services = ", ".join(services) if services else self._("no service (gap)")
            lines.append(f"{data['label']} → {services}")
        self.map_text.value = (
            escaped(self._("In words:"), "p")
            + "<ul>"
            + "".join(escaped(line, "li") for line in lines)
            + "</ul>"
            if lines
            else ""
        )
