"""The participant's page: join a workshop, follow the stages, take part in the check-in.

Built for a phone. The kernel behind this page holds only what this participant may see:
the workshop's plan and state, and their own contributions.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..errors import CodesignError
from ..live import Feed
from ..store import Store
from ..templates import Template, load_template
from ..workshop import MAX_NOTE, Participant, StageState, clean_text
from .activities import panel_class
from .common import Notice, escaped, replace_children, run_action
from .identity import IdentityKeeper

__all__ = ["ParticipantApp"]


class ParticipantApp(widgets.VBox):
    """Join form, then the current stage and what the participant can do in it.

    Each user action is a method (:meth:`enter_code`, :meth:`join`, :meth:`share_note`,
    :meth:`withdraw`, :meth:`ask_to_leave`, :meth:`leave`), so tests act as a participant would.
    """

    def __init__(
        self,
        store: Store,
        code: str | None = None,
        token: str | None = None,
        feed: Feed | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-participant")
        self.store = store
        self.feed = feed
        self.workshop = None
        self.template: Template | None = None
        self.participant: Participant | None = None
        self._unsubscribe = None
        self.panel: widgets.Widget | None = None  # the current activity's panel, if any
        self.notice = Notice()
        self.identity = IdentityKeeper()
        self.identity.observe(self._on_offered_token, "offered_token")
        self._build_forms()
        if code:
            self.enter_code(code, token=token)
        else:
            self._show(self.code_box)

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

    def _show(self, box: widgets.Widget) -> None:
        self.children = [box, self.notice, self.identity]

    # -- actions ---------------------------------------------------------------------------
    def enter_code(self, code: str, token: str | None = None) -> bool:
        """Open the workshop with this join code; come back as ``token``'s owner if valid."""
        workshop = run_action(self.notice, self.store.workshop_by_code, code)
        if not workshop:
            self.code_input.value = str(code or "")[:32]
            self._show(self.code_box)
            return False
        self.workshop = workshop
        self.template = load_template(workshop.template)
        self.identity.workshop_code = workshop.code
        self.title.value = escaped(workshop.title, "h2")
        self.perspective_input.options = [
            (f"{p.label}: {p.hint}" if p.hint else p.label, p.key)
            for p in self.template.perspectives
        ]
        self.perspective_input.value = None
        self.consent_text.value = escaped(self.template.consent.strip(), "p")
        if token and self.resume(token):
            return True
        self._show(self.join_box)
        return True

    def resume(self, token: str) -> bool:
        """Come back as the participant who holds ``token`` (after a reload or sleep)."""
        if self.workshop is None or self.participant is not None:
            return False
        try:
            participant = self.store.participant_by_token(self.workshop.id, token)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return False
        if participant is None:
            return False
        self.participant = participant
        self.identity.token = token
        self.notice.show(f"Welcome back, {participant.shown_name}.", "ok")
        self._enter_stage_view()
        return True

    def join(self) -> bool:
        """Join with the name, perspective and consent in the form."""
        if self.workshop is None or self.participant is not None:
            return False
        if self.perspective_input.value is None:
            self.notice.show("Please choose how you take part (one of the options).", "error")
            return False
        result = run_action(
            self.notice,
            self.store.join,
            self.workshop.id,
            self.name_input.value,
            self.perspective_input.value,
            self.consent_input.value,
        )
        if not result:
            return False
        self.participant, token = result
        self.identity.forget = False
        self.identity.token = token
        self.notice.show(f"You're in, {self.participant.shown_name}.", "ok")
        self._enter_stage_view()
        return True

    def share_note(self) -> bool:
        """Share the check-in line typed in the box (only while the stage is open)."""
        if self.participant is None:
            return False
        stage = self._current_stage()
        try:
            text = clean_text(
                self.note_input.value, what="Your line", max_length=MAX_NOTE, required=True
            )
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
            return False
        ok = run_action(
            self.notice,
            self.store.add_entry,
            self.participant,
            "checkin",
            "note",
            stage.key,
            {"text": text},
            ok="Shared with the group.",
        )
        if ok:
            self.note_input.value = ""
            self._draw_my_notes()
        return bool(ok)

    def withdraw(self, entry_id: int) -> bool:
        """Take back one of this participant's own lines (kept on record as withdrawn)."""
        if self.participant is None:
            return False
        ok = run_action(
            self.notice,
            self.store.withdraw_entry,
            self.participant,
            entry_id,
            ok="Withdrawn: it no longer shows anywhere.",
        )
        self._draw_my_notes()
        return bool(ok)

    def ask_to_leave(self) -> bool:
        """First step of leaving: show the confirm button (nothing is withdrawn yet)."""
        if self.participant is None:
            return False
        self.confirm_leave_box.layout.display = None
        return True

    def stay(self) -> None:
        """Change of mind: hide the confirm step again."""
        self.confirm_leave_box.layout.display = "none"

    def leave(self) -> bool:
        """Leave the workshop and withdraw everything this participant added (after
        :meth:`ask_to_leave`), forget them in this browser, and show the join form again."""
        if self.participant is None or self.confirm_leave_box.layout.display == "none":
            return False  # a crafted click on the hidden confirm button does nothing
        if not run_action(self.notice, self.store.withdraw_participant, self.participant):
            return False
        self._drop_panel()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.participant = None
        self.identity.forget = True
        self.identity.token = ""
        self.stay()
        replace_children(self.my_notes, [])
        self.name_input.value = ""
        self.perspective_input.value = None
        self.consent_input.value = False
        self.notice.show(
            "You have left the workshop. Everything you added was taken back: it no longer "
            "shows on the big screen, in results or in exports, and this browser has forgotten "
            "you. A note that someone left is kept, without anything you wrote. You can join "
            "again below if you change your mind.",
            "ok",
        )
        self._show(self.join_box)
        return True

    def _on_offered_token(self, change) -> None:
        token = change["new"]
        if isinstance(token, str) and 0 < len(token) <= 100:
            self.resume(token)

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
            self.workshop = self.store.workshop_state(self.workshop.id)
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
                self.store,
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
            mine = self.store.entries(
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
