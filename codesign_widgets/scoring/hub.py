"""The facilitator's prototype-scoring hub: prototypes, criteria, sealed rounds, decisions.

Built only in the facilitator's kernel, after the key was checked. The room tab is projected:
before a reveal it shows counts only (who has scored), never a score; after a reveal it shows
the results panel. Imports pandas and bqplot (through the results panel), which is why
participant pages never import this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError, NotAllowed
from ..core.safe_text import escaped
from ..core.templates import load_template
from ..core.workshop import WorkshopState
from ..live import Feed
from ..ui.common import Notice, run_action
from .criteria import list_criteria_sets, load_criteria_set
from .criteria_form import CUSTOM, CustomCriteriaForm
from .model import DECISIONS, Prototype, Round, RoundState
from .prototypes_tab import PrototypesAndCriteriaMixin
from .results_panel import ResultsPanel
from .room_tab import RoomMixin

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["ScoringHub"]

TOPICS = {"scoring", "scores"}


class ScoringHub(PrototypesAndCriteriaMixin, RoomMixin, widgets.VBox):
    """Run prototype scoring for one stage.

    Actions are methods: :meth:`save_prototype`, :meth:`edit_prototype`,
    :meth:`withdraw_prototype`, :meth:`choose_criteria`, :meth:`use_custom_criteria`,
    :meth:`open_round`, :meth:`close_round`, :meth:`reopen_round`, :meth:`reveal_round`,
    :meth:`record_decision`, :meth:`show_round`.
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
        self.editing: int | None = None
        self.results_panel: ResultsPanel | None = None
        self._shown_round: int | None = None
        self._picking = False
        self.group_labels = {p.group: p.label for p in self.template.perspectives}
        self.group_labels |= {p.key: p.label for p in self.template.perspectives}
        self._build()
        self.refresh(TOPICS)
        if feed is not None:
            self._unsubscribe = feed.subscribe(workshop.id, TOPICS, self.refresh)

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        stage_title = self.template.stage(self.stage).title
        self.round_status = widgets.HTML()
        self.progress = widgets.HTML()
        self.round_picker = widgets.Dropdown(description="Show round", options=[])
        self.round_picker.observe(lambda c: self._on_round_pick(c), "value")
        self.results_box = widgets.VBox()
        self.room = widgets.VBox(
            [
                widgets.HTML(escaped(f"{self.workshop.title}: {stage_title}", "h1")),
                self.round_status,
                self.progress,
                self.round_picker,
                self.results_box,
            ]
        )
        self.room.add_class("codesign-room")

        self.open_button = widgets.Button(description="Open round", icon="play")
        self.open_button.on_click(lambda _b: self.open_round())
        self.close_button = widgets.Button(description="Close round", icon="lock")
        self.close_button.on_click(lambda _b: self.close_round())
        self.reopen_button = widgets.Button(description="Reopen round", icon="unlock")
        self.reopen_button.on_click(lambda _b: self.reopen_round())
        self.reveal_button = widgets.Button(description="Reveal", icon="eye")
        self.reveal_button.on_click(lambda _b: self.reveal_round())
        self.rounds_table = widgets.HTML()

        self.title_input = widgets.Text(description="Title")
        self.description_input = widgets.Textarea(description="Description")
        self.goals_input = widgets.SelectMultiple(
            description="Goals it serves (from goal mapping)", options=[], rows=5
        )
        self.more_goals = widgets.Textarea(description="Other goals (one per line)")
        self.save_button = widgets.Button(
            description="Add prototype", button_style="primary", icon="plus"
        )
        self.save_button.on_click(lambda _b: self.save_prototype())
        self.cancel_edit = widgets.Button(
            description="Cancel editing", icon="times", layout={"display": "none"}
        )
        self.cancel_edit.on_click(lambda _b: self._clear_form())
        self.prototype_list = widgets.VBox()

        options = [(load_criteria_set(k).name, k) for k in list_criteria_sets()]
        self.criteria_picker = widgets.Dropdown(
            description="Criteria", options=[*options, ("Custom: make your own", CUSTOM)]
        )
        self.criteria_picker.observe(lambda _c: self._draw_criteria_preview(), "value")
        self.use_criteria = widgets.Button(
            description="Use these criteria", button_style="primary", icon="check"
        )
        self.use_criteria.on_click(lambda _b: self.choose_criteria(self.criteria_picker.value))
        self.custom = CustomCriteriaForm()
        self.criteria_preview = widgets.HTML()
        self.criteria_now = widgets.HTML()

        self.decision_picker = widgets.Dropdown(description="Prototype", options=[])
        self.decision_input = widgets.ToggleButtons(
            description="Decision", options=[(d.capitalize(), d) for d in DECISIONS], value=None
        )
        self.reason_input = widgets.Textarea(description="Why")
        self.decide_button = widgets.Button(description="Record decision", icon="gavel")
        self.decide_button.on_click(
            lambda _b: self.record_decision(
                self.decision_picker.value, self.decision_input.value, self.reason_input.value
            )
        )
        self.decisions_table = widgets.HTML()

        self.control = widgets.VBox(
            [
                widgets.HTML(escaped("Rounds", "h2")),
                widgets.HTML(
                    escaped(
                        "Open a round, close it when people are done, reveal it, talk about "
                        "where people disagree, then open the next round.",
                        "p",
                    )
                ),
                widgets.HBox(
                    [self.open_button, self.close_button, self.reopen_button, self.reveal_button]
                ),
                self.rounds_table,
                widgets.HTML(escaped("Decisions", "h2")),
                self.decision_picker,
                self.decision_input,
                self.reason_input,
                self.decide_button,
                self.decisions_table,
            ]
        )
        self.prototypes_tab = widgets.VBox(
            [
                widgets.HTML(escaped("Add a prototype", "h2")),
                self.title_input,
                self.description_input,
                self.goals_input,
                self.more_goals,
                widgets.HBox([self.save_button, self.cancel_edit]),
                widgets.HTML(escaped("Prototypes", "h2")),
                self.prototype_list,
            ]
        )
        self.criteria_tab = widgets.VBox(
            [
                self.criteria_now,
                self.criteria_picker,
                self.criteria_preview,
                self.use_criteria,
            ]
        )
        self.tabs = widgets.Tab(
            children=[self.room, self.control, self.prototypes_tab, self.criteria_tab],
            titles=("Room (project this)", "Rounds and decisions", "Prototypes", "Criteria"),
        )
        self.children = [self.notice, self.tabs]
        self._draw_criteria_preview()

    # -- actions: rounds -----------------------------------------------------------------------
    def open_round(self) -> bool:
        number = run_action(
            self.notice, self.studio.scoring.rounds.open_round, self.workshop.id, self.stage
        )
        if number:
            self.notice.show(f"Round {number} is open: phones can score now.", "ok")
        self.refresh({"scoring"})
        return bool(number)

    def close_round(self) -> bool:
        return self._round_action(
            self.studio.scoring.rounds.close_round, "closed: scores are sealed"
        )

    def reopen_round(self) -> bool:
        return self._round_action(self.studio.scoring.rounds.reopen_round, "open again")

    def reveal_round(self) -> bool:
        return self._round_action(self.studio.scoring.rounds.reveal_round, "revealed")

    def _round_action(self, action, done: str) -> bool:
        number = run_action(self.notice, action, self.workshop.id, self.stage)
        if number:
            self.notice.show(f"Round {number} {done}.", "ok")
        self.refresh({"scoring"})
        return bool(number)

    def record_decision(self, prototype_id: int | None, decision: str | None, reason: str) -> bool:
        """Record adopt, iterate or drop for a prototype, with the group's reason."""
        if prototype_id is None:
            self.notice.show("Choose the prototype the decision is about.", "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.scoring.prototypes.record_decision,
            self.workshop.id,
            self.stage,
            prototype_id,
            decision,
            reason,
            ok="Decision recorded.",
        )
        if ok:
            self.reason_input.value = ""
            self.decision_input.value = None
        self.refresh({"scoring"})
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self, topics: set[str]) -> None:
        """Redraw what ``topics`` touched (called by the live feed)."""
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
                self._draw_controls()
                self._draw_prototypes()
                self._draw_goals()
                self._draw_round_picker()
            self._draw_progress()
        except CodesignError as exc:
            self.notice.show(str(exc), "error")

    def _draw_controls(self) -> None:
        last = self.rounds[-1] if self.rounds else None
        state = last.state if last else None
        self.open_button.description = f"Open round {last.number + 1 if last else 1}"
        # Cosmetic only: the store refuses a move that does not fit the round's state.
        self.open_button.disabled = state in (RoundState.OPEN, RoundState.CLOSED)
        self.close_button.disabled = state is not RoundState.OPEN
        self.reopen_button.disabled = state is not RoundState.CLOSED
        self.reveal_button.disabled = state is not RoundState.CLOSED
        if last is None:
            status = "No round yet: add prototypes, choose criteria, then open round 1."
        else:
            status = f"Round {last.number} ({last.criteria.name}): {state.label}"
        self.round_status.value = escaped(status, "div", "codesign-round-status")
        rows = "".join(
            f"<tr><td>{r.number}</td>{escaped(r.criteria.name, 'td')}"
            f"{escaped(r.state.label, 'td')}</tr>"
            for r in self.rounds
        )
        self.rounds_table.value = (
            '<table class="codesign-table"><tr><th>Round</th><th>Criteria</th><th>State</th></tr>'
            + rows
            + "</table>"
            if rows
            else ""
        )
        current = self.studio.scoring.rounds.criteria_for(self.workshop.id, self.stage)
        self.criteria_now.value = escaped(
            f"Criteria for the next round: {current.name}"
            if current
            else "No criteria chosen yet: pick a set below.",
            "h2",
        )
        # Keep the facilitator's choice while another change redraws the list.
        chosen = self.decision_picker.value
        self.decision_picker.options = [(p.title, p.id) for p in self.prototypes]
        if chosen in [p.id for p in self.prototypes]:
            self.decision_picker.value = chosen
        decided = [
            [p.title, d.decision, d.reason, f"round {d.round_number}" if d.round_number else ""]
            for p in self.all_prototypes
            if (d := self.decisions.get(p.id))
        ]
        self.decisions_table.value = (
            '<table class="codesign-table"><tr><th>Prototype</th><th>Decision</th><th>Why</th>'
            "<th>After</th></tr>"
            + "".join("<tr>" + "".join(escaped(c, "td") for c in row) + "</tr>" for row in decided)
            + "</table>"
            if decided
            else ""
        )
