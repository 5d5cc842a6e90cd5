"""Goal mapping arithmetic on small hand-worked examples: counts, gaps, themes, equal say."""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import InvalidInput
from codesign_widgets.goals.cards import clean_card, example_card
from codesign_widgets.goals.summary import (
    barriers_most_named,
    confidence_by_group,
    gaps,
    priorities,
    services_most_needed,
    vote_totals,
)
from codesign_widgets.goals.themes import ThemeEvent, effective_theme, group_by_theme, merge_map

LIVED, PROVIDER, SYSTEM = "lived_experience", "provider", "system"


def test_a_card_needs_what_matters_and_a_goal():
    with pytest.raises(InvalidInput, match="What matters to you is empty"):
        clean_card({"goal": "Walk to the park"})
    with pytest.raises(InvalidInput, match="Your goal is empty"):
        clean_card({"what_matters": "My dog", "goal": "   "})


def test_a_card_keeps_hostile_and_rtl_text_as_typed():
    body = clean_card(
        {
            "what_matters": "<script>alert(1)</script> 👨‍👩‍👧",
            "goal": "أريد أن أمشي",
            "services": ['=HYPERLINK("http://x","y")', "GP", "gp"],
            "barriers": "Stairs\n\nBuses\nstairs",
            "confidence": 4,
            "review_date": "2027-01-31",
            "visibility": "shared",
        }
    )
    assert body["what_matters"] == "<script>alert(1)</script> 👨‍👩‍👧"
    assert body["goal"] == "أريد أن أمشي"
    assert body["services"] == ['=HYPERLINK("http://x","y")', "GP"]
    assert body["barriers"] == ["Stairs", "Buses"]
    assert (body["confidence"], body["review_date"]) == (4, "2027-01-31")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("goal", "x" * 10_000, "too long"),
        ("confidence", 11, "0 to 10"),
        ("confidence", "7", "number"),
        ("review_date", "next week", "not a date"),
        ("visibility", "everyone", "only me"),
        ("services", [f"s{i}" for i in range(30)], "at most 20"),
    ],
)
def test_bad_card_fields_are_refused_with_a_sentence(field, value, message):
    raw = {"what_matters": "My dog", "goal": "Walk", field: value}
    with pytest.raises(InvalidInput, match=message):
        clean_card(raw)


def test_services_barriers_and_gaps_are_counted_once_per_card():
    cards = [
        example_card(id=1, services=("GP", "Podiatry"), barriers=("Stairs",)),
        example_card(id=2, services=("gp",), barriers=("stairs", "Cost")),
        example_card(id=3, services=(), barriers=("Cost",)),
    ]
    assert services_most_needed(cards) == [("GP", 2), ("Podiatry", 1)]
    assert barriers_most_named(cards) == [("Cost", 2), ("Stairs", 2)]
    assert [c.id for c in gaps(cards)] == [3]


def test_confidence_is_counted_per_score_and_perspective_group():
    cards = [
        example_card(confidence=3, group=LIVED),
        example_card(confidence=3, group=PROVIDER),
        example_card(confidence=9, group=LIVED),
        example_card(confidence=None, group=SYSTEM),
    ]
    dist = confidence_by_group(cards, [LIVED, PROVIDER, SYSTEM])
    assert dist["all"][3] == 2
    assert dist["all"][9] == 1
    assert sum(dist["all"]) == 3
    assert dist[LIVED][3] == 1
    assert dist[LIVED][9] == 1
    assert sum(dist[SYSTEM]) == 0


def test_facilitator_assignments_and_merges_decide_a_cards_theme():
    events = [
        ThemeEvent("assign", "2", "Walking"),
        ThemeEvent("merge", "walking", "Getting out"),
        ThemeEvent("merge", "Getting out", "Active life"),
    ]
    assert merge_map(events) == {"walking": "Active life", "getting out": "Active life"}
    assert effective_theme(1, "Company", events) == "Company"
    assert effective_theme(2, "Company", events) == "Active life"
    assert effective_theme(3, "walking", events) == "Active life"
    assert effective_theme(4, "", []) == ""
    grouped = group_by_theme(
        [example_card(id=1, theme=""), example_card(id=2, theme="A"), example_card(id=3)]
    )
    assert list(grouped) == ["A", "No theme yet"]


def test_taking_a_dot_back_cancels_it():
    votes = [("1", PROVIDER, 1), ("1", PROVIDER, 1), ("1", PROVIDER, -1), ("2", LIVED, 1)]
    votes.append(("2", LIVED, -1))
    assert vote_totals(votes) == {"1": {PROVIDER: 1}}


def test_pooled_and_equal_say_priorities_differ_when_one_group_votes_more():
    """Six provider dots on A, two lived-experience dots and one system dot on B.

    Pooled: A = 6/9, B = 3/9, so A leads. Equal say: providers give A their whole share (1),
    lived experience and system give B theirs: A = 1/3, B = 2/3, so B leads.
    """
    votes = [("A", PROVIDER, 1)] * 6 + [("B", LIVED, 1)] * 2 + [("B", SYSTEM, 1)]
    ranked = {p.target: p for p in priorities(votes)}
    assert ranked["A"].pooled == pytest.approx(6 / 9)
    assert ranked["B"].pooled == pytest.approx(3 / 9)
    assert ranked["A"].equal_say == pytest.approx(1 / 3)
    assert ranked["B"].equal_say == pytest.approx(2 / 3)
    assert ranked["B"].by_group == {LIVED: 2, SYSTEM: 1}
    assert [p.target for p in priorities(votes)] == ["A", "B"]  # ranked by pooled share


def test_equal_say_shares_split_within_each_group():
    """Lived experience: 1 on A, 3 on B; provider: 2 on A. A = (1/4 + 1) / 2 = 5/8."""
    votes = [("A", LIVED, 1)] + [("B", LIVED, 1)] * 3 + [("A", PROVIDER, 1)] * 2
    ranked = {p.target: p for p in priorities(votes)}
    assert ranked["A"].equal_say == pytest.approx(5 / 8)
    assert ranked["B"].equal_say == pytest.approx(3 / 8)
    assert ranked["A"].pooled == pytest.approx(3 / 6)
    assert sum(p.equal_say for p in ranked.values()) == pytest.approx(1)


def test_no_votes_means_no_priorities():
    assert priorities([]) == []
    assert priorities([("A", LIVED, 1), ("A", LIVED, -1)]) == []


@pytest.mark.parametrize(
    "key", ["care_planning", "pathway_planning", "wellbeing_planning", "codesign_day"]
)
def test_goal_planning_templates_bring_wording_and_local_services(key):
    from codesign_widgets.core.templates import load_template
    from codesign_widgets.goals.cards import DEFAULT_PROMPTS

    plan = load_template(key)
    assert any(s.activity == "goal_mapping" for s in plan.stages)
    assert len(plan.services) >= 5
    assert plan.goal_prompts
    assert set(plan.goal_prompts) <= set(DEFAULT_PROMPTS)
