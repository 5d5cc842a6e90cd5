"""The shared rules are plain functions of a transaction: any part of the store calls them."""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import NotAllowed, NotFound
from codesign_widgets.core.workshop import StageState
from codesign_widgets.store.rules import check_open, has_withdrawn, own_entry, stage_state
from codesign_widgets.store.workshops import template_of, workshop_state


@pytest.mark.parametrize(
    ("state", "says"),
    [
        (None, "has not opened yet"),
        (StageState.LOCKED, "is locked"),
        (StageState.REVEALED, "results are shown"),
        (StageState.CLOSED, "is closed"),
    ],
)
def test_a_stage_that_is_not_open_refuses_with_a_sentence(studio, workshop, ann, state, says):
    if state is not None:
        studio.workshops.set_stage_state(workshop.id, "welcome", state)
    with studio.db.read() as conn, pytest.raises(NotAllowed, match=says):
        check_open(conn, ann, "welcome")


def test_an_open_stage_takes_writes_until_the_person_leaves(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    with studio.db.read() as conn:
        assert stage_state(conn, workshop.id, "welcome") is StageState.OPEN
        check_open(conn, ann, "welcome")  # no error
    studio.privacy.withdraw_participant(ann)
    with studio.db.read() as conn:
        assert has_withdrawn(conn, ann.id)
        with pytest.raises(NotAllowed, match="You left this workshop"):
            check_open(conn, ann, "welcome")


def test_only_the_author_owns_an_entry(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    entry = studio.entries.add(ann, "checkin", "note", "welcome", {"text": "Hello"})
    with studio.db.read() as conn:
        assert own_entry(conn, ann, entry).id == entry
        with pytest.raises(NotAllowed, match="only change or withdraw your own"):
            own_entry(conn, bob, entry)
        with pytest.raises(NotFound, match="not in this workshop"):
            own_entry(conn, ann, entry + 1000)


def test_a_workshop_read_in_a_transaction(studio, workshop):
    with studio.db.read() as conn:
        assert workshop_state(conn, workshop.id).code == workshop.code
        assert template_of(conn, workshop.id).name
        with pytest.raises(NotFound, match="no longer exists"):
            workshop_state(conn, workshop.id + 99)


def test_the_studio_is_made_of_parts_that_share_one_database(studio):
    parts = [studio.workshops, studio.people, studio.entries, studio.privacy,
             studio.goals.cards, studio.goals.votes, studio.network.maps, studio.network.edits,
             studio.network.facilitator, studio.scoring.prototypes, studio.scoring.rounds,
             studio.scoring.scores]  # fmt: skip
    assert {id(part.db) for part in parts} == {id(studio.db)}
