"""The facilitator's goal-mapping view: the live wall by theme, theming, moderation, dots,
the goal-to-service map and the equal-say priorities.

Built only in the facilitator's kernel, after the key was checked; it may import networkx
and ipycytoscape. Private cards never reach it (the store leaves them out). The hub reads the
stage from the store in batches of changes and hands it to its two tabs: what the projector
shows (:class:`~.wall.GoalWall`) and the facilitator's controls
(:class:`~.controls.GoalControls`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.templates import load_template
from ..core.workshop import WorkshopState
from ..live import Feed
from ..ui.batching import Batcher
from ..ui.common import Notice
from ..ui.wiring import HubWiring
from .controls import GoalControls
from .wall import Dots, GoalWall

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["GoalHub"]

TOPICS = {"entries", "votes", "goals", "stages", "participants"}
MIN_REDRAW_SECONDS = 0.3  # the projector redraws in batches, not per card


class GoalHub(widgets.VBox):
    """Run goal mapping: open, lock and reveal; theme, hide, set dots and services; project.

    Its tabs are ``wall`` (:class:`~.wall.GoalWall`, projected) and ``controls``
    (:class:`~.controls.GoalControls`, whose methods are the facilitator's actions); the
    hub's own action is :meth:`choose_stage`.
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
        wiring = HubWiring(studio, workshop.id, self.notice, self.refresh)
        self.controls = GoalControls(wiring, goal_stages, self.choose_stage)
        self.wall = GoalWall(self.template, workshop.title, workshop.code)
        self.tabs = widgets.Tab(
            children=[self.wall, self.controls],
            titles=(self.wall.tr.gettext("Goal wall (project this)"), "Run goal mapping"),
        )
        self.children = [self.notice, self.tabs]
        self._batcher = Batcher(lambda topics: self.refresh(topics, live=True), MIN_REDRAW_SECONDS)
        self.refresh(TOPICS)
        if feed is not None:
            feed.subscribe(workshop.id, TOPICS, self.on_change)

    # -- actions -------------------------------------------------------------------------------
    def choose_stage(self, key: str) -> None:
        """Show and run another goal stage of the plan."""
        self.stage = self.template.stage(key)
        self.refresh(TOPICS)

    # -- refreshing ------------------------------------------------------------------------------
    def on_change(self, topics: set[str]) -> None:
        """Live feed: redraw now, or once a moment from now if we just did (batching)."""
        self._batcher(topics)

    def refresh(self, topics: set[str], *, live: bool = False) -> None:
        """Reload and redraw everything the projector and the controls show (``live``: for
        others' work, leaving the typed boxes' suggestions alone, see ``GoalControls.show``)."""
        key = self.stage.key
        try:
            self.workshop = self.studio.workshops.state(self.workshop.id)
            all_cards = self.studio.goals.cards.goal_cards(
                self.workshop.id, key, include_hidden=True
            )
            settings = self.studio.goals.cards.goal_settings(self.workshop.id, key)
            records = self.studio.goals.votes.vote_records(self.workshop.id, key)
            placed = self.studio.goals.votes.votes_placed(self.workshop.id, key)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return
        self.wall.show(
            [c for c in all_cards if not c.hidden],
            Dots(placed, settings.budget, tuple(records)),
            self.workshop.state_of(key),
            stage=self.stage,
            here=self.workshop.current_stage == key,
            labels={str(c.id): c.goal for c in all_cards},
        )
        self.controls.show(self.stage, settings.budget, settings.services, all_cards, live=live)
