"""What a loaded workshop adds up to: the parts every activity's results share, and equal say.

A mixin of :class:`~.analysis.workshop_data.WorkshopData`: every method reads the data's
tables only (never the store), so a workshop loaded from its file and from an exported package
give the same results. Each activity's results are mixins of their own, beside this one:
:mod:`analysis_goal_results` (priorities, themes), :mod:`analysis_network_results` (the map)
and :mod:`analysis_scoring_results` (rankings); the equal-say summary follows :mod:`equal_say`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..core.errors import NotFound
from ..core.templates import load_template

if TYPE_CHECKING:  # pragma: no cover
    from ..core.equal_say import EqualSay

__all__ = ["ResultsMixin"]

ACTIVITY_OF = {
    "goals": "goal_mapping",
    "network": "stakeholder_network",
    "scoring": "prototype_scoring",
}


class ResultsMixin:
    tables: dict[str, pd.DataFrame]

    # -- shared ------------------------------------------------------------------------------
    def _stage(self, activity: str, stage: str | None) -> str:
        one = self.one()
        keys = one.stage_keys(activity)
        if stage is not None:
            if stage not in keys:
                msg = f"{stage!r} is not a {activity.replace('_', ' ')} stage of this workshop."
                raise NotFound(msg)
            return stage
        if not keys:
            msg = f"This workshop's plan has no {activity.replace('_', ' ')} stage."
            raise NotFound(msg)
        return keys[0]

    def groups(self) -> dict[str, str]:
        """Perspective key to perspective group, from the workshop's plan."""
        templates = self.tables["workshops"]["template"].unique().tolist()
        out: dict[str, str] = {}
        for key in templates:
            out |= {p.key: p.group for p in load_template(key).perspectives}
        return out

    def group_order(self) -> list[str]:
        """Perspective groups in the plan's order."""
        seen: list[str] = []
        for group in self.groups().values():
            if group not in seen:
                seen.append(group)
        return seen

    # -- equal say -----------------------------------------------------------------------------
    def equal_say(self) -> EqualSay:
        """The equal-say summary across all activities (:mod:`..core.equal_say`)."""
        from .equal_say import workshop_equal_say

        return workshop_equal_say(self.one())
