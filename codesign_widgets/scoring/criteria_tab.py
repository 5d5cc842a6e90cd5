"""The scoring hub's Criteria tab: which criteria the next round scores on, a template set
with its questions and scales shown, or a custom set made in the form."""

from __future__ import annotations

import ipywidgets as widgets

from ..core.errors import InvalidInput
from ..core.safe_text import escaped
from ..ui.common import run_action
from ..ui.wiring import HubWiring
from .criteria import CriteriaSet, list_criteria_sets, load_criteria_set
from .criteria_form import CUSTOM, CustomCriteriaForm

__all__ = ["CriteriaTab"]


class CriteriaTab(widgets.VBox):
    """The Criteria tab of :class:`~codesign_widgets.scoring.hub.ScoringHub`.

    Built with the hub's ``wiring`` (the scoring stage); :meth:`show` says which set the
    next round uses. Actions are methods: :meth:`choose_criteria`,
    :meth:`use_custom_criteria`.
    """

    def __init__(self, wiring: HubWiring) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id, self.stage_key = wiring.workshop_id, wiring.stage_key
        options = [(load_criteria_set(k).name, k) for k in list_criteria_sets()]
        self.criteria_picker = widgets.Dropdown(
            description="Criteria", options=[*options, ("Custom: make your own", CUSTOM)]
        )
        self.criteria_picker.observe(lambda _c: self._draw_preview(), "value")
        self.use_criteria = widgets.Button(
            description="Use these criteria", button_style="primary", icon="check"
        )
        self.use_criteria.on_click(lambda _b: self.choose_criteria(self.criteria_picker.value))
        self.custom = CustomCriteriaForm()
        self.criteria_preview = widgets.HTML()
        self.criteria_now = widgets.HTML()
        super().__init__(
            [self.criteria_now, self.criteria_picker, self.criteria_preview, self.use_criteria]
        )
        self._draw_preview()

    # -- actions ---------------------------------------------------------------------------
    def choose_criteria(self, key: str) -> bool:
        """Use a template criteria set (or, for ``"custom"``, the custom form's set)."""
        if key == CUSTOM:
            return self.use_custom_criteria()
        criteria = run_action(
            self.notice,
            self.studio.scoring.rounds.set_criteria,
            self.workshop_id,
            self.stage_key,
            key,
        )
        return self._criteria_chosen(criteria)

    def use_custom_criteria(self) -> bool:
        """Use the set made in the custom form (checked like a template set)."""
        try:
            criteria = self.custom.criteria_set()
        except InvalidInput as exc:
            self.notice.show(str(exc), "error")
            return False
        chosen = run_action(
            self.notice,
            self.studio.scoring.rounds.set_criteria,
            self.workshop_id,
            self.stage_key,
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
        self.on_change({"scoring"})
        return True

    # -- drawing ---------------------------------------------------------------------------
    def show(self) -> None:
        """Say which criteria the next round is scored on."""
        current = self.studio.scoring.rounds.criteria_for(self.workshop_id, self.stage_key)
        self.criteria_now.value = escaped(
            f"Criteria for the next round: {current.name}"
            if current
            else "No criteria chosen yet: pick a set below.",
            "h2",
        )

    def _draw_preview(self) -> None:
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
        self.children = [self.criteria_now, self.criteria_picker, middle, self.use_criteria]
