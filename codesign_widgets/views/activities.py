"""Which participant panel an activity shows on the participant page.

Panels are imported only when their stage comes up, so a phone in the check-in never loads
the goal-mapping code. A panel is built with ``(store, workshop, template, participant,
stage, notice, feed=feed)`` and offers ``set_workshop(workshop)`` for stage changes.
"""

from __future__ import annotations

import importlib

__all__ = ["PANELS", "panel_class"]

PANELS: dict[str, tuple[str, str]] = {
    "goal_mapping": ("codesign_widgets.views.goals_participant", "GoalPanel"),
    "prototype_scoring": ("codesign_widgets.views.scoring_participant", "ScoringPanel"),
    "stakeholder_network": ("codesign_widgets.views.network_participant", "NetworkPanel"),
}


def panel_class(activity: str) -> type | None:
    """The panel class for ``activity``, or None if it happens on the big screen only."""
    where = PANELS.get(activity)
    if where is None:
        return None
    module, name = where
    return getattr(importlib.import_module(module), name)
