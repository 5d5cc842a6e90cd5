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
from .small_groups import OTHER
from .templates import load_template

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Tables",
    "activity_label",
    "group_order",
    "noted",
    "perspective_groups",
    "pick_stage",
    "plan_stage",
    "stage_keys",
]

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


def plan_stage(tables: Tables, activity: str, stage: str | None = None) -> str | None:
    """Like :func:`pick_stage`, but ``None`` when the plan has no stage of ``activity`` (a
    partial workshop is normal: its results are empty, not an error).

    >>> import pandas as pd
    >>> tables = {"stages": pd.DataFrame({"stage": ["goals"], "activity": ["goal_mapping"]})}
    >>> plan_stage(tables, "goal_mapping"), plan_stage(tables, "prototype_scoring")
    ('goals', None)
    """
    if stage is None and not stage_keys(tables, activity):
        return None
    return pick_stage(tables, activity, stage)


def activity_label(activity: str) -> str:
    """An activity as a sentence names it.

    >>> activity_label("stakeholder_network")
    'stakeholder map'
    """
    return {
        "checkin": "check-in",
        "goal_mapping": "goal mapping",
        "stakeholder_network": "stakeholder map",
        "prototype_scoring": "prototype scoring",
    }.get(activity, activity.replace("_", " "))


def noted(frame: pd.DataFrame, sentence: str) -> pd.DataFrame:
    """``frame`` with ``sentence`` in ``frame.attrs["note"]`` when it is empty: why there is
    nothing to show, for the report and the notebook to say in words.

    >>> import pandas as pd
    >>> noted(pd.DataFrame({"a": []}), "Nothing was dotted.").attrs["note"]
    'Nothing was dotted.'
    >>> noted(pd.DataFrame({"a": [1]}), "Nothing was dotted.").attrs
    {}
    """
    if frame.empty:
        frame.attrs["note"] = sentence
    return frame


def perspective_groups(tables: Tables) -> dict[str, str]:
    """Perspective key to perspective group, from the plans of the loaded workshops."""
    out: dict[str, str] = {}
    for key in tables["workshops"]["template"].unique().tolist():
        out |= {p.key: p.group for p in load_template(key).perspectives}
    # Tables protected for the report and the export show small groups as "other"
    # (codesign_widgets.analysis.small_group_tables): a group of its own, listed last.
    if any(
        (frame[column] == OTHER).any()
        for name, column in (("participants", "perspective"), ("scores", "perspective"),
                             ("goal_votes", "perspective"), ("ratings", "rater_perspective"),
                             ("goals", "perspective"), ("comments", "perspective"))
        if (frame := tables.get(name)) is not None and column in frame
    ):  # fmt: skip
        out[OTHER] = OTHER
    return out


def group_order(tables: Tables) -> list[str]:
    """Perspective groups in the plan's order."""
    seen: list[str] = []
    for group in perspective_groups(tables).values():
        if group not in seen:
            seen.append(group)
    return seen
