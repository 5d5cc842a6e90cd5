"""The guided run: the whole workshop played from the hub's primary button alone.

After each step every phone shows the stage the room is on and that stage's state, in the
same words as the hub's running order. Undo puts the room back.
"""

from __future__ import annotations

import pytest

from codesign_widgets.core.running_order import RoundInfo, next_step
from codesign_widgets.core.templates import load_template
from codesign_widgets.core.workshop import StageState, WorkshopState
from codesign_widgets.live import Feed
from codesign_widgets.room.hub import FacilitatorHub
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.studio import Studio

PLAN = load_template("codesign_day")


def state(current: str, **states: str) -> WorkshopState:
    return WorkshopState(
        1,
        "ABC234",
        "Day",
        "codesign_day",
        0.0,
        current,
        {k: StageState(v) for k, v in states.items()},
    )


SCORING = state("prototypes", prototypes="open")


@pytest.mark.parametrize(
    ("workshop", "rounds", "label"),
    [
        (state("welcome"), {}, "Open on every phone: Welcome and check-in"),
        (state("welcome", welcome="open"), {}, "Lock (no more changes): Welcome and check-in"),
        (state("welcome", welcome="locked"), {}, "Open on every phone: What matters"),
        (state("goals", welcome="open", goals="open"), {}, "Lock (no more changes): What matters"),
        (state("goals", goals="locked"), {}, "Reveal the results: What matters"),
        (state("goals", goals="revealed"), {}, "Open on every phone: Who is involved"),
        # The room was moved on by hand, past an open stage: guide from where the room is.
        (state("network", welcome="open"), {}, "Open on every phone: Who is involved"),
        # Opened by hand while the room is elsewhere: move the room there.
        (state("goals", network="open"), {}, "Open on every phone: What matters"),
        (state("prototypes", prototypes="open"), {}, "Open scoring round 1"),
        (SCORING, {"prototypes": RoundInfo(1, "open")}, "Close round 1"),
        (SCORING, {"prototypes": RoundInfo(1, "closed")}, "Reveal round 1"),
        (SCORING, {"prototypes": RoundInfo(2, "revealed")}, "Lock"),
        (state("close", close="locked"), {}, None),
        (state("close", close="closed"), {}, None),
    ],
)  # fmt: skip
def test_the_next_step_follows_the_room(workshop, rounds, label):
    step = next_step(PLAN, workshop, rounds)
    if label is None:
        assert step is None
    else:
        assert step.label.startswith(label)


def test_after_a_revealed_round_another_round_is_offered_beside_locking():
    step = next_step(
        PLAN, state("prototypes", prototypes="open"), {"prototypes": RoundInfo(1, "revealed")}
    )
    assert [s.label for s in step.also] == ["Open round 2"]


@pytest.fixture
def room(db_url):
    """A codesign day with prototypes and criteria ready, two phones and the hub, each with
    its own connection to the file as in separate kernels."""
    studio = Studio.open(db_url)
    workshop, _key = studio.workshops.create("Guided", "codesign_day")
    stage = studio.scoring.prototypes.scoring_stage(workshop.id)
    for title in ("Text reminders", "Drop-in clinic"):
        studio.scoring.prototypes.add_prototype(workshop.id, stage, title, "", [])
    studio.scoring.rounds.set_criteria(workshop.id, stage, "desirability_feasibility_viability")
    feed = Feed(studio)
    phones = []
    for name, perspective in (("Will", "lived_experience"), ("May", "provider")):
        app = ParticipantApp(studio, code=workshop.code, feed=feed)
        app.join_form.name_input.value = name
        app.join_form.perspective_input.value = perspective
        app.join_form.consent_input.value = True
        app.join_form.join_button.click()
        phones.append(app)
    hub_studio = Studio.open(db_url)
    hub = FacilitatorHub(hub_studio, hub_studio.workshops.state(workshop.id))
    yield studio, workshop, feed, phones, hub
    hub_studio.close()
    studio.close()


def test_a_whole_workshop_runs_from_the_primary_button_alone(room):
    studio, workshop, feed, phones, hub = room
    taken = []
    while not hub.run.primary.disabled:
        label = hub.run.primary.description
        hub.run.primary.click()
        assert "Done" in hub.notice.value, (label, hub.notice.value)
        taken.append(label)
        feed.poll_once()
        now = studio.workshops.state(workshop.id)
        here = PLAN.stage(now.current_stage)
        for phone in phones:
            assert here.title in phone.stage_view.stage_title.value
            assert now.state_of(here.key).label in phone.stage_view.stage_state.value
        assert f"▶ {here.title}" in hub.run.order.value
        assert len(taken) < 40, taken
    assert taken == [
        "Open on every phone: Welcome and check-in",
        "Lock (no more changes): Welcome and check-in",
        "Open on every phone: What matters: goals, supports and barriers",
        "Lock (no more changes): What matters: goals, supports and barriers",
        "Reveal the results: What matters: goals, supports and barriers",
        "Open on every phone: Who is involved",
        "Lock (no more changes): Who is involved",
        "Open on every phone: Score the prototypes",
        "Open scoring round 1",
        "Close round 1: scores are final",
        "Reveal round 1's results",
        "Lock (no more changes): Score the prototypes",
        "Open on every phone: Check-out",
        "Lock (no more changes): Check-out",
    ]
    assert hub.run.primary.description == "Workshop finished"
    final = studio.workshops.state(workshop.id)
    assert {final.state_of(s.key) for s in PLAN.stages} <= {StageState.LOCKED, StageState.REVEALED}


def test_opening_a_stage_moves_every_phone_and_opens_it_in_one_step(room):
    studio, workshop, feed, phones, hub = room
    hub.run.take()  # open check-in
    hub.run.take()  # lock it
    hub.run.take()  # open goal mapping on every phone
    feed.poll_once()
    now = studio.workshops.state(workshop.id)
    assert now.current_stage == "goals"
    assert now.state_of("goals") is StageState.OPEN
    for phone in phones:
        assert "Open" in phone.stage_view.stage_state.value
        assert "Not started" not in phone.stage_view.stage_state.value


def test_undo_puts_the_room_and_the_stage_back_and_keeps_the_record(room):
    studio, workshop, feed, phones, hub = room
    hub.run.take()
    hub.run.take()
    assert hub.run.undo_button.disabled is False
    hub.run.take()  # goals open, the room on goals
    hub.run.undo_button.click()
    assert "Undone" in hub.notice.value
    now = studio.workshops.state(workshop.id)
    assert now.current_stage == "welcome"
    assert now.state_of("goals") is StageState.NOT_STARTED
    assert hub.run.undo_button.disabled is True
    assert (
        hub.run.primary.description
        == "Open on every phone: What matters: goals, supports and barriers"
    )
    feed.poll_once()
    assert "Welcome" in phones[0].stage_view.stage_title.value
    assert not hub.run.undo()  # one step back only: says there is nothing to undo
    assert "no step to undo" in hub.notice.value


def test_a_step_the_store_refuses_says_why_and_changes_nothing(db_url):
    studio = Studio.open(db_url)
    workshop, _key = studio.workshops.create("No criteria", "codesign_day")
    studio.workshops.set_stages(workshop.id, {"prototypes": StageState.OPEN}, "prototypes")
    hub = FacilitatorHub(studio, studio.workshops.state(workshop.id))
    assert hub.run.primary.description == "Open scoring round 1"
    hub.run.primary.click()
    assert "criteria" in hub.notice.value
    assert studio.scoring.rounds.rounds(workshop.id, "prototypes") == []
    assert hub.run.primary.description == "Open scoring round 1"
    studio.close()


def test_opening_a_round_from_the_scoring_page_brings_the_room_and_opens_the_stage(room):
    studio, workshop, feed, phones, _hub = room
    assert studio.workshops.state(workshop.id).current_stage == "welcome"
    studio.scoring.rounds.open_round(workshop.id, "prototypes")
    feed.poll_once()
    now = studio.workshops.state(workshop.id)
    assert now.current_stage == "prototypes"
    assert now.state_of("prototypes") is StageState.OPEN
    for phone in phones:
        assert "Score the prototypes" in phone.stage_view.stage_title.value
        assert "Open" in phone.stage_view.stage_state.value


def test_a_second_round_from_the_button_beside_lock_and_no_stale_step_taken(room):
    studio, workshop, _feed, _phones, hub = room
    studio.workshops.set_stages(workshop.id, {"prototypes": StageState.OPEN}, "prototypes")
    hub.refresh({"stages"})
    for _ in range(3):  # open, close and reveal round 1
        hub.run.primary.click()
    assert hub.run.primary.description.startswith("Lock")
    (again,) = hub.run.also.children
    assert again.description == "Open round 2"
    widget_id = again.model_id
    hub.refresh({"stages", "scoring"})
    assert hub.run.also.children[0].model_id == widget_id  # unchanged: not rebuilt
    again.click()
    assert [r.number for r in studio.scoring.rounds.rounds(workshop.id, "prototypes")] == [1, 2]
    assert hub.run.primary.description == "Close round 2: scores are final"
    again.click()  # a second tap on the old button: that step is no longer offered
    assert "no longer next" in hub.notice.value
    assert len(studio.scoring.rounds.rounds(workshop.id, "prototypes")) == 2


def test_a_step_puts_focus_on_the_new_stages_heading_and_a_redraw_keeps_it(room):
    """After the primary step (or moving the room by hand) the room's "Now" heading and the
    run tab's "Next step" are marked for focus; a live redraw that changes nothing leaves the
    marked heading in place (a new element would drop the focus to the top of the page)."""
    studio, workshop, feed, _phones, hub = room
    hub.run.take()  # open check-in: the room moves to it
    now = hub.stages.now.value
    assert "data-codesign-focus" in now
    assert "Now: Welcome and check-in" in now
    assert "data-codesign-focus" in hub.next_heading.value
    feed.poll_once()
    hub.refresh({"stages", "participants", "entries", "scoring"})
    assert hub.stages.now.value == now
    studio.workshops.set_stage_state(workshop.id, "welcome", StageState.LOCKED)
    hub.refresh({"stages"})  # someone else changed it: redrawn, no focus taken
    assert "data-codesign-focus" not in hub.stages.now.value
    hub.stages.make_current("goals")
    assert "data-codesign-focus" in hub.stages.now.value
