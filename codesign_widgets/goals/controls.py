"""The facilitator's goal-mapping controls: move the room, open, lock and reveal; set the
dots; add services; theme, merge, hide and show cards.

Each action is a method that goes through the store (which checks every rule) and shows
what happened in the hub's notice; :meth:`GoalsControlsMixin._draw_controls` keeps the
pickers in step with the wall.
"""

from __future__ import annotations

from ..core.safe_text import escaped
from ..core.workshop import StageState
from ..ui.common import run_action
from .themes import current_themes

__all__ = ["GoalsControlsMixin"]


class GoalsControlsMixin:
    """The "Run goal mapping" tab's actions, for
    :class:`~codesign_widgets.goals.hub.GoalHub`."""

    # -- actions -------------------------------------------------------------------------------
    def make_current(self) -> bool:
        ok = run_action(
            self.notice,
            self.studio.workshops.set_current_stage,
            self.workshop.id,
            self.stage.key,
            ok=f"The room is now on: {self.stage.title}.",
        )
        self.refresh({"stages"})
        return bool(ok)

    def set_state(self, state: StageState | str) -> bool:
        state = StageState(state)
        said = "Votes revealed." if state is StageState.REVEALED else state.label
        ok = run_action(
            self.notice,
            self.studio.workshops.set_stage_state,
            self.workshop.id,
            self.stage.key,
            state,
            ok=f"{self.stage.title}: {said}",
        )
        self.refresh({"stages"})
        return bool(ok)

    def set_budget(self, dots: int) -> bool:
        ok = run_action(
            self.notice,
            self.studio.goals.cards.set_dot_budget,
            self.workshop.id,
            self.stage.key,
            dots,
            ok=f"Each person now has {dots} dots.",
        )
        self.refresh({"goals"})
        return bool(ok)

    def add_service(self, name: str) -> bool:
        ok = run_action(
            self.notice,
            self.studio.goals.cards.add_service,
            self.workshop.id,
            self.stage.key,
            name,
            ok="Service added: phones offer it now.",
        )
        if ok:
            self.service_input.value = ""
        self.refresh({"goals"})
        return bool(ok)

    def assign_theme(self, card_id: int | None, theme: str) -> bool:
        if card_id is None:
            self.notice.show("Pick a card first.", "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.goals.cards.assign_theme,
            self.workshop.id,
            self.stage.key,
            card_id,
            theme,
            ok="Card moved." if theme.strip() else "Card back under its author's theme.",
        )
        self.refresh({"goals"})
        return bool(ok)

    def merge_themes(self, source: str | None, into: str) -> bool:
        ok = run_action(
            self.notice,
            self.studio.goals.cards.merge_themes,
            self.workshop.id,
            self.stage.key,
            source or "",
            into,
            ok=f"Merged into {into.strip()}: its cards and dots moved too.",
        )
        self.refresh({"goals"})
        return bool(ok)

    def set_hidden(self, card_id: int | None, hidden: bool) -> bool:
        if card_id is None:
            self.notice.show("Pick a card first.", "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.entries.set_hidden,
            self.workshop.id,
            card_id,
            hidden,
            ok="Hidden from the wall (kept on record)." if hidden else "Back on the wall.",
        )
        self.refresh({"entries"})
        return bool(ok)

    def _draw_controls(self) -> None:
        self.budget_input.value = self.settings.budget
        self.services_text.value = escaped(", ".join(self.settings.services), "p")
        options = [
            (("[hidden] " if c.hidden else "") + f"#{c.id} {c.goal[:60]}", c.id)
            for c in self.all_cards
        ]
        keep = self.card_picker.value
        self.card_picker.options = options
        if keep in {o[1] for o in options}:
            self.card_picker.value = keep
        themes = current_themes(self.cards)
        self.theme_input.options = tuple(themes)
        self.merge_into.options = tuple(themes)
        keep = self.merge_from.value
        self.merge_from.options = themes
        if keep in themes:
            self.merge_from.value = keep
