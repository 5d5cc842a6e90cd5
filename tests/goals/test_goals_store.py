"""Goal mapping in the store: privacy, ownership, the dot budget and locked stages."""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import InvalidInput, NotAllowed, NotFound
from codesign_widgets.core.workshop import StageState

STAGE = "goals"
CARD = {"what_matters": "Seeing my grandchildren", "goal": "Walk to the bus stop"}


@pytest.fixture
def bob(studio, workshop):
    participant, _token = studio.people.join(workshop.id, "Bob", "provider", True)
    return participant


@pytest.fixture
def open_goals(studio, workshop):
    studio.workshops.set_stage_state(workshop.id, STAGE, StageState.OPEN)
    return workshop


def shared(**fields):
    return {**CARD, "visibility": "shared", **fields}


def test_private_cards_are_seen_by_their_author_only(studio, open_goals, ann, bob):
    private_id = studio.goals.cards.add_goal_card(ann, STAGE, {**CARD, "goal": "My private goal"})
    shared_id = studio.goals.cards.add_goal_card(ann, STAGE, shared())
    assert [c.id for c in studio.goals.cards.goal_cards(open_goals.id)] == [
        shared_id
    ]  # the projector
    assert [c.id for c in studio.goals.cards.goal_cards(open_goals.id, viewer=bob)] == [shared_id]
    assert [c.id for c in studio.goals.cards.goal_cards(open_goals.id, viewer=ann)] == [
        private_id,
        shared_id,
    ]
    assert {c.id for c in studio.goals.cards.my_goal_cards(ann)} == {private_id, shared_id}
    assert studio.goals.cards.my_goal_cards(bob) == []


def test_a_card_can_only_be_added_while_the_stage_is_open(studio, workshop, ann):
    with pytest.raises(NotAllowed, match="not opened yet"):
        studio.goals.cards.add_goal_card(ann, STAGE, shared())
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    with pytest.raises(NotAllowed, match="does not take goal_mapping"):
        studio.goals.cards.add_goal_card(ann, "welcome", shared())
    assert studio.goals.cards.goal_cards(workshop.id, viewer=ann) == []


def test_edits_and_withdrawals_are_recorded_and_only_by_the_author(studio, open_goals, ann, bob):
    card_id = studio.goals.cards.add_goal_card(ann, STAGE, shared())
    with pytest.raises(NotAllowed, match="your own"):
        studio.goals.cards.revise_goal_card(bob, card_id, shared(goal="hijacked"))
    with pytest.raises(NotAllowed, match="your own"):
        studio.goals.cards.withdraw_goal_card(bob, card_id)
    studio.goals.cards.revise_goal_card(ann, card_id, shared(goal="Walk to the shop"))
    [card] = studio.goals.cards.goal_cards(open_goals.id)
    assert card.goal == "Walk to the shop"
    studio.goals.cards.withdraw_goal_card(ann, card_id)
    assert studio.goals.cards.goal_cards(open_goals.id) == []
    history = [(h["body"]["goal"], h["status"]) for h in studio.entries.history(card_id)]
    assert history == [
        ("Walk to the bus stop", "active"),
        ("Walk to the shop", "active"),
        ("Walk to the shop", "withdrawn"),
    ]


def test_bad_cards_are_refused_and_nothing_is_stored(studio, open_goals, ann):
    with pytest.raises(InvalidInput, match="too long"):
        studio.goals.cards.add_goal_card(ann, STAGE, shared(goal="x" * 10_000))
    with pytest.raises(InvalidInput, match="empty"):
        studio.goals.cards.add_goal_card(ann, STAGE, {"visibility": "shared"})
    assert studio.goals.cards.goal_cards(open_goals.id, viewer=ann) == []


def test_a_formula_service_is_stored_as_typed_text(studio, open_goals, ann):
    formula = '=HYPERLINK("http://evil.example","click")'
    studio.goals.cards.add_service(open_goals.id, STAGE, formula)
    assert formula in studio.goals.cards.goal_settings(open_goals.id, STAGE).services
    studio.goals.cards.add_goal_card(ann, STAGE, shared(services=[formula]))
    assert studio.goals.cards.goal_cards(open_goals.id)[0].services == (formula,)


def test_the_service_list_starts_from_the_template(studio, workshop):
    services = studio.goals.cards.goal_settings(workshop.id, STAGE).services
    assert "Podiatry" in services
    studio.goals.cards.add_service(workshop.id, STAGE, "podiatry")  # already there, any case
    studio.goals.cards.add_service(workshop.id, STAGE, "Foot health charity")
    services = studio.goals.cards.goal_settings(workshop.id, STAGE).services
    assert services.count("Podiatry") == 1
    assert services[-1] == "Foot health charity"
    with pytest.raises(NotAllowed, match="not a goal-mapping stage"):
        studio.goals.cards.add_service(workshop.id, "welcome", "Library")


def test_dots_stay_within_the_budget(studio, open_goals, ann, bob):
    card_id = studio.goals.cards.add_goal_card(bob, STAGE, shared())
    studio.goals.cards.set_dot_budget(open_goals.id, STAGE, 2)
    studio.goals.votes.vote(ann, STAGE, "card", str(card_id))
    studio.goals.votes.vote(ann, STAGE, "card", str(card_id))
    with pytest.raises(NotAllowed, match="used all 2 of your dots"):
        studio.goals.votes.vote(ann, STAGE, "card", str(card_id))
    studio.goals.votes.vote(ann, STAGE, "card", str(card_id), -1)
    studio.goals.votes.vote(
        ann, STAGE, "card", str(card_id)
    )  # a dot taken back can be placed again
    assert studio.goals.votes.my_votes(ann, STAGE) == {("card", str(card_id)): 2}
    with pytest.raises(InvalidInput, match="no dot there"):
        studio.goals.votes.vote(bob, STAGE, "card", str(card_id), -1)
    with pytest.raises(InvalidInput):
        studio.goals.cards.set_dot_budget(open_goals.id, STAGE, 0)


def test_dots_only_on_visible_shared_cards_and_current_themes(studio, open_goals, ann, bob):
    private_id = studio.goals.cards.add_goal_card(bob, STAGE, CARD)
    shared_id = studio.goals.cards.add_goal_card(bob, STAGE, shared(theme="Getting out"))
    with pytest.raises(NotFound, match="no longer on the wall"):
        studio.goals.votes.vote(ann, STAGE, "card", str(private_id))
    with pytest.raises(NotFound, match="no theme"):
        studio.goals.votes.vote(ann, STAGE, "theme", "Money")
    studio.goals.votes.vote(ann, STAGE, "theme", "getting OUT")
    studio.entries.set_hidden(open_goals.id, shared_id, True)
    with pytest.raises(NotFound):
        studio.goals.votes.vote(ann, STAGE, "card", str(shared_id))
    with pytest.raises(InvalidInput):
        studio.goals.votes.vote(ann, STAGE, "person", "Bob")


@pytest.mark.parametrize("state", ["closed", "locked", "revealed"])
def test_a_crafted_vote_outside_an_open_stage_is_refused(studio, open_goals, ann, bob, state):
    card_id = studio.goals.cards.add_goal_card(bob, STAGE, shared())
    studio.workshops.set_stage_state(open_goals.id, STAGE, state)
    with pytest.raises(NotAllowed):
        studio.goals.votes.vote(ann, STAGE, "card", str(card_id))
    assert studio.goals.votes.votes_placed(open_goals.id, STAGE) == 0


def test_vote_counts_stay_hidden_until_revealed(studio, open_goals, ann, bob):
    card_id = studio.goals.cards.add_goal_card(bob, STAGE, shared(theme="walking"))
    studio.goals.votes.vote(ann, STAGE, "card", str(card_id))
    studio.goals.votes.vote(bob, STAGE, "theme", "Walking")
    assert studio.goals.votes.votes_placed(open_goals.id, STAGE) == 2
    assert studio.goals.votes.vote_records(open_goals.id, STAGE) == []
    studio.workshops.set_stage_state(open_goals.id, STAGE, StageState.LOCKED)
    assert studio.goals.votes.vote_records(open_goals.id, STAGE) == []
    studio.goals.cards.merge_themes(open_goals.id, STAGE, "walking", "Getting out")
    studio.workshops.set_stage_state(open_goals.id, STAGE, StageState.REVEALED)
    records = studio.goals.votes.vote_records(open_goals.id, STAGE)
    assert [(r.target_kind, r.target, r.group) for r in records] == [
        ("card", str(card_id), "lived_experience"),
        ("theme", "Getting out", "provider"),
    ]


def test_themes_are_assigned_and_merged_by_the_facilitator(studio, open_goals, ann):
    first = studio.goals.cards.add_goal_card(ann, STAGE, shared(theme="Walks"))
    second = studio.goals.cards.add_goal_card(ann, STAGE, shared(theme="Company"))
    private = studio.goals.cards.add_goal_card(ann, STAGE, {**CARD, "theme": "Secret"})
    studio.goals.cards.assign_theme(open_goals.id, STAGE, second, "Friends")
    studio.goals.cards.merge_themes(open_goals.id, STAGE, "walks", "Friends")
    assert {c.id: c.theme for c in studio.goals.cards.goal_cards(open_goals.id)} == {
        first: "Friends",
        second: "Friends",
    }
    with pytest.raises(NotFound, match="not on the wall"):
        studio.goals.cards.assign_theme(open_goals.id, STAGE, private, "Exposed")
    with pytest.raises(InvalidInput, match="two different"):
        studio.goals.cards.merge_themes(open_goals.id, STAGE, "Friends", "friends")


def test_goal_writes_are_announced_on_the_feed(studio, open_goals, ann):
    start = studio.db.last_change_id()
    card_id = studio.goals.cards.add_goal_card(ann, STAGE, shared())
    studio.goals.cards.set_dot_budget(open_goals.id, STAGE, 3)
    studio.goals.votes.vote(ann, STAGE, "card", str(card_id))
    topics = [topic for _id, _w, topic in studio.db.changes_since(start)]
    assert topics == ["entries", "goals", "votes"]
