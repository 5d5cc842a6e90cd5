"""The facilitator's goal-mapping controls: pick the stage, move the room, open, lock and
reveal; set the dots; add services; theme, merge, hide and show cards.

Each action is a method that goes through the store (which checks every rule), shows what
happened in the hub's notice and asks the hub to redraw; :meth:`GoalControls.show` keeps the
pickers in step with the wall.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as widgets

from ..core.safe_text import escaped
from ..core.templates import Stage
from ..core.workshop import StageState
from ..ui.common import run_action, state_buttons
from ..ui.wiring import HubWiring
from .cards import GoalCard
from .themes import current_themes

__all__ = ["GoalControls"]


class GoalControls(widgets.VBox):
    """The "Run goal mapping" tab of :class:`~codesign_widgets.goals.hub.GoalHub`.

    Built with the hub's ``wiring``, the plan's goal ``stages`` (the picker offers them when
    there are several) and ``on_stage(key)``, called when another stage is picked.

    Actions are methods: :meth:`make_current`, :meth:`set_state`, :meth:`set_budget`,
    :meth:`add_service`, :meth:`assign_theme`, :meth:`merge_themes`, :meth:`set_hidden`.
    """

    def __init__(
        self, wiring: HubWiring, stages: Sequence[Stage], on_stage: Callable[[str], None]
    ) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id = wiring.workshop_id
        self.stage = stages[0]
        self.stage_picker = widgets.Dropdown(
            description="Goal stage",
            options=[(s.title, s.key) for s in stages],
            value=self.stage.key,
            layout={"display": "" if len(stages) > 1 else "none"},
        )
        self.stage_picker.observe(lambda c: on_stage(c["new"]), "value")
        stage_row, budget_row = self._stage_buttons(), self._budget_row()
        service_row, card_rows = self._service_row(), self._card_rows()
        super().__init__(
            [
                self.stage_picker,
                stage_row,
                widgets.HTML(escaped("Dot voting", "h2")),
                budget_row,
                widgets.HTML(escaped("Services participants choose from", "h2")),
                service_row,
                self.services_text,
                widgets.HTML(escaped("Themes and moderation", "h2")),
                *card_rows,
                widgets.HTML(escaped("Hidden cards are kept on record, never deleted.", "p")),
            ]
        )

    # -- layout ----------------------------------------------------------------------------------
    def _stage_buttons(self) -> widgets.HBox:
        self.current_button = widgets.Button(description="Move the room here", icon="share")
        self.current_button.on_click(lambda _b: self.make_current())
        self.state_buttons = state_buttons(self.set_state, reveal="Reveal votes")
        return widgets.HBox([self.current_button, *self.state_buttons.values()])

    def _budget_row(self) -> widgets.HBox:
        self.budget_input = widgets.BoundedIntText(description="Dots each", min=1, max=50)
        self.budget_button = widgets.Button(description="Set dots", icon="circle")
        self.budget_button.on_click(lambda _b: self.set_budget(self.budget_input.value))
        return widgets.HBox([self.budget_input, self.budget_button])

    def _service_row(self) -> widgets.HBox:
        self.service_input = widgets.Text(description="New service", continuous_update=False)
        self.service_button = widgets.Button(description="Add service", icon="plus")
        self.service_button.on_click(lambda _b: self.add_service(self.service_input.value))
        self.services_text = widgets.HTML()
        return widgets.HBox([self.service_input, self.service_button])

    def _card_rows(self) -> list[widgets.Widget]:
        self.card_picker = widgets.Dropdown(description="Card", options=[])
        self.theme_input = widgets.Combobox(
            description="Theme", ensure_option=False, continuous_update=False
        )
        self.assign_button = widgets.Button(description="Put card under theme", icon="tag")
        self.assign_button.on_click(
            lambda _b: self.assign_theme(self.card_picker.value, self.theme_input.value)
        )
        self.merge_from = widgets.Dropdown(description="Merge theme", options=[])
        self.merge_into = widgets.Combobox(
            description="into", ensure_option=False, continuous_update=False
        )
        self.merge_button = widgets.Button(description="Merge themes", icon="compress")
        self.merge_button.on_click(
            lambda _b: self.merge_themes(self.merge_from.value, self.merge_into.value)
        )
        self.hide_button = widgets.Button(description="Hide card", icon="eye-slash")
        self.hide_button.on_click(lambda _b: self.set_hidden(self.card_picker.value, True))
        self.show_button = widgets.Button(description="Show card again", icon="eye")
        self.show_button.on_click(lambda _b: self.set_hidden(self.card_picker.value, False))
        return [
            self.card_picker,
            widgets.HBox([self.theme_input, self.assign_button]),
            widgets.HBox([self.hide_button, self.show_button]),
            widgets.HBox([self.merge_from, self.merge_into, self.merge_button]),
        ]

    # -- actions -------------------------------------------------------------------------------
    def make_current(self) -> bool:
        """Move the room (every phone) to this goal stage."""
        ok = run_action(
            self.notice,
            self.studio.workshops.set_current_stage,
            self.workshop_id,
            self.stage.key,
            ok=f"The room is now on: {self.stage.title}.",
        )
        self.on_change({"stages"})
        return bool(ok)

    def set_state(self, state: StageState | str) -> bool:
        """Open, lock, reveal the votes of, or close this goal stage."""
        state = StageState(state)
        said = "Votes revealed." if state is StageState.REVEALED else state.label
        ok = run_action(
            self.notice,
            self.studio.workshops.set_stage_state,
            self.workshop_id,
            self.stage.key,
            state,
            ok=f"{self.stage.title}: {said}",
        )
        self.on_change({"stages"})
        return bool(ok)

    def set_budget(self, dots: int) -> bool:
        """Give each person ``dots`` dots to place."""
        ok = run_action(
            self.notice,
            self.studio.goals.cards.set_dot_budget,
            self.workshop_id,
            self.stage.key,
            dots,
            ok=f"Each person now has {dots} dots.",
        )
        self.on_change({"goals"})
        return bool(ok)

    def add_service(self, name: str) -> bool:
        """Add a service participants can choose for their goals."""
        ok = run_action(
            self.notice,
            self.studio.goals.cards.add_service,
            self.workshop_id,
            self.stage.key,
            name,
            ok="Service added: phones offer it now.",
        )
        if ok:
            self.service_input.value = ""
        self.on_change({"goals"})
        return bool(ok)

    def assign_theme(self, card_id: int | None, theme: str) -> bool:
        """Put a card under ``theme`` (empty: back under its author's theme)."""
        if card_id is None:
            self.notice.show("Pick a card first.", "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.goals.cards.assign_theme,
            self.workshop_id,
            self.stage.key,
            card_id,
            theme,
            ok="Card moved." if theme.strip() else "Card back under its author's theme.",
        )
        self.on_change({"goals"})
        return bool(ok)

    def merge_themes(self, source: str | None, into: str) -> bool:
        """Merge theme ``source`` into ``into``: its cards and dots move too."""
        ok = run_action(
            self.notice,
            self.studio.goals.cards.merge_themes,
            self.workshop_id,
            self.stage.key,
            source or "",
            into,
            ok=f"Merged into {into.strip()}: its cards and dots moved too.",
        )
        self.on_change({"goals"})
        return bool(ok)

    def set_hidden(self, card_id: int | None, hidden: bool) -> bool:
        """Hide a card from the wall (kept on record) or show it again."""
        if card_id is None:
            self.notice.show("Pick a card first.", "error")
            return False
        ok = run_action(
            self.notice,
            self.studio.entries.set_hidden,
            self.workshop_id,
            card_id,
            hidden,
            ok="Hidden from the wall (kept on record)." if hidden else "Back on the wall.",
        )
        self.on_change({"entries"})
        return bool(ok)

    # -- drawing -------------------------------------------------------------------------------
    def show(
        self,
        stage: Stage,
        budget: int,
        services: Sequence[str],
        all_cards: Sequence[GoalCard],
        *,
        live: bool = False,
    ) -> None:
        """Keep the controls in step with ``stage``: its dots each, its ``services`` and
        every card (hidden ones too) to theme, hide or show; a pick made stays picked.

        A ``live`` redraw leaves the theme boxes' suggestions alone: changing a text box's
        traits makes the browser redraw it from the value the kernel last heard, wiping a
        theme being typed (it is sent when the facilitator leaves the box)."""
        self.stage = stage
        self.budget_input.value = budget
        self.services_text.value = escaped(", ".join(services), "p")
        options = [
            (("[hidden] " if c.hidden else "") + f"#{c.id} {c.goal[:60]}", c.id) for c in all_cards
        ]
        keep = self.card_picker.value
        self.card_picker.options = options
        if keep in {o[1] for o in options}:
            self.card_picker.value = keep
        themes = current_themes([c for c in all_cards if not c.hidden])
        if not live:
            self.theme_input.options = tuple(themes)
            self.merge_into.options = tuple(themes)
        keep = self.merge_from.value
        self.merge_from.options = themes
        if keep in themes:
            self.merge_from.value = keep
