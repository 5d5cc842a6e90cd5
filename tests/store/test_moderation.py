"""Hide everything from one person: at workshop size (30 people, hostile names), every
shared view and export follows, nothing is deleted, and the undo restores exactly what the
hide took away."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from codesign_widgets.analysis.read import read_workshop
from codesign_widgets.core.errors import NotAllowed, NotFound
from codesign_widgets.network.store_read import load_map
from codesign_widgets.store import schema as t
from tests.hostile import HOSTILE

PEOPLE = 30


def card(text: str, visibility: str = "shared") -> dict:
    return {"what_matters": text, "goal": text, "visibility": visibility}


@pytest.fixture
def room(studio, workshop):
    """30 people with hostile names, each with a line, a shared card, a stakeholder and a
    tie; the last one (the flooder) adds more of each."""
    for stage in ("welcome", "goals", "network"):
        studio.workshops.set_stage_state(workshop.id, stage, "open")
    people = [
        studio.people.join(workshop.id, HOSTILE[i % len(HOSTILE)][:40], "provider", True)[0]
        for i in range(PEOPLE)
    ]
    edits = studio.network.edits
    bodies = []
    for i, p in enumerate(people):
        studio.entries.add(p, "checkin", "note", "welcome", {"text": f"{HOSTILE[i % 15]} {i}"})
        studio.goals.cards.add_goal_card(p, "goals", card(f"Card {i}"))
        bodies.append(edits.add_stakeholder(p, "network", f"Body {i}", "group", "", "", 3, 3))
    for i, p in enumerate(people):
        edits.add_tie(p, "network", bodies[i], bodies[(i + 1) % PEOPLE], "money", "forward", 2)
    flooder = people[-1]
    lines = [
        studio.entries.add(flooder, "checkin", "note", "welcome", {"text": f"Spam {i}"})
        for i in range(10)
    ]
    cards = [
        studio.goals.cards.add_goal_card(flooder, "goals", card(f"Spam {i}")) for i in range(10)
    ]
    studio.goals.cards.add_goal_card(flooder, "goals", card("Private note", "private"))
    extra = [
        edits.add_stakeholder(flooder, "network", f"Spam body {i}", "group", "", "", 3, 3)
        for i in range(5)
    ]
    edits.add_tie(flooder, "network", extra[0], extra[1], "money", "forward", 1)
    # Before the hide: the facilitator hid one card by hand, the flooder withdrew one line.
    studio.entries.set_hidden(workshop.id, cards[0], True)
    studio.entries.withdraw(flooder, lines[0])
    return {"people": people, "flooder": flooder, "hand_hidden": cards[0], "withdrawn": lines[0]}


def shared(studio, workshop) -> dict[str, set]:
    """What every shared view shows now: lines, wall cards, stakeholders and ties (ids)."""
    net = studio.network.maps.network_map(workshop.id, "network")
    return {
        "lines": {e.id for e in studio.entries.find(workshop.id, activity="checkin")},
        "cards": {c.id for c in studio.goals.cards.goal_cards(workshop.id, "goals")},
        "stakeholders": {s.id for s in net.current()},
        "ties": {x.id for x in net.ties if x.status == "active"},
    }


def authors(studio, workshop) -> dict[str, dict[int, int]]:
    """Per kind, item id -> author (hidden ones included); entries and network items have
    ids of their own."""
    net = studio.network.maps.network_map(workshop.id, "network")
    entries = {e.id: e.author_id for e in studio.entries.find(workshop.id, include_hidden=True)}
    return {
        "lines": entries,
        "cards": entries,
        "stakeholders": {s.id: s.author_id for s in net.stakeholders},
        "ties": {x.id: x.author_id for x in net.ties},
    }


def everything_kept(studio, workshop) -> tuple[int, ...]:
    """Rows of lines and cards, and of stakeholders and ties, in the file."""
    with studio.db.read() as conn:
        return tuple(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.workshop_id == workshop.id)
            ).scalar()
            for table in (t.entries, t.network_items)
        )


def test_hiding_everything_from_one_of_thirty_people_and_undoing_it(studio, workshop, room):
    flooder = room["flooder"]
    before, kept = shared(studio, workshop), everything_kept(studio, workshop)
    owner = authors(studio, workshop)
    theirs = {k: {i for i in ids if owner[k][i] == flooder.id} for k, ids in before.items()}
    assert {k: len(v) for k, v in theirs.items()} == {
        "lines": 10, "cards": 10, "stakeholders": 6, "ties": 2
    }  # fmt: skip

    counts = studio.moderation.hide_everything(workshop.id, flooder.id)

    # Visible lines and cards (the private one too), stakeholders and ties; not the card
    # hidden by hand nor the withdrawn line.
    assert counts == {"entries": 21, "network_items": 8}
    after = shared(studio, workshop)
    for kind in before:
        assert after[kind] == before[kind] - theirs[kind], kind
    assert studio.moderation.hidden_people(workshop.id) == {flooder.id}
    assert everything_kept(studio, workshop) == kept  # nothing deleted
    # The export marks them hidden; nobody else's rows changed.
    rows = read_workshop(studio, workshop, names=False, free_text=True)
    for table, id_column in (("entries", "entry_id"), ("goals", "card_id")):
        hidden = {r[id_column] for r in rows[table] if r["hidden"]}
        assert {i for i in hidden if owner["lines"][i] != flooder.id} == set(), table
        assert hidden >= theirs["lines" if table == "entries" else "cards"]
    statuses = {r["stakeholder_id"]: r["status"] for r in rows["stakeholders"]}
    assert {statuses[i] for i in theirs["stakeholders"]} == {"hidden"}
    # Their own page still lists their cards (hidden from others, not from them).
    assert len(studio.goals.cards.my_goal_cards(flooder, "goals")) == 12

    studio.moderation.show_everything(workshop.id, flooder.id)

    assert shared(studio, workshop) == before
    cards = studio.goals.cards.goal_cards(workshop.id, "goals", include_hidden=True)
    assert next(c for c in cards if c.id == room["hand_hidden"]).hidden
    withdrawn = studio.entries.find(workshop.id, include_withdrawn=True, include_hidden=True)
    assert next(e for e in withdrawn if e.id == room["withdrawn"]).status == "withdrawn"
    assert studio.moderation.hidden_people(workshop.id) == set()
    kinds = [e["kind"] for e in studio.privacy.participant_events(workshop.id)]
    assert kinds == ["hid_all", "showed_all"]


def test_hiding_again_takes_what_they_added_since_and_one_undo_shows_both(studio, workshop, room):
    flooder = room["flooder"]
    before = shared(studio, workshop)
    studio.moderation.hide_everything(workshop.id, flooder.id)
    late = studio.entries.add(flooder, "checkin", "note", "welcome", {"text": "Back again"})
    assert late in shared(studio, workshop)["lines"]  # a new line shows until hidden
    assert studio.moderation.hide_everything(workshop.id, flooder.id)["entries"] == 1
    assert late not in shared(studio, workshop)["lines"]

    studio.moderation.show_everything(workshop.id, flooder.id)

    assert shared(studio, workshop)["lines"] == before["lines"] | {late}
    with pytest.raises(NotAllowed, match="Nothing of theirs was hidden"):
        studio.moderation.show_everything(workshop.id, flooder.id)


def test_an_item_withdrawn_while_hidden_stays_withdrawn(studio, workshop, room):
    flooder = room["flooder"]
    net = studio.network.maps.network_map(workshop.id, "network")
    theirs = next(s for s in net.stakeholders if s.author_id == flooder.id)
    studio.moderation.hide_everything(workshop.id, flooder.id)
    studio.network.edits.withdraw_network_item(flooder, theirs.id)
    studio.moderation.show_everything(workshop.id, flooder.id)
    with studio.db.read() as conn:
        net = load_map(conn, workshop.id, "network")
    assert next(s for s in net.stakeholders if s.id == theirs.id).status == "withdrawn"


def test_only_people_of_this_workshop_can_be_hidden(studio, workshop, room):
    other, _key = studio.workshops.create("Other", "codesign_day")
    with pytest.raises(NotFound, match="not in this workshop"):
        studio.moderation.hide_everything(other.id, room["flooder"].id)
    with pytest.raises(NotFound):
        studio.moderation.show_everything(other.id, room["flooder"].id)
    assert studio.moderation.hidden_people(workshop.id) == set()
