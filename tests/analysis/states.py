"""Workshops in every state an analyst meets: one workshop file holding one workshop per state.

:func:`build_states` writes them all into one file (so the comparisons see them side by side)
and returns each state's join code. The report, the analyst notebook and every
``WorkshopData`` method are run on each (tests/analysis/test_states.py).
"""

from __future__ import annotations

from codesign_widgets.cli.demo import create_demo
from codesign_widgets.cli.demo_played import play_demo
from codesign_widgets.core.workshop import StageState
from codesign_widgets.studio import Studio

#: Each state, and what a person should read about it.
STATES = {
    "new": "just created with `codesign new`: nobody has joined",
    "demo": "the workshop `codesign demo` makes, before the day",
    "mid_goals": "stopped mid goal mapping: cards written, dots placed, nothing revealed",
    "round_open": "a scoring round opened and scored but never revealed",
    "care_planning": "a care_planning plan: no stakeholder map, no scoring",
    "empty_map": "the map stage opened, nothing drawn",
    "no_ties": "stakeholders on the map but no tie between them",
    "one_person": "one participant did everything, with hostile text",
    "played": "the demo workshop after the day: every activity has results",
}

HOSTILE_GOAL = "Cost $#@!$ too much"
CARD = {"what_matters": "Getting about", "visibility": "shared"}


def _stage(studio: Studio, workshop_id: int, activity: str) -> str:
    from codesign_widgets.core.templates import load_template

    plan = load_template(studio.workshops.state(workshop_id).template)
    return next(s.key for s in plan.stages if s.activity == activity)


def _mid_goals(studio: Studio) -> str:
    workshop, _key = studio.workshops.create("Mid goal mapping", "codesign_day")
    stage = _stage(studio, workshop.id, "goal_mapping")
    studio.workshops.set_stage_state(workshop.id, stage, StageState.OPEN)
    ann, _t = studio.people.join(workshop.id, "Will", "lived_experience", True)
    bob, _t = studio.people.join(workshop.id, "Bob", "provider", True)
    card = studio.goals.cards.add_goal_card(
        ann, stage, {**CARD, "goal": "Walk to the shops", "services": ["GP"], "barriers": ["Bus"],
                     "confidence": 4}
    )  # fmt: skip
    studio.goals.cards.add_goal_card(bob, stage, {**CARD, "goal": "Sleep through", "confidence": 6})
    studio.goals.votes.vote(bob, stage, "card", str(card))
    return workshop.code


def _round_open(studio: Studio) -> str:
    code, _key = create_demo(studio)
    workshop = studio.workshops.by_code(code)
    stage = studio.scoring.prototypes.scoring_stage(workshop.id)
    studio.workshops.set_stage_state(workshop.id, stage, StageState.OPEN)
    studio.scoring.rounds.open_round(workshop.id, stage)
    round_id = studio.scoring.rounds.rounds(workshop.id, stage)[-1].id
    person = studio.people.participants(workshop.id)[0]
    prototype = studio.scoring.prototypes.prototypes(workshop.id, stage)[0]
    criteria = studio.scoring.rounds.criteria_for(workshop.id, stage)
    studio.scoring.scores.save_scores(
        person, round_id, prototype.id, {c.key: 3 for c in criteria.criteria}
    )
    return code


def _care_planning(studio: Studio) -> str:
    workshop, _key = studio.workshops.create("Care plan", "care_planning")
    stage = _stage(studio, workshop.id, "goal_mapping")
    studio.workshops.set_stage_state(workshop.id, stage, StageState.OPEN)
    person, _t = studio.people.join(workshop.id, "May", "patient", True)
    card = studio.goals.cards.add_goal_card(
        person,
        stage,
        {**CARD, "goal": "Stay at home", "services": ["District nurse"], "confidence": 7},
    )
    studio.goals.votes.vote(person, stage, "card", str(card))
    studio.workshops.set_stage_state(workshop.id, stage, StageState.LOCKED)
    studio.workshops.set_stage_state(workshop.id, stage, StageState.REVEALED)
    return workshop.code


def _map(studio: Studio, title: str, *, draw: bool) -> str:
    workshop, _key = studio.workshops.create(title, "codesign_day")
    stage = _stage(studio, workshop.id, "stakeholder_network")
    studio.workshops.set_stage_state(workshop.id, stage, StageState.OPEN)
    person, _t = studio.people.join(workshop.id, "Rose", "provider", True)
    if draw:
        studio.network.edits.add_stakeholder(person, stage, "GP practice", "organisation",
                                             "provider", "", 7, 6)  # fmt: skip
        studio.network.edits.add_stakeholder(person, stage, "Carer", "person",
                                             "lived_experience", "", 3, 9)  # fmt: skip
    return workshop.code


def _one_person(studio: Studio) -> str:
    """One person through every activity, writing hostile text; every round revealed."""
    from tests.hostile import HOSTILE as STRINGS

    workshop, _key = studio.workshops.create("One person's day", "codesign_day")
    wid = workshop.id
    person, _t = studio.people.join(wid, "Hope", "lived_experience", True)
    goals = _stage(studio, wid, "goal_mapping")
    studio.workshops.set_stage_state(wid, goals, StageState.OPEN)
    card = studio.goals.cards.add_goal_card(
        person, goals, {**CARD, "goal": HOSTILE_GOAL, "services": [STRINGS[0][:80], "$5 or $10"],
                        "barriers": ["$x$ and $y$", STRINGS[-1][:80]], "confidence": 3,
                        "steps": "Ask $GP$ about it"}
    )  # fmt: skip
    studio.goals.votes.vote(person, goals, "card", str(card))
    studio.workshops.set_stage_state(wid, goals, StageState.LOCKED)
    studio.workshops.set_stage_state(wid, goals, StageState.REVEALED)
    net = _stage(studio, wid, "stakeholder_network")
    studio.workshops.set_stage_state(wid, net, StageState.OPEN)
    a = studio.network.edits.add_stakeholder(person, net, "$Money$ people", "organisation",
                                             "system", "", 8, 4)  # fmt: skip
    b = studio.network.edits.add_stakeholder(person, net, HOSTILE_GOAL, "person",
                                             "lived_experience", "", 2, 9)  # fmt: skip
    studio.network.edits.add_tie(person, net, a, b, "money", "forward", 2)
    scoring = studio.scoring.prototypes.scoring_stage(wid)
    studio.workshops.set_stage_state(wid, scoring, StageState.OPEN)
    pid = studio.scoring.prototypes.add_prototype(wid, scoring, HOSTILE_GOAL, "$1 a day", [])
    studio.scoring.rounds.set_criteria(wid, scoring, "desirability_feasibility_viability")
    studio.scoring.rounds.open_round(wid, scoring)
    round_id = studio.scoring.rounds.rounds(wid, scoring)[-1].id
    criteria = studio.scoring.rounds.criteria_for(wid, scoring)
    studio.scoring.scores.save_scores(
        person, round_id, pid, {c.key: 4 for c in criteria.criteria}, "Worth $$ to me"
    )
    studio.scoring.rounds.close_round(wid, scoring)
    studio.scoring.rounds.reveal_round(wid, scoring)
    return workshop.code


def build_states(path) -> dict[str, str]:
    """Write one workshop per state of :data:`STATES` into the workshop file ``path``;
    returns each state's join code."""
    studio = Studio.open(f"sqlite:///{path}")
    try:
        codes = {"new": studio.workshops.create("Just created", "codesign_day")[0].code}
        codes["demo"] = create_demo(studio)[0]
        codes["mid_goals"] = _mid_goals(studio)
        codes["round_open"] = _round_open(studio)
        codes["care_planning"] = _care_planning(studio)
        codes["empty_map"] = _map(studio, "Empty map", draw=False)
        codes["no_ties"] = _map(studio, "Map without ties", draw=True)
        codes["one_person"] = _one_person(studio)
        codes["played"] = create_demo(studio)[0]
        play_demo(studio, codes["played"])
    finally:
        studio.close()
    return codes
