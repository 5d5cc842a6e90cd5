"""The participant's page: join a workshop, follow the stages, take part in the check-in.

Built for a phone. The kernel behind this page holds only what this participant may see:
the workshop's plan and state, and their own contributions. The page owns its parts and
shows one at a time: the code form and the join form (:mod:`.join_forms`), then the stage
view (:mod:`.join_stage`) with the check-in (:mod:`.join_checkin`) or the stage's activity
panel, and the leave step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.backoff import Backoff
from ..core.errors import CodesignError
from ..core.i18n import Translator, translator
from ..core.templates import Template, load_template
from ..core.workshop import Participant
from ..live import Feed
from ..ui.common import Notice, run_action
from ..ui.page_language import PageLanguage
from .identity import IdentityKeeper
from .join_checkin import CheckinForm
from .join_forms import CodeForm, JoinForm, LeaveStep, NotMe
from .join_stage import StageView

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["ParticipantApp"]

#: A person whose page opens this soon after they joined (on the HTML join form) is greeted
#: "You're in", not "Welcome back"; a later reload of the same address is a coming back.
JUST_JOINED_SECONDS = 120.0


class ParticipantApp(widgets.VBox):
    """Join form, then the current stage and what the participant can do in it.

    The parts are ``code_form``, ``join_form``, ``stage_view`` (with ``checkin`` and the
    activity's ``stage_view.panel``) and ``leave_step``. Each user action is a method
    (:meth:`enter_code`, :meth:`join`, :meth:`start_over`, :meth:`ask_to_leave`,
    :meth:`leave`; the check-in's ``checkin.share_note`` and ``checkin.withdraw``), so tests act
    as a participant would. ``hand_over(code, token)`` keeps the token in this browser's
    HttpOnly cookie (see :class:`~.identity.IdentityKeeper`); ``remembered(code)`` is the token
    this browser sent with the page for that workshop, if any. ``just_joined``: the page was
    opened by the HTML join form's "You're in" (see :data:`JUST_JOINED_SECONDS`).

    Until a code opens a workshop the page speaks ``language`` (the one the browser asks for,
    :func:`~codesign_widgets.core.i18n.negotiate`); then the plan's language takes over.
    """

    def __init__(
        self,
        studio: Studio,
        code: str | None = None,
        token: str | None = None,
        feed: Feed | None = None,
        hand_over: Callable[[str, str], object] | None = None,
        remembered: Callable[[str], str | None] | None = None,
        language: str | None = None,
        just_joined: bool = False,
    ) -> None:
        super().__init__()
        self.add_class("codesign-participant")
        self._just_joined = just_joined
        self.studio = studio
        self.feed = feed
        self.workshop = None
        self.template: Template | None = None
        self.participant: Participant | None = None
        self._unsubscribe = None
        self.notice = Notice()
        self.identity = IdentityKeeper(hand_over=hand_over)
        self._remembered = remembered
        self.language = PageLanguage()
        browser = translator(language)
        self.code_form = CodeForm(on_enter=self.enter_code, tr=browser)
        self._tries = Backoff()
        self._build_parts(browser)
        if code:
            self.enter_code(code, token=token)
        else:
            self._show(self.code_form)

    def _build_parts(self, tr: Translator) -> None:
        """The parts that speak the workshop's language (built again for another one)."""
        self.tr = self.notice.tr = tr
        self.language.set_translator(tr)
        self.not_me = NotMe(on_start_over=self.start_over, tr=tr)
        self.join_form = JoinForm(on_join=self.join, tr=tr)
        self.checkin = CheckinForm(self.studio, self.notice)
        self.leave_step = LeaveStep(on_ask=self.ask_to_leave, on_confirm=self.leave, tr=tr)
        self.stage_view = StageView(
            self.studio, self.notice, self.checkin, self.leave_step, feed=self.feed
        )

    def _speak(self, language: str) -> None:
        """Speak the workshop's ``language``: the parts are built anew in it (before anyone
        joined, so nothing typed is lost) and the old ones closed."""
        if language == self.tr.language:
            return
        old = [self.not_me, self.join_form, self.checkin, self.leave_step, self.stage_view]
        self._build_parts(translator(language))
        for part in old:
            part.close()

    def _show(self, box: widgets.Widget, not_me: bool = False) -> None:
        # "Not Alice?" heads the page of a person recognised by this browser (shared tablets).
        self.children = [
            *([self.not_me] if not_me else []),
            box,
            self.notice,
            self.identity,
            self.language,
        ]
        if box is self.join_form:
            self.join_form.focus()

    # -- actions ---------------------------------------------------------------------------
    def enter_code(self, code: str, token: str | None = None) -> bool:
        """Open the workshop with this join code; come back as ``token``'s owner if valid.

        After a few wrong codes, each further try waits longer (:class:`~..core.backoff.Backoff`):
        a page cannot be used to guess codes."""
        left = self._tries.wait()
        if left:
            seconds = math.ceil(left)
            self.notice.show(
                self.tr.ngettext(
                    "Too many wrong codes on this page. Wait {n} second, then type the code "
                    "shown on the big screen.",
                    "Too many wrong codes on this page. Wait {n} seconds, then type the code "
                    "shown on the big screen.",
                    seconds,
                ).format(n=seconds),
                "error",
            )
            self._show(self.code_form)
            return False
        workshop = run_action(self.notice, self.studio.workshops.by_code, code)
        if not workshop:
            self._tries.failed()
            self.code_form.ask_again(code)
            self._show(self.code_form)
            return False
        self._tries.succeeded()
        self.workshop = workshop
        self.template = load_template(workshop.template)
        self._speak(self.template.language)
        self.identity.workshop_code = workshop.code
        self.join_form.show_workshop(workshop.title, self.template)
        if not token and self._remembered is not None and not self.identity.forget:
            # A phone that typed the code: the cookie it sent with the page knows it.
            token = self._remembered(workshop.code)
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
            self.notice.show(exc.translated(self.notice.tr), "error")
            return False
        if participant is None:
            return False
        self.participant = participant
        self.identity.token = token
        new = self._just_joined and time.time() - participant.joined_at < JUST_JOINED_SECONDS
        _ = self.tr.gettext
        said = _("You're in, {name}.") if new else _("Welcome back, {name}.")
        self.notice.show(said.format(name=participant.shown_name), "ok")
        self.not_me.show_name(participant.shown_name)
        self._enter_stage_view(not_me=True)
        return True

    def start_over(self) -> bool:
        """ "Not Alice? Start as someone else": this browser forgets Alice (nothing of hers is
        withdrawn; she can come back on her own phone) and shows the join form."""
        if self.participant is None:
            return False
        name = self.participant.shown_name
        self._step_out()
        self.identity.drop()
        self.notice.show(
            self.tr.gettext(
                "This device has forgotten {name}; nothing they added was changed. "
                "Join below as yourself."
            ).format(name=name),
            "ok",
        )
        self._show(self.join_form)
        return True

    def _step_out(self) -> None:
        """The page stops being this participant's (their contributions stay)."""
        self.stage_view.leave()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.participant = None
        self.leave_step.stay()
        self.checkin.forget()
        self.join_form.clear()

    def join(self) -> bool:
        """Join with the name, perspective and consent in the form."""
        if self.workshop is None or self.participant is not None:
            return False
        form = self.join_form
        if form.perspective_input.value is None:
            self.notice.show(
                self.tr.gettext("Please choose how you take part (one of the options)."), "error"
            )
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
        self.identity.keep(token)
        self.notice.show(
            self.tr.gettext("You're in, {name}.").format(name=self.participant.shown_name), "ok"
        )
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
        self._step_out()
        self.identity.drop()
        self.notice.show(
            self.tr.gettext(
                "You have left the workshop. Everything you added was taken back: it no longer "
                "shows on the big screen, in results or in exports, and this browser has "
                "forgotten you. A note that someone left is kept, without anything you wrote. "
                "You can join again below if you change your mind."
            ),
            "ok",
        )
        self._show(self.join_form)
        return True

    # -- the stage view --------------------------------------------------------------------
    def _enter_stage_view(self, not_me: bool = False) -> None:
        self.checkin.enter(self.participant)
        self.stage_view.enter(self.template, self.participant)
        self.leave_step.show_code(self.participant.public_id)
        self.stage_view.show(self.workshop)
        self._show(self.stage_view, not_me=not_me)
        if self.feed is not None and self._unsubscribe is None:
            self._unsubscribe = self.feed.subscribe(
                self.workshop.id, {"stages", "workshops"}, self.on_change
            )

    def on_change(self, topics: set[str]) -> None:
        """Live feed: the facilitator moved or changed a stage."""
        try:
            self.workshop = self.studio.workshops.state(self.workshop.id)
        except CodesignError as exc:
            self.notice.show(exc.translated(self.notice.tr), "error")
            return
        self.stage_view.show(self.workshop)
