"""Look-ups every activity's results share over a workshop's loaded tables.

The results of goal mapping, the stakeholder map and prototype scoring
(:mod:`codesign_widgets.goals.analysis` and its siblings) are functions of the open data
tables of one workshop, as a mapping from table name to DataFrame
(:data:`codesign_widgets.analysis.open_data_schema.TABLES` names them). They pick a stage and
order the perspective groups the same way; those rules live here, below every activity.

>>> import pandas as pd
>>> tables = {
...     "stages": pd.DataFrame({"stage": ["welcome", "goals"],
...                             "activity": ["checkin", "goal_mapping"]}),
...     "workshops": pd.DataFrame({"template": ["codesign_day"]}),
... }
>>> pick_stage(tables, "goal_mapping")
'goals'
>>> group_order(tables)
['lived_experience', 'provider', 'system']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .errors import NotFound
from .templates import load_template

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Tables", "group_order", "perspective_groups", "pick_stage", "stage_keys"]

#: A workshop's loaded tables by name (the open data tables, one DataFrame each).
Tables = Mapping[str, "pd.DataFrame"]


def stage_keys(tables: Tables, activity: str) -> list[str]:
    """The keys of the stages of ``activity`` (``"goal_mapping"``...) in the plan's order."""
    stages = tables["stages"]
    return stages.loc[stages["activity"] == activity, "stage"].drop_duplicates().tolist()


def pick_stage(tables: Tables, activity: str, stage: str | None = None) -> str:
    """``stage`` if it is a stage of ``activity``, else the activity's first stage.

    Raises :class:`~codesign_widgets.core.errors.NotFound` when the named stage is not one of
    the activity's, or the plan has no stage of that activity.
    """
    keys = stage_keys(tables, activity)
    if stage is not None:
        if stage not in keys:
            msg = f"{stage!r} is not a {activity.replace('_', ' ')} stage of this workshop."
            raise NotFound(msg)
        return stage
    if not keys:
        msg = f"This workshop's plan has no {activity.replace('_', ' ')} stage."
        raise NotFound(msg)
    return keys[0]


def perspective_groups(tables: Tables) -> dict[str, str]:
    """Perspective key to perspective group, from the plans of the loaded workshops."""
    out: dict[str, str] = {}
    for key in tables["workshops"]["template"].unique().tolist():
        out |= {p.key: p.group for p in load_template(key).perspectives}
    return out


def group_order(tables: Tables) -> list[str]:
    """Perspective groups in the plan's order."""
    seen: list[str] = []
    for group in perspective_groups(tables).values():
        if group not in seen:
            seen.append(group)
    return seen
