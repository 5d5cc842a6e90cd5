"""Scoring results with 1, 2 and 3 people per perspective: nobody is singled out."""

from __future__ import annotations

import pytest

from codesign_widgets.core.small_groups import OTHER
from codesign_widgets.scoring.criteria import load_criteria_set
from codesign_widgets.scoring.model import ScoreRow
from codesign_widgets.scoring.results import aggregate, score_frame

CRITERIA = load_criteria_set("desirability_feasibility_viability")
GROUPS = ["lived_experience", "provider", "system"]
LABELS = {"lived_experience": "Lived experience", "provider": "Provider", "system": "System"}


def frame(per_group: dict[str, int]):
    rows = []
    for g_index, (group, people) in enumerate(per_group.items()):
        for person in range(people):
            for prototype in (1, 2):
                for c_index, criterion in enumerate(("desirability", "feasibility", "viability")):
                    value = 1 + (g_index + person + prototype + c_index) % 5
                    rows.append(
                        ScoreRow(1, f"P-{group}{person}", group, group, prototype, criterion, value)
                    )
    return score_frame(rows)


@pytest.mark.parametrize("per_group", [1, 2])
def test_one_or_two_per_perspective_shows_no_perspective_apart(per_group):
    results = aggregate(
        frame(dict.fromkeys(GROUPS, per_group)), CRITERIA, [1, 2], GROUPS, 3, LABELS
    )
    assert list(results.by_group.columns) == [OTHER]
    assert set(results.leave_one_out) <= {OTHER}
    assert any("not shown by perspective" in n for n in results.notes)
    assert results.people == 3 * per_group


def test_three_per_perspective_shows_each_apart_with_no_note():
    results = aggregate(frame(dict.fromkeys(GROUPS, 3)), CRITERIA, [1, 2], GROUPS, 3, LABELS)
    assert list(results.by_group.columns) == GROUPS
    assert not any("together" in n or "not shown" in n for n in results.notes)


def test_a_lone_system_person_is_merged_with_the_smallest_other_perspective():
    sizes = {"lived_experience": 4, "provider": 3, "system": 1}
    results = aggregate(frame(sizes), CRITERIA, [1, 2], GROUPS, 3, LABELS)
    assert list(results.by_group.columns) == ["lived_experience", OTHER]
    said = "System had fewer than 3 people taking part, so it is shown together with Provider"
    assert any(said in n for n in results.notes)
    # The pooled score counts everyone, as before.
    plain = aggregate(frame(sizes), CRITERIA, [1, 2], GROUPS)
    assert results.ranking["pooled"].round(9).tolist() == plain.ranking["pooled"].round(9).tolist()
    assert list(plain.by_group.columns) == GROUPS  # without a plan's rule nothing is merged
