"""The facilitator's goal-mapping view: the live wall by theme, theming, moderation, dots,
the goal-to-service map and the equal-say priorities.

Built only in the facilitator's kernel, after the key was checked; it may import networkx
and ipycytoscape. Private cards never reach it (the store leaves them out). Participant text
is shown only through :func:`escaped` or text widgets; the wall is one escaped HTML widget
re-rendered per batch of changes, not one widget per card.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..errors import CodesignError
from ..goals import (
    GoalCard,
    barriers_most_named,
    confidence_by_group,
    current_themes,
    gaps,
    group_by_theme,
    priorities,
    services_most_needed,
)
from ..live import Feed
from ..store import Store
from ..templates import load_template
from ..workshop import StageState, WorkshopState
from .batching import Batcher
from .common import Notice, escaped, perspective_colour, run_action
from .hub import join_link

__all__ = ["GoalHub", "bar_chart"]

TOPICS = {"entries", "votes", "goals", "stages", "participants"}
MIN_REDRAW_SECONDS = 0.3  # the projector redraws in batches, not per card
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


class GoalHub(widgets.VBox):
    """Run goal mapping: open, lock and reveal; theme, hide, set dots and services; project.

    Actions are methods: :meth:`make_current`, :meth:`set_state`, :meth:`set_budget`,
    :meth:`add_service`, :meth:`assign_theme`, :meth:`merge_themes`, :meth:`set_hidden`.
    """

    def __init__(self, store: Store, workshop: WorkshopState, feed: Feed | None = None) -> None:
        super().__init__()
        self.add_class("codesign-hub")
        self.store, self.feed, self.workshop = store, feed, workshop
        self.template = load_template(workshop.template)
        self.notice = Notice()
        goal_stages = [s for s in self.template.stages if s.activity == "goal_mapping"]
        if not goal_stages:
            msg = f"The plan {self.template.name!r} has no goal-mapping stage."
            raise CodesignError(msg)
        self.stage = goal_stages[0]
        self.stage_picker = widgets.Dropdown(
            description="Goal stage",
            options=[(s.title, s.key) for s in goal_stages],
            value=self.stage.key,
            layout={"display": "" if len(goal_stages) > 1 else "none"},
        )
        self.stage_picker.observe(lambda c: self.choose_stage(c["new"]), "value")
        self.cards: list[GoalCard] = []
        self._batcher = Batcher(self.refresh, MIN_REDRAW_SECONDS)
        self._build()
        self.refresh(TOPICS)
        if feed is not None:
            feed.subscribe(workshop.id, TOPICS, self.on_change)

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        link = join_link(self.workshop.code).replace("join.ipynb", "goal_mapping.ipynb")
        self.join_text = widgets.HTML(
            escaped(f"Join code: {self.workshop.code}" + (f"\nOpen {link}" if link else ""))
        )
        self.now = widgets.HTML()
        self.wall = widgets.HTML()
        self.summary = widgets.HTML()
        self.map_text = widgets.HTML()
        self.map_by = widgets.ToggleButtons(
            description="Map", options=[("By theme", "theme"), ("By goal", "goal")], value="theme"
        )
        self.map_by.observe(lambda _c: self._draw_map(), "value")
        self.map = self._make_map()
        self.room = widgets.VBox(
            [
                widgets.HTML(escaped(self.workshop.title, "h1")),
                self.join_text,
                self.now,
                widgets.HTML(escaped("Shared goals by theme", "h2")),
                self.wall,
                widgets.HTML(escaped("What the goals need", "h2")),
                self.summary,
                widgets.HTML(escaped("Goals and the services chosen for them", "h2")),
                self.map_by,
                self.map,
                self.map_text,
            ]
        )
        self.room.add_class("codesign-room")

        self.current_button = widgets.Button(description="Move the room here", icon="share")
        self.current_button.on_click(lambda _b: self.make_current())
        self.state_buttons = {}
        for state, label, icon in [
            (StageState.OPEN, "Open", "play"),
            (StageState.LOCKED, "Lock", "lock"),
            (StageState.REVEALED, "Reveal votes", "eye"),
            (StageState.CLOSED, "Close", "stop"),
        ]:
            button = widgets.Button(description=label, icon=icon)
            button.on_click(lambda _b, s=state: self.set_state(s))
            self.state_buttons[state] = button
        self.budget_input = widgets.BoundedIntText(description="Dots each", min=1, max=50)
        self.budget_button = widgets.Button(description="Set dots", icon="circle")
        self.budget_button.on_click(lambda _b: self.set_budget(self.budget_input.value))
        self.service_input = widgets.Text(description="New service")
        self.service_button = widgets.Button(description="Add service", icon="plus")
        self.service_button.on_click(lambda _b: self.add_service(self.service_input.value))
        self.services_text = widgets.HTML()
        self.card_picker = widgets.Dropdown(description="Card", options=[])
        self.theme_input = widgets.Combobox(description="Theme", ensure_option=False)
        self.assign_button = widgets.Button(description="Put card under theme", icon="tag")
        self.assign_button.on_click(
            lambda _b: self.assign_theme(self.card_picker.value, self.theme_input.value)
        )
        self.merge_from = widgets.Dropdown(description="Merge theme", options=[])
        self.merge_into = widgets.Combobox(description="into", ensure_option=False)
        self.merge_button = widgets.Button(description="Merge themes", icon="compress")
        self.merge_button.on_click(
            lambda _b: self.merge_themes(self.merge_from.value, self.merge_into.value)
        )
        self.hide_button = widgets.Button(description="Hide card", icon="eye-slash")
        self.hide_button.on_click(lambda _b: self.set_hidden(self.card_picker.value, True))
        self.show_button = widgets.Button(description="Show card again", icon="eye")
        self.show_button.on_click(lambda _b: self.set_hidden(self.card_picker.value, False))
        self.control = widgets.VBox(
            [
                self.stage_picker,
                widgets.HBox([self.current_button, *self.state_buttons.values()]),
                widgets.HTML(escaped("Dot voting", "h2")),
                widgets.HBox([self.budget_input, self.budget_button]),
                widgets.HTML(escaped("Services participants choose from", "h2")),
                widgets.HBox([self.service_input, self.service_button]),
                self.services_text,
                widgets.HTML(escaped("Themes and moderation", "h2")),
                self.card_picker,
                widgets.HBox([self.theme_input, self.assign_button]),
                widgets.HBox([self.hide_button, self.show_button]),
                widgets.HBox([self.merge_from, self.merge_into, self.merge_button]),
                widgets.HTML(escaped("Hidden cards are kept on record, never deleted.", "p")),
            ]
        )
        self.tabs = widgets.Tab(
            children=[self.room, self.control],
            titles=("Goal wall (project this)", "Run goal mapping"),
        )
        self.children = [self.notice, self.tabs]

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

    # -- actions -------------------------------------------------------------------------------
    def choose_stage(self, key: str) -> None:
        self.stage = self.template.stage(key)
        self.refresh(TOPICS)

    def make_current(self) -> bool:
        ok = run_action(
            self.notice,
            self.store.set_current_stage,
            self.workshop.id,
            self.stage.key,
            ok=f"The room is now on: {self.stage.title}.",
        )
        self.refresh({"stages"})
        return bool(ok)

    def set_state(self, state: StageState | str) -> bool:
        state = StageState(state)
        said = "Votes revealed." if state is StageState.REVEALED else state.label
        ok = run_action(
            self.notice,
            self.store.set_stage_state,
            self.workshop.id,
            self.stage.key,
            state,
            ok=f"{self.stage.title}: {said}",
        )
        self.refresh({"stages"})
        return bool(ok)

    def set_budget(self, dots: int) -> bool:
        ok = run_action(
            self.notice,
            self.store.set_dot_budget,
            self.workshop.id,
            self.stage.key,
            dots,
            ok=f"Each person now has {dots} dots.",
        )
        self.refresh({"goals"})
        return bool(ok)

    def add_service(self, name: str) -> bool:
        ok = run_action(
            self.notice,
            self.store.add_service,
            self.workshop.id,
            self.stage.key,
            name,
            ok="Service added: phones offer it now.",
        )
        if ok:
            self.service_input.value = ""
        self.refresh({"goals"})
        return bool(ok)

    def assign_theme(self, card_id: int | None, theme: str) -> bool:
        if card_id is None:
            self.notice.show("Pick a card first.", "error")
            return False
        ok = run_action(
            self.notice,
            self.store.assign_theme,
            self.workshop.id,
            self.stage.key,
            card_id,
            theme,
            ok="Card moved." if theme.strip() else "Card back under its author's theme.",
        )
        self.refresh({"goals"})
        return bool(ok)

    def merge_themes(self, source: str | None, into: str) -> bool:
        ok = run_action(
            self.notice,
            self.store.merge_themes,
            self.workshop.id,
            self.stage.key,
            source or "",
            into,
            ok=f"Merged into {into.strip()}: its cards and dots moved too.",
        )
        self.refresh({"goals"})
        return bool(ok)

    def set_hidden(self, card_id: int | None, hidden: bool) -> bool:
        if card_id is None:
            self.notice.show("Pick a card first.", "error")
            return False
        ok = run_action(
            self.notice,
            self.store.set_hidden,
            self.workshop.id,
            card_id,
            hidden,
            ok="Hidden from the wall (kept on record)." if hidden else "Back on the wall.",
        )
        self.refresh({"entries"})
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
    def on_change(self, topics: set[str]) -> None:
        """Live feed: redraw now, or once a moment from now if we just did (batching)."""
        self._batcher(topics)

    def refresh(self, topics: set[str]) -> None:
        """Reload and redraw everything the projector and the controls show."""
        try:
            self.workshop = self.store.workshop_state(self.workshop.id)
            all_cards = self.store.goal_cards(self.workshop.id, self.stage.key, include_hidden=True)
            self.settings = self.store.goal_settings(self.workshop.id, self.stage.key)
            self.records = self.store.vote_records(self.workshop.id, self.stage.key)
            self.placed = self.store.votes_placed(self.workshop.id, self.stage.key)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return
        self.all_cards = all_cards
        self.cards = [c for c in all_cards if not c.hidden]
        self._draw_now()
        self._draw_wall()
        self._draw_summary()
        self._draw_map()
        self._draw_controls()

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
        from ..goal_analysis import build_goal_service_graph

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

    def _draw_controls(self) -> None:
        self.budget_input.value = self.settings.budget
        self.services_text.value = escaped(", ".join(self.settings.services), "p")
        options = [
            (("[hidden] " if c.hidden else "") + f"#{c.id} {c.goal[:60]}", c.id)
            for c in self.all_cards
        ]
        keep = self.card_picker.value
        self.card_picker.options = options
        if keep in {o[1] for o in options}:
            self.card_picker.value = keep
        themes = current_themes(self.cards)
        self.theme_input.options = tuple(themes)
        self.merge_into.options = tuple(themes)
        keep = self.merge_from.value
        self.merge_from.options = themes
        if keep in themes:
            self.merge_from.value = keep
