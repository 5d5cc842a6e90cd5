"""Which participant panel an activity shows on the participant page.

Panels are imported only when their stage comes up, so a phone in the check-in never loads
the goal-mapping code: the registry names each panel by module path, not by import. Every
panel is an :class:`~codesign_widgets.ui.panel.ActivityPanel`.
"""

from __future__ import annotations

import importlib

__all__ = ["PANELS", "panel_class"]

#: Activity key -> (module, class name) of its participant panel.
PANELS: dict[str, tuple[str, str]] = {
    "goal_mapping": ("codesign_widgets.goals.panel", "GoalPanel"),
    "prototype_scoring": ("codesign_widgets.scoring.panel", "ScoringPanel"),
    "stakeholder_network": ("codesign_widgets.network.panel", "NetworkPanel"),
}


def panel_class(activity: str) -> type | None:
    """The panel class for ``activity``, or None if it happens on the big screen only.

    >>> panel_class("checkin") is None
    True
    """
    where = PANELS.get(activity)
    if where is None:
        return None
    module, name = where
    return getattr(importlib.import_module(module), name)
