"""The guided run on the hub: the plan as a running order and one primary button for the
next step ("Open on every phone: ..."), with Undo for the last step.

The steps come from :mod:`codesign_widgets.core.running_order`; this part carries them out
(moving the room and opening a stage in one transaction) and shows them.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from ..core.running_order import Action, RoundInfo, Step, next_step, running_order
from ..core.safe_text import escaped
from ..core.templates import Template
from ..core.workshop import StageState, WorkshopState
from ..ui.common import replace_children, run_action
from ..ui.wiring import HubWiring

__all__ = ["GuidedRun"]


class GuidedRun:
    """The running order, the next step's button and Undo, for
    :class:`~codesign_widgets.room.hub.FacilitatorHub`.

    ``bar`` (the next step, what it does, other steps that make sense now, Undo) is shown on
    both hub tabs; ``order`` (the running order table) on the run tab. Actions:
    :meth:`take` (a step, the primary one by default) and :meth:`undo`.
    """

    def __init__(self, wiring: HubWiring, workshop: WorkshopState, template: Template) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop, self.template = workshop, template
        self.step: Step | None = None
        self._undo: tuple[str, dict[str, StageState], str] | None = None
        self.primary = widgets.Button(button_style="primary", icon="forward")
        self.primary.add_class("codesign-next-step")
        self.primary.on_click(lambda _b: self.take())
        self.says = widgets.HTML()
        self.also = widgets.HBox()
        self._also_steps: dict[str, Step] = {}
        self.undo_button = widgets.Button(description="Undo", icon="undo", disabled=True)
        self.undo_button.on_click(lambda _b: self.undo())
        self.bar = widgets.VBox(
            [widgets.HBox([self.primary, self.undo_button]), self.says, self.also]
        )
        self.bar.add_class("codesign-guided-run")
        self.order = widgets.HTML()
        #: Called after a step or an undo changed the room (the hub moves focus to it).
        self.on_moved: Callable[[], object] = lambda: None

    # -- actions -----------------------------------------------------------------------------
    def take(self, step: Step | None = None) -> bool:
        """Carry out ``step`` (the next one by default): every phone follows."""
        step = step or self.step
        if step is None:
            self.notice.show("Every stage is done: the workshop is finished.", "info")
            return False
        before = self.workshop
        stage_actions = [a for a in step.actions if a.kind in ("move", "state")]
        ok = True
        if stage_actions:
            ok = run_action(self.notice, self._set_stages, stage_actions, ok=f"Done: {step.label}.")
        for action in step.actions:
            if ok and action.kind == "round":
                ok = run_action(self.notice, self._round, action, ok=f"Done: {step.label}.")
        if ok and stage_actions:
            touched = {a.stage for a in stage_actions if a.kind == "state"}
            states = {key: before.state_of(key) for key in touched}
            self._undo = (before.current_stage, states, step.label)
        elif ok:
            self._undo = None  # a round cannot be taken back once phones scored in it
        self.on_change({"stages", "scoring"})
        if ok:
            self.on_moved()
        return bool(ok)

    def undo(self) -> bool:
        """Put back the room's stage and the stage states from before the last step."""
        if self._undo is None:
            self.notice.show("There is no step to undo.", "info")
            return False
        current, states, label = self._undo
        ok = run_action(
            self.notice,
            self.studio.workshops.set_stages,
            self.workshop.id,
            states,
            current,
            ok=f"Undone: {label}.",
        )
        if ok:
            self._undo = None
        self.on_change({"stages"})
        if ok:
            self.on_moved()
        return bool(ok)

    def _set_stages(self, actions: list[Action]) -> None:
        current = next((a.stage for a in actions if a.kind == "move"), None)
        states = {a.stage: StageState(a.value) for a in actions if a.kind == "state"}
        self.studio.workshops.set_stages(self.workshop.id, states, current)

    def _round(self, action: Action) -> int:
        rounds = self.studio.scoring.rounds
        do = {"open": rounds.open_round, "close": rounds.close_round, "reveal": rounds.reveal_round}
        return do[action.value](self.workshop.id, action.stage)

    # -- drawing -------------------------------------------------------------------------------
    def rounds(self) -> dict[str, RoundInfo]:
        """The last scoring round of each scoring stage that has one."""
        found = {}
        for stage in self.template.stages:
            if stage.activity == "prototype_scoring":
                rounds = self.studio.scoring.rounds.rounds(self.workshop.id, stage.key)
                if rounds:
                    found[stage.key] = RoundInfo(rounds[-1].number, rounds[-1].state.value)
        return found

    def show(self, workshop: WorkshopState) -> None:
        """Draw the running order and the next step as they are in ``workshop``."""
        self.workshop = workshop
        rounds = self.rounds()
        self.step = step = next_step(self.template, workshop, rounds)
        if step is None:
            self.primary.description = "Workshop finished"
            self.primary.disabled = True
            self.says.value = escaped(
                "Every stage is done. Thank the room; the report is ready with codesign report.",
                "p",
            )
        else:
            self.primary.description = step.label
            self.primary.disabled = False
            self.says.value = escaped(step.says, "p", "codesign-step-says")
        self._show_also(step.also if step else ())
        self.undo_button.disabled = self._undo is None
        self.undo_button.tooltip = f"Undo: {self._undo[2]}" if self._undo else ""
        self.order.value = self._order_html(workshop, rounds)

    def _show_also(self, steps: tuple[Step, ...]) -> None:
        """Buttons for the other steps that make sense now, rebuilt only when they change."""
        self._also_steps = {step.label: step for step in steps}
        if [b.description for b in self.also.children] == list(self._also_steps):
            return
        buttons = []
        for label in self._also_steps:
            button = widgets.Button(description=label)
            button.on_click(lambda _b, label=label: self._take_also(label))
            buttons.append(button)
        replace_children(self.also, buttons)

    def _take_also(self, label: str) -> bool:
        step = self._also_steps.get(label)
        if step is None:  # a tap on a button the room has moved past
            self.notice.show(f"That step is no longer next: {label}. Nothing was changed.")
            return False
        return self.take(step)

    def _order_html(self, workshop: WorkshopState, rounds: dict[str, RoundInfo]) -> str:
        rows = []
        for row in running_order(self.template, workshop, rounds):
            mark = "▶ " if row.here else ("Next: " if row.next else "")
            state = row.state.word
            info = rounds.get(row.stage.key)
            if info is not None:
                state += f" · round {info.number} {info.state}"
            rows.append(
                "<tr>"
                + escaped(mark + row.stage.title, "td")
                + escaped(state, "td", f"codesign-state-{row.state.value}")
                + escaped(row.stage.prompt or row.stage.ask, "td")
                + escaped(f"{row.stage.minutes} min", "td")
                + "</tr>"
            )
        return (
            '<table class="codesign-running-order"><caption>Running order</caption>'
            "<tr><th>Stage</th><th>State</th><th>What to say</th><th>Minutes</th></tr>"
            + "".join(rows)
            + "</table>"
        )
