"""The facilitator hub: share the join link, run the stages, show the room's wall.

Projected in the room. Built only in the facilitator's kernel, after the key was checked.
The first screen (create or open a workshop) is :mod:`.hub_start`; the stage controls and
timer are :mod:`.hub_stages`; people, wall and moderation are :mod:`.hub_wall`.
"""

from __future__ import annotations

import asyncio
import html
from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..core.templates import load_template
from ..core.workshop import StageState, WorkshopState
from ..live import Feed
from ..ui.common import Notice
from ..ui.links import ACTIVITY_PAGES, activity_links, join_address, join_link, qr_png
from .hub_stages import StageControlsMixin
from .hub_wall import WallMixin

if TYPE_CHECKING:
    from ..studio import Studio


__all__ = ["FacilitatorHub"]


class FacilitatorHub(StageControlsMixin, WallMixin, widgets.VBox):
    """Join link and QR code, people by perspective, stage controls, timer, wall, moderation.

    Actions are methods: :meth:`make_current`, :meth:`set_state`, :meth:`start_timer`,
    :meth:`stop_timer`, :meth:`set_hidden`.
    """

    def __init__(
        self,
        studio: Studio,
        workshop: WorkshopState,
        feed: Feed | None = None,
        new_key: str | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-hub")
        self.studio, self.feed, self.workshop = studio, feed, workshop
        self.template = load_template(workshop.template)
        self.notice = Notice()
        self._timer_task: asyncio.Task | None = None

        link = join_link(workshop.code)
        how = (
            f"Scan the QR code, or open {join_address()} and type the join code."
            if link
            else "Start the studio with `codesign serve` to get a link for phones."
        )
        # The code is read from the back of the room and typed on phones: make it big.
        self.join_text = widgets.HTML(
            escaped(
                f"Join code: {workshop.code}",
                "div",
                "codesign-code",
                "font-size:2em;font-weight:700;letter-spacing:0.08em",
            )
            + escaped(how, "div", "codesign-join")
        )
        self.qr = widgets.Image(
            value=qr_png(link),
            format="png",
            width=220,
            height=220,
            layout={"display": "" if link else "none"},
        )
        self.qr.add_class("codesign-qr")
        # The key is shown once, above the tabs, until the facilitator says it is saved:
        # the room tab is projected, so the key must not stay on screen.
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

        self.stage_picker = widgets.Dropdown(
            description="Stage",
            options=[(s.title, s.key) for s in self.template.stages],
            value=workshop.current_stage,
        )
        self.stage_picker.observe(lambda _c: self._draw_stage_detail(), "value")
        self.current_button = widgets.Button(description="Move the room here", icon="share")
        self.current_button.on_click(lambda _b: self.make_current(self.stage_picker.value))
        self.state_buttons = {}
        for state, label, icon in [
            (StageState.OPEN, "Open", "play"),
            (StageState.LOCKED, "Lock", "lock"),
            (StageState.REVEALED, "Reveal", "eye"),
            (StageState.CLOSED, "Close", "stop"),
        ]:
            button = widgets.Button(description=label, icon=icon)
            button.on_click(lambda _b, s=state: self.set_state(self.stage_picker.value, s))
            self.state_buttons[state] = button
        self.stage_detail = widgets.HTML()
        self.stage_table = widgets.HTML()

        self.timer_minutes = widgets.BoundedIntText(
            description="Minutes", min=1, max=240, value=self.template.stages[0].minutes
        )
        self.timer_start = widgets.Button(description="Start timer", icon="hourglass-start")
        self.timer_start.on_click(lambda _b: self.start_timer(self.timer_minutes.value))
        self.timer_stop = widgets.Button(description="Stop timer", icon="stop")
        self.timer_stop.on_click(lambda _b: self.stop_timer())
        self.timer_label = widgets.HTML()

        self.people = widgets.HTML()
        self.wall = widgets.HTML()
        self.moderation = widgets.VBox()

        self.now = widgets.HTML()
        # Links open each activity's own page in a new tab; the key rides in the href only.
        self.links = activity_links(workshop.code, key or "")
        self.activity_pages = widgets.HTML(
            "".join(
                f'<a href="{html.escape(url)}" target="_blank" rel="noopener" '
                f'class="codesign-activity-link">{html.escape(ACTIVITY_PAGES[a][1])}</a> '
                for a, url in self.links.items()
            )
        )
        self.room = widgets.VBox(
            [
                widgets.HTML(escaped(workshop.title, "h1")),
                widgets.HBox([self.qr, widgets.VBox([self.join_text, self.people])]),
                self.now,
                self.timer_label,
                self.wall,
            ]
        )
        self.room.add_class("codesign-room")
        self.control = widgets.VBox(
            [
                widgets.HTML(escaped("Activity pages (open in a new tab)", "h2")),
                self.activity_pages,
                widgets.HTML(escaped("Stages", "h2")),
                self.stage_table,
                self.stage_picker,
                widgets.HBox([self.current_button, *self.state_buttons.values()]),
                self.stage_detail,
                widgets.HBox([self.timer_minutes, self.timer_start, self.timer_stop]),
                widgets.HTML(escaped("Moderation", "h2")),
                widgets.HTML(
                    escaped("Hide what should not be on the wall. Hidden entries are kept.", "p")
                ),
                self.moderation,
            ]
        )
        self.tabs = widgets.Tab(
            children=[self.room, self.control], titles=("Room (project this)", "Run the workshop")
        )
        self.children = [self.key_box, self.notice, self.tabs]
        self.refresh({"stages", "participants", "entries"})
        if feed is not None:
            feed.subscribe(workshop.id, {"stages", "participants", "entries"}, self.refresh)

    # -- actions -----------------------------------------------------------------------------
    def hide_key(self) -> None:
        """The facilitator saved the key: take it off the screen (and out of widget state)."""
        self.key_text.value = ""
        self.key_box.layout.display = "none"

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self, topics: set[str]) -> None:
        """Redraw the parts that show ``topics`` (called by the live feed)."""
        try:
            if "stages" in topics:
                self.workshop = self.studio.workshops.state(self.workshop.id)
                self._draw_stages()
            if "participants" in topics or "entries" in topics:
                participants = self.studio.people.participants(self.workshop.id)
                self._names = {p.id: p.shown_name for p in participants}
                if "participants" in topics:
                    self._draw_people(participants)
            if "entries" in topics or "stages" in topics:
                self._draw_wall()
        except CodesignError as exc:
            self.notice.show(str(exc), "error")
