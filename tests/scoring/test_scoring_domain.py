"""Prototype scoring, domain: criteria sets, checks and aggregation with hand-worked numbers."""

from __future__ import annotations

import math

import pytest

from codesign_widgets.core.errors import InvalidInput, NotFound
from codesign_widgets.scoring.criteria import (
    CriteriaSet,
    Criterion,
    criteria_set_from_dict,
    list_criteria_sets,
    load_criteria_set,
)
from codesign_widgets.scoring.model import (
    CANT_SAY,
    ScoreRow,
    check_score,
    clean_decision,
    clean_prototype,
    weighted_scores,
)
from codesign_widgets.scoring.results import aggregate, movement, score_frame

GROUPS = ("lived_experience", "provider", "system")
# Two criteria on 1-5, the first weighing three times the second: normalised = (v - 1) / 4.
TWO = criteria_set_from_dict(
    {
        "name": "Two",
        "criteria": [{"key": "c1", "label": "One", "weight": 3}, {"key": "c2", "label": "Two"}],
    }
)


def rows(spec, round_number=1):
    """``spec``: (participant, group, prototype, criterion, value) tuples."""
    return [ScoreRow(round_number, p, g, g, proto, c, v) for p, g, proto, c, v in spec]


def split_room():
    """Four providers prefer A, two people with lived experience prefer B, one system person
    is lukewarm. Per group (c1 and c2 get the same value, so the weights cancel):

    A: provider 5 -> 100, lived 1 -> 0, system 3 -> 50
    B: provider 3 -> 50, lived 5 -> 100, system 2 -> 25

    Pooled A: mean normalised (4 * 1 + 2 * 0 + 0.5) / 7 = 4.5 / 7 -> 64.29
    Pooled B: (4 * 0.5 + 2 * 1 + 0.25) / 7 = 4.25 / 7 -> 60.71   => A wins pooled
    Equal say A: (100 + 0 + 50) / 3 = 50.0; B: (50 + 100 + 25) / 3 = 58.33 => B wins
    """
    spec = []
    for proto, values in {1: (5, 1, 3), 2: (3, 5, 2)}.items():
        people = [(f"p{i}", "provider", values[0]) for i in range(4)]
        people += [(f"l{i}", "lived_experience", values[1]) for i in range(2)]
        people += [("s0", "system", values[2])]
        for person, group, value in people:
            spec += [(person, group, proto, "c1", value), (person, group, proto, "c2", value)]
    return rows(spec)


# -- criteria sets ----------------------------------------------------------------------------
def test_the_template_criteria_sets_load_with_weights_and_labelled_scales():
    assert list_criteria_sets() == [
        "desirability_feasibility_viability",
        "apease",
        "impact_effort",
        "ebcd_value",
        "impact_effort_cy",  # the Welsh and Spanish copies, for workshops in those languages
        "impact_effort_es",
    ]
    apease = load_criteria_set("apease")
    assert len(apease.criteria) == 6
    assert apease.criterion("equity").label_for(5) == "5 Narrows a lot"
    impact = load_criteria_set("impact_effort")
    assert impact.axes == ("effort", "impact")
    assert impact.criterion("effort").reverse
    assert load_criteria_set("ebcd_value").axes == ("value_organisation", "value_patients")
    with pytest.raises(NotFound, match="choose one of"):
        load_criteria_set("nope")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"criteria": []}, "no criteria"),
        (
            {"criteria": [{"label": "A", "weight": 0}, {"label": "B", "weight": 0}]},
            "add up to zero",
        ),
        ({"criteria": [{"label": "A", "weight": -1}]}, "zero or more"),
        ({"criteria": [{"label": "A", "min": 3, "max": 3}]}, "2 to 11 points"),
        ({"criteria": [{"label": "A", "labels": ["x", "y"]}]}, "one label per point"),
        ({"criteria": [{"label": "A"}, {"label": "a"}]}, "twice"),
        ({"criteria": [{"label": "A"}], "axes": ["a", "b"]}, "axes"),
        ({"criteria": [{"label": "A", "weight": "heavy"}]}, "needs a number"),
        ({"criteria": [{"label": ""}]}, "empty"),
    ],
)
def test_a_bad_criteria_set_is_refused_with_a_sentence(raw, message):
    with pytest.raises(InvalidInput, match=message):
        criteria_set_from_dict(raw)


def test_a_set_with_one_criterion_works_and_says_what_it_means():
    one = criteria_set_from_dict({"criteria": [{"label": "Worth doing"}]})
    assert one.keys == ("worth_doing",)
    assert "one criterion" in one.warnings[0]
    result = aggregate(score_frame(rows([("a", "provider", 1, "worth_doing", 4)])), one, [1])
    assert result.ranking.loc[1, "pooled"] == 75.0
    assert any("one criterion" in note for note in result.notes)


def test_a_criteria_set_survives_a_round_trip_through_a_dict():
    apease = load_criteria_set("apease")
    assert criteria_set_from_dict(apease.to_dict(), key="apease") == apease


# -- checks -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [0, 6, -1, 2.5, "3", True, [3], float("nan"), float("inf"), 10**400],
    ids=["0", "6", "-1", "2.5", "text", "True", "list", "nan", "inf", "huge"],
)
def test_scores_off_the_scale_or_of_the_wrong_kind_are_refused(value):
    with pytest.raises(InvalidInput, match="Choose one of the buttons"):
        check_score(Criterion("c", "Care"), value)


def test_cant_say_is_stored_as_no_answer_and_whole_floats_are_accepted():
    assert check_score(Criterion("c", "Care"), CANT_SAY) is None
    assert check_score(Criterion("c", "Care"), None) is None
    assert check_score(Criterion("c", "Care"), 4.0) == 4


def test_prototypes_and_decisions_are_checked():
    body = clean_prototype(
        "  Walk-in <b>clinic</b> ", "Saturdays", "Walk again\n\nWalk again\nWork"
    )
    assert body == {
        "title": "Walk-in <b>clinic</b>",
        "description": "Saturdays",
        "goals": ["Walk again", "Work"],
    }
    with pytest.raises(InvalidInput, match="title is empty"):
        clean_prototype(" ", "", [])
    with pytest.raises(InvalidInput, match="adopt, iterate or drop"):
        clean_decision("maybe", "because")
    with pytest.raises(InvalidInput, match="reason is empty"):
        clean_decision("adopt", "")


# -- weighted scores ---------------------------------------------------------------------------
def test_weights_count_and_cant_say_does_not_drag_a_prototype_down():
    """c1 = 5 (normalised 1) weighs 3, c2 = 1 (normalised 0) weighs 1: 100 * 3 / 4 = 75."""
    both = rows([("a", "provider", 1, "c1", 5), ("a", "provider", 1, "c2", 1)])
    assert aggregate(score_frame(both), TWO, [1]).ranking.loc[1, "pooled"] == 75.0
    cant = rows([("a", "provider", 1, "c1", 5), ("a", "provider", 1, "c2", None)])
    result = aggregate(score_frame(cant), TWO, [1])
    assert result.ranking.loc[1, "pooled"] == 100.0  # weights re-normalised over c1 only
    assert result.per_criterion.loc[(1, "c2"), "cant_say"] == 1


def test_a_reverse_criterion_counts_low_scores_as_better():
    """Impact 4 -> 0.75; effort 2 is little effort -> 1 - 0.25 = 0.75: weighted 75."""
    impact = load_criteria_set("impact_effort")
    spec = rows([("a", "provider", 1, "impact", 4), ("a", "provider", 1, "effort", 2)])
    assert aggregate(score_frame(spec), impact, [1]).ranking.loc[1, "pooled"] == 75.0


def test_the_pooled_winner_and_the_equal_say_winner_differ_in_a_split_room():
    result = aggregate(score_frame(split_room()), TWO, [1, 2], GROUPS)
    ranking = result.ranking
    assert ranking.loc[1, "pooled"] == pytest.approx(100 * 4.5 / 7)
    assert ranking.loc[2, "pooled"] == pytest.approx(100 * 4.25 / 7)
    assert ranking.loc[1, "equal_say"] == pytest.approx(50.0)
    assert ranking.loc[2, "equal_say"] == pytest.approx(175 / 3)
    assert list(ranking["pooled_rank"]) == [1, 2]  # the four providers carry A
    assert list(ranking["equal_say_rank"]) == [2, 1]  # each perspective equal: B
    assert result.by_group.loc[1].tolist() == [0.0, 100.0, 50.0]
    assert result.by_group.loc[2].tolist() == [100.0, 50.0, 25.0]
    assert ranking.loc[1, "people"] == 7


def test_leaving_one_perspective_out_shows_who_carries_the_ranking():
    """Without lived experience: A (100 + 50) / 2 = 75 beats B (50 + 25) / 2 = 37.5."""
    out = aggregate(score_frame(split_room()), TWO, [1, 2], GROUPS).leave_one_out
    assert set(out) == set(GROUPS)
    without_lived = out["lived_experience"]
    assert without_lived.loc[1, "equal_say"] == 75.0
    assert without_lived.loc[2, "equal_say"] == 37.5
    assert without_lived["shift"].tolist() == [1, -1]  # A climbs one place, B drops one
    assert out["provider"].loc[2, "equal_say"] == 62.5  # (100 + 25) / 2
    assert out["provider"]["shift"].tolist() == [0, 0]


def test_the_pure_python_standings_agree_with_the_pandas_results():
    standings = weighted_scores(split_room(), TWO, [1, 2])
    ranking = aggregate(score_frame(split_room()), TWO, [1, 2], GROUPS).ranking
    for s in standings:
        assert s.pooled == pytest.approx(ranking.loc[s.prototype_id, "pooled"])
        assert s.equal_say == pytest.approx(ranking.loc[s.prototype_id, "equal_say"])
    assert [s.pooled_rank for s in standings] == [1, 2]
    assert [s.equal_say_rank for s in standings] == [2, 1]


def test_the_spread_of_a_ranking_is_the_quartiles_of_each_persons_weighted_score():
    """A: four at 100, two at 0, one at 50: sorted 0 0 50 100 100 100 100 -> q1 25, q3 100."""
    ranking = aggregate(score_frame(split_room()), TWO, [1, 2], GROUPS).ranking
    assert ranking.loc[1, "spread_low"] == 25.0
    assert ranking.loc[1, "spread_high"] == 100.0


# -- median, IQR, contested ---------------------------------------------------------------------
def one_criterion(values):
    spec = [(f"x{i}", "provider", 1, "c1", v) for i, v in enumerate(values)]
    return aggregate(score_frame(rows(spec)), TWO, [1]).per_criterion.loc[(1, "c1")]


def test_median_and_interquartile_range_by_hand():
    """1 2 4 5: median 3; q1 at position 0.75 -> 1.75; q3 at 2.25 -> 4.25; IQR 2.5."""
    cell = one_criterion([1, 2, 4, 5])
    assert (cell["median"], cell["q1"], cell["q3"], cell["iqr"]) == (3.0, 1.75, 4.25, 2.5)
    assert cell["contested"]
    assert cell["why"] == "wide spread and two camps"


def test_two_camps_are_contested_even_when_the_iqr_looks_narrow():
    """Six 1s and two 5s: IQR 1 (< 1.6), but 25% strongly disagree with the rest."""
    cell = one_criterion([1, 1, 1, 1, 1, 1, 5, 5])
    assert cell["iqr"] == 1.0
    assert cell["contested"]
    assert cell["why"] == "two camps"


@pytest.mark.parametrize("values", [[4, 4, 4], [2, 3, 3, 3, 4], [5], [1, 1, 1, 1, 1, 1, 1, 5]])
def test_agreement_a_mild_spread_or_one_voice_is_not_contested(values):
    assert not one_criterion(values)["contested"]


# -- edge cases ----------------------------------------------------------------------------------
def test_a_round_with_no_scores_says_so_and_ranks_nothing():
    result = aggregate(score_frame([]), TWO, [1, 2], GROUPS)
    assert result.empty
    assert "No scores in this round yet." in result.notes
    assert result.ranking["pooled_rank"].isna().all()
    assert result.per_criterion["n"].sum() == 0


def test_one_participant_only_gives_scores_without_spread():
    spec = rows([("a", "system", 1, "c1", 4), ("a", "system", 1, "c2", 2)])
    result = aggregate(score_frame(spec), TWO, [1, 2], GROUPS)
    assert result.ranking.loc[1, "pooled"] == 100 * (3 * 0.75 + 0.25) / 4
    assert any("Only one person" in note for note in result.notes)
    assert any("lived experience" in note for note in result.notes)
    assert not result.per_criterion["contested"].any()
    assert result.leave_one_out == {}  # one group: nothing to leave out
    assert math.isnan(result.ranking.loc[2, "pooled"])


def test_everyone_saying_cant_say_is_explained():
    spec = rows([("a", "provider", 1, "c1", None)])
    result = aggregate(score_frame(spec), TWO, [1])
    assert result.empty
    assert "can't say" in result.notes[-1]


def test_prototypes_not_asked_for_and_unknown_criteria_are_left_out():
    spec = rows([("a", "provider", 1, "c1", 5), ("a", "provider", 9, "c1", 1)])
    spec += rows([("a", "provider", 1, "old", 1)])
    result = aggregate(score_frame(spec), TWO, [1])
    assert list(result.ranking.index) == [1]
    assert result.ranking.loc[1, "pooled"] == 100.0


# -- round to round ------------------------------------------------------------------------------
def test_movement_counts_who_changed_which_way_and_whether_spread_narrowed():
    """Round 1: a=1, b=5, c=3 (IQR 2). Round 2: a=3 (up), b=4 (down), c=3: IQR 0.5."""
    before = rows(
        [("a", "provider", 1, "c1", 1), ("b", "system", 1, "c1", 5), ("c", "provider", 1, "c1", 3)]
    )
    after = rows(
        [("a", "provider", 1, "c1", 3), ("b", "system", 1, "c1", 4), ("c", "provider", 1, "c1", 3)],
        round_number=2,
    )
    moved = movement(score_frame(before), score_frame(after))
    assert (moved.changed_people, moved.compared_people, moved.up, moved.down) == (2, 3, 1, 1)
    assert moved.people.loc["a", "up"] == 1
    assert moved.people.loc["b", "down"] == 1
    assert moved.spread.loc[(1, "c1"), "iqr_before"] == 2.0
    assert moved.spread.loc[(1, "c1"), "iqr_after"] == 0.5
    assert moved.narrowed == 1
    assert "2 of 3 people changed" in moved.summary


def test_movement_with_nothing_to_compare_says_so():
    first = rows([("a", "provider", 1, "c1", 3)])
    other = rows([("b", "provider", 1, "c1", None)], round_number=2)
    for before, after in [([], []), (first, other), (first, [])]:
        moved = movement(score_frame(before), score_frame(after))
        assert moved.compared_people == 0
        assert moved.summary.startswith("Nobody scored the same")


def test_a_criteria_set_is_a_plain_value():
    assert isinstance(TWO, CriteriaSet)
    assert TWO.criterion("c1").weight == 3.0
