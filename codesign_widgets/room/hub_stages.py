"""The hub's stage controls: move the room to a stage, open, lock, reveal or close it, the
stage table and what to say, and the timer shown in the room.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from ..core.safe_text import escaped
from ..core.workshop import StageState
from ..ui.common import run_action

__all__ = ["StageControlsMixin"]


class StageControlsMixin:
    """Stages and timer of :class:`~codesign_widgets.room.hub.FacilitatorHub`."""

    # -- actions -----------------------------------------------------------------------------
    def make_current(self, stage_key: str) -> bool:
        ok = run_action(
            self.notice,
            self.studio.workshops.set_current_stage,
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
            self.studio.workshops.set_stage_state,
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
            self.studio.workshops.start_timer,
            self.workshop.id,
            self.workshop.current_stage,
            float(minutes) * 60,
        )
        self.refresh({"stages"})
        return bool(ok)

    def stop_timer(self) -> bool:
        ok = run_action(
            self.notice,
            self.studio.workshops.stop_timer,
            self.workshop.id,
            self.workshop.current_stage,
        )
        self.refresh({"stages"})
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
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
