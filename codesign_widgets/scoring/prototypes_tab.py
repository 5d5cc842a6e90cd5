"""The scoring hub's Prototypes tab: what the group scores. Add a prototype (with the goals
from goal mapping it serves), edit it (the earlier version is kept), withdraw it or bring
it back."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from ..core.errors import CodesignError
from ..core.safe_text import escaped
from ..ui.common import run_action
from ..ui.keyed import KeyedList
from ..ui.wiring import HubWiring
from .model import Prototype

__all__ = ["PrototypesTab"]


class PrototypesTab(widgets.VBox):
    """The Prototypes tab of :class:`~codesign_widgets.scoring.hub.ScoringHub`.

    Built with the hub's ``wiring`` (the scoring stage); :meth:`show` lists the stage's
    prototypes. Actions are methods: :meth:`save_prototype`,
    :meth:`edit_prototype`, :meth:`clear_form`, :meth:`withdraw_prototype`.
    """

    def __init__(self, wiring: HubWiring) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id, self.stage_key = wiring.workshop_id, wiring.stage_key
        self.editing: int | None = None
        self.all_prototypes: list[Prototype] = []
        self.title_input = widgets.Text(description="Title", continuous_update=False)
        self.description_input = widgets.Textarea(
            description="Description", continuous_update=False
        )
        self.goals_input = widgets.SelectMultiple(
            description="Goals it serves (from goal mapping)", options=[], rows=5
        )
        self.more_goals = widgets.Textarea(
            description="Other goals (one per line)", continuous_update=False
        )
        self.save_button = widgets.Button(
            description="Add prototype", button_style="primary", icon="plus"
        )
        self.save_button.on_click(lambda _b: self.save_prototype())
        self.cancel_edit = widgets.Button(
            description="Cancel editing", icon="times", layout={"display": "none"}
        )
        self.cancel_edit.on_click(lambda _b: self.clear_form())
        self.prototype_list = widgets.VBox()
        self._none_yet = widgets.HTML(escaped("No prototypes yet.", "p"))
        self._rows = KeyedList(self.prototype_list, self._make_row, self._update_row)
        super().__init__(
            [
                widgets.HTML(escaped("Add a prototype", "h2")),
                self.title_input,
                self.description_input,
                self.goals_input,
                self.more_goals,
                widgets.HBox([self.save_button, self.cancel_edit]),
                widgets.HTML(escaped("Prototypes", "h2")),
                self.prototype_list,
            ]
        )

    # -- actions ---------------------------------------------------------------------------
    def _goals_typed(self) -> list[str]:
        extra = [line for line in self.more_goals.value.split("\n") if line.strip()]
        return [*self.goals_input.value, *extra]

    def save_prototype(self) -> bool:
        """Add the prototype in the form, or save the changes to the one being edited."""
        if self.editing is None:
            ok = run_action(
                self.notice,
                self.studio.scoring.prototypes.add_prototype,
                self.workshop_id,
                self.stage_key,
                self.title_input.value,
                self.description_input.value,
                self._goals_typed(),
                ok="Prototype added.",
            )
        else:
            ok = run_action(
                self.notice,
                self.studio.scoring.prototypes.revise_prototype,
                self.workshop_id,
                self.editing,
                self.title_input.value,
                self.description_input.value,
                self._goals_typed(),
                ok="Changes saved (the earlier version is kept).",
            )
        if ok:
            self.clear_form()
            self.on_change({"scoring"})
        return bool(ok)

    def edit_prototype(self, prototype_id: int) -> None:
        """Put a prototype into the form to change it."""
        prototype = next((p for p in self.all_prototypes if p.id == prototype_id), None)
        if prototype is None:
            return
        self.editing = prototype_id
        self.title_input.value = prototype.title
        self.description_input.value = prototype.description
        known = [g for g in prototype.goals if g in self.goals_input.options]
        self.goals_input.value = tuple(known)
        self.more_goals.value = "\n".join(g for g in prototype.goals if g not in known)
        self.save_button.description = "Save changes"
        self.cancel_edit.layout.display = ""

    def clear_form(self) -> None:
        """Empty the form and stop editing (the cancel button does this)."""
        self.editing = None
        self.title_input.value = self.description_input.value = self.more_goals.value = ""
        self.goals_input.value = ()
        self.save_button.description = "Add prototype"
        self.cancel_edit.layout.display = "none"

    def withdraw_prototype(self, prototype_id: int, withdrawn: bool = True) -> bool:
        """Withdraw a prototype (no more scores, out of the results) or bring it back."""
        ok = run_action(
            self.notice,
            self.studio.scoring.prototypes.withdraw_prototype,
            self.workshop_id,
            prototype_id,
            withdrawn,
            ok="Withdrawn: it takes no more scores (its scores are kept)."
            if withdrawn
            else "Back in: it can be scored again.",
        )
        self.on_change({"scoring"})
        return bool(ok)

    # -- drawing ---------------------------------------------------------------------------
    def show(self, all_prototypes: Sequence[Prototype]) -> None:
        """List the stage's prototypes (withdrawn ones too) and offer the shared goals."""
        self.all_prototypes = list(all_prototypes)
        self._draw_prototypes()
        self._draw_goals()

    def _draw_prototypes(self) -> None:
        items = []
        for prototype in self.all_prototypes:
            withdrawn = prototype.status == "withdrawn"
            text = prototype.title + (" (withdrawn)" if withdrawn else "")
            if prototype.goals:
                text += f"\nServes: {'; '.join(prototype.goals)}"
            items.append((prototype.id, (text, withdrawn)))
        self._rows.show(items)
        self._rows.set_footer([] if items else [self._none_yet])

    def _make_row(self, prototype_id: int, value: tuple[str, bool]) -> widgets.Widget:
        edit = widgets.Button(description="Edit", icon="pencil")
        edit.on_click(lambda _b: self.edit_prototype(prototype_id))
        toggle = widgets.Button()
        toggle.on_click(lambda _b: self._toggle(prototype_id))
        row = widgets.HBox([widgets.HTML(), edit, toggle])
        self._update_row(row, value)
        return row

    def _toggle(self, prototype_id: int) -> None:
        """Withdraw or bring back, as the row last showed (a row just gone does nothing)."""
        if prototype_id in self._rows.values:
            self.withdraw_prototype(prototype_id, not self._rows.values[prototype_id][1])

    @staticmethod
    def _update_row(row: widgets.HBox, value: tuple[str, bool]) -> None:
        text, withdrawn = value
        html, _edit, toggle = row.children
        html.value = escaped(text)
        toggle.description = "Bring back" if withdrawn else "Withdraw"
        toggle.icon = "undo" if withdrawn else "ban"

    def _draw_goals(self) -> None:
        goals: list[str] = []
        try:
            for card in self.studio.goals.cards.goal_cards(self.workshop_id):
                if card.goal and card.goal not in goals:
                    goals.append(card.goal)
        except (CodesignError, AttributeError):  # no goal mapping in this file or version
            goals = []
        chosen = tuple(g for g in self.goals_input.value if g in goals)
        self.goals_input.options = goals
        self.goals_input.value = chosen
        self.goals_input.layout.display = "" if goals else "none"
