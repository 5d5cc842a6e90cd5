"""The participant's page: join a workshop, follow the stages, take part in the check-in.

Built for a phone. The kernel behind this page holds only what this participant may see:
the workshop's plan and state, and their own contributions. The forms are built in
:mod:`.join_forms`; the stage view is :mod:`.join_stage`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import Template, load_template
from ..core.workshop import MAX_NOTE, Participant, clean_text
from ..live import Feed
from ..ui.common import Notice, replace_children, run_action
from .identity import IdentityKeeper
from .join_forms import JoinFormsMixin
from .join_stage import StageViewMixin

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["ParticipantApp"]


class ParticipantApp(JoinFormsMixin, StageViewMixin, widgets.VBox):
    """Join form, then the current stage and what the participant can do in it.

    Each user action is a method (:meth:`enter_code`, :meth:`join`, :meth:`share_note`,
    :meth:`withdraw`, :meth:`ask_to_leave`, :meth:`leave`), so tests act as a participant would.
    """

    def __init__(
        self,
        studio: Studio,
        code: str | None = None,
        token: str | None = None,
        feed: Feed | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-participant")
        self.studio = studio
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

    def _show(self, box: widgets.Widget) -> None:
        self.children = [box, self.notice, self.identity]

    # -- actions ---------------------------------------------------------------------------
    def enter_code(self, code: str, token: str | None = None) -> bool:
        """Open the workshop with this join code; come back as ``token``'s owner if valid."""
        workshop = run_action(self.notice, self.studio.workshops.by_code, code)
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
            participant = self.studio.people.participant_by_token(self.workshop.id, token)
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
            self.studio.people.join,
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
            self.studio.entries.add,
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
            self.studio.entries.withdraw,
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
        if not run_action(self.notice, self.studio.privacy.withdraw_participant, self.participant):
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
