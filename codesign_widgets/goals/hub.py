"""The facilitator's goal-mapping view: the live wall by theme, theming, moderation, dots,
the goal-to-service map and the equal-say priorities.

Built only in the facilitator's kernel, after the key was checked; it may import networkx
and ipycytoscape. Private cards never reach it (the store leaves them out). Participant text
is shown only through :func:`escaped` or text widgets; the wall is one escaped HTML widget
re-rendered per batch of changes, not one widget per card.

What the projector shows is drawn in :mod:`.goals_wall`; the facilitator's actions are in
:mod:`.goals_controls`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import load_template
from ..core.workshop import StageState, WorkshopState
from ..live import Feed
from ..ui.batching import Batcher
from ..ui.common import Notice
from ..ui.links import join_link
from .cards import GoalCard
from .controls import GoalsControlsMixin
from .wall import GoalsWallMixin

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["GoalHub"]

TOPICS = {"entries", "votes", "goals", "stages", "participants"}
MIN_REDRAW_SECONDS = 0.3  # the projector redraws in batches, not per card


class GoalHub(GoalsWallMixin, GoalsControlsMixin, widgets.VBox):
    """Run goal mapping: open, lock and reveal; theme, hide, set dots and services; project.

    Actions are methods: :meth:`make_current`, :meth:`set_state`, :meth:`set_budget`,
    :meth:`add_service`, :meth:`assign_theme`, :meth:`merge_themes`, :meth:`set_hidden`.
    """

    def __init__(self, studio: Studio, workshop: WorkshopState, feed: Feed | None = None) -> None:
        super().__init__()
        self.add_class("codesign-hub")
        self.studio, self.feed, self.workshop = studio, feed, workshop
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

    # -- actions -------------------------------------------------------------------------------
    def choose_stage(self, key: str) -> None:
        self.stage = self.template.stage(key)
        self.refresh(TOPICS)

    # -- refreshing ------------------------------------------------------------------------------
    def on_change(self, topics: set[str]) -> None:
        """Live feed: redraw now, or once a moment from now if we just did (batching)."""
        self._batcher(topics)

    def refresh(self, topics: set[str]) -> None:
        """Reload and redraw everything the projector and the controls show."""
        try:
            self.workshop = self.studio.workshops.state(self.workshop.id)
            all_cards = self.studio.goals.cards.goal_cards(
                self.workshop.id, self.stage.key, include_hidden=True
            )
            self.settings = self.studio.goals.cards.goal_settings(self.workshop.id, self.stage.key)
            self.records = self.studio.goals.votes.vote_records(self.workshop.id, self.stage.key)
            self.placed = self.studio.goals.votes.votes_placed(self.workshop.id, self.stage.key)
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
