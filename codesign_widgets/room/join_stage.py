"""The participant's stage view: follow the stage the facilitator moved the room to, show its
activity panel (or the check-in line), and the participant's own lines to withdraw.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.workshop import StageState
from ..ui.common import replace_children
from ..ui.panel import panel_class

__all__ = ["StageViewMixin"]


class StageViewMixin:
    """The stage view of :class:`~codesign_widgets.room.join.ParticipantApp`."""

    # -- the stage view ----------------------------------------------------------------------
    def _current_stage(self):
        return self.template.stage(self.workshop.current_stage)

    def _enter_stage_view(self) -> None:
        p = self.participant
        perspective = self.template.perspective(p.perspective).label
        self.me.value = escaped(f"{p.shown_name} · {perspective}", "div", "codesign-me")
        self.leave_text.value = escaped(
            f"Your participant code is {p.public_id}. To have your data erased from the "
            "workshop file too, give this code to the facilitator.",
            "p",
        )
        self._draw_stage()
        self._show(self.stage_box)
        if self.feed is not None and self._unsubscribe is None:
            self._unsubscribe = self.feed.subscribe(
                self.workshop.id, {"stages", "workshops"}, self.on_change
            )

    def on_change(self, topics: set[str]) -> None:
        """Live feed: the facilitator moved or changed a stage."""
        try:
            self.workshop = self.studio.workshops.state(self.workshop.id)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return
        self._draw_stage()

    def _draw_stage(self) -> None:
        stage = self._current_stage()
        state = self.workshop.state_of(stage.key)
        self.stage_title.value = escaped(stage.title, "h2")
        self.stage_state.value = escaped(state.label, "div", f"codesign-state-{state.value}")
        self.stage_ask.value = escaped(stage.ask, "p")
        is_open = state is StageState.OPEN
        if stage.activity == "checkin":
            # Cosmetic only: the store refuses writes to a stage that is not open.
            self.note_input.disabled = self.share_button.disabled = not is_open
            self._draw_my_notes()
            self.activity_box.children = [self.checkin_box]
            self._drop_panel()
        else:
            self._draw_panel(stage)

    def _draw_panel(self, stage) -> None:
        """The current stage's activity panel (kept while the stage stays the same)."""
        cls = panel_class(stage.activity)
        if cls is None:
            self._drop_panel()
            self.activity_box.children = [
                widgets.HTML(
                    escaped(
                        "This part of the workshop happens on the big screen and in its own page; "
                        "follow the facilitator.",
                        "p",
                    )
                )
            ]
            return
        if isinstance(self.panel, cls) and self.panel.stage.key == stage.key:
            self.panel.set_workshop(self.workshop)
        else:
            self._drop_panel()
            self.panel = cls(
                self.studio,
                self.workshop,
                self.template,
                self.participant,
                stage,
                self.notice,
                feed=self.feed,
            )
        self.activity_box.children = [self.panel]

    def _drop_panel(self) -> None:
        """Close the last stage's panel: it stops following the feed and frees its widgets."""
        if self.panel is not None:
            old, self.panel = self.panel, None
            self.activity_box.children = [w for w in self.activity_box.children if w is not old]
            old.close()

    def _draw_my_notes(self) -> None:
        if self.participant is None:
            return
        try:
            mine = self.studio.entries.find(
                self.workshop.id,
                activity="checkin",
                participant_id=self.participant.id,
                include_hidden=True,
            )
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return
        rows = []
        for entry in mine:
            button = widgets.Button(
                description="Withdraw", icon="undo", tooltip="Take this line back"
            )
            button.on_click(lambda _b, entry_id=entry.id: self.withdraw(entry_id))
            rows.append(widgets.HBox([widgets.HTML(escaped(entry.body.get("text", ""))), button]))
        header = widgets.HTML(escaped("Your lines" if rows else "", "h3"))
        replace_children(self.my_notes, [header, *rows])
