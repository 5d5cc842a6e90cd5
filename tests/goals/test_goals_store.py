"""Goal mapping in the store: privacy, ownership, the dot budget and locked stages."""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import InvalidInput, NotAllowed, NotFound
from codesign_widgets.core.workshop import StageState

STAGE = "goals"
CARD = {"what_matters": "Seeing my grandchildren", "goal": "Walk to the bus stop"}


@pytest.fixture
def bob(store, workshop):
    participant, _token = store.join(workshop.id, "Bob", "provider", True)
    return participant


@pytest.fixture
def open_goals(store, workshop):
    store.set_stage_state(workshop.id, STAGE, StageState.OPEN)
    return workshop


def shared(**fields):
    return {**CARD, "visibility": "shared", **fields}


def test_private_cards_are_seen_by_their_author_only(store, open_goals, ann, bob):
    private_id = store.add_goal_card(ann, STAGE, {**CARD, "goal": "My private goal"})
    shared_id = store.add_goal_card(ann, STAGE, shared())
    assert [c.id for c in store.goal_cards(open_goals.id)] == [shared_id]  # the projector
    assert [c.id for c in store.goal_cards(open_goals.id, viewer=bob)] == [shared_id]
    assert [c.id for c in store.goal_cards(open_goals.id, viewer=ann)] == [private_id, shared_id]
    assert {c.id for c in store.my_goal_cards(ann)} == {private_id, shared_id}
    assert store.my_goal_cards(bob) == []


def test_a_card_can_only_be_added_while_the_stage_is_open(store, workshop, ann):
    with pytest.raises(NotAllowed, match="not opened yet"):
        store.add_goal_card(ann, STAGE, shared())
    store.set_stage_state(workshop.id, "welcome", "open")
    with pytest.raises(NotAllowed, match="does not take goal_mapping"):
        store.add_goal_card(ann, "welcome", shared())
    assert store.goal_cards(workshop.id, viewer=ann) == []


def test_edits_and_withdrawals_are_recorded_and_only_by_the_author(store, open_goals, ann, bob):
    card_id = store.add_goal_card(ann, STAGE, shared())
    with pytest.raises(NotAllowed, match="your own"):
        store.revise_goal_card(bob, card_id, shared(goal="hijacked"))
    with pytest.raises(NotAllowed, match="your own"):
        store.withdraw_goal_card(bob, card_id)
    store.revise_goal_card(ann, card_id, shared(goal="Walk to the shop"))
    [card] = store.goal_cards(open_goals.id)
    assert card.goal == "Walk to the shop"
    store.withdraw_goal_card(ann, card_id)
    assert store.goal_cards(open_goals.id) == []
    history = [(h["body"]["goal"], h["status"]) for h in store.entry_history(card_id)]
    assert history == [
        ("Walk to the bus stop", "active"),
        ("Walk to the shop", "active"),
        ("Walk to the shop", "withdrawn"),
    ]


def test_bad_cards_are_refused_and_nothing_is_stored(store, open_goals, ann):
    with pytest.raises(InvalidInput, match="too long"):
        store.add_goal_card(ann, STAGE, shared(goal="x" * 10_000))
    with pytest.raises(InvalidInput, match="empty"):
        store.add_goal_card(ann, STAGE, {"visibility": "shared"})
    assert store.goal_cards(open_goals.id, viewer=ann) == []


def test_a_formula_service_is_stored_as_typed_text(store, open_goals, ann):
    formula = '=HYPERLINK("http://evil.example","click")'
    store.add_service(open_goals.id, STAGE, formula)
    assert formula in store.goal_settings(open_goals.id, STAGE).services
    store.add_goal_card(ann, STAGE, shared(services=[formula]))
    assert store.goal_cards(open_goals.id)[0].services == (formula,)


def test_the_service_list_starts_from_the_template(store, workshop):
    services = store.goal_settings(workshop.id, STAGE).services
    assert "Podiatry" in services
    store.add_service(workshop.id, STAGE, "podiatry")  # already there, any case
    store.add_service(workshop.id, STAGE, "Foot health charity")
    services = store.goal_settings(workshop.id, STAGE).services
    assert services.count("Podiatry") == 1
    assert services[-1] == "Foot health charity"
    with pytest.raises(NotAllowed, match="not a goal-mapping stage"):
        store.add_service(workshop.id, "welcome", "Library")


def test_dots_stay_within_the_budget(store, open_goals, ann, bob):
    card_id = store.add_goal_card(bob, STAGE, shared())
    store.set_dot_budget(open_goals.id, STAGE, 2)
    store.vote(ann, STAGE, "card", str(card_id))
    store.vote(ann, STAGE, "card", str(card_id))
    with pytest.raises(NotAllowed, match="used all 2 of your dots"):
        store.vote(ann, STAGE, "card", str(card_id))
    store.vote(ann, STAGE, "card", str(card_id), -1)
    store.vote(ann, STAGE, "card", str(card_id))  # a dot taken back can be placed again
    assert store.my_votes(ann, STAGE) == {("card", str(card_id)): 2}
    with pytest.raises(InvalidInput, match="no dot there"):
        store.vote(bob, STAGE, "card", str(card_id), -1)
    with pytest.raises(InvalidInput):
        store.set_dot_budget(open_goals.id, STAGE, 0)


def test_dots_only_on_visible_shared_cards_and_current_themes(store, open_goals, ann, bob):
    private_id = store.add_goal_card(bob, STAGE, CARD)
    shared_id = store.add_goal_card(bob, STAGE, shared(theme="Getting out"))
    with pytest.raises(NotFound, match="no longer on the wall"):
        store.vote(ann, STAGE, "card", str(private_id))
    with pytest.raises(NotFound, match="no theme"):
        store.vote(ann, STAGE, "theme", "Money")
    store.vote(ann, STAGE, "theme", "getting OUT")
    store.set_hidden(open_goals.id, shared_id, True)
    with pytest.raises(NotFound):
        store.vote(ann, STAGE, "card", str(shared_id))
    with pytest.raises(InvalidInput):
        store.vote(ann, STAGE, "person", "Bob")


@pytest.mark.parametrize("state", ["closed", "locked", "revealed"])
def test_a_crafted_vote_outside_an_open_stage_is_refused(store, open_goals, ann, bob, state):
    card_id = store.add_goal_card(bob, STAGE, shared())
    store.set_stage_state(open_goals.id, STAGE, state)
    with pytest.raises(NotAllowed):
        store.vote(ann, STAGE, "card", str(card_id))
    assert store.votes_placed(open_goals.id, STAGE) == 0


def test_vote_counts_stay_hidden_until_revealed(store, open_goals, ann, bob):
    card_id = store.add_goal_card(bob, STAGE, shared(theme="walking"))
    store.vote(ann, STAGE, "card", str(card_id))
    store.vote(bob, STAGE, "theme", "Walking")
    assert store.votes_placed(open_goals.id, STAGE) == 2
    assert store.vote_records(open_goals.id, STAGE) == []
    store.set_stage_state(open_goals.id, STAGE, StageState.LOCKED)
    assert store.vote_records(open_goals.id, STAGE) == []
    store.merge_themes(open_goals.id, STAGE, "walking", "Getting out")
    store.set_stage_state(open_goals.id, STAGE, StageState.REVEALED)
    records = store.vote_records(open_goals.id, STAGE)
    assert [(r.target_kind, r.target, r.group) for r in records] == [
        ("card", str(card_id), "lived_experience"),
        ("theme", "Getting out", "provider"),
    ]


def test_themes_are_assigned_and_merged_by_the_facilitator(store, open_goals, ann):
    first = store.add_goal_card(ann, STAGE, shared(theme="Walks"))
    second = store.add_goal_card(ann, STAGE, shared(theme="Company"))
    private = store.add_goal_card(ann, STAGE, {**CARD, "theme": "Secret"})
    store.assign_theme(open_goals.id, STAGE, second, "Friends")
    store.merge_themes(open_goals.id, STAGE, "walks", "Friends")
    assert {c.id: c.theme for c in store.goal_cards(open_goals.id)} == {
        first: "Friends",
        second: "Friends",
    }
    with pytest.raises(NotFound, match="not on the wall"):
        store.assign_theme(open_goals.id, STAGE, private, "Exposed")
    with pytest.raises(InvalidInput, match="two different"):
        store.merge_themes(open_goals.id, STAGE, "Friends", "friends")


def test_goal_writes_are_announced_on_the_feed(store, open_goals, ann):
    start = store.last_change_id()
    card_id = store.add_goal_card(ann, STAGE, shared())
    store.set_dot_budget(open_goals.id, STAGE, 3)
    store.vote(ann, STAGE, "card", str(card_id))
    topics = [topic for _id, _w, topic in store.changes_since(start)]
    assert topics == ["entries", "goals", "votes"]
