"""The participant's stage view: the stage the facilitator moved the room to, and in it the
check-in or the stage's activity panel (picked by :mod:`.registry`, imported only then)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..core.templates import Stage, Template
from ..core.workshop import Participant, StageState, WorkshopState
from ..live import Feed
from ..ui.announce import announced, focus_heading
from ..ui.common import Notice
from .join_checkin import CheckinForm
from .registry import panel_class

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["StageView"]


class StageView(widgets.VBox):
    """Who the participant is, the current stage, what they can do in it, and ``footer``
    (the leave step) below.

    Built with what the activity panels need (``studio``, the page's ``notice``, ``feed``) and
    the page's ``checkin`` form; the page calls :meth:`enter` once someone joined and
    :meth:`show` whenever the workshop's state changes.
    """

    def __init__(
        self,
        studio: Studio,
        notice: Notice,
        checkin: CheckinForm,
        footer: widgets.Widget,
        feed: Feed | None = None,
    ) -> None:
        self.studio, self.notice, self.feed, self.checkin = studio, notice, feed, checkin
        self._ = _ = notice.tr.gettext
        self.template: Template | None = None
        self.participant: Participant | None = None
        self.panel: widgets.Widget | None = None  # the current activity's panel, if any
        self._shown: tuple[str, StageState] | None = None  # the stage and state drawn last
        self.me = widgets.HTML()
        self.stage_title = widgets.HTML()
        self.stage_ask = widgets.HTML()
        self.stage_state = widgets.HTML()
        self.activity_box = widgets.VBox()
        # One widget for every stage without a phone panel (a new one per redraw would leak).
        self.elsewhere = widgets.HTML(
            escaped(
                _(
                    "This part of the workshop happens on the big screen and in its own "
                    "page; follow the facilitator."
                ),
                "p",
            )
        )
        super().__init__(
            [self.me, self.stage_title, self.stage_state, self.stage_ask, self.activity_box, footer]
        )

    def enter(self, template: Template, participant: Participant) -> None:
        """``participant`` joined a workshop with this plan: say who they are."""
        self.template, self.participant = template, participant
        self._shown = None  # whoever joins starts at the stage's heading
        perspective = template.perspective(participant.perspective).label
        self.me.value = escaped(f"{participant.shown_name} · {perspective}", "div", "codesign-me")

    def show(self, workshop: WorkshopState) -> None:
        """Draw the stage the room is on in ``workshop`` and what the participant does there."""
        stage = self.template.stage(workshop.current_stage)
        state = workshop.state_of(stage.key)
        if (stage.key, state) != self._shown:
            # A notice belongs to the stage it was said in: "Shared with the group." must
            # not stay under the next stage's form, nor "Saved" once the stage is locked.
            if self._shown is not None:
                self.notice.clear()
            if self._shown is None or self._shown[0] != stage.key:
                # A new stage: keyboard and screen-reader users start at its heading.
                self.stage_title.value = focus_heading(stage.title)
            # Opened, locked, revealed: said out loud too, not only shown.
            self.stage_state.value = announced(
                self._(state.label), "div", f"codesign-state-{state.value}"
            )
            self._shown = (stage.key, state)
        self.stage_ask.value = escaped(stage.ask, "p")
        self.checkin.move_to(stage.key)
        if stage.activity == "checkin":
            self.checkin.show(state is StageState.OPEN)
            self.activity_box.children = [self.checkin]
            self.drop_panel()
        else:
            self._show_panel(workshop, stage)

    def _show_panel(self, workshop: WorkshopState, stage: Stage) -> None:
        """The current stage's activity panel (kept while the stage stays the same)."""
        cls = panel_class(stage.activity)
        if cls is None:
            self.drop_panel()
            self.activity_box.children = [self.elsewhere]
            return
        if isinstance(self.panel, cls) and self.panel.stage.key == stage.key:
            self.panel.set_workshop(workshop)
        else:
            self.drop_panel()
            self.panel = cls(
                self.studio,
                workshop,
                self.template,
                self.participant,
                stage,
                self.notice,
                feed=self.feed,
            )
        self.activity_box.children = [self.panel]

    def drop_panel(self) -> None:
        """Close the last stage's panel: it stops following the feed and frees its widgets."""
        if self.panel is not None:
            old, self.panel = self.panel, None
            self.activity_box.children = [w for w in self.activity_box.children if w is not old]
            old.close()

    def leave(self) -> None:
        """The participant left: close their panel and forget who they were."""
        self.drop_panel()
        self.participant = None
