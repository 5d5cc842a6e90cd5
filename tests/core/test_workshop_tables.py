"""The stage and perspective-group look-ups every activity's results share."""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import NotFound
from codesign_widgets.core.workshop_tables import (
    group_order,
    perspective_groups,
    pick_stage,
    stage_keys,
)
from tests.tables import tables_of


def test_a_result_uses_the_activitys_first_stage_unless_one_is_named():
    tables = tables_of(stages=[
        {"stage": "goals", "activity": "goal_mapping"},
        {"stage": "network", "activity": "stakeholder_network"},
        {"stage": "goals_again", "activity": "goal_mapping"},
    ])  # fmt: skip
    assert stage_keys(tables, "goal_mapping") == ["goals", "goals_again"]
    assert pick_stage(tables, "goal_mapping") == "goals"
    assert pick_stage(tables, "goal_mapping", "goals_again") == "goals_again"


def test_a_stage_of_another_activity_or_a_missing_activity_says_so():
    tables = tables_of(stages=[{"stage": "goals", "activity": "goal_mapping"}])
    with pytest.raises(NotFound, match="'goals' is not a prototype scoring stage"):
        pick_stage(tables, "prototype_scoring", "goals")
    with pytest.raises(NotFound, match="plan has no stakeholder network stage"):
        pick_stage(tables, "stakeholder_network")


def test_perspective_groups_follow_the_plan():
    tables = tables_of()
    groups = perspective_groups(tables)
    assert set(groups.values()) == {"lived_experience", "provider", "system"}
    assert group_order(tables) == ["lived_experience", "provider", "system"]
