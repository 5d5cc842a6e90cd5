"""The check-in on the participant page: share a line with the group, see your own lines and
take one back (kept on record as withdrawn)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.workshop import MAX_NOTE, Participant, clean_text
from ..ui.common import Notice, RepeatTap, run_action, update_withdraw_row, withdraw_row
from ..ui.keyed import KeyedList

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["CheckinForm"]


class CheckinForm(widgets.VBox):
    """The line box, the share button and the participant's own lines.

    Built with the ``studio`` and the page's ``notice``; the page tells it who joined
    (:meth:`enter`), which stage the room is on (:meth:`move_to`), that it is shown
    (:meth:`show`) and when they left (:meth:`forget`). Actions are methods:
    :meth:`share_note`, :meth:`withdraw`.
    """

    def __init__(self, studio: Studio, notice: Notice) -> None:
        self.studio, self.notice = studio, notice
        self._ = _ = notice.tr.gettext
        self.participant: Participant | None = None
        self.stage_key = ""  # the stage the page shows: a line goes there
        self._taps = RepeatTap()
        # Sent when the person leaves the box (tapping Share does), not per keystroke: a busy
        # kernel would otherwise get the tap before the last words.
        self.note_input = widgets.Textarea(
            description=_("Your line"),
            placeholder=_("Up to {n} characters").format(n=MAX_NOTE),
            continuous_update=False,
        )
        self.share_button = widgets.Button(
            description=_("Share"), button_style="primary", icon="paper-plane"
        )
        self.share_button.on_click(lambda _b: self.share_note())
        self.my_notes = widgets.VBox()
        self._notes_header = widgets.HTML()
        self._note_rows = KeyedList(
            self.my_notes, self._make_row, update_withdraw_row, header=[self._notes_header]
        )
        super().__init__([self.note_input, self.share_button, self.my_notes])

    def enter(self, participant: Participant) -> None:
        """``participant`` joined (or came back): their lines are the ones shown."""
        self.participant = participant

    def move_to(self, stage_key: str) -> None:
        """The room is on this stage: a line (even a crafted one) goes there, and the store
        refuses it if the stage is not an open check-in."""
        self.stage_key = stage_key

    def show(self, is_open: bool) -> None:
        """The check-in is on screen; lines are taken only while its stage is open."""
        # Cosmetic only: the store refuses writes to a stage that is not open.
        self.note_input.disabled = self.share_button.disabled = not is_open
        self.draw_my_notes()

    def forget(self) -> None:
        """The participant left: nothing of theirs stays on the page."""
        self.participant = None
        self._notes_header.value = ""
        self._note_rows.clear()

    # -- actions ---------------------------------------------------------------------------
    def share_note(self) -> bool:
        """Share the check-in line typed in the box (only while the stage is open)."""
        if self.participant is None:
            return False
        if self._taps.repeats(self.note_input.value.strip()):
            return True  # a double tap, or the tap again from a page that reconnected
        try:
            text = clean_text(
                self.note_input.value, what=self._("Your line"), max_length=MAX_NOTE, required=True
            )
        except CodesignError as exc:
            self.notice.show(exc.translated(self.notice.tr), "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.entries.add,
            self.participant,
            "checkin",
            "note",
            self.stage_key,
            {"text": text},
            ok=self._("Shared with the group."),
        )
        if ok:
            self._taps.saved(self.note_input.value.strip())
            self.note_input.value = ""
            self.draw_my_notes()
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
            ok=self._("Withdrawn: it no longer shows anywhere."),
        )
        self.draw_my_notes()
        return bool(ok)

    # -- drawing ---------------------------------------------------------------------------
    def draw_my_notes(self) -> None:
        """List the participant's own lines, each with its withdraw button."""
        if self.participant is None:
            return
        try:
            mine = self.studio.entries.find(
                self.participant.workshop_id,
                activity="checkin",
                participant_id=self.participant.id,
                include_hidden=True,
            )
        except CodesignError as exc:
            self.notice.show(exc.translated(self.notice.tr), "error")
            return
        items = [(entry.id, entry.body.get("text", "")) for entry in mine]
        self._notes_header.value = escaped(self._("Your lines") if items else "", "h3")
        self._note_rows.show(items)

    def _make_row(self, entry_id: int, text: str) -> widgets.Widget:
        return withdraw_row(
            text, lambda: self.withdraw(entry_id), self._("Take this line back"), tr=self.notice.tr
        )
