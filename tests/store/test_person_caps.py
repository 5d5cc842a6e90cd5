"""One person cannot flood a stage: each holds at most the plan's ``[per_person]`` caps of
check-in lines, goal cards, stakeholders and ties in a stage (withdrawn ones do not count,
hidden ones do), however many taps arrive at once."""

from __future__ import annotations

import pytest

from codesign_widgets.core import templates
from codesign_widgets.core.errors import InvalidInput, NotAllowed
from codesign_widgets.core.i18n import translator
from codesign_widgets.core.person_caps import PersonCaps

from .test_concurrent_rules import WRITERS, all_at_once, only_not_allowed, refusals, refused

DEFAULTS = PersonCaps()


def cap_events(studio) -> list[tuple[str, str]]:
    """The facilitator's cap changes in the workshop file, in order: (cap, number)."""
    with studio.db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT stage, value FROM workshop_events WHERE kind = 'person_cap' ORDER BY id"
        ).all()
    return [tuple(r) for r in rows]


def line(text: str = "Hello") -> dict:
    return {"text": text}


def card(n: int, visibility: str = "shared") -> dict:
    return {"what_matters": f"Matter {n}", "goal": f"Goal {n}", "visibility": visibility}


@pytest.fixture
def small_plan(tmp_path, monkeypatch):
    """A plan ``small_caps`` (the co-design day with caps of 2 and 3), found as a built-in."""
    source = (templates.data_path() / "templates" / "codesign_day.toml").read_text("utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "small_caps.toml").write_text(
        source.replace("checkin_lines = 20", "checkin_lines = 2")
        .replace("goal_cards = 30", "goal_cards = 2")
        .replace("stakeholders = 40", "stakeholders = 3")
        .replace("ties = 60", "ties = 2"),
        encoding="utf-8",
    )
    monkeypatch.setattr(templates, "data_path", lambda: tmp_path)
    templates.load_template.cache_clear()
    yield "small_caps"
    templates.load_template.cache_clear()


def test_the_twenty_first_line_is_refused_and_says_what_to_do(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    ids = [
        studio.entries.add(ann, "checkin", "note", "welcome", line(f"Line {i}"))
        for i in range(DEFAULTS.checkin_lines)
    ]
    with pytest.raises(NotAllowed, match="shared 20 lines in this stage.*Withdraw one"):
        studio.entries.add(ann, "checkin", "note", "welcome", line("One more"))
    # Someone else is not held back by Ann's lines.
    bo, _ = studio.people.join(workshop.id, "Bo", "provider", True)
    studio.entries.add(bo, "checkin", "note", "welcome", line("Mine"))
    # A line withdrawn makes room for another; a hidden one does not.
    studio.entries.withdraw(ann, ids[0])
    studio.entries.add(ann, "checkin", "note", "welcome", line("Instead"))
    studio.entries.set_hidden(workshop.id, ids[1], True)
    with pytest.raises(NotAllowed):
        studio.entries.add(ann, "checkin", "note", "welcome", line("Again"))
    mine = studio.entries.find(workshop.id, participant_id=ann.id, include_hidden=True)
    assert len(mine) == DEFAULTS.checkin_lines


def test_thirty_goal_cards_private_ones_included(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "goals", "open")
    for i in range(DEFAULTS.goal_cards):
        studio.goals.cards.add_goal_card(ann, "goals", card(i, "private" if i % 3 else "shared"))
    with pytest.raises(NotAllowed, match="added 30 goal cards in this stage"):
        studio.goals.cards.add_goal_card(ann, "goals", card(99))
    assert len(studio.goals.cards.my_goal_cards(ann, "goals")) == DEFAULTS.goal_cards


def test_forty_stakeholders_and_sixty_ties(studio, workshop, ann):
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    edits = studio.network.edits
    people = [
        edits.add_stakeholder(ann, "network", f"Body {i}", "organisation", "", "", 3, 3)
        for i in range(DEFAULTS.stakeholders)
    ]
    with pytest.raises(NotAllowed, match="added 40 stakeholders to this map"):
        edits.add_stakeholder(ann, "network", "Body 41", "organisation", "", "", 3, 3)
    pairs = [(a, b) for a in people[:12] for b in people[:12] if a < b][: DEFAULTS.ties]
    for a, b in pairs:
        edits.add_tie(ann, "network", a, b, "information", "forward", 2)
    with pytest.raises(NotAllowed, match="drawn 60 ties on this map"):
        edits.add_tie(ann, "network", people[20], people[21], "information", "forward", 2)
    # The facilitator hides one: it still counts. Withdrawn: room for one more.
    net = studio.network.maps.network_map(workshop.id, "network")
    first_tie = net.ties[0].id
    studio.network.facilitator.hide_network_item(workshop.id, first_tie)
    with pytest.raises(NotAllowed):
        edits.add_tie(ann, "network", people[20], people[21], "information", "forward", 2)
    edits.withdraw_network_item(ann, people[39])
    edits.add_stakeholder(ann, "network", "Body 42", "organisation", "", "", 3, 3)


def test_the_plan_sets_the_caps(studio, small_plan):
    workshop, _key = studio.workshops.create("Small", small_plan)
    ann, _ = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    for stage in ("welcome", "goals", "network"):
        studio.workshops.set_stage_state(workshop.id, stage, "open")
    for text in ("One", "Two"):
        studio.entries.add(ann, "checkin", "note", "welcome", line(text))
    with pytest.raises(NotAllowed, match="shared 2 lines"):
        studio.entries.add(ann, "checkin", "note", "welcome", line("Three"))
    studio.goals.cards.add_goal_card(ann, "goals", card(1))
    studio.goals.cards.add_goal_card(ann, "goals", card(2))
    with pytest.raises(NotAllowed, match="added 2 goal cards"):
        studio.goals.cards.add_goal_card(ann, "goals", card(3))
    edits = studio.network.edits
    a, b, c = (
        edits.add_stakeholder(ann, "network", name, "organisation", "", "", 3, 3)
        for name in ("GP", "Pharmacy", "Council")
    )
    with pytest.raises(NotAllowed, match="added 3 stakeholders"):
        edits.add_stakeholder(ann, "network", "Carer", "person", "", "", 3, 3)
    edits.add_tie(ann, "network", a, b, "information", "forward", 2)
    edits.add_tie(ann, "network", b, c, "information", "forward", 2)
    with pytest.raises(NotAllowed, match="drawn 2 ties"):
        edits.add_tie(ann, "network", a, c, "information", "forward", 2)


def test_fifty_taps_at_once_stop_at_the_cap(studio, workshop, ann, db_url):
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")

    results = all_at_once(
        db_url, lambda s, i: s.entries.add(ann, "checkin", "note", "welcome", line(f"Tap {i}"))
    )

    assert len(refused(results)) == WRITERS - DEFAULTS.checkin_lines, refusals(results)
    assert only_not_allowed(results), refusals(results)
    stored = studio.entries.find(workshop.id, participant_id=ann.id)
    assert len(stored) == DEFAULTS.checkin_lines


def test_fifty_ties_at_once_from_one_person_stop_at_the_cap(studio, small_plan, db_url):
    workshop, _key = studio.workshops.create("Small", small_plan)
    ann, _ = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    # Eleven stakeholders for 55 possible ties, three by each of four others (their cap).
    others = [studio.people.join(workshop.id, f"P{i}", "provider", True)[0] for i in range(4)]
    ends = [
        studio.network.edits.add_stakeholder(
            others[i // 3], "network", f"Body {i}", "organisation", "", "", 3, 3
        )
        for i in range(11)
    ]
    pairs = [(a, b) for a in ends for b in ends if a < b]

    results = all_at_once(
        db_url,
        lambda s, i: s.network.edits.add_tie(
            ann, "network", *pairs[i], "information", "forward", 1
        ),
    )

    assert len(refused(results)) == WRITERS - 2, refusals(results)
    net = studio.network.maps.network_map(workshop.id, "network")
    assert sum(1 for tie in net.ties if tie.author_id == ann.id) == 2


@pytest.mark.parametrize(
    ("value", "why"),
    [(0, "from 1 to 1000"), (True, "from 1 to 1000"), ("30", "from 1 to 1000"),
     (5000, "from 1 to 1000")],
)  # fmt: skip
def test_a_bad_cap_in_the_plan_is_explained(tmp_path, value, why):
    source = (templates.data_path() / "templates" / "codesign_day.toml").read_text("utf-8")
    plan = tmp_path / "bad.toml"
    plan.write_text(source.replace("goal_cards = 30", f"goal_cards = {value!r}".lower()))
    with pytest.raises(InvalidInput, match=f"per_person.goal_cards to .*{why}"):
        templates.read_template(plan)


def test_an_unknown_cap_is_explained(tmp_path):
    source = (templates.data_path() / "templates" / "codesign_day.toml").read_text("utf-8")
    plan = tmp_path / "bad.toml"
    plan.write_text(source.replace("ties = 60", "cards = 60"))
    with pytest.raises(InvalidInput, match="has 'cards'; use checkin_lines, goal_cards"):
        templates.read_template(plan)


@pytest.mark.parametrize(("language", "word"), [("cy", "cerdyn"), ("es", "tarjetas")])
def test_the_refusal_is_said_in_the_workshops_language(studio, workshop, ann, language, word):
    studio.workshops.set_stage_state(workshop.id, "goals", "open")
    for i in range(DEFAULTS.goal_cards):
        studio.goals.cards.add_goal_card(ann, "goals", card(i))
    with pytest.raises(NotAllowed) as refusal:
        studio.goals.cards.add_goal_card(ann, "goals", card(99))
    said = refusal.value.translated(translator(language))
    assert word in said
    assert "30" in said


def test_the_facilitator_raises_and_lowers_a_cap_during_the_workshop(studio, small_plan):
    """A change holds from the next contribution on, is kept as events (the plan's value and
    every change), and a lowered cap keeps what people hold: nothing is lost."""
    workshop, _key = studio.workshops.create("Small", small_plan)
    ann, _ = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    studio.workshops.set_stage_state(workshop.id, "goals", "open")
    for i in range(2):
        studio.goals.cards.add_goal_card(ann, "goals", card(i))
    with pytest.raises(NotAllowed, match="added 2 goal cards"):
        studio.goals.cards.add_goal_card(ann, "goals", card(2))

    caps = studio.workshops.set_person_cap(workshop.id, "goal_cards", 4)
    assert caps.goal_cards == 4
    assert caps.ties == 2  # the others keep the plan's
    studio.goals.cards.add_goal_card(ann, "goals", card(2))
    studio.goals.cards.add_goal_card(ann, "goals", card(3))
    with pytest.raises(NotAllowed, match="added 4 goal cards"):
        studio.goals.cards.add_goal_card(ann, "goals", card(4))

    studio.workshops.set_person_cap(workshop.id, "goal_cards", 1)
    with pytest.raises(NotAllowed, match="added 1 goal cards"):
        studio.goals.cards.add_goal_card(ann, "goals", card(5))
    assert len(studio.goals.cards.my_goal_cards(ann, "goals")) == 4  # kept, all four
    bo, _ = studio.people.join(workshop.id, "Bo", "provider", True)
    studio.goals.cards.add_goal_card(bo, "goals", card(6))
    with pytest.raises(NotAllowed):
        studio.goals.cards.add_goal_card(bo, "goals", card(7))
    assert studio.workshops.person_caps(workshop.id).goal_cards == 1

    # Stakeholders and check-in lines follow the change too.
    studio.workshops.set_person_cap(workshop.id, "stakeholders", 1)
    studio.workshops.set_stage_state(workshop.id, "network", "open")
    studio.network.edits.add_stakeholder(ann, "network", "GP", "organisation", "", "", 3, 3)
    with pytest.raises(NotAllowed, match="added 1 stakeholders"):
        studio.network.edits.add_stakeholder(ann, "network", "Nurse", "person", "", "", 3, 3)
    studio.workshops.set_person_cap(workshop.id, "checkin_lines", 3)
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    for text in ("One", "Two", "Three"):
        studio.entries.add(ann, "checkin", "note", "welcome", line(text))
    with pytest.raises(NotAllowed, match="shared 3 lines"):
        studio.entries.add(ann, "checkin", "note", "welcome", line("Four"))

    # Every change is an event in the workshop file, in order.
    assert cap_events(studio) == [
        ("goal_cards", "4"),
        ("goal_cards", "1"),
        ("stakeholders", "1"),
        ("checkin_lines", "3"),
    ]


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [("goal_cards", 0, "from 1 to 1000"), ("goal_cards", 1001, "from 1 to 1000"),
     ("goal_cards", True, "from 1 to 1000"), ("goal_cards", "5", "from 1 to 1000"),
     ("cards", 5, "no per-person cap called 'cards'")],
)  # fmt: skip
def test_a_bad_cap_change_is_refused_and_says_why(studio, workshop, name, value, why):
    with pytest.raises(InvalidInput, match=why):
        studio.workshops.set_person_cap(workshop.id, name, value)
    assert studio.workshops.person_caps(workshop.id) == DEFAULTS


def test_taps_racing_a_lowered_cap_never_pass_it(studio, small_plan, db_url):
    """The cap is read in the write transaction that adds: 50 taps at once, after the cap
    was lowered from 2 to 1, store exactly one."""
    workshop, _key = studio.workshops.create("Small", small_plan)
    ann, _ = studio.people.join(workshop.id, "Ann", "lived_experience", True)
    studio.workshops.set_stage_state(workshop.id, "welcome", "open")
    studio.workshops.set_person_cap(workshop.id, "checkin_lines", 1)

    results = all_at_once(
        db_url, lambda s, i: s.entries.add(ann, "checkin", "note", "welcome", line(f"Tap {i}"))
    )

    assert len(refused(results)) == WRITERS - 1, refusals(results)
    assert len(studio.entries.find(workshop.id, participant_id=ann.id)) == 1
