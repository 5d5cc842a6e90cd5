"""The participant page's forms: the join code, then name, perspective and consent, the stage
view's boxes with the check-in line, and the leave-and-withdraw step with its confirmation.

Only builds widgets; :class:`~codesign_widgets.room.join.ParticipantApp` wires them to its
actions and shows one box at a time.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..core.workshop import MAX_NOTE

__all__ = ["JoinFormsMixin"]


class JoinFormsMixin:
    """The layout of :class:`~codesign_widgets.room.join.ParticipantApp`."""

    # -- layout ----------------------------------------------------------------------------
    def _build_forms(self) -> None:
        self.code_input = widgets.Text(
            description="Join code", placeholder="e.g. KP7QXA", continuous_update=False
        )
        self.code_button = widgets.Button(
            description="Continue", button_style="primary", icon="arrow-right"
        )
        self.code_button.on_click(lambda _b: self.enter_code(self.code_input.value))
        self.code_box = widgets.VBox(
            [
                widgets.HTML(escaped("Join a workshop", "h2")),
                widgets.HTML(escaped("Type the code shown on the big screen.")),
                self.code_input,
                self.code_button,
            ]
        )

        self.title = widgets.HTML()
        self.name_input = widgets.Text(
            description="Your name (shown to the group)",
            placeholder="Leave empty to stay anonymous",
        )
        self.perspective_input = widgets.RadioButtons(description="I take part as", options=[])
        self.consent_text = widgets.HTML()
        self.consent_input = widgets.Checkbox(description="I agree", indent=False)
        self.join_button = widgets.Button(description="Join", button_style="primary", icon="check")
        self.join_button.on_click(lambda _b: self.join())
        self.join_box = widgets.VBox(
            [
                self.title,
                self.name_input,
                self.perspective_input,
                self.consent_text,
                self.consent_input,
                self.join_button,
            ]
        )

        self.me = widgets.HTML()
        self.stage_title = widgets.HTML()
        self.stage_ask = widgets.HTML()
        self.stage_state = widgets.HTML()
        self.note_input = widgets.Textarea(
            description="Your line", placeholder=f"Up to {MAX_NOTE} characters"
        )
        self.share_button = widgets.Button(
            description="Share", button_style="primary", icon="paper-plane"
        )
        self.share_button.on_click(lambda _b: self.share_note())
        self.my_notes = widgets.VBox()
        self.checkin_box = widgets.VBox([self.note_input, self.share_button, self.my_notes])
        self.activity_box = widgets.VBox()
        self._build_leave()
        self.stage_box = widgets.VBox(
            [
                self.me,
                self.stage_title,
                self.stage_state,
                self.stage_ask,
                self.activity_box,
                self.leave_box,
            ]
        )

    def _build_leave(self) -> None:
        self.leave_text = widgets.HTML()
        self.leave_button = widgets.Button(
            description="Leave and withdraw everything I added",
            icon="sign-out",
            tooltip="Leave the workshop and take back all you added",
        )
        self.leave_button.on_click(lambda _b: self.ask_to_leave())
        self.confirm_leave_button = widgets.Button(
            description="Yes, withdraw everything", button_style="danger", icon="check"
        )
        self.confirm_leave_button.on_click(lambda _b: self.leave())
        self.stay_button = widgets.Button(description="No, stay", icon="times")
        self.stay_button.on_click(lambda _b: self.stay())
        self.confirm_leave_box = widgets.VBox(
            [
                widgets.HTML(
                    escaped(
                        "Are you sure? Everything you added in every part of the workshop "
                        "(lines, goal cards, dots, stakeholders, ties, ratings, scores and "
                        "comments) will be taken back and no longer count or show anywhere.",
                        "p",
                    )
                ),
                widgets.HBox([self.confirm_leave_button, self.stay_button]),
            ]
        )
        self.confirm_leave_box.layout.display = "none"
        self.leave_box = widgets.VBox(
            [self.leave_text, self.leave_button, self.confirm_leave_box],
            layout=widgets.Layout(margin="2em 0 0 0"),
        )
