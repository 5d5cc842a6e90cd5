"""The hub's stage controls by hand: move the room to a stage, open, lock, reveal or close
it, what to say, and the timer shown in the room (the guided run is :mod:`.hub_run`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

import ipywidgets as widgets

from ..core.i18n import translator
from ..core.safe_text import escaped
from ..core.templates import Template
from ..core.workshop import StageState, WorkshopState
from ..ui.announce import focus_heading
from ..ui.common import run_action, state_buttons
from ..ui.wiring import HubWiring

__all__ = ["StageControls"]


class StageControls:
    """The stage widgets of :class:`~codesign_widgets.room.hub.FacilitatorHub`.

    Built with the hub's ``wiring``, the ``workshop`` (its state is shown until :meth:`show`
    gets a newer one) and its ``template``. The hub lays out the widgets: ``now`` and
    ``timer_label`` in the room, the rest on the controls tab.

    Actions are methods: :meth:`make_current`, :meth:`set_state`, :meth:`start_timer`,
    :meth:`stop_timer`.
    """

    def __init__(self, wiring: HubWiring, workshop: WorkshopState, template: Template) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop, self.template = workshop, template
        self.tr = translator(template.language)  # for ``now`` and the timer, in the room
        self._timer_task: asyncio.Task | None = None
        self.stage_picker = widgets.Dropdown(
            description="Stage",
            options=[(s.title, s.key) for s in template.stages],
            value=workshop.current_stage,
        )
        self.stage_picker.observe(lambda _c: self._draw_stage_detail(), "value")
        self.current_button = widgets.Button(description="Move the room here", icon="share")
        self.current_button.on_click(lambda _b: self.make_current(self.stage_picker.value))
        self.state_buttons = state_buttons(lambda s: self.set_state(self.stage_picker.value, s))
        self.stage_detail = widgets.HTML()
        self.timer_minutes = widgets.BoundedIntText(
            description="Minutes", min=1, max=240, value=template.stages[0].minutes
        )
        self.timer_start = widgets.Button(description="Start timer", icon="hourglass-start")
        self.timer_start.on_click(lambda _b: self.start_timer(self.timer_minutes.value))
        self.timer_stop = widgets.Button(description="Stop timer", icon="stop")
        self.timer_stop.on_click(lambda _b: self.stop_timer())
        self.timer_label = widgets.HTML()
        self.now = widgets.HTML()
        self._now_shown = ""  # what ``now`` says, so a redraw that changes nothing keeps it
        #: Called after this facilitator moved the room (the hub moves focus to the stage).
        self.on_moved: Callable[[], object] = lambda: None

    # -- actions -----------------------------------------------------------------------------
    def make_current(self, stage_key: str) -> bool:
        """Move the room (every phone) to this stage."""
        ok = run_action(
            self.notice,
            self.studio.workshops.set_current_stage,
            self.workshop.id,
            stage_key,
            ok=f"The room is now on: {self.template.stage(stage_key).title}.",
        )
        self.on_change({"stages"})
        if ok:
            self.on_moved()
        return bool(ok)

    def set_state(self, stage_key: str, state: StageState | str) -> bool:
        """Open, lock, reveal or close a stage."""
        state = StageState(state)
        title = self.template.stage(stage_key).title
        ok = run_action(
            self.notice,
            self.studio.workshops.set_stage_state,
            self.workshop.id,
            stage_key,
            state,
            ok=f"{title}: {state.label}.",
        )
        self.on_change({"stages"})
        return bool(ok)

    def start_timer(self, minutes: float) -> bool:
        """Start the room's timer for the current stage."""
        ok = run_action(
            self.notice,
            self.studio.workshops.start_timer,
            self.workshop.id,
            self.workshop.current_stage,
            float(minutes) * 60,
        )
        self.on_change({"stages"})
        return bool(ok)

    def stop_timer(self) -> bool:
        """Stop the room's timer."""
        ok = run_action(
            self.notice,
            self.studio.workshops.stop_timer,
            self.workshop.id,
            self.workshop.current_stage,
        )
        self.on_change({"stages"})
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
    def show(self, workshop: WorkshopState) -> None:
        """Draw the stages, the current one and the timer as they are in ``workshop``."""
        self.workshop = workshop
        self._draw_now()
        self._draw_stage_detail()
        self._draw_timer()
        if workshop.timer_ends_at is not None:
            self._ensure_ticking()

    def focus_now(self) -> None:
        """Keyboard focus to the room's stage heading ("Now: ..."), drawn again to take it."""
        self._draw_now(focus=True)

    def _draw_now(self, focus: bool = False) -> None:
        _ = self.tr.gettext
        current = self.template.stage(self.workshop.current_stage)
        state = self.workshop.state_of(current.key)
        heading = _("Now: {stage}").format(stage=current.title)
        rest = escaped(_(state.label), "div", f"codesign-state-{state.value}") + escaped(
            current.ask, "p", "codesign-ask"
        )
        # A live redraw that changes nothing leaves the heading (and the focus on it) alone.
        if focus or heading + rest != self._now_shown:
            self._now_shown = heading + rest
            self.now.value = (focus_heading(heading) if focus else escaped(heading, "h2")) + rest

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
        _ = self.tr.gettext
        left = max(0, int(end - time.time()))
        text = (
            _("Time left: {time}").format(time=f"{left // 60:02d}:{left % 60:02d}")
            if left
            else _("Time is up")
        )
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
