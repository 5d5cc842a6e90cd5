"""The facilitator's prototype-scoring hub: prototypes, criteria, sealed rounds, decisions.

Built only in the facilitator's kernel, after the key was checked. The hub reads the stage
and hands it to its four tabs: the projected room (:class:`~.room_tab.RoomTab`: before a
reveal counts only, never a score; after a reveal the results panel), rounds and decisions
(:class:`~.rounds_tab.RoundsTab`), prototypes (:class:`~.prototypes_tab.PrototypesTab`) and
criteria (:class:`~.criteria_tab.CriteriaTab`). Imports pandas and bqplot (through the
results panel), which is why participant pages never import this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError, NotAllowed
from ..core.i18n import translator
from ..core.templates import load_template
from ..core.workshop import WorkshopState
from ..live import Feed
from ..ui.common import Notice
from ..ui.wiring import HubWiring
from .criteria_tab import CriteriaTab
from .model import Decision, Prototype, Round
from .prototypes_tab import PrototypesTab
from .room_tab import RoomTab
from .rounds_tab import RoundsTab

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["ScoringHub"]

TOPICS = {"scoring", "scores"}


class ScoringHub(widgets.VBox):
    """Run prototype scoring for one stage.

    Its tabs are ``room_tab`` (:class:`~.room_tab.RoomTab`, projected; action ``show_round``),
    ``rounds_tab`` (:class:`~.rounds_tab.RoundsTab`: open, close, reopen, reveal, decide),
    ``prototypes_tab`` (:class:`~.prototypes_tab.PrototypesTab`: add, edit, withdraw) and
    ``criteria_tab`` (:class:`~.criteria_tab.CriteriaTab`: choose or make criteria); their
    methods are the actions. The hub holds what it last read: ``rounds``, ``prototypes``
    (active), ``all_prototypes`` and ``decisions``.
    """

    def __init__(
        self,
        studio: Studio,
        workshop: WorkshopState,
        stage: str | None = None,
        feed: Feed | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-hub")
        self.add_class("codesign-scoring-hub")
        self.studio, self.workshop, self.feed = studio, workshop, feed
        self.template = load_template(workshop.template)
        self.stage = stage or studio.scoring.prototypes.scoring_stage(workshop.id)
        if self.template.stage(self.stage).activity != "prototype_scoring":
            msg = f"The stage {self.stage!r} is not a prototype-scoring stage; leave out &stage=."
            raise NotAllowed(msg)
        self.notice = Notice()
        self.rounds: list[Round] = []
        self.prototypes: list[Prototype] = []
        self.all_prototypes: list[Prototype] = []
        self.decisions: dict[int, Decision] = {}
        self.group_labels = {p.group: p.label for p in self.template.perspectives}
        self.group_labels |= {p.key: p.label for p in self.template.perspectives}
        self._build()
        self.refresh(TOPICS)
        if feed is not None:
            self._unsubscribe = feed.subscribe(workshop.id, TOPICS, self.refresh)

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        wiring = HubWiring(
            self.studio, self.workshop.id, self.notice, self.refresh, stage_key=self.stage
        )
        title = f"{self.workshop.title}: {self.template.stage(self.stage).title}"
        groups = [p.group for p in self.template.perspectives]
        self.room_tab = RoomTab(
            wiring,
            title,
            self.group_labels,
            groups,
            smallest_group=self.template.smallest_group,
            perspective_groups={p.key: p.group for p in self.template.perspectives},
            tr=translator(self.template.language),
        )
        self.rounds_tab = RoundsTab(wiring)
        self.prototypes_tab = PrototypesTab(wiring)
        self.criteria_tab = CriteriaTab(wiring)
        self.tabs = widgets.Tab(
            children=[self.room_tab, self.rounds_tab, self.prototypes_tab, self.criteria_tab],
            # The projected tab's title in the plan's language; the facilitator's in English.
            titles=(
                self.room_tab.tr.gettext("Room (project this)"),
                "Rounds and decisions",
                "Prototypes",
                "Criteria",
            ),
        )
        self.children = [self.notice, self.tabs]

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self, topics: set[str]) -> None:
        """Redraw what ``topics`` touched (called by the live feed and after actions)."""
        try:
            if "scoring" in topics:
                self.rounds = self.studio.scoring.rounds.rounds(self.workshop.id, self.stage)
                self.all_prototypes = self.studio.scoring.prototypes.prototypes(
                    self.workshop.id, self.stage, include_withdrawn=True
                )
                self.prototypes = [p for p in self.all_prototypes if p.status == "active"]
                self.decisions = self.studio.scoring.prototypes.decisions(
                    self.workshop.id, self.stage
                )
                self.rounds_tab.show(
                    self.rounds, self.prototypes, self.all_prototypes, self.decisions
                )
                self.criteria_tab.show()
                self.prototypes_tab.show(self.all_prototypes)
                self.room_tab.show(self.rounds, self.prototypes, self.decisions)
            self.room_tab.show_progress(self.rounds)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
