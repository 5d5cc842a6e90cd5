"""The scoring hub's Rounds and decisions tab: open a round, close it (scores are sealed),
reopen or reveal it, then record what the group decided about each prototype, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..ui.common import run_action
from ..ui.wiring import HubWiring
from .model import DECISIONS, Decision, Prototype, Round, RoundState

__all__ = ["RoundsTab"]


class RoundsTab(widgets.VBox):
    """The Rounds and decisions tab of :class:`~codesign_widgets.scoring.hub.ScoringHub`.

    Built with the hub's ``wiring`` (the scoring stage); :meth:`show` draws the rounds and
    decisions as the hub read them. Actions are methods: :meth:`open_round`,
    :meth:`close_round`, :meth:`reopen_round`, :meth:`reveal_round`, :meth:`record_decision`.
    """

    def __init__(self, wiring: HubWiring) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id, self.stage_key = wiring.workshop_id, wiring.stage_key
        round_buttons = self._build_round_buttons()
        self.rounds_table = widgets.HTML()
        self.decision_picker = widgets.Dropdown(description="Prototype", options=[])
        self.decision_input = widgets.ToggleButtons(
            description="Decision", options=[(d.capitalize(), d) for d in DECISIONS], value=None
        )
        self.reason_input = widgets.Textarea(description="Why", continuous_update=False)
        self.decide_button = widgets.Button(description="Record decision", icon="gavel")
        self.decide_button.on_click(
            lambda _b: self.record_decision(
                self.decision_picker.value, self.decision_input.value, self.reason_input.value
            )
        )
        self.decisions_table = widgets.HTML()
        super().__init__(
            [
                widgets.HTML(escaped("Rounds", "h2")),
                widgets.HTML(
                    escaped(
                        "Open a round, close it when people are done, reveal it, talk about "
                        "where people disagree, then open the next round.",
                        "p",
                    )
                ),
                round_buttons,
                self.rounds_table,
                widgets.HTML(escaped("Decisions", "h2")),
                self.decision_picker,
                self.decision_input,
                self.reason_input,
                self.decide_button,
                self.decisions_table,
            ]
        )

    def _build_round_buttons(self) -> widgets.HBox:
        self.open_button = widgets.Button(description="Open round", icon="play")
        self.open_button.on_click(lambda _b: self.open_round())
        self.close_button = widgets.Button(description="Close round", icon="lock")
        self.close_button.on_click(lambda _b: self.close_round())
        self.reopen_button = widgets.Button(description="Reopen round", icon="unlock")
        self.reopen_button.on_click(lambda _b: self.reopen_round())
        self.reveal_button = widgets.Button(description="Reveal", icon="eye")
        self.reveal_button.on_click(lambda _b: self.reveal_round())
        return widgets.HBox(
            [self.open_button, self.close_button, self.reopen_button, self.reveal_button]
        )

    # -- actions ---------------------------------------------------------------------------
    def open_round(self) -> bool:
        """Open the next round: phones can score."""
        number = run_action(
            self.notice, self.studio.scoring.rounds.open_round, self.workshop_id, self.stage_key
        )
        if number:
            self.notice.show(f"Round {number} is open: phones can score now.", "ok")
        self.on_change({"scoring"})
        return bool(number)

    def close_round(self) -> bool:
        """Close the open round: its scores are sealed."""
        return self._round_action(
            self.studio.scoring.rounds.close_round, "closed: scores are sealed"
        )

    def reopen_round(self) -> bool:
        """Open the closed round again."""
        return self._round_action(self.studio.scoring.rounds.reopen_round, "open again")

    def reveal_round(self) -> bool:
        """Reveal the closed round: its results go on the projector and the phones."""
        return self._round_action(self.studio.scoring.rounds.reveal_round, "revealed")

    def _round_action(self, action, done: str) -> bool:
        number = run_action(self.notice, action, self.workshop_id, self.stage_key)
        if number:
            self.notice.show(f"Round {number} {done}.", "ok")
        self.on_change({"scoring"})
        return bool(number)

    def record_decision(self, prototype_id: int | None, decision: str | None, reason: str) -> bool:
        """Record adopt, iterate or drop for a prototype, with the group's reason."""
        if prototype_id is None:
            self.notice.show("Choose the prototype the decision is about.", "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.scoring.prototypes.record_decision,
            self.workshop_id,
            self.stage_key,
            prototype_id,
            decision,
            reason,
            ok="Decision recorded.",
        )
        if ok:
            self.reason_input.value = ""
            self.decision_input.value = None
        self.on_change({"scoring"})
        return bool(ok)

    # -- drawing ---------------------------------------------------------------------------
    def show(
        self,
        rounds: Sequence[Round],
        prototypes: Sequence[Prototype],
        all_prototypes: Sequence[Prototype],
        decisions: Mapping[int, Decision],
    ) -> None:
        """The round buttons that fit the last round's state, the rounds so far, the active
        ``prototypes`` to decide on, and the ``decisions`` (about any of ``all_prototypes``)."""
        last = rounds[-1] if rounds else None
        state = last.state if last else None
        self.open_button.description = f"Open round {last.number + 1 if last else 1}"
        # Cosmetic only: the store refuses a move that does not fit the round's state.
        self.open_button.disabled = state in (RoundState.OPEN, RoundState.CLOSED)
        self.close_button.disabled = state is not RoundState.OPEN
        self.reopen_button.disabled = state is not RoundState.CLOSED
        self.reveal_button.disabled = state is not RoundState.CLOSED
        rows = "".join(
            f"<tr><td>{r.number}</td>{escaped(r.criteria.name, 'td')}"
            f"{escaped(r.state.label, 'td')}</tr>"
            for r in rounds
        )
        self.rounds_table.value = (
            '<table class="codesign-table"><tr><th>Round</th><th>Criteria</th><th>State</th></tr>'
            + rows
            + "</table>"
            if rows
            else ""
        )
        self._draw_decisions(prototypes, all_prototypes, decisions)

    def _draw_decisions(self, prototypes, all_prototypes, decisions) -> None:
        # Keep the facilitator's choice while another change redraws the list.
        chosen = self.decision_picker.value
        self.decision_picker.options = [(p.title, p.id) for p in prototypes]
        if chosen in [p.id for p in prototypes]:
            self.decision_picker.value = chosen
        decided = [
            [p.title, d.decision, d.reason, f"round {d.round_number}" if d.round_number else ""]
            for p in all_prototypes
            if (d := decisions.get(p.id))
        ]
        self.decisions_table.value = (
            '<table class="codesign-table"><tr><th>Prototype</th><th>Decision</th><th>Why</th>'
            "<th>After</th></tr>"
            + "".join("<tr>" + "".join(escaped(c, "td") for c in row) + "</tr>" for row in decided)
            + "</table>"
            if decided
            else ""
        )
