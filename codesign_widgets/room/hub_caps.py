"""The hub's per-person caps: how much one person may add in one stage, changed live.

The plan's ``[per_person]`` table sets them (:mod:`codesign_widgets.core.person_caps`); the
facilitator raises one when a group has more to say than the plan expected, or lowers one
when a phone floods the wall. Each change is an event in the workshop file and holds from
the next contribution on (the store checks the caps in force inside its write transaction).
"""

from __future__ import annotations

from dataclasses import fields

import ipywidgets as widgets

from ..core.person_caps import MAX_CAP, PersonCaps
from ..ui.common import run_action
from ..ui.wiring import HubWiring

__all__ = ["CAP_LABELS", "PersonCapControls"]

#: What each cap counts, in the facilitator's words (the controls stay English).
CAP_LABELS = {
    "checkin_lines": "Check-in lines",
    "goal_cards": "Goal cards",
    "stakeholders": "Stakeholders",
    "ties": "Ties",
}


class PersonCapControls:
    """One number box per cap and an Apply button; action :meth:`apply`.

    >>> from types import SimpleNamespace
    >>> caps = PersonCaps(goal_cards=5)
    >>> studio = SimpleNamespace(workshops=SimpleNamespace(person_caps=lambda _w: caps))
    >>> controls = PersonCapControls(HubWiring(studio, 1, None, print))
    >>> controls.boxes["goal_cards"].value, controls.boxes["ties"].value
    (5, 60)
    """

    def __init__(self, wiring: HubWiring) -> None:
        self.studio, self.notice, self.on_change = wiring.studio, wiring.notice, wiring.on_change
        self.workshop_id = wiring.workshop_id
        caps = self.studio.workshops.person_caps(self.workshop_id)
        self.boxes = {
            f.name: widgets.BoundedIntText(
                description=CAP_LABELS[f.name],
                min=1,
                max=MAX_CAP,
                value=getattr(caps, f.name),
                style={"description_width": "initial"},
            )
            for f in fields(PersonCaps)
        }
        self.apply_button = widgets.Button(description="Apply caps", icon="check")
        self.apply_button.on_click(lambda _b: self.apply())
        self.box = widgets.VBox([*self.boxes.values(), self.apply_button])
        self.box.add_class("codesign-person-caps")

    def apply(self, **values: int) -> bool:
        """Record every cap whose box (or keyword, e.g. ``goal_cards=50``) differs from the
        caps in force; the boxes then show the caps in force. False when one was refused."""
        for name, value in values.items():
            self.boxes[name].value = value
        in_force = self.studio.workshops.person_caps(self.workshop_id)
        changed = {
            name: box.value
            for name, box in self.boxes.items()
            if box.value != getattr(in_force, name)
        }
        ok = True
        for name, value in changed.items():
            done = run_action(
                self.notice, self.studio.workshops.set_person_cap, self.workshop_id, name, value
            )
            ok = ok and done is not None
        if changed and ok:
            words = ", ".join(f"{CAP_LABELS[n].lower()} {v}" for n, v in changed.items())
            self.notice.show(f"Per-person caps changed from now on: {words}.", "ok")
        self.show(self.studio.workshops.person_caps(self.workshop_id))
        self.on_change({"stages"})
        return ok

    def show(self, caps: PersonCaps) -> None:
        """Show the caps in force (after a change, or another hub's)."""
        for name, box in self.boxes.items():
            box.value = getattr(caps, name)
