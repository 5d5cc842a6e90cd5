"""The demo workshop after the day: every activity has contributions and revealed results.

:func:`codesign_widgets.cli.demo.create_demo` sets a workshop up for a live try-out (stages ready,
nothing decided yet). :func:`play_demo` then runs it the way a room would, from
``data/demo_played.toml``: more people join, goal cards are written and dotted, a tie is
drawn and withdrawn, two scoring rounds are held and revealed, decisions are recorded, and a
few contributions are withdrawn or hidden. The analyst notebook, the report and the open data
package are built and tested on this workshop.
"""

from __future__ import annotations

import tomllib

from ..core.templates import data_path, load_template
from ..core.workshop import Participant, StageState
from ..scoring.model import CANT_SAY
from ..studio import Studio

__all__ = ["play_demo"]


def _stage_of(studio: Studio, workshop_id: int, activity: str) -> str:
    plan = load_template(studio.workshops.state(workshop_id).template)
    return next(s.key for s in plan.stages if s.activity == activity)


def play_demo(studio: Studio, code: str) -> None:
    """Run the demo workshop ``code`` (made by ``create_demo``) through all its activities."""
    plan = tomllib.loads((data_path() / "demo_played.toml").read_text(encoding="utf-8"))
    workshop = studio.workshops.by_code(code)
    people: list[Participant] = list(studio.people.participants(workshop.id))
    for person in plan.get("participants", []):
        joined, _token = studio.people.join(
            workshop.id, person["display_name"], person["perspective"], consent=True
        )
        people.append(joined)
    _checkin(studio, workshop.id, people)
    _goals(studio, workshop.id, people, plan.get("goal_mapping", {}))
    _network(studio, workshop.id, people, plan.get("stakeholder_network", {}))
    _scoring(studio, workshop.id, people, plan.get("prototype_scoring", {}))
    last = load_template(workshop.template).stages[-1].key
    studio.workshops.set_current_stage(workshop.id, last)


def _checkin(studio: Studio, workshop_id: int, people: list[Participant]) -> None:
    """One check-in line is withdrawn by its author, one hidden by the facilitator."""
    notes = studio.entries.find(workshop_id, activity="checkin")
    if len(notes) >= 2:
        author = next(p for p in people if p.id == notes[-1].author_id)
        studio.entries.withdraw(author, notes[-1].id)
        studio.entries.set_hidden(workshop_id, notes[0].id, True, "Demo: hidden by the facilitator")


def _goals(studio: Studio, workshop_id: int, people: list[Participant], goals: dict) -> None:
    stage = _stage_of(studio, workshop_id, "goal_mapping")
    studio.workshops.set_stage_state(workshop_id, stage, StageState.OPEN)
    studio.goals.cards.set_dot_budget(workshop_id, stage, int(goals.get("budget", 3)))
    ids = {}
    for card in goals.get("cards", []):
        author = people[card["by"]]
        fields = {k: v for k, v in card.items() if k not in ("by", "withdraw", "hide")}
        card_id = studio.goals.cards.add_goal_card(author, stage, fields)
        ids[card["goal"]] = card_id
        if card.get("withdraw"):
            studio.goals.cards.withdraw_goal_card(author, card_id)
        if card.get("hide"):
            studio.entries.set_hidden(workshop_id, card_id, True, "Demo: off topic")
    for dot in goals.get("dots", []):
        if "theme" in dot:
            studio.goals.votes.vote(people[dot["by"]], stage, "theme", dot["theme"])
        else:
            studio.goals.votes.vote(people[dot["by"]], stage, "card", str(ids[dot["goal"]]))
    studio.workshops.set_stage_state(workshop_id, stage, StageState.LOCKED)
    studio.workshops.set_stage_state(workshop_id, stage, StageState.REVEALED)


def _network(studio: Studio, workshop_id: int, people: list[Participant], network: dict) -> None:
    stage = _stage_of(studio, workshop_id, "stakeholder_network")
    tie = network.get("withdrawn_tie")
    names = {
        name: sid for sid, name in studio.network.maps.network_names(workshop_id, stage).items()
    }
    if tie and tie["from"] in names and tie["to"] in names:
        author = people[tie["by"]]
        studio.workshops.set_stage_state(workshop_id, stage, StageState.OPEN)
        tie_id = studio.network.edits.add_tie(
            author, stage, names[tie["from"]], names[tie["to"]], tie["type"], "forward", 1
        )
        studio.network.edits.withdraw_network_item(author, tie_id)
    studio.workshops.set_stage_state(workshop_id, stage, StageState.LOCKED)


def _scoring(studio: Studio, workshop_id: int, people: list[Participant], scoring: dict) -> None:
    stage = studio.scoring.prototypes.scoring_stage(workshop_id)
    titles = {p.title: p.id for p in studio.scoring.prototypes.prototypes(workshop_id, stage)}
    studio.workshops.set_stage_state(workshop_id, stage, StageState.OPEN)
    for round_plan in scoring.get("rounds", []):
        studio.scoring.rounds.open_round(workshop_id, stage)
        round_id = studio.scoring.rounds.rounds(workshop_id, stage)[-1].id
        for row in round_plan.get("scores", []):
            values = {
                k: (CANT_SAY if v == 0 else v)
                for k, v in row.items()
                if k not in ("by", "prototype")
            }
            studio.scoring.scores.save_scores(
                people[row["by"]], round_id, titles[row["prototype"]], values
            )
        for note in round_plan.get("comments", []):
            studio.scoring.scores.save_scores(
                people[note["by"]], round_id, titles[note["prototype"]], {}, note["text"]
            )
        studio.scoring.rounds.close_round(workshop_id, stage)
        studio.scoring.rounds.reveal_round(workshop_id, stage)
    for decision in scoring.get("decisions", []):
        studio.scoring.prototypes.record_decision(
            workshop_id, stage, titles[decision["prototype"]], decision["decision"],
            decision["reason"],
        )  # fmt: skip
    studio.workshops.set_stage_state(workshop_id, stage, StageState.REVEALED)
