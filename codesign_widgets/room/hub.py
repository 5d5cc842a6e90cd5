"""The facilitator hub: share the join link, run the stages, show the room's wall.

Projected in the room. Built only in the facilitator's kernel, after the key was checked.
The first screen (create or open a workshop) is :mod:`.hub_start`. The hub owns its parts
and lays them out: the stage controls and timer (:class:`~.hub_stages.StageControls`) and
the people, wall and moderation (:class:`~.hub_wall.RoomWall`).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.i18n import Translator, translator
from ..core.safe_text import escaped, escaped_attribute
from ..core.templates import load_template
from ..core.trust import TRUST_STEPS
from ..core.workshop import WorkshopState
from ..live import Feed
from ..ui.announce import focus_heading
from ..ui.common import Notice
from ..ui.links import (
    ACTIVITY_PAGES,
    activity_links,
    ca_link,
    join_address,
    join_link,
    qr_png,
)
from ..ui.wiring import HubWiring
from .hub_caps import PersonCapControls
from .hub_run import GuidedRun
from .hub_stages import StageControls
from .hub_wall import RoomWall

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["FacilitatorHub"]

TOPICS = {"stages", "participants", "entries", "scoring"}


class FacilitatorHub(widgets.VBox):
    """Join link and QR code, people by perspective, stage controls, timer, wall, moderation.

    Its parts are ``run`` (the guided run: :meth:`~.hub_run.GuidedRun.take` the next step,
    :meth:`~.hub_run.GuidedRun.undo`), ``stages`` (by hand:
    :meth:`~.hub_stages.StageControls.make_current`,
    ``set_state``, ``start_timer``, ``stop_timer``) and ``room_wall`` (action
    :meth:`~.hub_wall.RoomWall.set_hidden`, :meth:`~.hub_wall.RoomWall.hide_person`,
    :meth:`~.hub_wall.RoomWall.show_person`) and ``caps`` (the per-person caps, live:
    :meth:`~.hub_caps.PersonCapControls.apply`); the hub's own action is :meth:`hide_key`.
    """

    def __init__(
        self,
        studio: Studio,
        workshop: WorkshopState,
        feed: Feed | None = None,
        new_key: str | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-hub")
        self.studio, self.feed, self.workshop = studio, feed, workshop
        self.template = load_template(workshop.template)
        # What the room reads is in the plan's language; the facilitator's controls stay English.
        self.tr = translator(self.template.language)
        self.notice = Notice()
        self._names: dict[int, str] = {}
        wiring = HubWiring(studio, workshop.id, self.notice, self.refresh)
        self.run = GuidedRun(wiring, workshop, self.template)
        self.stages = StageControls(wiring, workshop, self.template)
        self.room_wall = RoomWall(wiring, self.template)
        self.caps = PersonCapControls(wiring)
        self.run.on_moved = self.stages.on_moved = self.focus_step
        self._build_join()
        self._build_key(new_key)
        # Links open each activity's own page in a new tab, signed in as this browser is.
        self.links = activity_links(workshop.code)
        self.activity_pages = widgets.HTML(
            "".join(
                escaped(
                    ACTIVITY_PAGES[activity][1],
                    "a",
                    "codesign-activity-link",
                    href=url,
                    target="_blank",
                    rel="noopener",
                )
                + " "
                for activity, url in self.links.items()
            )
        )
        self.room = self._room_tab()
        self.control = self._control_tab()
        self.tabs = widgets.Tab(
            children=[self.room, self.control],
            titles=(self.tr.gettext("Room (project this)"), "Run the workshop"),
        )
        self.children = [self.key_box, self.notice, self.tabs]
        self.refresh(TOPICS)
        if feed is not None:
            feed.subscribe(workshop.id, TOPICS, self.refresh)

    # -- layout ------------------------------------------------------------------------------
    def _build_join(self) -> None:
        """The join code in big type, how to join, and the QR code of the join link."""
        _ = self.tr.gettext
        link = join_link(self.workshop.code)
        how = (
            _("Scan the QR code, or open {address} and type the join code.").format(
                address=join_address()
            )
            if link
            else _("Start the studio with `codesign serve` to get a link for phones.")
        )
        # The code is read from the back of the room and typed on phones: make it big.
        self.join_text = widgets.HTML(
            escaped(
                _("Join code: {code}").format(code=self.workshop.code),
                "div",
                "codesign-code",
                "font-size:2em;font-weight:700;letter-spacing:0.08em",
            )
            + escaped(how, "div", "codesign-join")
        )
        # An img in HTML rather than an Image widget: the code needs a text alternative.
        alt = _("QR code of the join link: {link}").format(link=link)
        self.qr = widgets.HTML(
            (
                f'<img src="data:image/png;base64,{base64.b64encode(qr_png(link)).decode()}" '
                f'alt="{escaped_attribute(alt)}" '
                'width="180" height="180">'
            )
            if link
            else ""
        )
        self.qr.add_class("codesign-qr")
        self.trust = widgets.HTML(self._trust_html(ca_link(), self.tr))
        self.trust.add_class("codesign-trust")

    @staticmethod
    def _trust_html(url: str, tr: Translator) -> str:
        """Under ``--tls``: a QR code and plain http link of the studio's certificate, and
        what to tap on a phone, in the plan's language (the room tab is projected; nothing
        without ``--tls``)."""
        if not url:
            return ""
        _ = tr.gettext
        png = base64.b64encode(qr_png(url)).decode()
        alt = _("QR code of the studio's certificate: {url}").format(url=url)
        link = _("Trust this studio: {url}").format(url=url)
        return (
            f'<img src="data:image/png;base64,{png}" alt="{escaped_attribute(alt)}" '
            'width="120" height="120">'
            + escaped(link, "div", "codesign-trust-link")
            + escaped(_(TRUST_STEPS), "p", "codesign-trust-steps")
        )

    def _build_key(self, new_key: str | None) -> None:
        """A new workshop's key, shown once above the tabs until the facilitator says it is
        saved: the room tab is projected, so the key must not stay on screen."""
        self.key_text = widgets.HTML(
            escaped(
                f"Facilitator key: {new_key}\nSave it now: you need it to open this hub "
                "again. Don't project it.",
                "div",
                "codesign-key",
            )
            if new_key
            else ""
        )
        self.key_saved = widgets.Button(description="I have saved the key", icon="check")
        self.key_saved.on_click(lambda _b: self.hide_key())
        self.key_box = widgets.VBox(
            [self.key_text, self.key_saved], layout={"display": "" if new_key else "none"}
        )

    def _room_tab(self) -> widgets.VBox:
        """What is projected: the title, then two columns above the fold (how to join and
        how many joined; the stage, timer and the live wall), then who joined by name."""
        stages, wall = self.stages, self.room_wall
        join = widgets.VBox([self.qr, self.join_text, self.trust, wall.counts])
        join.add_class("codesign-room-join")
        live = widgets.VBox([stages.now, stages.timer_label, wall.wall])
        live.add_class("codesign-room-now")
        wall.wall.add_class("codesign-live-result")
        top = widgets.HBox([join, live])
        top.add_class("codesign-room-top")
        title = widgets.HTML(escaped(self.workshop.title, "h1"))
        # What the room reads (in the plan's language); the guided run is the facilitator's.
        for part in (title, join, live, wall.people):
            part.add_class("codesign-projected")
        room = widgets.VBox(
            [
                title,
                top,
                self.run.bar,
                wall.people,
            ]
        )
        room.add_class("codesign-room")
        return room

    def _control_tab(self) -> widgets.VBox:
        """The facilitator's tab: activity pages, stages and timer, moderation."""
        stages = self.stages
        self.next_heading = widgets.HTML(escaped("Next step", "h2"))
        return widgets.VBox(
            [
                self.next_heading,
                self.run.bar,
                self.run.order,
                widgets.HTML(escaped("Activity pages (open in a new tab)", "h2")),
                self.activity_pages,
                widgets.HTML(escaped("Stage by stage, by hand", "h2")),
                stages.stage_picker,
                widgets.HBox([stages.current_button, *stages.state_buttons.values()]),
                stages.stage_detail,
                widgets.HBox([stages.timer_minutes, stages.timer_start, stages.timer_stop]),
                widgets.HTML(escaped("Moderation", "h2")),
                widgets.HTML(
                    escaped("Hide what should not be on the wall. Hidden entries are kept.", "p")
                ),
                self.room_wall.moderation,
                widgets.HTML(escaped("Hide everything from one person", "h2")),
                self.room_wall.person_moderation,
                widgets.HTML(escaped("How much one person may add in one stage", "h2")),
                widgets.HTML(
                    escaped(
                        "Raise a cap when the group has more to say; lower one when a phone "
                        "floods the wall. From the next contribution on; nothing added is lost.",
                        "p",
                    )
                ),
                self.caps.box,
            ]
        )

    # -- actions -----------------------------------------------------------------------------
    def focus_step(self) -> None:
        """After this facilitator moved the room: keyboard focus to the new stage's heading
        on the room tab, or to "Next step" on the run tab (the page focuses the one shown)."""
        self.stages.focus_now()
        self.next_heading.value = focus_heading("Next step")

    def hide_key(self) -> None:
        """The facilitator saved the key: take it off the screen (and out of widget state)."""
        self.key_text.value = ""
        self.key_box.layout.display = "none"

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self, topics: set[str]) -> None:
        """Redraw the parts that show ``topics`` (called by the live feed and after actions)."""
        try:
            if "stages" in topics:
                self.workshop = self.studio.workshops.state(self.workshop.id)
                self.stages.show(self.workshop)
            if "stages" in topics or "scoring" in topics:
                self.run.show(self.workshop)
            if "participants" in topics or "entries" in topics:
                participants = self.studio.people.participants(self.workshop.id)
                self._names = {p.id: p.shown_name for p in participants}
                if "participants" in topics:
                    self.room_wall.show_people(participants)
            if "entries" in topics or "stages" in topics:
                self.room_wall.show_wall(self.workshop.current_stage, self._names)
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
