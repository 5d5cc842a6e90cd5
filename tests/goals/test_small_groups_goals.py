"""The goal wall's dots and confidence by perspective with 1, 2 and 3 people per perspective."""

from __future__ import annotations

import pytest

from codesign_widgets.core.workshop import StageState
from tests.goals.test_goals_views import STAGE, add, hub_for

GROUPS = {"lived_experience": "Lived experience", "provider": "Provider", "system": "System"}


def room_with(studio, workshop, sizes: dict[str, int]):
    studio.workshops.set_current_stage(workshop.id, STAGE)
    studio.workshops.set_stage_state(workshop.id, STAGE, StageState.OPEN)
    people = {
        g: [studio.people.join(workshop.id, f"{g}{i}", g, True)[0] for i in range(n)]
        for g, n in sizes.items()
    }
    card = add(studio, people["lived_experience"][0], goal="Walk", confidence=4)
    for group, members in people.items():
        for i, person in enumerate(members):
            add(studio, person, goal=f"Goal {group} {i}", confidence=(i * 3) % 11)
            studio.goals.votes.vote(person, STAGE, "card", str(card))
    hub = hub_for(studio, workshop)
    hub.controls.state_buttons[StageState.REVEALED].click()
    return hub.wall.summary.value + hub.wall.priorities.value


@pytest.mark.parametrize("per_group", [1, 2])
def test_one_or_two_per_perspective_show_only_everyone(studio, workshop, per_group):
    summary = room_with(studio, workshop, dict.fromkeys(GROUPS, per_group))
    assert "Results are not shown by perspective" in summary
    for label in GROUPS.values():
        assert f"<th><span>{label}</span></th>" not in summary
        assert f"<th>{label}</th>" not in summary
    assert "<span>Everyone</span>" in summary
    assert "<span>Walk</span></td><td>" in summary  # the pooled priorities stay


def test_three_per_perspective_show_each(studio, workshop):
    summary = room_with(studio, workshop, dict.fromkeys(GROUPS, 3))
    assert "not shown by perspective" not in summary
    for label in GROUPS.values():
        assert f"<span>{label}</span>" in summary


def test_a_lone_person_is_shown_with_the_next_smallest_perspective(studio, workshop):
    summary = room_with(studio, workshop, {"lived_experience": 4, "provider": 3, "system": 1})
    assert "<span>Lived experience</span>" in summary
    assert "<span>Other perspectives</span>" in summary
    assert "<span>System</span>" not in summary
    assert "System had fewer than 3 people taking part" in summary
