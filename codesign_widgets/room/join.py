"""The participant's page: join a workshop, follow the stages, take part in the check-in.

Built for a phone. The kernel behind this page holds only what this participant may see:
the workshop's plan and state, and their own contributions. The page owns its parts and
shows one at a time: the code form and the join form (:mod:`.join_forms`), then the stage
view (:mod:`.join_stage`) with the check-in (:mod:`.join_checkin`) or the stage's activity
panel, and the leave step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.templates import Template, load_template
from ..core.workshop import Participant
from ..live import Feed
from ..ui.common import Notice, run_action
from .identity import IdentityKeeper
from .join_checkin import CheckinForm
from .join_forms import CodeForm, JoinForm, LeaveStep
from .join_stage import StageView

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["ParticipantApp"]


class ParticipantApp(widgets.VBox):
    """Join form, then the current stage and what the participant can do in it.

    The parts are ``code_form``, ``join_form``, ``stage_view`` (with ``checkin`` and the
    activity's ``stage_view.panel``) and ``leave_step``. Each user action is a method
    (:meth:`enter_code`, :meth:`join`, :meth:`ask_to_leave`, :meth:`leave`; the check-in's
    ``checkin.share_note`` and ``checkin.withdraw``), so tests act as a participant would.
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
        self.notice = Notice()
        self.identity = IdentityKeeper()
        self.identity.observe(self._on_offered_token, "offered_token")
        self.code_form = CodeForm(on_enter=self.enter_code)
        self.join_form = JoinForm(on_join=self.join)
        self.checkin = CheckinForm(studio, self.notice)
        self.leave_step = LeaveStep(on_ask=self.ask_to_leave, on_confirm=self.leave)
        self.stage_view = StageView(studio, self.notice, self.checkin, self.leave_step, feed=feed)
        if code:
            self.enter_code(code, token=token)
        else:
            self._show(self.code_form)

    def _show(self, box: widgets.Widget) -> None:
        self.children = [box, self.notice, self.identity]

    # -- actions ---------------------------------------------------------------------------
    def enter_code(self, code: str, token: str | None = None) -> bool:
        """Open the workshop with this join code; come back as ``token``'s owner if valid."""
        workshop = run_action(self.notice, self.studio.workshops.by_code, code)
        if not workshop:
            self.code_form.ask_again(code)
            self._show(self.code_form)
            return False
        self.workshop = workshop
        self.template = load_template(workshop.template)
        self.identity.workshop_code = workshop.code
        self.join_form.show_workshop(workshop.title, self.template)
        if token and self.resume(token):
            return True
        self._show(self.join_form)
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
        form = self.join_form
        if form.perspective_input.value is None:
            self.notice.show("Please choose how you take part (one of the options).", "error")
            return False
        result = run_action(
            self.notice,
            self.studio.people.join,
            self.workshop.id,
            form.name_input.value,
            form.perspective_input.value,
            form.consent_input.value,
        )
        if not result:
            return False
        self.participant, token = result
        self.identity.forget = False
        self.identity.token = token
        self.notice.show(f"You're in, {self.participant.shown_name}.", "ok")
        self._enter_stage_view()
        return True

    def ask_to_leave(self) -> bool:
        """First step of leaving: show the confirm button (nothing is withdrawn yet)."""
        if self.participant is None:
            return False
        self.leave_step.ask()
        return True

    def leave(self) -> bool:
        """Leave the workshop and withdraw everything this participant added (after
        :meth:`ask_to_leave`), forget them in this browser, and show the join form again."""
        if self.participant is None or not self.leave_step.asked:
            return False  # a crafted click on the hidden confirm button does nothing
        if not run_action(self.notice, self.studio.privacy.withdraw_participant, self.participant):
            return False
        self.stage_view.leave()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.participant = None
        self.identity.forget = True
        self.identity.token = ""
        self.leave_step.stay()
        self.checkin.forget()
        self.join_form.clear()
        self.notice.show(
            "You have left the workshop. Everything you added was taken back: it no longer "
            "shows on the big screen, in results or in exports, and this browser has forgotten "
            "you. A note that someone left is kept, without anything you wrote. You can join "
            "again below if you change your mind.",
            "ok",
        )
        self._show(self.join_form)
        return True

    # -- the stage view --------------------------------------------------------------------
    def _enter_stage_view(self) -> None:
        self.checkin.enter(self.participant)
        self.stage_view.enter(self.template, self.participant)
        self.leave_step.show_code(self.participant.public_id)
        self.stage_view.show(self.workshop)
        self._show(self.stage_view)
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
        self.stage_view.show(self.workshop)

    def _on_offered_token(self, change) -> None:
        token = change["new"]
        if isinstance(token, str) and 0 < len(token) <= 100:
            self.resume(token)
