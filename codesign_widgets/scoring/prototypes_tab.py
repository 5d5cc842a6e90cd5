"""The scoring hub's Prototypes and Criteria tabs: what the group scores, and on what.

A mixin of :class:`~codesign_widgets.scoring.hub.ScoringHub`, which builds the widgets
these methods act on and draw into. One method per facilitator action.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..core.errors import CodesignError, InvalidInput
from ..core.safe_text import escaped
from ..ui.common import replace_children, run_action
from .criteria import CriteriaSet, load_criteria_set
from .criteria_form import CUSTOM

__all__ = ["PrototypesAndCriteriaMixin"]


class PrototypesAndCriteriaMixin:
    """Add, edit and withdraw prototypes; choose a criteria set or make one."""

    # -- actions: prototypes -------------------------------------------------------------------
    def _goals_typed(self) -> list[str]:
        extra = [line for line in self.more_goals.value.split("\n") if line.strip()]
        return [*self.goals_input.value, *extra]

    def save_prototype(self) -> bool:
        """Add the prototype in the form, or save the changes to the one being edited."""
        if self.editing is None:
            ok = run_action(
                self.notice,
                self.studio.scoring.prototypes.add_prototype,
                self.workshop.id,
                self.stage,
                self.title_input.value,
                self.description_input.value,
                self._goals_typed(),
                ok="Prototype added.",
            )
        else:
            ok = run_action(
                self.notice,
                self.studio.scoring.prototypes.revise_prototype,
                self.workshop.id,
                self.editing,
                self.title_input.value,
                self.description_input.value,
                self._goals_typed(),
                ok="Changes saved (the earlier version is kept).",
            )
        if ok:
            self._clear_form()
            self.refresh({"scoring"})
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

    def _clear_form(self) -> None:
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
            self.workshop.id,
            prototype_id,
            withdrawn,
            ok="Withdrawn: it takes no more scores (its scores are kept)."
            if withdrawn
            else "Back in: it can be scored again.",
        )
        self.refresh({"scoring"})
        return bool(ok)

    # -- actions: criteria ---------------------------------------------------------------------
    def choose_criteria(self, key: str) -> bool:
        """Use a template criteria set (or, for ``"custom"``, the custom form's set)."""
        if key == CUSTOM:
            return self.use_custom_criteria()
        criteria = run_action(
            self.notice, self.studio.scoring.rounds.set_criteria, self.workshop.id, self.stage, key
        )
        return self._criteria_chosen(criteria)

    def use_custom_criteria(self) -> bool:
        try:
            criteria = self.custom.criteria_set()
        except InvalidInput as exc:
            self.notice.show(str(exc), "error")
            return False
        chosen = run_action(
            self.notice,
            self.studio.scoring.rounds.set_criteria,
            self.workshop.id,
            self.stage,
            criteria,
        )
        return self._criteria_chosen(chosen)

    def _criteria_chosen(self, criteria: CriteriaSet | None) -> bool:
        if not criteria:
            return False
        note = " ".join(criteria.warnings)
        self.notice.show(
            f"Criteria for the next round: {criteria.name}. {note}".strip(),
            "info" if note else "ok",
        )
        self.refresh({"scoring"})
        return True

    # -- drawing -------------------------------------------------------------------------------
    def _draw_prototypes(self) -> None:
        rows = []
        for prototype in self.all_prototypes:
            withdrawn = prototype.status == "withdrawn"
            text = prototype.title + (" (withdrawn)" if withdrawn else "")
            if prototype.goals:
                text += f"\nServes: {'; '.join(prototype.goals)}"
            edit = widgets.Button(description="Edit", icon="pencil")
            edit.on_click(lambda _b, pid=prototype.id: self.edit_prototype(pid))
            toggle = widgets.Button(
                description="Bring back" if withdrawn else "Withdraw",
                icon="undo" if withdrawn else "ban",
            )
            toggle.on_click(
                lambda _b, pid=prototype.id, w=withdrawn: self.withdraw_prototype(pid, not w)
            )
            rows.append(widgets.HBox([widgets.HTML(escaped(text)), edit, toggle]))
        replace_children(
            self.prototype_list, rows or [widgets.HTML(escaped("No prototypes yet.", "p"))]
        )

    def _draw_goals(self) -> None:
        goals: list[str] = []
        try:
            for card in self.studio.goals.cards.goal_cards(self.workshop.id):
                if card.goal and card.goal not in goals:
                    goals.append(card.goal)
        except (CodesignError, AttributeError):  # no goal mapping in this file or version
            goals = []
        chosen = tuple(g for g in self.goals_input.value if g in goals)
        self.goals_input.options = goals
        self.goals_input.value = chosen
        self.goals_input.layout.display = "" if goals else "none"

    def _draw_criteria_preview(self) -> None:
        key = self.criteria_picker.value
        if key != CUSTOM:
            criteria = load_criteria_set(key)
            lines = [escaped(criteria.description, "p")]
            for c in criteria.criteria:
                scale = " · ".join(c.label_for(v) for v in c.points)
                extra = " (lower is better)" if c.reverse else ""
                lines.append(
                    escaped(f"{c.label} (weight {c.weight:g}){extra}: {c.question}", "div")
                    + escaped(scale, "div", "codesign-scale")
                )
            self.criteria_preview.value = "".join(lines)
        middle = self.custom if key == CUSTOM else self.criteria_preview
        self.criteria_tab.children = [
            self.criteria_now,
            self.criteria_picker,
            middle,
            self.use_criteria,
        ]
