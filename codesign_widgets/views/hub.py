"""The facilitator hub: create or open a workshop, share the join link, run the stages.

Projected in the room. Built only in the facilitator's kernel, after the key was checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import os
import time
from urllib.parse import quote, urlsplit

import ipywidgets as widgets
import segno

from ..errors import CodesignError
from ..live import Feed
from ..store import Store
from ..templates import list_templates, load_template
from ..workshop import StageState, WorkshopState
from .common import Notice, escaped, perspective_colour, replace_children, run_action

__all__ = ["FacilitatorHub", "HubStart", "join_link"]

PARTICIPANT_URL_ENV = "CODESIGN_PARTICIPANT_URL"
FACILITATOR_URL_ENV = "CODESIGN_FACILITATOR_URL"


def join_link(code: str) -> str:
    """The link participants open, from the server's address (set by ``codesign serve``)."""
    base = os.environ.get(PARTICIPANT_URL_ENV, "")
    if not base:
        return ""
    return f"{base}?code={quote(code)}"


def join_address() -> str:
    """The participant server's bare address (it opens the join page), short to type."""
    parts = urlsplit(os.environ.get(PARTICIPANT_URL_ENV, ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


ACTIVITY_PAGES = {
    "goal_mapping": ("goal_mapping.ipynb", "Goal wall"),
    "stakeholder_network": ("stakeholder_network.ipynb", "Stakeholder map"),
    "prototype_scoring": ("prototype_scoring.ipynb", "Prototype scoring"),
}


def activity_links(code: str, key: str) -> dict[str, str]:
    """Facilitator links to each activity's own page (they carry the key: never project them
    as text)."""
    hub = os.environ.get(FACILITATOR_URL_ENV, "")
    if not hub or not key:
        return {}
    base = hub.rsplit("/", 1)[0]
    query = f"?code={quote(code)}&key={quote(key)}"
    return {activity: f"{base}/{page}{query}" for activity, (page, _t) in ACTIVITY_PAGES.items()}


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


class HubStart(widgets.VBox):
    """First screen when the hub is opened without a workshop: create one or open one."""

    def __init__(self, store: Store, feed: Feed | None = None) -> None:
        super().__init__()
        self.store, self.feed = store, feed
        self.notice = Notice()
        self.title_input = widgets.Text(
            description="Workshop title", placeholder="e.g. Redesigning foot care"
        )
        templates = [(load_template(k).name, k) for k in list_templates()]
        self.template_input = widgets.Dropdown(
            description="Plan", options=templates, value="codesign_day"
        )
        self.create_button = widgets.Button(
            description="Create workshop", button_style="primary", icon="plus"
        )
        self.create_button.on_click(lambda _b: self.create_workshop())
        self.code_input = widgets.Text(description="Join code")
        self.key_input = widgets.Password(description="Facilitator key")
        self.open_button = widgets.Button(description="Open workshop", icon="folder-open")
        self.open_button.on_click(lambda _b: self.open_workshop())
        self.hub: FacilitatorHub | None = None
        self.children = [
            widgets.HTML(escaped("Co-design studio: facilitator", "h1")),
            widgets.HTML(escaped("Create a workshop", "h2")),
            self.title_input,
            self.template_input,
            self.create_button,
            widgets.HTML(escaped("Or open one", "h2")),
            self.code_input,
            self.key_input,
            self.open_button,
            self.notice,
        ]

    def create_workshop(self) -> FacilitatorHub | None:
        result = run_action(
            self.notice,
            self.store.create_workshop,
            self.title_input.value,
            self.template_input.value,
        )
        if not result:
            return None
        workshop, key = result
        self.hub = FacilitatorHub(self.store, workshop, feed=self.feed, new_key=key, key=key)
        self.children = [self.hub]
        return self.hub

    def open_workshop(self) -> FacilitatorHub | None:
        workshop = run_action(
            self.notice, self.store.check_facilitator, self.code_input.value, self.key_input.value
        )
        if not workshop:
            return None
        self.hub = FacilitatorHub(self.store, workshop, feed=self.feed, key=self.key_input.value)
        self.children = [self.hub]
        return self.hub


class FacilitatorHub(widgets.VBox):
    """Join link and QR code, people by perspective, stage controls, timer, wall, moderation.

    Actions are methods: :meth:`make_current`, :meth:`set_state`, :meth:`start_timer`,
    :meth:`stop_timer`, :meth:`set_hidden`.
    """

    def __init__(
        self,
        store: Store,
        workshop: WorkshopState,
        feed: Feed | None = None,
        new_key: str | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__()
        self.add_class("codesign-hub")
        self.store, self.feed, self.workshop = store, feed, workshop
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

    def make_current(self, stage_key: str) -> bool:
        ok = run_action(
            self.notice,
            self.store.set_current_stage,
            self.workshop.id,
            stage_key,
            ok=f"The room is now on: {self.template.stage(stage_key).title}.",
        )
        self.refresh({"stages"})
        return bool(ok)

    def set_state(self, stage_key: str, state: StageState | str) -> bool:
        state = StageState(state)
        title = self.template.stage(stage_key).title
        ok = run_action(
            self.notice,
            self.store.set_stage_state,
            self.workshop.id,
            stage_key,
            state,
            ok=f"{title}: {state.label}.",
        )
        self.refresh({"stages"})
        return bool(ok)

    def start_timer(self, minutes: float) -> bool:
        ok = run_action(
            self.notice,
            self.store.start_timer,
            self.workshop.id,
            self.workshop.current_stage,
            float(minutes) * 60,
        )
        self.refresh({"stages"})
        return bool(ok)

    def stop_timer(self) -> bool:
        ok = run_action(
            self.notice, self.store.stop_timer, self.workshop.id, self.workshop.current_stage
        )
        self.refresh({"stages"})
        return bool(ok)

    def set_hidden(self, entry_id: int, hidden: bool) -> bool:
        """Hide an entry from the wall (it is kept, and can be shown again)."""
        ok = run_action(
            self.notice,
            self.store.set_hidden,
            self.workshop.id,
            entry_id,
            hidden,
            ok="Hidden from the wall (kept on record)." if hidden else "Shown on the wall again.",
        )
        self.refresh({"entries"})
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self, topics: set[str]) -> None:
        """Redraw the parts that show ``topics`` (called by the live feed)."""
        try:
            if "stages" in topics:
                self.workshop = self.store.workshop_state(self.workshop.id)
                self._draw_stages()
            if "participants" in topics or "entries" in topics:
                participants = self.store.participants(self.workshop.id)
                self._names = {p.id: p.shown_name for p in participants}
                if "participants" in topics:
                    self._draw_people(participants)
            if "entries" in topics or "stages" in topics:
                self._draw_wall()
        except CodesignError as exc:
            self.notice.show(str(exc), "error")

    def _draw_stages(self) -> None:
        rows = []
        for stage in self.template.stages:
            state = self.workshop.state_of(stage.key)
            here = "▶ " if stage.key == self.workshop.current_stage else ""
            rows.append(
                f"<tr><td>{escaped(here + stage.title, 'span')}</td>"
                f"<td>{escaped(state.label, 'span')}</td>"
                f"<td>{stage.minutes} min</td></tr>"
            )
        self.stage_table.value = (
            '<table class="codesign-stages"><tr><th>Stage</th>'
            "<th>State</th><th>Suggested</th></tr>" + "".join(rows) + "</table>"
        )
        current = self.template.stage(self.workshop.current_stage)
        state = self.workshop.state_of(current.key)
        self.now.value = (
            escaped(f"Now: {current.title}", "h2")
            + escaped(state.label, "div", f"codesign-state-{state.value}")
            + escaped(current.ask, "p", "codesign-ask")
        )
        self._draw_stage_detail()
        self._draw_timer()
        if self.workshop.timer_ends_at is not None:
            self._ensure_ticking()

    def _draw_stage_detail(self) -> None:
        stage = self.template.stage(self.stage_picker.value)
        self.stage_detail.value = (
            escaped(f"Participants are asked: {stage.ask}", "p")
            + escaped(f"Say to the room: {stage.prompt}", "p")
            + escaped(f"Suggested time: {stage.minutes} minutes", "p")
        )
        self.timer_minutes.value = max(1, min(240, stage.minutes))

    def _draw_timer(self) -> None:
        end = self.workshop.timer_ends_at
        if end is None:
            self.timer_label.value = ""
            return
        left = max(0, int(end - time.time()))
        text = f"Time left: {left // 60:02d}:{left % 60:02d}" if left else "Time is up"
        self.timer_label.value = escaped(text, "div", "codesign-timer")

    def _ensure_ticking(self) -> None:
        if self._timer_task is not None and not self._timer_task.done():
            return
        with contextlib.suppress(RuntimeError):  # no running loop: tests call _draw_timer
            self._timer_task = asyncio.get_running_loop().create_task(self._tick())

    async def _tick(self) -> None:
        while self.workshop.timer_ends_at is not None:
            await asyncio.sleep(1)
            self._draw_timer()
            if self.workshop.timer_ends_at is not None and time.time() > (
                self.workshop.timer_ends_at + 1
            ):
                break

    def _draw_people(self, participants) -> None:
        parts = [escaped(f"{len(participants)} joined", "div", "codesign-count")]
        for index, perspective in enumerate(self.template.perspectives):
            names = [p.shown_name for p in participants if p.perspective == perspective.key]
            colour = perspective_colour(perspective.group, index)
            parts.append(
                f'<div class="codesign-perspective" style="border-left:8px solid {colour};'
                f'padding-left:8px">'
                + escaped(f"{perspective.label}: {len(names)}", "strong")
                + escaped(", ".join(names), "div")
                + "</div>"
            )
        self.people.value = "".join(parts)

    def _draw_wall(self) -> None:
        stage = self.workshop.current_stage
        all_entries = self.store.entries(self.workshop.id, activity="checkin", include_hidden=True)
        groups = {p.key: (p.group, i) for i, p in enumerate(self.template.perspectives)}
        cards = []
        for entry in all_entries:
            if entry.hidden or entry.stage != stage:
                continue
            group, index = groups.get(entry.perspective, ("", 0))
            colour = perspective_colour(group, index)
            cards.append(
                escaped(
                    entry.body.get("text", ""),
                    "div",
                    "codesign-card",
                    f"border-left:8px solid {colour}",
                )
            )
        current = self.template.stage(stage)
        if current.activity != "checkin":
            page = ACTIVITY_PAGES.get(current.activity, ("", "the activity page"))[1]
            self.wall.value = escaped(
                f"Phones now show this stage's form. Project the {page} page "
                "(see Run the workshop, Activity pages) to show the group's work live.",
                "p",
            )
        else:
            self.wall.value = "".join(cards) or escaped("No lines yet.", "p")
        rows = []
        for entry in reversed(all_entries[-50:]):
            author = self._names.get(entry.author_id, entry.author_public_id)
            toggle = widgets.Button(
                description="Show" if entry.hidden else "Hide",
                icon="eye" if entry.hidden else "eye-slash",
                tooltip="Hidden entries are kept, never deleted",
            )
            toggle.on_click(lambda _b, e=entry: self.set_hidden(e.id, not e.hidden))
            label = widgets.HTML(
                escaped(
                    f"{'[hidden] ' if entry.hidden else ''}{author}: {entry.body.get('text', '')}"
                )
            )
            rows.append(widgets.HBox([toggle, label]))
        replace_children(
            self.moderation, rows or [widgets.HTML(escaped("Nothing to moderate yet."))]
        )
