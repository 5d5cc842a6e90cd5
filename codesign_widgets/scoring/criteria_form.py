"""The facilitator's form for a custom criteria set: a row per criterion, checked like a template.

Shown in the scoring hub's Criteria tab when the facilitator picks "Custom: make your own".
"""

from __future__ import annotations

import ipywidgets as widgets

from ..core.errors import InvalidInput
from .criteria import CriteriaSet, criteria_set_from_dict

__all__ = ["CUSTOM", "SCALES", "CustomCriteriaForm"]

CUSTOM = "custom"
# Scales a custom criterion can use: (label in the menu, min, max, point labels).
SCALES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "1-5 (not at all … completely)": (
        1,
        5,
        ("Not at all", "A little", "Somewhat", "Very", "Completely"),
    ),
    "1-5 (very low … very high)": (1, 5, ("Very low", "Low", "Medium", "High", "Very high")),
    "1-3 (low, medium, high)": (1, 3, ("Low", "Medium", "High")),
    "0-10": (0, 10, ()),
}


class CustomCriteriaForm(widgets.VBox):
    """Build a custom criteria set: a row per criterion with name, question, weight, scale."""

    def __init__(self) -> None:
        super().__init__()
        self.name = widgets.Text(
            description="Name of the set", value="Our criteria", continuous_update=False
        )
        self.rows: list[dict[str, widgets.Widget]] = []
        self.rows_box = widgets.VBox()
        self.add_button = widgets.Button(description="Add a criterion", icon="plus")
        self.add_button.on_click(lambda _b: self.add_row())
        self.two_by_two = widgets.Checkbox(
            description="Show a 2x2 of the first two criteria (the first going up)", indent=False
        )
        self.children = [self.name, self.rows_box, self.add_button, self.two_by_two]
        self.add_row()
        self.add_row()

    def add_row(self, label: str = "", weight: float = 1.0) -> dict[str, widgets.Widget]:
        row = {
            "label": widgets.Text(description="Criterion", value=label, continuous_update=False),
            "question": widgets.Text(description="Question people read", continuous_update=False),
            "weight": widgets.BoundedFloatText(description="Weight", min=0, max=100, value=weight),
            "scale": widgets.Dropdown(description="Scale", options=list(SCALES)),
            "reverse": widgets.Checkbox(description="Lower is better", indent=False),
        }
        self.rows.append(row)
        self.rows_box.children = [
            *self.rows_box.children,
            widgets.VBox(list(row.values()), layout={"border_bottom": "1px solid #ccc"}),
        ]
        return row

    def criteria_set(self) -> CriteriaSet:
        """The set as typed (rows without a name are skipped); checked like a template."""
        criteria = []
        for row in self.rows:
            if not row["label"].value.strip():
                continue
            low, high, labels = SCALES[row["scale"].value]
            criteria.append(
                {
                    "label": row["label"].value,
                    "question": row["question"].value,
                    "weight": row["weight"].value,
                    "min": low,
                    "max": high,
                    "labels": list(labels),
                    "reverse": row["reverse"].value,
                }
            )
        raw = {"name": self.name.value, "criteria": criteria}
        if self.two_by_two.value:
            if len(criteria) < 2:
                msg = "A 2x2 needs two criteria: add a second one, or untick the 2x2."
                raise InvalidInput(msg)
            first, second = criteria_set_from_dict(raw).keys[:2]
            raw["axes"] = [second, first]
        return criteria_set_from_dict(raw)
