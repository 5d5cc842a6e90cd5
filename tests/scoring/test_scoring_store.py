"""Prototype scoring, store: sealed rounds, every rule checked in the transaction, nothing lost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from codesign_widgets.core.errors import InvalidInput, NotAllowed, NotFound
from codesign_widgets.scoring.criteria import CriteriaSet, Criterion, criteria_set_from_dict
from codesign_widgets.scoring.model import CANT_SAY, RoundState
from codesign_widgets.store import schema

STAGE = "prototypes"


@pytest.fixture
def setup(studio, workshop):
    """Two prototypes, impact/effort criteria, round 1 open, three participants."""
    a = studio.scoring.prototypes.add_prototype(
        workshop.id, STAGE, "Walk-in clinic", "Saturdays", ["Walk again"]
    )
    b = studio.scoring.prototypes.add_prototype(workshop.id, STAGE, "Peer group")
    studio.scoring.rounds.set_criteria(workshop.id, STAGE, "impact_effort")
    studio.scoring.rounds.open_round(workshop.id, STAGE)
    people = [
        studio.people.join(workshop.id, name, perspective, True)[0]
        for name, perspective in [("Ann", "lived_experience"), ("Bo", "provider"), ("Cy", "system")]
    ]
    round_id = studio.scoring.rounds.rounds(workshop.id, STAGE)[-1].id
    return {"a": a, "b": b, "people": people, "round": round_id}


def test_the_scoring_stage_comes_from_the_plan(studio, workshop):
    assert studio.scoring.prototypes.scoring_stage(workshop.id) == STAGE
    with pytest.raises(NotAllowed, match="not a prototype-scoring stage"):
        studio.scoring.prototypes.add_prototype(workshop.id, "welcome", "X")
    other, _ = studio.workshops.create("Goals only", "care_planning")
    with pytest.raises(NotFound, match="no prototype-scoring stage"):
        studio.scoring.prototypes.scoring_stage(other.id)


def test_a_round_needs_criteria_and_a_prototype_first(studio, workshop):
    with pytest.raises(NotAllowed, match="Choose the criteria first"):
        studio.scoring.rounds.open_round(workshop.id, STAGE)
    studio.scoring.rounds.set_criteria(workshop.id, STAGE, "apease")
    with pytest.raises(NotAllowed, match="Add at least one prototype"):
        studio.scoring.rounds.open_round(workshop.id, STAGE)
    assert studio.scoring.rounds.rounds(workshop.id, STAGE) == []


def test_rounds_go_open_closed_revealed_then_the_next_one(studio, workshop, setup):
    wid = workshop.id
    with pytest.raises(NotAllowed, match="already open"):
        studio.scoring.rounds.open_round(wid, STAGE)
    with pytest.raises(NotAllowed, match="Close the round first"):
        studio.scoring.rounds.reveal_round(wid, STAGE)
    with pytest.raises(NotAllowed, match="criteria cannot change"):
        studio.scoring.rounds.set_criteria(wid, STAGE, "apease")
    studio.scoring.rounds.close_round(wid, STAGE)
    with pytest.raises(NotAllowed, match="not revealed yet"):
        studio.scoring.rounds.open_round(wid, STAGE)
    studio.scoring.rounds.reopen_round(wid, STAGE)
    studio.scoring.rounds.close_round(wid, STAGE)
    studio.scoring.rounds.reveal_round(wid, STAGE)
    with pytest.raises(NotAllowed, match="Only a closed round"):
        studio.scoring.rounds.reopen_round(wid, STAGE)
    studio.scoring.rounds.set_criteria(wid, STAGE, "apease")  # for round 2; round 1 keeps its set
    assert studio.scoring.rounds.open_round(wid, STAGE) == 2
    first, second = studio.scoring.rounds.rounds(wid, STAGE)
    assert (first.state, second.state) == (RoundState.REVEALED, RoundState.OPEN)
    assert first.criteria.key == "impact_effort"
    assert second.criteria.key == "apease"


def test_scores_stay_sealed_until_the_reveal(studio, workshop, setup):
    ann, bo, _cy = setup["people"]
    rid = setup["round"]
    studio.scoring.scores.save_scores(
        ann, rid, setup["a"], {"impact": 5, "effort": CANT_SAY}, "Love it"
    )
    studio.scoring.scores.save_scores(bo, rid, setup["a"], {"impact": 2, "effort": 4})
    mine, comments = studio.scoring.scores.my_scores(ann, rid)
    assert mine == {(setup["a"], "impact"): 5, (setup["a"], "effort"): None}
    assert comments == {setup["a"]: "Love it"}
    assert (
        studio.scoring.scores.round_progress(workshop.id, rid)["people"] == 2
    )  # counts, no values
    with pytest.raises(NotAllowed, match="stay sealed"):
        studio.scoring.scores.revealed_scores(workshop.id, rid)
    with pytest.raises(NotAllowed, match="stay sealed"):
        studio.scoring.scores.revealed_comments(workshop.id, rid)
    assert (
        studio.scoring.scores.score_table(workshop.id, STAGE) == []
    )  # exports leave sealed rounds out
    studio.scoring.rounds.close_round(workshop.id, STAGE)
    assert studio.scoring.scores.score_table(workshop.id, STAGE) == []
    studio.scoring.rounds.reveal_round(workshop.id, STAGE)
    revealed = studio.scoring.scores.revealed_scores(workshop.id, rid)
    assert sorted((r.group, r.criterion, r.value) for r in revealed) == [
        ("lived_experience", "effort", None),
        ("lived_experience", "impact", 5),
        ("provider", "effort", 4),
        ("provider", "impact", 2),
    ]
    assert studio.scoring.scores.revealed_comments(workshop.id, rid) == [
        (setup["a"], "lived_experience", "Love it")
    ]
    assert len(studio.scoring.scores.score_table(workshop.id, STAGE)) == 4


def test_a_changed_score_counts_once_and_both_versions_are_kept(studio, workshop, setup):
    ann = setup["people"][0]
    rid = setup["round"]
    studio.scoring.scores.save_scores(ann, rid, setup["a"], {"impact": 2})
    studio.scoring.scores.save_scores(ann, rid, setup["a"], {"impact": 4})
    assert studio.scoring.scores.my_scores(ann, rid)[0] == {(setup["a"], "impact"): 4}
    with studio.db.engine.connect() as conn:
        kept = conn.execute(sa.select(schema.scores.c.value).order_by(schema.scores.c.id)).all()
    assert [v for (v,) in kept] == [2, 4]


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"impact": 6}, InvalidInput, "outside the scale"),
        ({"impact": 0}, InvalidInput, "outside the scale"),
        ({"impact": "5"}, InvalidInput, "whole number"),
        ({"impact": 2.5}, InvalidInput, "whole number"),
        ({"beauty": 3}, NotFound, "not in the criteria set"),
        ("impact=5", InvalidInput, "per criterion"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_saved(studio, setup, values, error, message):
    ann = setup["people"][0]
    with pytest.raises(error, match=message):
        studio.scoring.scores.save_scores(ann, setup["round"], setup["a"], values)
    assert studio.scoring.scores.my_scores(ann, setup["round"]) == ({}, {})


def test_one_bad_score_in_a_batch_saves_none_of_it(studio, setup):
    ann = setup["people"][0]
    with pytest.raises(InvalidInput):
        studio.scoring.scores.save_scores(
            ann, setup["round"], setup["a"], {"impact": 4, "effort": 9}
        )
    assert studio.scoring.scores.my_scores(ann, setup["round"]) == ({}, {})


def test_no_scores_on_a_closed_round_or_a_withdrawn_prototype(studio, workshop, setup):
    ann = setup["people"][0]
    studio.scoring.prototypes.withdraw_prototype(workshop.id, setup["b"])
    with pytest.raises(NotAllowed, match="withdrawn"):
        studio.scoring.scores.save_scores(ann, setup["round"], setup["b"], {"impact": 3})
    assert [p.id for p in studio.scoring.prototypes.prototypes(workshop.id, STAGE)] == [setup["a"]]
    withdrawn = studio.scoring.prototypes.prototypes(workshop.id, STAGE, include_withdrawn=True)[1]
    assert withdrawn.status == "withdrawn"
    assert withdrawn.title == "Peer group"  # kept, with its words
    studio.scoring.rounds.close_round(workshop.id, STAGE)
    with pytest.raises(NotAllowed, match="closed"):
        studio.scoring.scores.save_scores(ann, setup["round"], setup["a"], {"impact": 3})
    assert studio.scoring.scores.my_scores(ann, setup["round"]) == ({}, {})


def test_scores_only_go_to_this_workshops_rounds_and_prototypes(studio, workshop, setup):
    other, _ = studio.workshops.create("Other", "codesign_day")
    stranger, _ = studio.people.join(other.id, "Eve", "provider", True)
    with pytest.raises(NotFound, match="round is not in this workshop"):
        studio.scoring.scores.save_scores(stranger, setup["round"], setup["a"], {"impact": 3})
    ann = setup["people"][0]
    for bad in (999, "1", True, None):
        with pytest.raises(NotFound, match="prototype is not in this workshop"):
            studio.scoring.scores.save_scores(ann, setup["round"], bad, {"impact": 3})
    with pytest.raises(NotFound):
        studio.scoring.scores.my_scores(stranger, setup["round"])


def test_comments_are_checked_and_kept_as_typed(studio, workshop, setup):
    ann = setup["people"][0]
    hostile = '<img src=x onerror="alert(1)">'
    studio.scoring.scores.save_scores(ann, setup["round"], setup["a"], {}, hostile)
    assert studio.scoring.scores.my_scores(ann, setup["round"])[1] == {setup["a"]: hostile}
    with pytest.raises(InvalidInput, match="too long"):
        studio.scoring.scores.save_scores(
            ann, setup["round"], setup["a"], {"impact": 3}, "x" * 5000
        )
    assert studio.scoring.scores.my_scores(ann, setup["round"])[0] == {}


def test_prototypes_are_revised_not_overwritten(studio, workshop, setup):
    studio.scoring.prototypes.revise_prototype(
        workshop.id, setup["a"], "Walk-in clinic (evenings)", "", ["Work"]
    )
    current = studio.scoring.prototypes.prototypes(workshop.id, STAGE)[0]
    assert (current.title, current.goals) == ("Walk-in clinic (evenings)", ("Work",))
    with pytest.raises(InvalidInput, match="title is empty"):
        studio.scoring.prototypes.add_prototype(workshop.id, STAGE, "  ")
    with studio.db.engine.connect() as conn:
        titles = conn.execute(sa.select(schema.scoring_prototype_revisions.c.title)).scalars()
        assert "Walk-in clinic" in list(titles)


def test_criteria_built_in_code_meet_the_same_checks(studio, workshop):
    """A set built in code (not read from TOML) with weights summing to zero is refused."""
    zero = CriteriaSet(
        "custom", "Zero", (Criterion("a", "A", weight=0), Criterion("b", "B", weight=0))
    )
    with pytest.raises(InvalidInput, match="add up to zero"):
        studio.scoring.rounds.set_criteria(workshop.id, STAGE, zero)
    assert studio.scoring.rounds.criteria_for(workshop.id, STAGE) is None
    custom = criteria_set_from_dict({"criteria": [{"label": "Kind", "weight": 2}]})
    studio.scoring.rounds.set_criteria(workshop.id, STAGE, custom)
    assert studio.scoring.rounds.criteria_for(workshop.id, STAGE) == custom


def test_decisions_are_recorded_with_a_reason_and_the_latest_counts(studio, workshop, setup):
    wid = workshop.id
    with pytest.raises(InvalidInput, match="reason is empty"):
        studio.scoring.prototypes.record_decision(wid, STAGE, setup["a"], "adopt", "")
    studio.scoring.prototypes.record_decision(
        wid, STAGE, setup["a"], "iterate", "Try evenings first"
    )
    studio.scoring.prototypes.record_decision(wid, STAGE, setup["a"], "adopt", "Evenings worked")
    decision = studio.scoring.prototypes.decisions(wid, STAGE)[setup["a"]]
    assert (decision.decision, decision.reason, decision.round_number) == (
        "adopt",
        "Evenings worked",
        1,
    )


def test_every_change_tells_the_live_feed_its_topic(studio, workshop, setup):
    before = studio.db.last_change_id()
    studio.scoring.scores.save_scores(setup["people"][0], setup["round"], setup["a"], {"impact": 3})
    studio.scoring.rounds.close_round(workshop.id, STAGE)
    topics = [topic for _id, _w, topic in studio.db.changes_since(before)]
    assert topics == ["scores", "scoring"]
