"""Crafted widget messages against every activity panel a phone reaches, and what its kernel holds.

A participant's browser can set any synced value and fire any button, disabled or hidden.
Each panel is reached as a phone reaches it (the participant page, with the room on that
activity's stage) and driven only with the messages a crafted page could send (or, for an
id a button is bound to, the method that button calls). Every refusal shows a message and
leaves the store as it was.
"""

from __future__ import annotations

import pytest

from codesign_widgets.core.errors import CodesignError
from codesign_widgets.room.join import ParticipantApp
from tests.widget_messages import send_click, send_update, widget_tree

FIVE_MB = "x" * (5 * 1024 * 1024)


def phone_on(studio, workshop, stage: str, name: str = "Ann") -> ParticipantApp:
    """A participant page joined through the form, with the room on ``stage``."""
    studio.workshops.set_current_stage(workshop.id, stage)
    app = ParticipantApp(studio, code=workshop.code)
    send_update(app.join_form.name_input, value=name)
    send_update(app.join_form.perspective_input, index=0)
    send_update(app.join_form.consent_input, value=True)
    send_click(app.join_form.join_button)
    assert app.participant is not None
    return app


def set_state(studio, workshop, app, stage: str, state: str) -> None:
    studio.workshops.set_stage_state(workshop.id, stage, state)
    app.on_change({"stages"})


def notice(app) -> str:
    return app.notice.value


def refused(app) -> bool:
    """The page shows a problem (not a success) to the person."""
    return app.notice.kind == "error" and bool(app.notice.value)


# -- goal mapping ------------------------------------------------------------------------------
GOALS = "goals"


def all_cards(studio, workshop):
    return studio.goals.cards.goal_cards(workshop.id, include_hidden=True, include_withdrawn=True)


def fill_card(panel, goal: str = "Walk to the shops") -> None:
    send_update(panel.form.what_matters, value="Getting out")
    send_update(panel.form.goal, value=goal)


@pytest.fixture
def goals_page(studio, workshop):
    app = phone_on(studio, workshop, GOALS)
    assert type(app.stage_view.panel).__name__ == "GoalPanel"
    return app


@pytest.mark.parametrize("state", ["closed", "locked"])
def test_goal_card_in_a_stage_not_open_is_refused(studio, workshop, goals_page, state):
    if state != "closed":
        set_state(studio, workshop, goals_page, GOALS, state)
    panel = goals_page.stage_view.panel
    assert panel.form.save_button.disabled  # cosmetic only
    fill_card(panel)
    send_click(panel.form.save_button)
    assert refused(goals_page)
    assert all_cards(studio, workshop) == []


def test_someone_elses_goal_card_cannot_be_edited_or_withdrawn(studio, workshop, goals_page):
    set_state(studio, workshop, goals_page, GOALS, "open")
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    theirs = studio.goals.cards.add_goal_card(
        bob, GOALS, {"what_matters": "Sleep", "goal": "Bob's goal", "visibility": "shared"}
    )
    panel = goals_page.stage_view.panel
    panel.refresh({"entries"})
    assert panel.edit_card(theirs) is False  # what a crafted id would reach
    assert "your own" in notice(goals_page)
    assert panel.withdraw(theirs) is False
    assert "your own" in notice(goals_page)
    # Even with the form pointed at it (nothing a browser can do), the store refuses.
    panel.editing = theirs
    fill_card(panel, "Hijacked")
    send_click(panel.form.save_button)
    assert "your own" in notice(goals_page)
    [card] = all_cards(studio, workshop)
    assert (card.goal, card.status) == ("Bob's goal", "active")


def test_goal_card_values_off_the_scale_or_the_options_are_refused(studio, workshop, goals_page):
    set_state(studio, workshop, goals_page, GOALS, "open")
    panel = goals_page.stage_view.panel
    send_update(panel.form.visibility, index=7)  # not an option: the widget keeps its value
    assert panel.form.visibility.value == "private"
    send_update(panel.form.visibility, value="everyone")
    assert panel.form.visibility.value == "private"
    send_update(panel.form.confidence, value=42)  # the slider clamps to its scale
    assert panel.form.confidence.value == 10
    # The store checks what reaches it whatever the widgets let through.
    for bad in ({"confidence": 42}, {"visibility": "everyone"}, {"review_date": "2026-13-45"}):
        with pytest.raises(CodesignError):
            studio.goals.cards.add_goal_card(
                goals_page.participant, GOALS, {"what_matters": "a", "goal": "b", **bad}
            )
    assert all_cards(studio, workshop) == []


@pytest.mark.parametrize("field", ["goal", "what_matters", "steps", "barriers", "new_service"])
def test_a_five_megabyte_goal_field_is_refused(studio, workshop, goals_page, field):
    set_state(studio, workshop, goals_page, GOALS, "open")
    panel = goals_page.stage_view.panel
    fill_card(panel)
    send_update(getattr(panel.form, field), value=FIVE_MB)
    send_click(panel.form.save_button)
    assert "too long" in notice(goals_page) or "too many" in notice(goals_page).lower()
    assert all_cards(studio, workshop) == []


def test_a_disabled_dot_button_is_refused_once_the_stage_is_locked(studio, workshop, goals_page):
    set_state(studio, workshop, goals_page, GOALS, "open")
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    studio.goals.cards.add_goal_card(
        bob, GOALS, {"what_matters": "a", "goal": "b", "visibility": "shared"}
    )
    set_state(studio, workshop, goals_page, GOALS, "locked")
    panel = goals_page.stage_view.panel
    panel.refresh({"entries"})
    plus = panel.wall.children[1].children[1].children[0]
    assert plus.description == "Add a dot"
    assert plus.disabled
    send_click(plus)
    assert refused(goals_page)
    assert studio.goals.votes.my_votes(goals_page.participant, GOALS) == {}
    assert studio.goals.votes.votes_placed(workshop.id, GOALS) == 0


def test_a_dot_on_a_private_card_is_refused(studio, workshop, goals_page):
    set_state(studio, workshop, goals_page, GOALS, "open")
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    private = studio.goals.cards.add_goal_card(bob, GOALS, {"what_matters": "a", "goal": "b"})
    assert goals_page.stage_view.panel.vote("card", str(private)) is False
    assert goals_page.stage_view.panel.vote("everything", "x") is False
    assert goals_page.stage_view.panel.vote("card", str(private), delta=5) is False
    assert studio.goals.votes.votes_placed(workshop.id, GOALS) == 0


# -- stakeholder network -------------------------------------------------------------------------
NETWORK = "network"


def network_items(studio, workshop):
    net = studio.network.maps.network_map(workshop.id, NETWORK)
    return [*net.stakeholders, *net.ties]


@pytest.fixture
def network_page(studio, workshop):
    app = phone_on(studio, workshop, NETWORK)
    assert type(app.stage_view.panel).__name__ == "NetworkPanel"
    return app


def fill_stakeholder(panel, name: str = "GP practice") -> None:
    send_update(panel.name, value=name)
    send_update(panel.kind, index=0)


@pytest.mark.parametrize("state", ["closed", "locked"])
def test_stakeholder_in_a_stage_not_open_is_refused(studio, workshop, network_page, state):
    if state != "closed":
        set_state(studio, workshop, network_page, NETWORK, state)
    panel = network_page.stage_view.panel
    assert panel.add_button.disabled
    fill_stakeholder(panel)
    send_click(panel.add_button)
    assert refused(network_page)
    assert network_items(studio, workshop) == []


def test_someone_elses_stakeholder_cannot_be_withdrawn(studio, workshop, network_page):
    set_state(studio, workshop, network_page, NETWORK, "open")
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    theirs = studio.network.edits.add_stakeholder(
        bob, NETWORK, "Bob's clinic", "service", "", "", 5, 5
    )
    assert network_page.stage_view.panel.withdraw(theirs) is False
    assert "yourself" in notice(network_page)
    assert network_page.stage_view.panel.withdraw(10**9) is False
    [item] = network_items(studio, workshop)
    assert item.status == "active"


def test_network_values_off_the_scale_or_the_options_are_refused(studio, workshop, network_page):
    set_state(studio, workshop, network_page, NETWORK, "open")
    panel, me = network_page.stage_view.panel, network_page.participant
    send_update(panel.strength, index=9)
    assert panel.strength.value == 2
    send_update(panel.kind, index=99)
    assert panel.kind.value is None
    send_update(panel.influence, value=99)
    assert panel.influence.value == 10
    send_update(panel.name, value="Nobody")
    send_click(panel.add_button)  # no kind chosen
    assert "kind" in notice(network_page)
    # The store checks ratings, kinds, tie types and strengths whatever the widgets let through.
    for args in (("A", "person", "", "", 99, 5), ("A", "wizard", "", "", 5, 5)):
        with pytest.raises(CodesignError):
            studio.network.edits.add_stakeholder(me, NETWORK, *args)
    a = studio.network.edits.add_stakeholder(me, NETWORK, "A", "person", "", "", 5, 5)
    b = studio.network.edits.add_stakeholder(me, NETWORK, "B", "person", "", "", 5, 5)
    settings = studio.network.maps.network_settings(workshop.id, NETWORK)
    tie_type = settings.tie_types[0].key
    for args in (
        (a, b, tie_type, "forward", 7),
        (a, b, "bribes", "forward", 2),
        (a, 10**9, tie_type, "forward", 2),
        (a, b, tie_type, "sideways", 2),
    ):
        with pytest.raises(CodesignError):
            studio.network.edits.add_tie(me, NETWORK, *args)
    assert len(network_items(studio, workshop)) == 2  # A and B, no tie


@pytest.mark.parametrize("field", ["name", "goals"])
def test_a_five_megabyte_network_field_is_refused(studio, workshop, network_page, field):
    set_state(studio, workshop, network_page, NETWORK, "open")
    panel = network_page.stage_view.panel
    fill_stakeholder(panel)
    send_update(getattr(panel, field), value=FIVE_MB)
    send_click(panel.add_button)
    assert "too long" in notice(network_page)
    assert network_items(studio, workshop) == []


# -- prototype scoring ---------------------------------------------------------------------------
@pytest.fixture
def scoring(studio, workshop):
    stage = studio.scoring.prototypes.scoring_stage(workshop.id)
    prototype = studio.scoring.prototypes.add_prototype(workshop.id, stage, "Walk-in clinic")
    studio.scoring.rounds.set_criteria(workshop.id, stage, "impact_effort")
    studio.scoring.rounds.open_round(workshop.id, stage)
    app = phone_on(studio, workshop, stage)
    assert type(app.stage_view.panel).__name__ == "ScoringPanel"
    round_id = studio.scoring.rounds.rounds(workshop.id, stage)[-1].id
    return {"app": app, "stage": stage, "prototype": prototype, "round": round_id}


def my_scores(studio, scoring):
    return studio.scoring.scores.my_scores(scoring["app"].participant, scoring["round"])


def test_a_score_in_a_closed_round_is_refused(studio, workshop, scoring):
    app, panel = scoring["app"], scoring["app"].stage_view.panel
    studio.scoring.rounds.close_round(workshop.id, scoring["stage"])
    panel.refresh()
    row = panel.rows["impact"]
    assert row.buttons.disabled
    send_update(row.buttons, index=3)
    assert "closed" in notice(app)
    send_update(panel.comment, value="sneaky")
    assert panel.comment_button.disabled
    send_click(panel.comment_button)
    assert "closed" in notice(app)
    assert my_scores(studio, scoring) == ({}, {})


def test_a_score_off_the_scale_or_for_no_criterion_is_refused(studio, workshop, scoring):
    app, panel = scoring["app"], scoring["app"].stage_view.panel
    send_update(panel.rows["impact"].buttons, index=42)  # not an option: nothing happens
    assert my_scores(studio, scoring) == ({}, {})
    for key, value in [("impact", 42), ("impact", -1), ("impact", 2.5), ("magic", 3)]:
        assert panel.score(key, value) is False, (key, value)
        assert refused(app)
    assert my_scores(studio, scoring) == ({}, {})
    send_update(panel.picker, index=5)  # no such prototype in the list
    assert panel.current == scoring["prototype"]
    assert panel.show_prototype(10**9) is False


def test_a_five_megabyte_comment_is_refused(studio, workshop, scoring):
    app, panel = scoring["app"], scoring["app"].stage_view.panel
    send_update(panel.comment, value=FIVE_MB)
    send_click(panel.comment_button)
    assert "too long" in notice(app)
    assert my_scores(studio, scoring) == ({}, {})


def test_someone_elses_scores_stay_theirs(studio, workshop, scoring):
    """Scores are keyed by the page's own participant: no id from the browser picks whose."""
    bob, _ = studio.people.join(workshop.id, "Bob", "provider", True)
    studio.scoring.scores.save_scores(
        bob, scoring["round"], scoring["prototype"], {"impact": 1}, "Bob's"
    )
    panel = scoring["app"].stage_view.panel
    send_update(panel.rows["impact"].buttons, index=4)
    assert my_scores(studio, scoring)[0] == {(scoring["prototype"], "impact"): 5}
    assert studio.scoring.scores.my_scores(bob, scoring["round"]) == (
        {(scoring["prototype"], "impact"): 1},
        {scoring["prototype"]: "Bob's"},
    )


# -- what a participant kernel holds ---------------------------------------------------------------
PRIVATE_GOAL = "Bob-private-goal-7c1e"
PRIVATE_MATTERS = "Bob-private-matters-52aa"
SEALED_COMMENT = "Bob-sealed-comment-9d04"
PRIVATE_CHECKIN = "Bob-private-line-e71b"


@pytest.fixture
def crowded(studio, created):
    """A workshop where Bob has private cards, dots and sealed scores, and a key exists."""
    workshop, key = created
    for stage in ("welcome", GOALS, NETWORK):
        studio.workshops.set_stage_state(workshop.id, stage, "open")
    bob, _ = studio.people.join(workshop.id, "Bob Secretname", "provider", True)
    studio.goals.cards.add_goal_card(
        bob, GOALS, {"what_matters": PRIVATE_MATTERS, "goal": PRIVATE_GOAL}
    )
    shared = studio.goals.cards.add_goal_card(
        bob, GOALS, {"what_matters": "Shared matter", "goal": "Shared goal", "visibility": "shared"}
    )
    studio.goals.votes.vote(bob, GOALS, "card", str(shared))
    studio.goals.votes.vote(bob, GOALS, "card", str(shared))
    studio.network.edits.add_stakeholder(
        bob, NETWORK, "Bob's ally", "person", "", "Bob-private-aims-1f", 9, 9
    )
    stage = studio.scoring.prototypes.scoring_stage(workshop.id)
    prototype = studio.scoring.prototypes.add_prototype(workshop.id, stage, "Walk-in clinic")
    studio.scoring.rounds.set_criteria(workshop.id, stage, "impact_effort")
    studio.scoring.rounds.open_round(workshop.id, stage)
    round_id = studio.scoring.rounds.rounds(workshop.id, stage)[-1].id
    studio.scoring.scores.save_scores(
        bob, round_id, prototype, {"impact": 1, "effort": 4}, SEALED_COMMENT
    )
    return {"workshop": workshop, "key": key, "scoring": stage}


@pytest.mark.parametrize("stage", ["welcome", GOALS, NETWORK, "scoring"])
def test_a_participant_kernel_holds_nothing_private_of_others(studio, crowded, stage):
    workshop, key = crowded["workshop"], crowded["key"]
    stage = crowded["scoring"] if stage == "scoring" else stage
    app = phone_on(studio, workshop, stage)
    if app.stage_view.panel is not None:
        app.stage_view.panel.refresh({"entries", "votes", "goals", "stages", "network", "scoring"})
    states = repr([w.get_state() for w in widget_tree(app)])
    assert "Ann" in states  # the walk reaches the participant's own data
    for secret in (key, PRIVATE_GOAL, PRIVATE_MATTERS, SEALED_COMMENT, "Secretname"):
        assert secret not in states, secret
    assert "Bob-private-aims" not in states  # another person's stakeholder notes
    assert "Everyone:" not in states  # dot totals before the reveal
    assert "Results" not in states  # scores before the reveal
    if stage == GOALS:
        assert "Shared goal" in states  # the walk does reach the group's wall
