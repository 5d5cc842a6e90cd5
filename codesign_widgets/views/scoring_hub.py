"""The facilitator's prototype-scoring hub: prototypes, criteria, sealed rounds, decisions.

Built only in the facilitator's kernel, after the key was checked. The room tab is projected:
before a reveal it shows counts only (who has scored), never a score; after a reveal it shows
the results panel. Imports pandas and bqplot (through the results panel), which is why
participant pages never import this module.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..errors import CodesignError, InvalidInput, NotAllowed
from ..live import Feed
from ..scoring import (
    DECISIONS,
    CriteriaSet,
    Prototype,
    Round,
    RoundState,
    criteria_set_from_dict,
    list_criteria_sets,
    load_criteria_set,
)
from ..scoring_results import aggregate, movement, score_frame
from ..store import Store
from ..templates import load_template
from ..workshop import WorkshopState
from .common import Notice, escaped, replace_children, run_action
from .scoring_results import ResultsPanel

__all__ = ["CustomCriteriaForm", "ScoringHub"]

TOPICS = {"scoring", "scores"}
CUSTOM = "custom"
# Scales a custom criterion can use: (label in the menu, min, max, point labels).
SCALES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "1-5 (not at all … completely)": (
        1,
        5,
        ("Not at all", "A little", "Somewhat", "Very", "Completely"),
    ),
    "1-5 (very low … very high)": (1, 5, ("Very low", "Low", "Medium", "High", "Very high")),
    "1-3 (low, medium, high)": (1, 3, ("Low", "Medium", "High")),
    "0-10": (0, 10, ()),
}


class CustomCriteriaForm(widgets.VBox):
    """Build a custom criteria set: a row per criterion with name, question, weight, scale."""

    def __init__(self) -> None:
        super().__init__()
        self.name = widgets.Text(description="Name of the set", value="Our criteria")
        self.rows: list[dict[str, widgets.Widget]] = []
        self.rows_box = widgets.VBox()
        self.add_button = widgets.Button(description="Add a criterion", icon="plus")
        self.add_button.on_click(lambda _b: self.add_row())
        self.two_by_two = widgets.Checkbox(
            description="Show a 2x2 of the first two criteria (the first going up)", indent=False
        )
        self.children = [self.name, self.rows_box, self.add_button, self.two_by_two]
        self.add_row()
        self.add_row()

    def add_row(self, label: str = "", weight: float = 1.0) -> dict[str, widgets.Widget]:
        row = {
            "label": widgets.Text(description="Criterion", value=label),
            "question": widgets.Text(description="Question people read"),
            "weight": widgets.BoundedFloatText(description="Weight", min=0, max=100, value=weight),
            "scale": widgets.Dropdown(description="Scale", options=list(SCALES)),
            "reverse": widgets.Checkbox(description="Lower is better", indent=False),
        }
        self.rows.append(row)
        self.rows_box.children = [
            *self.rows_box.children,
            widgets.VBox(list(row.values()), layout={"border_bottom": "1px solid #ccc"}),
        ]
        return row

    def criteria_set(self) -> CriteriaSet:
        """The set as typed (rows without a name are skipped); checked like a template."""
        criteria = []
        for row in self.rows:
            if not row["label"].value.strip():
                continue
            low, high, labels = SCALES[row["scale"].value]
            criteria.append(
                {
                    "label": row["label"].value,
                    "question": row["question"].value,
                    "weight": row["weight"].value,
                    "min": low,
                    "max": high,
                    "labels": list(labels),
                    "reverse": row["reverse"].value,
                }
            )
        raw = {"name": self.name.value, "criteria": criteria}
        if self.two_by_two.value:
            if len(criteria) < 2:
                msg = "A 2x2 needs two criteria: add a second one, or untick the 2x2."
                raise InvalidInput(msg)
            first, second = criteria_set_from_dict(raw).keys[:2]
            raw["axes"] = [second, first]
        return criteria_set_from_dict(raw)


class ScoringHub(widgets.VBox):
    """Run prototype scoring for one stage.

    Actions are methods: :meth:`save_prototype`, :meth:`edit_prototype`,
    :meth:`withdraw_prototype`, :meth:`choose_criteria`, :meth:`use_custom_criteria`,
    :meth:`open_round`, :meth:`close_round`, :meth:`reopen_round`, :meth:`reveal_round`,
    :meth:`record_decision`, :meth:`show_round`.
    """

    def __init__(
        self,
        store: Store,
        workshop: WorkshopState,
        stage: str | None = None,
        feed: Feed | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-hub")
        self.add_class("codesign-scoring-hub")
        self.store, self.workshop, self.feed = store, workshop, feed
        self.template = load_template(workshop.template)
        self.stage = stage or store.scoring_stage(workshop.id)
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

    # -- actions: prototypes -------------------------------------------------------------------
    def _goals_typed(self) -> list[str]:
        extra = [line for line in self.more_goals.value.split("\n") if line.strip()]
        return [*self.goals_input.value, *extra]

    def save_prototype(self) -> bool:
        """Add the prototype in the form, or save the changes to the one being edited."""
        if self.editing is None:
            ok = run_action(
                self.notice,
                self.store.add_prototype,
                self.workshop.id,
                self.stage,
                self.title_input.value,
                self.description_input.value,
                self._goals_typed(),
                ok="Prototype added.",
            )
        else:
            ok = run_action(
                self.notice,
                self.store.revise_prototype,
                self.workshop.id,
                self.editing,
                self.title_input.value,
                self.description_input.value,
                self._goals_typed(),
                ok="Changes saved (the earlier version is kept).",
            )
        if ok:
            self._clear_form()
            self.refresh({"scoring"})
        return bool(ok)

    def edit_prototype(self, prototype_id: int) -> None:
        """Put a prototype into the form to change it."""
        prototype = next((p for p in self.all_prototypes if p.id == prototype_id), None)
        if prototype is None:
            return
        self.editing = prototype_id
        self.title_input.value = prototype.title
        self.description_input.value = prototype.description
        known = [g for g in prototype.goals if g in self.goals_input.options]
        self.goals_input.value = tuple(known)
        self.more_goals.value = "\n".join(g for g in prototype.goals if g not in known)
        self.save_button.description = "Save changes"
        self.cancel_edit.layout.display = ""

    def _clear_form(self) -> None:
        self.editing = None
        self.title_input.value = self.description_input.value = self.more_goals.value = ""
        self.goals_input.value = ()
        self.save_button.description = "Add prototype"
        self.cancel_edit.layout.display = "none"

    def withdraw_prototype(self, prototype_id: int, withdrawn: bool = True) -> bool:
        """Withdraw a prototype (no more scores, out of the results) or bring it back."""
        ok = run_action(
            self.notice,
            self.store.withdraw_prototype,
            self.workshop.id,
            prototype_id,
            withdrawn,
            ok="Withdrawn: it takes no more scores (its scores are kept)."
            if withdrawn
            else "Back in: it can be scored again.",
        )
        self.refresh({"scoring"})
        return bool(ok)

    # -- actions: criteria ---------------------------------------------------------------------
    def choose_criteria(self, key: str) -> bool:
        """Use a template criteria set (or, for ``"custom"``, the custom form's set)."""
        if key == CUSTOM:
            return self.use_custom_criteria()
        criteria = run_action(
            self.notice, self.store.set_criteria, self.workshop.id, self.stage, key
        )
        return self._criteria_chosen(criteria)

    def use_custom_criteria(self) -> bool:
        try:
            criteria = self.custom.criteria_set()
        except InvalidInput as exc:
            self.notice.show(str(exc), "error")
            return False
        chosen = run_action(
            self.notice, self.store.set_criteria, self.workshop.id, self.stage, criteria
        )
        return self._criteria_chosen(chosen)

    def _criteria_chosen(self, criteria: CriteriaSet | None) -> bool:
        if not criteria:
            return False
        note = " ".join(criteria.warnings)
        self.notice.show(
            f"Criteria for the next round: {criteria.name}. {note}".strip(),
            "info" if note else "ok",
        )
        self.refresh({"scoring"})
        return True

    # -- actions: rounds -----------------------------------------------------------------------
    def open_round(self) -> bool:
        number = run_action(self.notice, self.store.open_round, self.workshop.id, self.stage)
        if number:
            self.notice.show(f"Round {number} is open: phones can score now.", "ok")
        self.refresh({"scoring"})
        return bool(number)

    def close_round(self) -> bool:
        return self._round_action(self.store.close_round, "closed: scores are sealed")

    def reopen_round(self) -> bool:
        return self._round_action(self.store.reopen_round, "open again")

    def reveal_round(self) -> bool:
        return self._round_action(self.store.reveal_round, "revealed")

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
            self.store.record_decision,
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

    def show_round(self, round_id: int) -> None:
        """Show the results of a revealed round (the latest is shown by default)."""
        self.round_picker.value = round_id

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self, topics: set[str]) -> None:
        """Redraw what ``topics`` touched (called by the live feed)."""
        try:
            if "scoring" in topics:
                self.rounds = self.store.rounds(self.workshop.id, self.stage)
                self.all_prototypes = self.store.prototypes(
                    self.workshop.id, self.stage, include_withdrawn=True
                )
                self.prototypes = [p for p in self.all_prototypes if p.status == "active"]
                self.decisions = self.store.decisions(self.workshop.id, self.stage)
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
        current = self.store.criteria_for(self.workshop.id, self.stage)
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

    def _draw_prototypes(self) -> None:
        rows = []
        for prototype in self.all_prototypes:
            withdrawn = prototype.status == "withdrawn"
            text = prototype.title + (" (withdrawn)" if withdrawn else "")
            if prototype.goals:
                text += f"\nServes: {'; '.join(prototype.goals)}"
            edit = widgets.Button(description="Edit", icon="pencil")
            edit.on_click(lambda _b, pid=prototype.id: self.edit_prototype(pid))
            toggle = widgets.Button(
                description="Bring back" if withdrawn else "Withdraw",
                icon="undo" if withdrawn else "ban",
            )
            toggle.on_click(
                lambda _b, pid=prototype.id, w=withdrawn: self.withdraw_prototype(pid, not w)
            )
            rows.append(widgets.HBox([widgets.HTML(escaped(text)), edit, toggle]))
        replace_children(
            self.prototype_list, rows or [widgets.HTML(escaped("No prototypes yet.", "p"))]
        )

    def _draw_goals(self) -> None:
        goals: list[str] = []
        try:
            for card in self.store.goal_cards(self.workshop.id):
                if card.goal and card.goal not in goals:
                    goals.append(card.goal)
        except (CodesignError, AttributeError):  # no goal mapping in this file or version
            goals = []
        chosen = tuple(g for g in self.goals_input.value if g in goals)
        self.goals_input.options = goals
        self.goals_input.value = chosen
        self.goals_input.layout.display = "" if goals else "none"

    def _draw_criteria_preview(self) -> None:
        key = self.criteria_picker.value
        if key != CUSTOM:
            criteria = load_criteria_set(key)
            lines = [escaped(criteria.description, "p")]
            for c in criteria.criteria:
                scale = " · ".join(c.label_for(v) for v in c.points)
                extra = " (lower is better)" if c.reverse else ""
                lines.append(
                    escaped(f"{c.label} (weight {c.weight:g}){extra}: {c.question}", "div")
                    + escaped(scale, "div", "codesign-scale")
                )
            self.criteria_preview.value = "".join(lines)
        middle = self.custom if key == CUSTOM else self.criteria_preview
        self.criteria_tab.children = [
            self.criteria_now,
            self.criteria_picker,
            middle,
            self.use_criteria,
        ]

    def _draw_progress(self) -> None:
        last = self.rounds[-1] if self.rounds else None
        if last is None or last.state is RoundState.REVEALED:
            self.progress.value = ""
            return
        counts = self.store.round_progress(self.workshop.id, last.id)
        groups = ", ".join(
            f"{self.group_labels.get(g, g)} {n}" for g, n in sorted(counts["by_group"].items())
        )
        text = f"{counts['people']} people have scored so far" + (f" ({groups})" if groups else "")
        self.progress.value = escaped(
            text + ". Scores stay sealed until the reveal.", "div", "codesign-progress"
        )

    def _draw_round_picker(self) -> None:
        revealed = [r.id for r in self.rounds if r.state is RoundState.REVEALED]
        # Keep an earlier round the facilitator picked; otherwise show the latest revealed.
        shown = self._shown_round if self._shown_round in revealed[:-1] else None
        shown = shown or (revealed[-1] if revealed else None)
        self._picking = True
        try:
            self.round_picker.options = [
                (f"Round {r.number}", r.id) for r in self.rounds if r.id in revealed
            ]
            self.round_picker.value = shown
        finally:
            self._picking = False
        self.round_picker.layout.display = "" if len(revealed) > 1 else "none"
        self._draw_results(shown)

    def _on_round_pick(self, change) -> None:
        if not self._picking and change["new"] is not None:
            self._shown_round = change["new"]
            self._draw_results(change["new"])

    def _draw_results(self, round_id: int | None) -> None:
        if round_id is None:
            self.results_panel = None
            replace_children(
                self.results_box,
                [widgets.HTML(escaped("Results appear here once a round is revealed.", "p"))],
            )
            return
        self.results_panel = build_results_panel(
            self.store,
            self.workshop.id,
            self.stage,
            round_id,
            self.rounds,
            self.prototypes,
            self.group_labels,
            self.decisions,
            [p.group for p in self.template.perspectives],
        )
        replace_children(self.results_box, [self.results_panel])


def build_results_panel(
    store: Store,
    workshop_id: int,
    stage: str,
    round_id: int,
    rounds: list[Round],
    prototypes: list[Prototype],
    group_labels: dict[str, str],
    decisions: dict,
    groups: list[str],
) -> ResultsPanel:
    """Read a revealed round (and the one before it) and build its results panel."""
    this = next(r for r in rounds if r.id == round_id)
    titles = {p.id: p.title for p in prototypes}
    frame = score_frame(store.revealed_scores(workshop_id, round_id))
    results = aggregate(frame, this.criteria, list(titles), list(dict.fromkeys(groups)))
    earlier = [r for r in rounds if r.number < this.number and r.state is RoundState.REVEALED]
    moved = None
    if earlier:
        before = score_frame(store.revealed_scores(workshop_id, earlier[-1].id))
        moved = movement(before, frame)
    return ResultsPanel(
        results,
        titles,
        group_labels,
        round_number=this.number,
        movement=moved,
        comments=store.revealed_comments(workshop_id, round_id),
        decisions=decisions,
    )
