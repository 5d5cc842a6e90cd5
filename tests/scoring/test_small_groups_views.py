"""The projector's scoring results with 1, 2 and 3 people per perspective.

A perspective is shown apart only with at least the plan's ``smallest_group`` (3) people
who scored; comments are labelled by the group shown, or not at all.
"""

from __future__ import annotations

import pytest

from codesign_widgets.core.small_groups import OTHER
from tests.scoring.test_scoring_views import phone, ready

STAGE = "prototypes"
GROUPS = ("lived_experience", "provider", "system")


@pytest.fixture
def room(studio, workshop):
    from codesign_widgets.scoring.hub import ScoringHub

    studio.workshops.set_current_stage(workshop.id, STAGE)
    return ready(ScoringHub(studio, workshop))


def play(studio, workshop, room, per_group: int) -> str:
    """``per_group`` people per perspective score and comment; the round is revealed."""
    walk = room.prototypes[0].id
    for group in GROUPS:
        for i in range(per_group):
            panel = phone(studio, workshop, f"{group}{i}", group)
            panel.rows["impact"].buttons.value = 1 + (i + len(group)) % 5
            panel.comment.value = f"A comment from {group} {i}"
            panel.next_button.click()
            assert panel.current != walk, panel.notice.value
    room.rounds_tab.close_button.click()
    room.rounds_tab.reveal_button.click()
    results = room.room_tab.results_panel
    return repr([w.value for w in results.children if hasattr(w, "value")])


@pytest.mark.parametrize("per_group", [1, 2])
def test_one_or_two_per_perspective_show_nobody_apart(studio, workshop, room, per_group):
    text = play(studio, workshop, room, per_group)
    results = room.room_tab.results_panel.results
    assert list(results.by_group.columns) == [OTHER]
    assert "Results are not shown by perspective" in text
    assert "Walk-in clinic: A comment from provider 0" in text  # no perspective beside it
    assert "(Provider)" not in text
    assert "(Lived experience)" not in text


def test_three_per_perspective_show_each_perspective(studio, workshop, room):
    text = play(studio, workshop, room, 3)
    results = room.room_tab.results_panel.results
    assert list(results.by_group.columns) == list(GROUPS)
    assert "not shown by perspective" not in text
    assert "Walk-in clinic (Provider): A comment from provider 0" in text
